package sim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// tinyConfig is a short reference-network run on the fixture: one domain
// with two topics, 6 nodes, 2 rounds.
func tinyConfig(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Collections = []CollectionConfig{{Path: "testdata/tiny", Domain: "tiny"}}
	cfg.Nodes, cfg.Rounds, cfg.Mode, cfg.TTL, cfg.TestQueries = 6, 2, "reference", 6, 3
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRunTinyInvariants checks, on the fixture, that the central index is
// the upper bound, flooding with a TTL covering the ring reaches every
// other node, the traces' messages equal what the network carried, and
// the same seed gives the same results.csv (latency aside).
func TestRunTinyInvariants(t *testing.T) {
	cfg := tinyConfig(t)
	res, err := Run(context.Background(), cfg, NewReferenceNet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRunInvariants(t, cfg, res)
	again, err := Run(context.Background(), cfg, NewReferenceNet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := csvWithoutLatency(t, res), csvWithoutLatency(t, again); a != b {
		t.Errorf("same seed, different results.csv:\n%s\n---\n%s", a, b)
	}
}

// TestReferenceFloodCounts checks flooding's trace on a ring of 8 nodes
// with degree 4: TTL 1 reaches the 4 neighbours with 4 messages; a TTL
// covering the ring reaches all 7 peers, and every message sent is counted
// as carried.
func TestReferenceFloodCounts(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct{ ttl, peers, msgs int }{{1, 4, 4}, {2, 7, 4 + 4*3}, {8, 7, 4 + 4*3 + 3*3}} {
		cfg := tinyConfig(t)
		cfg.TTL = tc.ttl
		net, err := NewReferenceNet(ctx, cfg, 8)
		if err != nil {
			t.Fatal(err)
		}
		res, err := net.Search(ctx, 0, "lift drag", StrategyFlood, 10)
		if err != nil {
			t.Fatal(err)
		}
		if res.PeersContacted != tc.peers || len(res.Reached) != tc.peers || res.Messages != tc.msgs {
			t.Errorf("TTL %d: %d peers (%v), %d messages; want %d peers, %d messages", tc.ttl, res.PeersContacted, res.Reached, res.Messages, tc.peers, tc.msgs)
		}
		if got := net.Carried(); got.Messages != int64(res.Messages) || got.Bytes != res.BytesSent+res.BytesReceived {
			t.Errorf("TTL %d: carried %+v, trace %d messages and %d bytes", tc.ttl, got, res.Messages, res.BytesSent+res.BytesReceived)
		}
		if err := net.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// checkRunInvariants checks what every network must keep: no strategy
// above the central index, flooding reaching every other node (the test's
// configuration lets it), local search silent, and the traces' messages
// and bytes equal to what the network carried.
func checkRunInvariants(t *testing.T, cfg Config, res *Results) {
	t.Helper()
	for r := 0; r <= cfg.Rounds; r++ {
		c, _ := res.value(StrategyCentral, r, MetricNDCG10)
		for _, s := range []string{StrategyLocal, StrategyFlood, StrategyWalk, StrategyInterest} {
			if v, _ := res.value(s, r, MetricNDCG10); v > c+1e-9 {
				t.Errorf("round %d: %s nDCG@10 %.4f above the central index's %.4f", r, s, v, c)
			}
		}
		if p, _ := res.value(StrategyFlood, r, MetricPeers); p != float64(cfg.Nodes-1) {
			t.Errorf("round %d: flooding reached %.2f peers, want %d", r, p, cfg.Nodes-1)
		}
		if m, _ := res.value(StrategyLocal, r, MetricMessages); m != 0 {
			t.Errorf("round %d: local search sent %.2f messages", r, m)
		}
	}
	if res.TraceMessages == 0 || res.TraceMessages != res.Carried.Messages {
		t.Errorf("traces count %d messages, the network carried %d", res.TraceMessages, res.Carried.Messages)
	}
	if res.TraceBytes == 0 || res.TraceBytes != res.Carried.Bytes {
		t.Errorf("traces count %d bytes, the network carried %d", res.TraceBytes, res.Carried.Bytes)
	}
	if err := res.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestReferenceNetRunsOnePersonAtATime checks that the reference
// network, whose searches share a query counter and read every node's
// fingerprint, is not run concurrently whatever Config.Parallel says.
func TestReferenceNetRunsOnePersonAtATime(t *testing.T) {
	cfg := tinyConfig(t)
	net, err := NewReferenceNet(context.Background(), cfg, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer net.Close()
	if got := parallelism(net, 4); got != 1 {
		t.Errorf("reference network runs %d people at once, want 1", got)
	}
}

// TestForEachPersonBoundsAndStops checks the harness's worker pool: every
// person is visited once, never more than par at once, done is counted
// once per person, and a failure is returned as it is and stops the rest.
func TestForEachPersonBoundsAndStops(t *testing.T) {
	x := &experiment{people: make([]Person, 40), par: 4}
	var mu sync.Mutex
	running, most, done := 0, 0, 0
	visits := make([]int, len(x.people))
	err := x.forEachPerson(context.Background(), func(ctx context.Context, i int) error {
		mu.Lock()
		running++
		most = max(most, running)
		visits[i]++
		mu.Unlock()
		time.Sleep(time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	}, func() { done++ })
	if err != nil {
		t.Fatal(err)
	}
	if most > x.par || done != len(x.people) {
		t.Errorf("%d at once (at most %d wanted), done %d times for %d people", most, x.par, done, len(x.people))
	}
	for i, v := range visits {
		if v != 1 {
			t.Errorf("person %d visited %d times", i, v)
		}
	}
	boom := errors.New("boom")
	var calls atomic.Int64
	err = x.forEachPerson(context.Background(), func(ctx context.Context, i int) error {
		calls.Add(1)
		if i == 2 {
			return fmt.Errorf("person %d: %w", i, boom)
		}
		<-ctx.Done() // the others wait until the failure cancels them
		return ctx.Err()
	}, nil)
	if !errors.Is(err, boom) {
		t.Errorf("error %v, want the failing person's", err)
	}
	if n := calls.Load(); n >= int64(len(x.people)) {
		t.Errorf("%d people started after a failure, want the rest skipped", n)
	}
}
