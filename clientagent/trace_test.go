package clientagent

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
)

// A search's trace lists every source asked with its outcome and latency,
// and for a tracing source (the peers) the network trace it returned; in
// JSON it is "trace", with snake_case keys and milliseconds.
func TestResponseTraceListsEachSource(t *testing.T) {
	a := newTestAgent(t)
	net := &NetworkTrace{
		Contacts: []NetworkContact{{Hop: 1, From: "p2p1me", To: "p2p1b", Outcome: "answered", LatencyMS: 3.5, BytesSent: 120, BytesReceived: 900}},
		Messages: 2, BytesSent: 120, BytesReceived: 900, PeersContacted: 1,
	}
	peers := TracingSourceFunc(func(context.Context, *SourceQuery) ([]Hit, *NetworkTrace, error) {
		return []Hit{{URL: "https://peer.example/1", Title: "from a peer", Rank: 1}}, net, nil
	})
	block := make(chan struct{})
	defer close(block)
	silent := SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) { <-block; return nil, nil })
	broken := SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) { return nil, errors.New("503") })
	for name, src := range map[string]Source{"peers": peers, "silent": silent, "broken": broken} {
		if err := a.AddSource(name, src, SourceOptions{Timeout: 100 * time.Millisecond}); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := a.Search(context.Background(), Request{Query: "galaxy", NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{LocalName: SourceAnswered, "peers": SourceAnswered, "silent": SourceTimedOut, "broken": SourceFailed}
	if len(resp.Trace.Sources) != len(want) {
		t.Fatalf("trace %+v, want one entry per source", resp.Trace.Sources)
	}
	for _, s := range resp.Trace.Sources {
		if s.Outcome != want[s.Source] {
			t.Errorf("%s: %s, want %s", s.Source, s.Outcome, want[s.Source])
		}
		if (s.Network != nil) != (s.Source == "peers") {
			t.Errorf("%s: network trace %v, want one for the peers only", s.Source, s.Network)
		}
		if s.Source == "silent" && s.LatencyMS < 100 {
			t.Errorf("silent: latency %vms, want at least its 100ms deadline", s.LatencyMS)
		}
		if s.Source == "peers" && s.Hits != 1 {
			t.Errorf("peers: %d hits, want 1", s.Hits)
		}
	}
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"trace":{"sources":[`, `"latency_ms":`, `"network":{"contacts":[{"hop":1,"from":"p2p1me","to":"p2p1b","outcome":"answered","latency_ms":3.5,"bytes_sent":120,"bytes_received":900,"reported":false}]`,
		`"messages":2`, `"peers_contacted":1`, `"outcome":"timed_out"`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("JSON lacks %s: %s", key, raw)
		}
	}
}

// A request's Timeout bounds the whole search, below a source's own
// deadline, and the trace reports it (omitted when the request sets
// none); a negative one is a bad query, refused before any source is
// asked.
func TestRequestTimeoutBoundsTheSearch(t *testing.T) {
	a := newTestAgent(t)
	asked := make(chan struct{}, 1)
	stuck := SourceFunc(func(ctx context.Context, _ *SourceQuery) ([]Hit, error) {
		asked <- struct{}{}
		<-ctx.Done() // answers only when the search gives up on it
		return nil, ctx.Err()
	})
	if err := a.AddSource("stuck", stuck, SourceOptions{Timeout: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Search(context.Background(), Request{Query: "galaxy", NoProfile: true, Timeout: -time.Second}); !errors.Is(err, index.ErrBadQuery) {
		t.Fatalf("negative timeout: got %v, want a bad query", err)
	}
	select {
	case <-asked:
		t.Fatal("a refused search asked a source")
	default:
	}

	resp, err := a.Search(context.Background(), Request{Query: "galaxy", NoProfile: true, Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Trace.TimeoutMS != 50 {
		t.Errorf("trace timeout_ms %v, want 50", resp.Trace.TimeoutMS)
	}
	var outcome string
	for _, s := range resp.Trace.Sources {
		if s.Source == "stuck" {
			outcome = s.Outcome
		}
	}
	if outcome != SourceTimedOut {
		t.Errorf("the stuck source: %q, want %q: %+v", outcome, SourceTimedOut, resp.Trace.Sources)
	}
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"trace":{"timeout_ms":50,`) {
		t.Errorf("JSON lacks the trace's timeout_ms: %s", raw)
	}
}
