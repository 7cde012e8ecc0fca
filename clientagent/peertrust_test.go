package clientagent

import (
	"context"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/usermodel"
)

// relay is a source that relays peers, as the node's peers source does:
// it answers with the hits it is given, in order, and names the peers
// that failed.
type relay struct {
	mu   sync.Mutex
	hits []Hit
	bad  []Unresponsive
}

func (r *relay) set(hits []Hit, bad []Unresponsive) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hits, r.bad = hits, bad
}

func (r *relay) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) {
	a, err := r.SearchReport(ctx, q)
	return a.Hits, err
}

func (r *relay) SearchReport(ctx context.Context, q *SourceQuery) (SourceAnswer, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return SourceAnswer{Hits: slices.Clone(r.hits), Unresponsive: slices.Clone(r.bad)}, nil
}

// peerHit is a hit peer id found, about jaguars (so marks on it have
// terms), at rank in the relayed list.
func peerHit(id, url string, rank int) Hit {
	return Hit{URL: url, Title: "jaguar " + url, Content: "the jaguar " + url + " in the rainforest", Score: 1 / float64(60+rank), Rank: rank, Origin: PeerName(id)}
}

const (
	urlA1, urlA2 = "https://alice.example/1", "https://alice.example/2"
	urlB1, urlB2 = "https://bob.example/1", "https://bob.example/2"
	urlShared    = "https://both.example/jaguar"
)

// peerFixture is an agent over the test corpus with a relay of peers A
// and B (and a shared result both found) under a clock the test moves.
type peerFixture struct {
	agentFixture
	relay *relay
	now   time.Time
	clock *sync.Mutex
}

func newPeerFixture(t *testing.T, cfg Config) *peerFixture {
	t.Helper()
	f := &peerFixture{agentFixture: newAgentFixture(t, cfg), relay: &relay{}, now: time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC), clock: &sync.Mutex{}}
	f.ag.now = func() time.Time { f.clock.Lock(); defer f.clock.Unlock(); return f.now }
	if err := f.ag.AddSource("peers", f.relay, SourceOptions{PerPeer: true}); err != nil {
		t.Fatal(err)
	}
	f.relay.set([]Hit{
		peerHit("A", urlA1, 1), peerHit("B", urlB1, 2), peerHit("A", urlShared, 3), peerHit("B", urlShared, 4),
		peerHit("A", urlA2, 5), peerHit("B", urlB2, 6),
	}, []Unresponsive{{Engine: PeerName("C"), Error: "did not answer within 800ms"}})
	return f
}

func (f *peerFixture) advance(d time.Duration) {
	f.clock.Lock()
	defer f.clock.Unlock()
	f.now = f.now.Add(d)
}

// trust returns the learned trust of every kept peer by ID.
func (f *peerFixture) trust(t *testing.T) map[string]PeerTrust {
	t.Helper()
	ps, err := f.ag.Peers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]PeerTrust{}
	for _, p := range ps {
		out[p.NodeID] = p
	}
	return out
}

// scoreOf is the fused score of url in resp (which must show it).
func scoreOf(t *testing.T, resp *Response, url string) float64 {
	t.Helper()
	for _, r := range resp.Results {
		if r.URL == url {
			return r.Score
		}
	}
	t.Fatalf("%s not shown: %v", url, shownURLs(resp.Results))
	return 0
}

// TestEachPeerIsFusedAsItsOwnSource: the relay's hits are fused as one
// list per peer, named after it, at the ranks the relay gave them (so at
// the prior each result scores what it scored in the relay's one list:
// 1/(60+rank)); a result two peers found names both; failed peers are
// reported by name, and the relay itself counts as answered.
func TestEachPeerIsFusedAsItsOwnSource(t *testing.T) {
	f := newPeerFixture(t, DefaultConfig())
	resp := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true})
	want := map[string][2][]any{
		urlA1:     {{PeerName("A")}, {1}},
		urlA2:     {{PeerName("A")}, {5}},
		urlB1:     {{PeerName("B")}, {2}},
		urlB2:     {{PeerName("B")}, {6}},
		urlShared: {{PeerName("A"), PeerName("B")}, {3, 4}},
	}
	for _, r := range resp.Results {
		w, ok := want[r.URL]
		if !ok {
			continue
		}
		var engines, positions []any
		for i := range r.Engines {
			engines, positions = append(engines, r.Engines[i]), append(positions, r.Positions[i])
		}
		if !slices.Equal(engines, w[0]) || !slices.Equal(positions, w[1]) {
			t.Errorf("%s: engines %v at %v, want %v at %v", r.URL, r.Engines, r.Positions, w[0], w[1])
		}
		if want := 1 / float64(RRFK+r.Positions[0]); len(r.Engines) == 1 && math.Abs(r.Score-want) > 1e-12 {
			t.Errorf("%s: fused score %v at the prior, want 1/(60+%d) = %v as in the relay's one list", r.URL, r.Score, r.Positions[0], want)
		}
		delete(want, r.URL)
	}
	if len(want) != 0 {
		t.Errorf("peers' results not shown: %v", want)
	}
	if len(resp.Unresponsive) != 1 || resp.Unresponsive[0].Engine != PeerName("C") || !strings.Contains(resp.Unresponsive[0].Error, "800ms") {
		t.Errorf("unresponsive %+v, want peer C and why", resp.Unresponsive)
	}
	var relayTrace *SourceTrace
	for i, s := range resp.Trace.Sources {
		if s.Source == "peers" {
			relayTrace = &resp.Trace.Sources[i]
		}
	}
	if relayTrace == nil || relayTrace.Outcome != SourceAnswered || relayTrace.Hits != 6 {
		t.Errorf("trace of the relay %+v, want one entry, answered with 6 hits", relayTrace)
	}
	tr := f.trust(t)
	if len(tr) != 2 || tr["A"].Answers != 1 || tr["B"].Answers != 1 || tr["A"].WeightFactor != 1 {
		t.Errorf("peers kept %+v, want A and B at the prior, one answer each (C failed: not seen)", tr)
	}
}

// TestAMarkOnOnePeersResultLeavesTheOtherPeersWeight: "not interested" on
// a result of A lowers A's weight and leaves B's, in the store and in the
// fused scores of the next search; a result both found teaches both.
func TestAMarkOnOnePeersResultLeavesTheOtherPeersWeight(t *testing.T) {
	f := newPeerFixture(t, DefaultConfig())
	before := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true})
	f.mark(t, before, urlA1, false)
	tr := f.trust(t)
	if tr["A"].NotInterested != 1 || tr["A"].WeightFactor >= 1 {
		t.Errorf("A after a - mark: %+v, want one mark against, weight below 1", tr["A"])
	}
	if tr["B"].Evidence() != 0 || tr["B"].WeightFactor != 1 {
		t.Errorf("B after a mark on A's result: %+v, want untouched at the prior", tr["B"])
	}
	for _, st := range mustSources(t, f.ag) {
		if st.Name == "peers" && (st.Alpha != 1 || st.Beta != 1) {
			t.Errorf("the relay as a whole learned %v/%v: marks must teach only the peers", st.Alpha, st.Beta)
		}
	}
	after := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true})
	if got, was := scoreOf(t, after, urlB1), scoreOf(t, before, urlB1); got != was {
		t.Errorf("B's best result scored %v before the mark on A's, %v after: want unchanged", was, got)
	}
	if got, was := scoreOf(t, after, urlA1), scoreOf(t, before, urlA1); got >= was {
		t.Errorf("A's best result scored %v before, %v after A's result was rejected: want lower", was, got)
	}

	f.mark(t, after, urlShared, true)
	tr = f.trust(t)
	if tr["A"].Interested != 1 || tr["B"].Interested != 1 || tr["B"].NotInterested != 0 {
		t.Errorf("after + on a result both found: A %+v, B %+v; want one + each", tr["A"], tr["B"])
	}
}

func mustSources(t *testing.T, ag *Agent) []SourceStats {
	t.Helper()
	st, err := ag.Sources(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestPeerTrustDecaysTowardsThePrior: a mark weighs 1, then 1/2 after a
// half-life and 1/4 after two, so the weight returns towards 1; undoing a
// decayed mark takes back exactly what is left of it.
func TestPeerTrustDecaysTowardsThePrior(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trust.HalfLife = 10 * 24 * time.Hour
	f := newPeerFixture(t, cfg)
	resp := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true})
	f.mark(t, resp, urlA1, false)
	f.mark(t, resp, urlA2, false)
	steps := []struct {
		after  time.Duration
		marks  float64
		weight float64
	}{
		{0, 2, 2.0 / 4},
		{cfg.Trust.HalfLife, 1, 2.0 / 3},
		{cfg.Trust.HalfLife, 0.5, 2 * 1 / 2.5},
		{20 * cfg.Trust.HalfLife, 0.5 / (1 << 20), 1},
	}
	for i, s := range steps {
		f.advance(s.after)
		a := f.trust(t)["A"]
		if math.Abs(a.NotInterested-s.marks) > 1e-9 || math.Abs(a.WeightFactor-s.weight) > 1e-6 {
			t.Errorf("step %d: A has %v marks against, weight %v; want %v, %v", i, a.NotInterested, a.WeightFactor, s.marks, s.weight)
		}
	}
	// The last mark was made 22 half-lives ago; undoing it leaves the
	// other's remainder, never a negative count.
	if _, _, err := f.ag.Undo(context.Background()); err != nil {
		t.Fatal(err)
	}
	if a := f.trust(t)["A"]; math.Abs(a.NotInterested-0.5/(1<<21)) > 1e-12 {
		t.Errorf("after undoing one of two equal decayed marks: %v, want half of what was left", a.NotInterested)
	}
}

// TestPeerTrustOutlivesReopeningTheStore: trust learned before the store
// is closed is there, decayed by the time that passed, when it opens
// again.
func TestPeerTrustOutlivesReopeningTheStore(t *testing.T) {
	dir := t.TempDir()
	cfg := DefaultConfig()
	clock := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	open := func() (*Agent, *relay, func()) {
		t.Helper()
		f := newAgentFixture(t, cfg) // the index only; the store is ours
		st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.StoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ag, err := New(f.ix, st, cfg)
		if err != nil {
			t.Fatal(err)
		}
		ag.now = func() time.Time { return clock }
		r := &relay{}
		r.set([]Hit{peerHit("A", urlA1, 1), peerHit("B", urlB1, 2)}, nil)
		if err := ag.AddSource("peers", r, SourceOptions{PerPeer: true}); err != nil {
			t.Fatal(err)
		}
		return ag, r, func() { st.Close() }
	}
	ag, _, closeStore := open()
	resp, err := ag.Search(context.Background(), Request{Query: "jaguar", NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := ag.Mark(context.Background(), resp.QueryID, urlB1, true); err != nil {
		t.Fatal(err)
	}
	closeStore()
	clock = clock.Add(cfg.Trust.HalfLife)
	ag, _, closeStore = open()
	defer closeStore()
	ps, err := ag.Peers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].NodeID != "B" || math.Abs(ps[0].Interested-0.5) > 1e-9 || ps[1].Evidence() != 0 {
		t.Fatalf("after reopening a half-life later: %+v; want B first with half a mark, A with none", ps)
	}
}

// TestPeerTrustIsCappedForgettingTheLeastRecentlySeen: with room for two
// peers, a third pushes out the one seen least recently, whatever it had
// earned; the sources listing groups the peers and lists those with the
// most evidence first.
func TestPeerTrustIsCappedForgettingTheLeastRecentlySeen(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trust.MaxPeers = 2
	cfg.ListPeers = 1
	f := newPeerFixture(t, cfg)
	resp := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true}) // A and B seen
	f.mark(t, resp, urlB1, true)                                          // B has evidence
	f.advance(time.Hour)
	f.relay.set([]Hit{peerHit("A", urlA1, 1)}, nil)
	f.search(t, Request{Query: "jaguar", NoProfile: true}) // A seen again: B is now the stalest
	f.advance(time.Hour)
	f.relay.set([]Hit{peerHit("C", "https://carol.example/1", 1)}, nil)
	f.search(t, Request{Query: "jaguar", NoProfile: true})
	tr := f.trust(t)
	if _, ok := tr["B"]; ok || len(tr) != 2 || tr["A"].Answers != 2 || tr["C"].Answers != 1 {
		t.Fatalf("kept %+v, want A (2 answers) and C, B forgotten as seen least recently", tr)
	}
	f.mark(t, resp, urlA1, true)
	for _, st := range mustSources(t, f.ag) {
		if st.Name != "peers" {
			continue
		}
		if st.Peers == nil || st.Peers.Count != 2 || len(st.Peers.Top) != 1 || st.Peers.Top[0].NodeID != "A" {
			t.Fatalf("peers in the sources listing: %+v, want 2 kept, A listed (most evidence)", st.Peers)
		}
		return
	}
	t.Fatal("no peers source in the listing")
}

// TestAStrangerWeighsWhatTheLocalIndexWeighs: a peer's prior has the
// local index's learned precision as its mean, so before any mark every
// peer weighs 1, and marks on a result only the local index found move
// every stranger with it (a stranger is trusted as much as the person's
// own index, no more) while a marked peer keeps its own evidence.
func TestAStrangerWeighsWhatTheLocalIndexWeighs(t *testing.T) {
	f := newPeerFixture(t, DefaultConfig())
	resp := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true})
	if s, err := f.ag.Stranger(context.Background()); err != nil || s.WeightFactor != 1 {
		t.Fatalf("a stranger before any mark: %+v, %v; want weight 1", s, err)
	}
	f.mark(t, resp, urlA1, false) // A: one mark against
	for _, u := range []string{corpusCat, corpusPredator} {
		if rankOf(resp.Results, u) == 0 {
			t.Fatalf("test premise: %s (local only) not shown", u)
		}
		f.mark(t, resp, u, false) // the local index: two marks against
	}
	local := 1.0 / 4 // Beta(1, 1) and two marks against
	s, err := f.ag.Stranger(context.Background())
	if err != nil || math.Abs(s.Precision-local) > 1e-12 || math.Abs(s.WeightFactor-2*local) > 1e-12 {
		t.Fatalf("a stranger after the local index's two rejections: %+v, %v; want precision %v", s, err, local)
	}
	tr := f.trust(t)
	if b := tr["B"]; math.Abs(b.WeightFactor-2*local) > 1e-12 {
		t.Errorf("B (never marked) weighs %v, want the local index's %v", b.WeightFactor, 2*local)
	}
	if a, want := tr["A"], 2*(2*local+0)/(2+1); math.Abs(a.WeightFactor-want) > 1e-6 {
		t.Errorf("A (one mark against) weighs %v, want %v", a.WeightFactor, want)
	}
}

// TestPeerTrustWithANegativeHalfLifeNeverDecays: with HalfLife negative
// (a simulation's nodes), a mark weighs 1 however much time passes, so
// the trust does not depend on how fast the marks came.
func TestPeerTrustWithANegativeHalfLifeNeverDecays(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Trust.HalfLife = -1
	f := newPeerFixture(t, cfg)
	resp := f.search(t, Request{Query: "jaguar", K: 20, NoProfile: true})
	f.mark(t, resp, urlA1, false)
	for i, after := range []time.Duration{0, time.Second, 365 * 24 * time.Hour} {
		f.advance(after)
		if a := f.trust(t)["A"]; a.NotInterested != 1 || math.Abs(a.WeightFactor-2.0/3) > 1e-12 {
			t.Errorf("step %d: A has %v marks against, weight %v; want 1 and 2/3", i, a.NotInterested, a.WeightFactor)
		}
	}
}

// TestAPeerWhoseResultsAreRejectedIsIgnoredUntilOneIsLiked: peer A brings
// twenty-five results the person rejects one by one. A is ignored exactly once it
// has IgnoreAfter rejections and its precision is below IgnoreBelow of a
// stranger's (the twentieth, at the defaults); from then on A's hits are
// dropped from the answer, named as ignored, while B's still come.
// Forgetting with time does not lift it; one result of A marked
// interested (from an earlier answer) does.
func TestAPeerWhoseResultsAreRejectedIsIgnoredUntilOneIsLiked(t *testing.T) {
	cfg := DefaultConfig()
	f := newPeerFixture(t, cfg)
	var hits []Hit
	var urlsA []string
	for i := range 25 {
		u := "https://alice.example/spam/" + string(rune('a'+i))
		urlsA = append(urlsA, u)
		hits = append(hits, peerHit("A", u, 2*i+1))
		if i < 10 {
			hits = append(hits, peerHit("B", "https://bob.example/"+string(rune('a'+i)), 2*i+2))
		}
	}
	f.relay.set(hits, nil)
	first := f.search(t, Request{Query: "jaguar", K: 50, NoProfile: true})
	stranger, err := f.ag.Stranger(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ignoredAt := 0
	for i, u := range urlsA {
		f.mark(t, first, u, false)
		a := f.trust(t)["A"]
		want := a.Precision < cfg.Trust.IgnoreBelow*stranger.Precision && a.NotInterested >= cfg.Trust.IgnoreAfter && a.Interested < 1
		if ignoredAt > 0 {
			want = true // it stays ignored
		}
		if a.Ignored != want {
			t.Fatalf("after %d rejections (precision %.3f, a stranger's %.3f): ignored %v, want %v", i+1, a.Precision, stranger.Precision, a.Ignored, want)
		}
		if a.Ignored && ignoredAt == 0 {
			ignoredAt = i + 1
		}
		if b := f.trust(t)["B"]; b.Ignored || b.Evidence() != 0 {
			t.Fatalf("B after rejections of A's results: %+v, want untouched", b)
		}
	}
	if ignoredAt != 20 {
		t.Errorf("A ignored after %d rejections, want 20 at the defaults", ignoredAt)
	}
	dropped := func(resp *Response) bool {
		t.Helper()
		for _, r := range resp.Results {
			if slices.Contains(r.Engines, PeerName("A")) {
				return false
			}
		}
		return slices.ContainsFunc(resp.Unresponsive, func(u Unresponsive) bool {
			return u.Engine == PeerName("A") && strings.Contains(u.Error, "ignored")
		})
	}
	resp := f.search(t, Request{Query: "jaguar", K: 50, NoProfile: true})
	if !dropped(resp) {
		t.Fatalf("A ignored, yet its hits are shown or it is not named: %v; unresponsive %+v", shownURLs(resp.Results), resp.Unresponsive)
	}
	if scoreOf(t, resp, "https://bob.example/a") <= 0 {
		t.Error("B's results lost with A's")
	}
	// Time alone does not lift it: counts decay back towards a stranger,
	// but a peer no longer asked could never earn its way back.
	f.advance(10 * cfg.Trust.HalfLife)
	if a := f.trust(t)["A"]; !a.Ignored || a.Precision < cfg.Trust.IgnoreBelow*stranger.Precision {
		t.Fatalf("ten half-lives on: %+v, want still ignored though its precision recovered", a)
	}
	if resp := f.search(t, Request{Query: "jaguar", K: 50, NoProfile: true}); !dropped(resp) {
		t.Fatalf("ten half-lives on, A's hits are back: %v", shownURLs(resp.Results))
	}
	// A result of A from before, marked interested, brings A back.
	f.mark(t, first, urlsA[24], true)
	if a := f.trust(t)["A"]; a.Ignored {
		t.Fatalf("after a result of A was liked: %+v, want no longer ignored", a)
	}
	resp = f.search(t, Request{Query: "jaguar", K: 50, NoProfile: true})
	if dropped(resp) || scoreOf(t, resp, urlsA[0]) <= 0 {
		t.Fatalf("A's hits not back after a liked result: %v; unresponsive %+v", shownURLs(resp.Results), resp.Unresponsive)
	}
}

// TestAPeerThatBroughtALikedResultIsWeighedDownNotIgnored: one result of
// A liked, then nine rejected: A's weight falls far below a stranger's,
// but its results still come (a peer of low precision may still bring
// what the person wants).
func TestAPeerThatBroughtALikedResultIsWeighedDownNotIgnored(t *testing.T) {
	f := newPeerFixture(t, DefaultConfig())
	var hits []Hit
	for i := range 10 {
		hits = append(hits, peerHit("A", "https://alice.example/mixed/"+string(rune('a'+i)), i+1))
	}
	f.relay.set(hits, nil)
	first := f.search(t, Request{Query: "jaguar", K: 50, NoProfile: true})
	f.mark(t, first, hits[0].URL, true)
	for _, h := range hits[1:] {
		f.mark(t, first, h.URL, false)
	}
	a := f.trust(t)["A"]
	if a.Ignored || a.WeightFactor >= 0.5 {
		t.Fatalf("A after 1 liked and 9 rejected: %+v, want weighed down (under 0.5) but not ignored", a)
	}
	resp := f.search(t, Request{Query: "jaguar", K: 50, NoProfile: true})
	if scoreOf(t, resp, hits[0].URL) <= 0 {
		t.Error("A's liked result is gone")
	}
}
