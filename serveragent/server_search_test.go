package serveragent

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/routing"
)

func astroQuery(hops int) PeerQuery {
	return PeerQuery{Terms: []index.WeightedTerm{{Term: "telescop", Weight: 1}, {Term: "galaxi", Weight: 1}}, K: 10, Hops: hops}
}

func hitFrom(res *PeerResults, nodeID string) *Hit {
	for i := range res.Hits {
		if res.Hits[i].NodeID == nodeID {
			return &res.Hits[i]
		}
	}
	return nil
}

// A query from A travels A→B→C when hops allow it, and C's documents come
// back merged, marked with C as the finder and the path C, B.
func TestSearchReachesPeersOfPeersWithinHops(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Flood
	tests := []struct {
		name  string
		hops  int
		wantC bool
	}{
		{"hops 1 stops at B", 1, false},
		{"hops 2 reaches C", 2, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewMemNet()
			a := newNode(t, mem, "a", cfg, nil)
			b := newNode(t, mem, "b", cfg, corpus["cooking"])
			c := newNode(t, mem, "c", cfg, append(corpus["astro"], corpus["private"]...))
			link(t, a, b)
			link(t, b, c)
			res, err := a.node.SearchPeers(context.Background(), astroQuery(tc.hops))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Unresponsive) != 0 {
				t.Fatalf("unresponsive: %+v", res.Unresponsive)
			}
			h := hitFrom(res, c.id.NodeID())
			if (h != nil) != tc.wantC {
				t.Fatalf("C's documents in results = %v, want %v (hits %+v)", h != nil, tc.wantC, res.Hits)
			}
			for i, hit := range res.Hits {
				if hit.Rank != i+1 || !strings.HasPrefix(hit.URL, "https://") {
					t.Errorf("hit %d: rank %d url %q: want rank %d and an https URL (file:// never leaves a node)", i, hit.Rank, hit.URL, i+1)
				}
			}
			if !tc.wantC {
				return
			}
			if want := []string{c.id.NodeID(), b.id.NodeID()}; !slices.Equal(h.Path, want) {
				t.Errorf("path %v, want finder then forwarder %v", h.Path, want)
			}
			if res.Messages != 2 || res.PeersContacted != 2 {
				t.Errorf("messages %d, peers contacted %d; want 2 and 2", res.Messages, res.PeersContacted)
			}
		})
	}
}

// A query never returns to a node that has seen it: visited stops B from
// sending it back to A, and in a diamond (A→B, A→C, B→D, C→D) D answers
// the first copy and refuses the second with ALREADY_EXISTS, which is not
// reported as a failure.
func TestSearchLoopsStoppedByVisitedAndSeenCache(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Flood

	t.Run("A↔B", func(t *testing.T) {
		mem := NewMemNet()
		a := newNode(t, mem, "a", cfg, nil)
		b := newNode(t, mem, "b", cfg, corpus["astro"])
		link(t, a, b)
		link(t, b, a)
		res, err := a.node.SearchPeers(context.Background(), astroQuery(5))
		if err != nil {
			t.Fatal(err)
		}
		if res.Messages != 1 || a.searches.Load() != 0 || b.searches.Load() != 1 {
			t.Fatalf("messages %d, A received %d, B received %d; want 1, 0, 1", res.Messages, a.searches.Load(), b.searches.Load())
		}
	})

	t.Run("diamond", func(t *testing.T) {
		mem := NewMemNet()
		a := newNode(t, mem, "a", cfg, nil)
		b := newNode(t, mem, "b", cfg, nil)
		c := newNode(t, mem, "c", cfg, nil)
		d := newNode(t, mem, "d", cfg, corpus["astro"])
		link(t, a, b, c)
		link(t, b, d)
		link(t, c, d)
		res, err := a.node.SearchPeers(context.Background(), astroQuery(3))
		if err != nil {
			t.Fatal(err)
		}
		if got := d.searches.Load(); got != 2 {
			t.Fatalf("D received %d calls, want 2 (one from B, one from C)", got)
		}
		if len(res.Unresponsive) != 0 {
			t.Errorf("a refused repeat was reported as unresponsive: %+v", res.Unresponsive)
		}
		if hitFrom(res, d.id.NodeID()) == nil {
			t.Fatalf("D's documents missing: %+v", res.Hits)
		}
		urls := map[string]bool{}
		for _, h := range res.Hits {
			if urls[h.URL] {
				t.Errorf("%s twice", h.URL)
			}
			urls[h.URL] = true
		}
	})

	t.Run("same query ID again", func(t *testing.T) {
		mem := NewMemNet()
		a := newNode(t, mem, "a", cfg, nil)
		b := newNode(t, mem, "b", cfg, corpus["astro"])
		cl := rawClient(t, mem, a.id, b)
		req := &p2pirv1.SearchRequest{QueryId: "q1", Origin: a.node.Self().proto(), Text: "telescope", K: 5, Visited: []string{a.id.NodeID()}}
		if _, err := cl.Search(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		_, err := cl.Search(context.Background(), req)
		if status.Code(err) != codes.AlreadyExists {
			t.Fatalf("repeat: %v, want ALREADY_EXISTS", err)
		}
	})
}

// A peer that hangs, or whose server is stopped while it holds the query,
// costs at most the per-peer timeout; the other peer's results arrive and
// the dead one is reported.
func TestSearchDeadPeerCostsAtMostItsTimeout(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Flood
	tests := []struct {
		name string
		stop bool // stop the server once the query arrives, else hang
	}{
		{"hangs", false},
		{"stopped mid-query", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewMemNet()
			arrived := make(chan struct{}, 1)
			stall := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				arrived <- struct{}{}
				<-ctx.Done()
				return nil, ctx.Err()
			}
			a := newNode(t, mem, "a", cfg, nil)
			b := newNode(t, mem, "b", cfg, corpus["astro"])
			c := newNode(t, mem, "c", cfg, corpus["astro"], stall)
			link(t, a, b, c)
			if tc.stop {
				go func() {
					<-arrived
					c.srv.Stop()
				}()
			}
			start := time.Now()
			res, err := a.node.SearchPeers(context.Background(), astroQuery(1))
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			// The claim is a bound: the search ends on C's timeout, not
			// later. The trace says how C's call ended; the wall clock is
			// only checked against a second timeout, slack no load reaches
			// (250 ms of slack failed on a loaded machine).
			if limit := 2 * cfg.PerPeerTimeout; took > limit {
				t.Errorf("took %v, want at most one per-peer timeout (%v), and surely under %v", took, cfg.PerPeerTimeout, limit)
			}
			want := OutcomeTimedOut
			if tc.stop {
				want = OutcomeFailed
			}
			for _, ct := range res.Trace.Contacts {
				if ct.To == c.id.NodeID() && ct.Outcome != want && ct.Outcome != OutcomeTimedOut {
					t.Errorf("C's contact: %s after %.0f ms, want %s", ct.Outcome, ct.LatencyMS, want)
				}
			}
			if hitFrom(res, b.id.NodeID()) == nil {
				t.Errorf("B's results missing: %+v", res.Hits)
			}
			if len(res.Unresponsive) != 1 || res.Unresponsive[0].NodeID != c.id.NodeID() {
				t.Fatalf("unresponsive %+v, want C only", res.Unresponsive)
			}
			t.Logf("took %v; C: %s", took, res.Unresponsive[0].Reason)
		})
	}
}

// Interest routing sends a query on astronomy to the peer whose person
// marked astronomy documents, and to no one else, while flooding reaches
// every peer.
func TestInterestRoutingReachesTheInterestedPeerFloodReachesAll(t *testing.T) {
	corpus := loadCorpus(t)
	tests := []struct {
		strategy     string
		wantMessages uint32
	}{
		{routing.Interest, 1},
		{routing.Flood, 3},
	}
	for _, tc := range tests {
		t.Run(tc.strategy, func(t *testing.T) {
			cfg := testConfig()
			cfg.Strategy = tc.strategy
			cfg.Routing.Fanout = 1
			cfg.Routing.Explore = 0
			mem := NewMemNet()
			a := newNode(t, mem, "a", cfg, nil)
			astro := newNode(t, mem, "astro", cfg, corpus["astro"])
			cook1 := newNode(t, mem, "cook1", cfg, corpus["cooking"])
			cook2 := newNode(t, mem, "cook2", cfg, corpus["cooking"])
			like(t, astro, corpus["astro"][0])
			like(t, astro, corpus["astro"][1])
			like(t, cook1, corpus["cooking"][0])
			like(t, cook2, corpus["cooking"][1])
			link(t, a, astro, cook1, cook2)
			if err := a.node.Gossip(context.Background()); err != nil { // fanout 3: all three
				t.Fatal(err)
			}
			res, err := a.node.SearchPeers(context.Background(), astroQuery(1))
			if err != nil {
				t.Fatal(err)
			}
			if res.Messages != tc.wantMessages {
				t.Errorf("messages %d, want %d", res.Messages, tc.wantMessages)
			}
			if astro.searches.Load() != 1 {
				t.Errorf("the astronomy peer received %d queries, want 1", astro.searches.Load())
			}
			if hitFrom(res, astro.id.NodeID()) == nil {
				t.Errorf("astronomy results missing: %+v", res.Hits)
			}
		})
	}
}

// Answers that break the contract are refused whole and their sender
// reported, while an honest peer's results arrive.
func TestSearchRefusesContractBreakingAnswers(t *testing.T) {
	corpus := loadCorpus(t)
	many := func(req *p2pirv1.SearchRequest, self string) *p2pirv1.SearchResponse {
		resp := &p2pirv1.SearchResponse{QueryId: req.GetQueryId(), Node: &p2pirv1.NodeInfo{NodeId: self}}
		for i := range 10000 {
			resp.Results = append(resp.Results, &p2pirv1.Result{Url: "https://spam.example/" + strconv.Itoa(i), Rank: int32(i + 1), NodeId: self})
		}
		return resp
	}
	huge := func(req *p2pirv1.SearchRequest, self string) *p2pirv1.SearchResponse {
		resp := &p2pirv1.SearchResponse{QueryId: req.GetQueryId(), Node: &p2pirv1.NodeInfo{NodeId: self}}
		resp.Results = append(resp.Results, &p2pirv1.Result{Url: "https://spam.example/", Rank: 1, NodeId: self, Content: strings.Repeat("x", 2<<20)})
		return resp
	}
	forged := func(req *p2pirv1.SearchRequest, _ string) *p2pirv1.SearchResponse {
		return &p2pirv1.SearchResponse{QueryId: req.GetQueryId(), Node: &p2pirv1.NodeInfo{NodeId: "p2p1someoneelse"}}
	}
	tests := []struct {
		name    string
		respond func(*p2pirv1.SearchRequest, string) *p2pirv1.SearchResponse
		reason  string
		outcome string // the rogue's contact in the trace
	}{
		{"10,000 results", many, "invalid response", OutcomeInvalid},
		{"over 1 MiB", huge, "resource exhausted", OutcomeRefused},
		{"another node's ID", forged, "forged node ID", OutcomeInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Strategy = routing.Flood
			mem := NewMemNet()
			a := newNode(t, mem, "a", cfg, nil)
			b := newNode(t, mem, "b", cfg, corpus["astro"])
			r := startRogue(t, mem, "rogue:7070", tc.respond)
			link(t, a, b)
			if err := a.node.UpsertPeer(r); err != nil {
				t.Fatal(err)
			}
			res, err := a.node.SearchPeers(context.Background(), astroQuery(1))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Unresponsive) != 1 || res.Unresponsive[0].NodeID != r.ID || !strings.Contains(res.Unresponsive[0].Reason, tc.reason) {
				t.Fatalf("unresponsive %+v, want the rogue with %q", res.Unresponsive, tc.reason)
			}
			for _, h := range res.Hits {
				if h.NodeID != b.id.NodeID() {
					t.Fatalf("a result not from B survived: %+v", h)
				}
			}
			if len(res.Hits) == 0 {
				t.Fatal("B's results missing")
			}
			for _, c := range res.Trace.Contacts {
				if c.To == r.ID && c.Outcome != tc.outcome {
					t.Errorf("the rogue's contact: %s, want %s", c.Outcome, tc.outcome)
				}
			}
		})
	}
}

// A peer calling faster than its rate is refused with RESOURCE_EXHAUSTED,
// and the limit is per peer: another peer is still served. (The budgets
// that new nodes share, and an address's, are off here; see
// TestRateLimitsThatANewKeyDoesNotReset.)
func TestRateLimitPerPeer(t *testing.T) {
	cfg := testConfig()
	cfg.RatePerPeer = 1
	cfg.Burst = 3
	cfg.RateNew, cfg.RatePerAddress = rate.Inf, rate.Inf
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, nil)
	c := newNode(t, mem, "c", cfg, nil)
	flood := rawClient(t, mem, b.id, a)
	ok, exhausted := 0, 0
	for i := range 10 {
		req := &p2pirv1.SearchRequest{QueryId: "flood" + strconv.Itoa(i+1), Origin: b.node.Self().proto(), Text: "x", K: 1, Visited: []string{b.id.NodeID()}}
		_, err := flood.Search(context.Background(), req)
		switch status.Code(err) {
		case codes.OK:
			ok++
		case codes.ResourceExhausted:
			exhausted++
		default:
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if ok < 3 || ok > 4 || exhausted != 10-ok {
		t.Fatalf("%d served, %d refused; want the burst of 3 (4 if a second passed) served and the rest refused", ok, exhausted)
	}
	other := rawClient(t, mem, c.id, a)
	req := &p2pirv1.SearchRequest{QueryId: "other", Origin: c.node.Self().proto(), Text: "x", K: 1, Visited: []string{c.id.NodeID()}}
	if _, err := other.Search(context.Background(), req); err != nil {
		t.Fatalf("another peer was refused: %v", err)
	}
}

// TestSearchWithoutPeers: a node whose peer table holds no peer answers a
// search at once, as forwarding to nobody would (no hits, no contacts, no
// one unresponsive, the pooled statistics it was given), still refuses a
// query the peers would refuse, and, once it knows a peer, asks it.
func TestSearchWithoutPeers(t *testing.T) {
	corpus := loadCorpus(t)
	mem := NewMemNet()
	a := newNode(t, mem, "a", testConfig(), corpus["cooking"])
	b := newNode(t, mem, "b", testConfig(), corpus["astro"])
	ctx := context.Background()
	if a.node.CanRoute() {
		t.Fatal("a node that knows no peer says it can route a search")
	}
	stats := &index.CorpusStats{Docs: 40, AvgDocLen: 12, DF: map[string]uint64{"telescop": 3, "galaxi": 2}}
	tests := []struct {
		name       string
		q          PeerQuery
		wantCorpus *index.CorpusStats
		wantErr    bool
	}{
		{"terms", astroQuery(2), nil, false},
		{"terms with pooled statistics", PeerQuery{Terms: astroQuery(1).Terms, K: 10, Corpus: stats}, stats, false},
		{"text", PeerQuery{Text: "telescope galaxy", K: 10}, nil, false},
		{"too many terms", PeerQuery{Terms: manyTerms(p2pirv1.MaxTerms + 1), K: 10}, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := a.node.SearchPeers(ctx, tc.q)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want an error: %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if len(res.Hits) != 0 || len(res.Unresponsive) != 0 || res.PeersContacted != 0 || res.Messages != 0 || res.Bytes != 0 ||
				len(res.Trace.Contacts) != 0 || res.Trace.Messages != 0 || res.Trace.PeersContacted != 0 {
				t.Errorf("answer without peers: %+v, want nothing found and no one asked", res)
			}
			if !reflect.DeepEqual(res.Corpus, tc.wantCorpus) {
				t.Errorf("pooled statistics %+v, want %+v", res.Corpus, tc.wantCorpus)
			}
		})
	}
	if b.searches.Load() != 0 {
		t.Fatalf("b was asked %d times before a knew it", b.searches.Load())
	}
	link(t, a, b)
	if !a.node.CanRoute() {
		t.Fatal("a node that knows a peer says it cannot route a search")
	}
	res, err := a.node.SearchPeers(ctx, astroQuery(1))
	if err != nil {
		t.Fatal(err)
	}
	if hitFrom(res, b.id.NodeID()) == nil || res.PeersContacted != 1 {
		t.Fatalf("with a peer: %d peers contacted, hits %+v; want b's astronomy documents", res.PeersContacted, res.Hits)
	}
}

// manyTerms is n distinct weighted terms.
func manyTerms(n int) []index.WeightedTerm {
	out := make([]index.WeightedTerm, n)
	for i := range out {
		out[i] = index.WeightedTerm{Term: fmt.Sprintf("term%d", i), Weight: 1}
	}
	return out
}
