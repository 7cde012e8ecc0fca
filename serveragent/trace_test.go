package serveragent

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// edge is a contact reduced to what a test names: hop, caller, callee.
type edge struct {
	hop      int
	from, to string
}

func edges(tr Trace) []edge {
	out := make([]edge, 0, len(tr.Contacts))
	for _, c := range tr.Contacts {
		out = append(out, edge{c.Hop, c.From, c.To})
	}
	return out
}

// searchCounts sums, over nodes, the Search requests their servers
// received and the responses they sent.
func searchCounts(nodes ...*tnode) (requests, responses int64) {
	for _, tn := range nodes {
		s := tn.node.RPCStats().Server[MethodSearch]
		requests += s.Requests
		responses += s.Responses
	}
	return requests, responses
}

// requestsAndResponses counts the trace's request and response messages.
func requestsAndResponses(tr Trace) (requests, responses int64) {
	for _, c := range tr.Contacts {
		if c.BytesSent > 0 {
			requests++
		}
		if c.BytesReceived > 0 {
			responses++
		}
	}
	return requests, responses
}

// Flooding on a line a–b–c–d (links both ways) with h hops reaches exactly
// the nodes within h hops, the trace lists each call with its hop (the
// origin's own unreported, the rest reported), and its message counts
// equal what the nodes' servers counted.
func TestFloodTraceListsEveryContactWithinHops(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Walk // the query's strategy overrides it
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, corpus["astro"])
	c := newNode(t, mem, "c", cfg, corpus["astro"])
	d := newNode(t, mem, "d", cfg, corpus["astro"])
	link(t, a, b)
	link(t, b, a, c)
	link(t, c, b, d)
	link(t, d, c)
	id := func(tn *tnode) string { return tn.id.NodeID() }
	all := []edge{{1, id(a), id(b)}, {2, id(b), id(c)}, {3, id(c), id(d)}}
	for hops := 1; hops <= 4; hops++ {
		t.Run(fmt.Sprintf("%d hops", hops), func(t *testing.T) {
			reqBefore, respBefore := searchCounts(b, c, d)
			q := astroQuery(hops)
			q.Strategy = routing.Flood
			res, err := a.node.SearchPeers(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			want := all[:min(hops, len(all))]
			if got := edges(res.Trace); !slices.Equal(got, want) {
				t.Fatalf("contacts %+v, want %+v", got, want)
			}
			for _, ct := range res.Trace.Contacts {
				if ct.Outcome != OutcomeAnswered || ct.BytesSent == 0 || ct.BytesReceived == 0 {
					t.Errorf("contact %+v: want answered with bytes both ways", ct)
				}
				if ct.Reported != (ct.Hop > 1) {
					t.Errorf("contact %+v: reported %v, want %v", ct, ct.Reported, ct.Hop > 1)
				}
			}
			if res.Trace.PeersContacted != len(want) || res.Trace.Messages != 2*len(want) {
				t.Errorf("peers %d, messages %d; want %d, %d", res.Trace.PeersContacted, res.Trace.Messages, len(want), 2*len(want))
			}
			t.Logf("%d hops: %d contacts, %d messages, %d bytes sent, %d received", hops, len(res.Trace.Contacts),
				res.Trace.Messages, res.Trace.BytesSent, res.Trace.BytesReceived)
			reqAfter, respAfter := searchCounts(b, c, d)
			tReq, tResp := requestsAndResponses(res.Trace)
			if reqAfter-reqBefore != tReq || respAfter-respBefore != tResp {
				t.Errorf("servers carried %d requests, %d responses; the trace says %d, %d",
					reqAfter-reqBefore, respAfter-respBefore, tReq, tResp)
			}
		})
	}
	if got := a.node.RPCStats().Client[MethodSearch]; got.Requests != 4 || got.Responses != 4 || got.RequestBytes == 0 {
		t.Errorf("origin's client counters %+v, want 4 requests and responses (one per search)", got)
	}
}

// On one running network, a query's strategy and fan-out override the
// nodes' own: interest routing (the default here) asks only the peer whose
// person likes astronomy, flooding asks every peer, a walk with fan-out 2
// asks two.
func TestQueryStrategyOverridesNodeDefault(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Interest
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
	if err := a.node.Gossip(context.Background()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		strategy string
		fanOut   int
		want     int  // contacts
		astro    bool // the astronomy peer must be among them
	}{
		{"", 0, 1, true},
		{routing.Flood, 0, 3, true},
		{routing.Walk, 2, 2, false},
		// Fan-out is a cap: the cooking peers' summaries hold nothing of
		// an astronomy query, so interest routing asks the astronomy peer
		// alone.
		{routing.Interest, 2, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.strategy+"/"+fmt.Sprint(tc.fanOut), func(t *testing.T) {
			q := astroQuery(1)
			q.Strategy, q.FanOut = tc.strategy, tc.fanOut
			res, err := a.node.SearchPeers(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			var to []string
			for _, c := range res.Trace.Contacts {
				to = append(to, c.To)
			}
			if len(to) != tc.want {
				t.Fatalf("asked %d peers %v, want %d", len(to), to, tc.want)
			}
			if tc.astro && !slices.Contains(to, astro.id.NodeID()) {
				t.Errorf("the astronomy peer was not asked: %v", to)
			}
		})
	}
}

// A peer that stalls shows as timed_out (its request went out, no
// response came), one that refuses as refused, one that cannot be reached
// as failed with nothing sent; the trace's requests still equal what the
// servers received.
func TestTraceOutcomes(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Flood
	mem := NewMemNet()
	stall := func(ctx context.Context, _ any, _ *grpc.UnaryServerInfo, _ grpc.UnaryHandler) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	refuse := func(context.Context, any, *grpc.UnaryServerInfo, grpc.UnaryHandler) (any, error) {
		return nil, status.Error(codes.ResourceExhausted, "over the rate limit")
	}
	a := newNode(t, mem, "a", cfg, nil)
	ok := newNode(t, mem, "ok", cfg, corpus["astro"])
	slow := newNode(t, mem, "slow", cfg, corpus["astro"], stall)
	busy := newNode(t, mem, "busy", cfg, corpus["astro"], refuse)
	link(t, a, ok, slow, busy)
	goneID, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	gone := NodeInfo{ID: goneID.NodeID(), Addr: "gone:7070"} // nothing listens there
	if err := a.node.UpsertPeer(gone); err != nil {
		t.Fatal(err)
	}

	res, err := a.node.SearchPeers(context.Background(), astroQuery(1))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		outcome        string
		sent, received bool
	}{
		ok.id.NodeID():   {OutcomeAnswered, true, true},
		slow.id.NodeID(): {OutcomeTimedOut, true, false},
		busy.id.NodeID(): {OutcomeRefused, true, false},
		gone.ID:          {OutcomeFailed, false, false},
	}
	if len(res.Trace.Contacts) != len(want) {
		t.Fatalf("contacts %+v, want one per peer", res.Trace.Contacts)
	}
	for _, c := range res.Trace.Contacts {
		w := want[c.To]
		if c.Outcome != w.outcome || (c.BytesSent > 0) != w.sent || (c.BytesReceived > 0) != w.received {
			t.Errorf("contact to %s: %+v, want %+v", c.To, c, w)
		}
	}
	if res.Trace.Messages != 4 {
		t.Errorf("messages %d, want 4 (three requests, one response)", res.Trace.Messages)
	}
	req, _ := searchCounts(ok, slow, busy)
	if tReq, _ := requestsAndResponses(res.Trace); req != tReq {
		t.Errorf("servers received %d requests, the trace says %d", req, tReq)
	}
}

// A peer's report is checked before it is used: a sub-trace over the cap,
// or one naming calls the peer did not make, gets the whole answer refused
// (outcome invalid) while an honest peer's answer and report are kept.
func TestLyingSubTraceRefused(t *testing.T) {
	corpus := loadCorpus(t)
	contact := func(hop int32, from, to string) *p2pirv1.TraceContact {
		return &p2pirv1.TraceContact{Hop: hop, From: from, To: to, Outcome: p2pirv1.ContactOutcome_CONTACT_OUTCOME_ANSWERED, BytesSent: 10, BytesReceived: 10}
	}
	answer := func(trace func(self string) []*p2pirv1.TraceContact) func(*p2pirv1.SearchRequest, string) *p2pirv1.SearchResponse {
		return func(req *p2pirv1.SearchRequest, self string) *p2pirv1.SearchResponse {
			return &p2pirv1.SearchResponse{QueryId: req.GetQueryId(), Node: &p2pirv1.NodeInfo{NodeId: self}, Trace: trace(self)}
		}
	}
	tests := []struct {
		name    string
		respond func(*p2pirv1.SearchRequest, string) *p2pirv1.SearchResponse
		reason  string
	}{
		{"257 contacts", answer(func(self string) []*p2pirv1.TraceContact {
			var tr []*p2pirv1.TraceContact
			for i := range p2pirv1.MaxTraceContacts + 1 {
				tr = append(tr, contact(1, self, fmt.Sprintf("p2p1fake%d", i)))
			}
			return tr
		}), "257 contacts"},
		{"calls made by another node", answer(func(string) []*p2pirv1.TraceContact {
			return []*p2pirv1.TraceContact{contact(1, "p2p1someoneelse", "p2p1fake")}
		}), "not the responder"},
		{"a call from a node it never reached", answer(func(self string) []*p2pirv1.TraceContact {
			return []*p2pirv1.TraceContact{contact(1, self, "p2p1x"), contact(2, "p2p1y", "p2p1z")}
		}), "answered no call"},
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
			if len(res.Trace.Contacts) != 2 {
				t.Fatalf("contacts %+v, want B's and the rogue's only (its report dropped)", res.Trace.Contacts)
			}
			for _, c := range res.Trace.Contacts {
				want := OutcomeAnswered
				if c.To == r.ID {
					want = OutcomeInvalid
				}
				if c.Outcome != want || c.Reported {
					t.Errorf("contact %+v: want %s, observed", c, want)
				}
			}
			if len(res.Unresponsive) != 1 || !strings.Contains(res.Unresponsive[0].Reason, tc.reason) {
				t.Errorf("unresponsive %+v, want the rogue with %q", res.Unresponsive, tc.reason)
			}
		})
	}
}

// A request naming an unknown strategy, or a fan-out over the cap, is
// refused with INVALID_ARGUMENT; SearchPeers refuses to send one.
func TestUnknownStrategyRefused(t *testing.T) {
	cfg := testConfig()
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, nil)
	cl := rawClient(t, mem, b.id, a)
	tests := []struct {
		name     string
		strategy string
		fanOut   int32
	}{
		{"unknown strategy", "gossip", 0},
		{"fan-out over the cap", routing.Flood, p2pirv1.MaxFanOut + 1},
		{"negative fan-out", routing.Walk, -1},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := &p2pirv1.SearchRequest{QueryId: fmt.Sprintf("bad%d", i), Origin: b.node.Self().proto(), Text: "x", K: 1,
				Visited: []string{b.id.NodeID()}, Strategy: tc.strategy, FanOut: tc.fanOut}
			if _, err := cl.Search(context.Background(), req); status.Code(err) != codes.InvalidArgument {
				t.Errorf("got %v, want INVALID_ARGUMENT", err)
			}
			q := astroQuery(1)
			q.Strategy, q.FanOut = tc.strategy, int(tc.fanOut)
			if _, err := b.node.SearchPeers(context.Background(), q); err == nil {
				t.Error("SearchPeers sent it")
			}
		})
	}
}

// The trace's JSON has snake_case keys and latencies in milliseconds.
func TestTraceJSON(t *testing.T) {
	tr := newTrace([]Contact{{Hop: 1, From: "p2p1a", To: "p2p1b", Outcome: OutcomeAnswered, LatencyMS: 1.5, BytesSent: 10, BytesReceived: 20}}, 0)
	raw, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"contacts"`, `"messages":2`, `"bytes_sent":10`, `"bytes_received":20`, `"peers_contacted":1`,
		`"latency_ms":1.5`, `"hop":1`, `"from":"p2p1a"`, `"outcome":"answered"`, `"reported":false`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("%s lacks %s", raw, key)
		}
	}
}

// Forwarders route with the asker's strategy, not their own: with the
// nodes' default a one-walker walk, B forwards a query to one of its three
// peers; told to flood, it forwards to all three.
func TestForwardersUseTheQueryStrategy(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Strategy = routing.Walk
	cfg.Routing.Walkers = 1
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	b := newNode(t, mem, "b", cfg, corpus["astro"])
	c := newNode(t, mem, "c", cfg, corpus["astro"])
	d := newNode(t, mem, "d", cfg, corpus["astro"])
	e := newNode(t, mem, "e", cfg, corpus["astro"])
	link(t, a, b)
	link(t, b, c, d, e)
	tests := []struct {
		strategy string
		atHop2   int
	}{
		{"", 1},
		{routing.Flood, 3},
		{routing.Walk, 1},
	}
	for _, tc := range tests {
		t.Run("strategy "+tc.strategy, func(t *testing.T) {
			q := astroQuery(2)
			q.Strategy = tc.strategy
			res, err := a.node.SearchPeers(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, ct := range res.Trace.Contacts {
				if ct.Hop == 2 {
					n++
					if ct.From != b.id.NodeID() || !ct.Reported || ct.Outcome != OutcomeAnswered {
						t.Errorf("hop-2 contact %+v: want reported, from B, answered", ct)
					}
				}
			}
			if n != tc.atHop2 {
				t.Errorf("B forwarded to %d peers, want %d: %+v", n, tc.atHop2, res.Trace.Contacts)
			}
		})
	}
}
