package routing

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// summary is a Collection from term hash to impact (df 1).
type summary map[uint32]float64

func (s summary) Term(h uint32) (uint32, float64, bool) {
	imp, ok := s[h]
	return 1, imp, ok
}

func noExplore() Config {
	cfg := DefaultConfig()
	cfg.Explore = 0
	return cfg
}

func TestInterestRoutingAsksOnlyPeersWhoseDocumentsCanAnswer(t *testing.T) {
	// Terms 1 and 2 ("boundary layer"); two aeronautics peers hold them
	// strongly, one weakly, the medicine peers not at all.
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 3}, {Hash: 2, Weight: 1, IDF: 2}}}
	peers := []Peer{
		{ID: "aero1", Collection: summary{1: 0.8, 2: 0.7}},
		{ID: "aero2", Collection: summary{1: 0.75, 2: 0.7}},
		{ID: "aero3", Collection: summary{2: 0.3}},
		{ID: "med1", Collection: summary{9: 0.9}},
		{ID: "med2", Collection: summary{8: 0.9}},
		{ID: "nosummary"},
	}
	got, err := Select(Interest, noExplore(), peers, q, nil, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"aero1", "aero2"}; !equal(ids(got), want) {
		t.Fatalf("asked %v, want %v", ids(got), want)
	}
}

func TestFanOutFollowsHowSharplyMatchesFallOff(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	tests := []struct {
		name    string
		impacts []float64
		want    int
	}{
		{"one clear match", []float64{0.9, 0.3, 0.2, 0.1, 0.1, 0.1}, 1},
		{"two close, then a fall", []float64{0.9, 0.85, 0.3, 0.2, 0.1, 0.1}, 2},
		{"flat: capped at fan-out", []float64{0.9, 0.89, 0.88, 0.87, 0.86, 0.85}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var peers []Peer
			for i, imp := range tt.impacts {
				peers = append(peers, Peer{ID: string(rune('a' + i)), Collection: summary{1: imp}})
			}
			got, _ := Select(Interest, noExplore(), peers, q, nil, rand.New(rand.NewPCG(1, 1)))
			if len(got) != tt.want {
				t.Fatalf("asked %v, want %d peers", ids(got), tt.want)
			}
		})
	}
}

func TestAPeerWhoseResultsWereLikedIsAskedFirst(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	peers := []Peer{
		{ID: "a", Collection: summary{1: 0.8}},
		{ID: "b", Collection: summary{1: 0.8}},
		{ID: "c", Collection: summary{1: 0.78}, Shortcut: 1},
	}
	cfg := noExplore()
	cfg.Fanout = 1
	got, _ := Select(Interest, cfg, peers, q, nil, rand.New(rand.NewPCG(1, 1)))
	if want := []string{"c"}; !equal(ids(got), want) {
		t.Fatalf("asked %v, want the shortcut %v", ids(got), want)
	}
	// A shortcut never lifts a peer that cannot answer over the threshold.
	peers[2].Collection = summary{1: 0.1}
	got, _ = Select(Interest, cfg, peers, q, nil, rand.New(rand.NewPCG(1, 1)))
	if ids(got)[0] == "c" {
		t.Fatalf("asked %v: the shortcut won without matching documents", ids(got))
	}
}

func TestForwardersAddOnlyPeersAsPromisingAsTheOriginsChoice(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	all := []Peer{
		{ID: "best", Collection: summary{1: 0.9}},
		{ID: "good", Collection: summary{1: 0.8}},
		{ID: "weak", Collection: summary{1: 0.3}},
		{ID: "unknown"},
	}
	cfg := DefaultConfig()
	cfg.Explore = 1 // a forwarder must not explore even so
	visited := map[string]bool{"best": true, "good": true}
	q.Floor = Floor(cfg, all, q, visited)
	got, _ := Select(Interest, cfg, all, q, visited, rand.New(rand.NewPCG(1, 1)))
	if len(got) != 0 {
		t.Fatalf("the forwarder asked %v; every peer above the floor was already asked", ids(got))
	}
}

func TestExplorationTakesASlotAndAsksOnlyPeersWithoutSummary(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	var peers []Peer
	for i := range 8 {
		peers = append(peers, Peer{ID: string(rune('a' + i)), Collection: summary{1: 0.9 - 0.001*float64(i)}})
	}
	peers = append(peers, Peer{ID: "new"})
	cfg := DefaultConfig()
	rng := rand.New(rand.NewPCG(7, 7))
	explored, queries := 0, 2000
	for range queries {
		got, _ := Select(Interest, cfg, peers, q, nil, rng)
		if len(got) > cfg.Fanout {
			t.Fatalf("asked %d peers, fan-out is %d", len(got), cfg.Fanout)
		}
		for _, c := range got {
			if c.Random {
				explored++
				if c.ID != "new" {
					t.Fatalf("explored %s, whose summary is known: nothing to discover", c.ID)
				}
			}
		}
	}
	if share := float64(explored) / float64(queries); share < 0.07 || share > 0.13 {
		t.Fatalf("explored in %.3f of queries, want about %.2f", share, cfg.Explore)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestForwardersDoNotAddPeersTheOriginsFanOutLeftOut(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	var all []Peer
	for i := range 6 { // six peers, all within the threshold
		all = append(all, Peer{ID: string(rune('a' + i)), Collection: summary{1: 0.9 - 0.01*float64(i)}})
	}
	cfg := noExplore()
	chosen, _ := Select(Interest, cfg, all, q, nil, rand.New(rand.NewPCG(1, 1)))
	visited := map[string]bool{}
	for _, c := range chosen {
		visited[c.ID] = true
	}
	q.Floor = Floor(cfg, all, q, visited)
	got, _ := Select(Interest, cfg, all, q, visited, rand.New(rand.NewPCG(1, 1)))
	if len(got) != 0 {
		t.Fatalf("a forwarder added %v, which the origin's fan-out of %d left out", ids(got), cfg.Fanout)
	}
	// A peer the origin had no summary for, and that a forwarder knows to
	// beat the origin's choices, is still added.
	better := Peer{ID: "z", Collection: summary{1: 0.95}}
	got, _ = Select(Interest, cfg, append(all, better), q, visited, rand.New(rand.NewPCG(1, 1)))
	if !equal(ids(got), []string{"z"}) {
		t.Fatalf("the forwarder asked %v, want the better peer z", ids(got))
	}
}

func TestForwardersDoNotAddAPeerExplorationDisplaced(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	var all []Peer
	for i := range 4 {
		all = append(all, Peer{ID: string(rune('a' + i)), Collection: summary{1: 0.9 - 0.01*float64(i)}})
	}
	all = append(all, Peer{ID: "new"})
	cfg := DefaultConfig()
	cfg.Explore = 1 // the origin explores: "new" takes the last slot
	chosen, _ := Select(Interest, cfg, all, q, nil, rand.New(rand.NewPCG(1, 1)))
	asked := map[string]bool{}
	for _, c := range chosen {
		asked[c.ID] = true
	}
	if !asked["new"] || len(chosen) != cfg.Fanout {
		t.Fatalf("the origin asked %v: the test needs exploration to take a slot", ids(chosen))
	}
	q.Floor = Floor(cfg, all, q, asked)
	got, _ := Select(Interest, cfg, all, q, asked, rand.New(rand.NewPCG(1, 1)))
	if len(got) != 0 {
		t.Fatalf("a forwarder asked %v, the peer the origin's exploration displaced", ids(got))
	}
}

func TestNoExplorationOnceEverySummaryIsKnown(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 1}}}
	peers := []Peer{{ID: "a", Collection: summary{1: 0.9}}, {ID: "b", Collection: summary{2: 0.9}}, {ID: "c", Collection: summary{3: 0.9}}}
	cfg := DefaultConfig()
	cfg.Explore = 1
	got, _ := Select(Interest, cfg, peers, q, nil, rand.New(rand.NewPCG(1, 1)))
	if !equal(ids(got), []string{"a"}) {
		t.Fatalf("asked %v, want only a: every summary is known, exploring discovers nothing", ids(got))
	}
}

// TestADiscountedClaimNoLongerOutranksTrueSummaries: a peer claiming
// every term at the highest impact outranks the specialist and pushes it
// below the threshold; once its Claim is discounted (its answers bore out
// little of it), the specialist is asked and, far enough down, the liar
// is not. Promise is the best single term's share of the score.
func TestADiscountedClaimNoLongerOutranksTrueSummaries(t *testing.T) {
	q := Query{Terms: []QueryTerm{{Hash: 1, Weight: 1, IDF: 3}, {Hash: 2, Weight: 1, IDF: 2}}}
	liar := summary{1: 255.0 / 256, 2: 255.0 / 256, 3: 255.0 / 256}
	if got, want := Promise(liar, q), 3*(1.2+1)*255.0/256; math.Abs(got-want) > 1e-12 {
		t.Errorf("Promise = %v, want the first term's %v", got, want)
	}
	if Promise(nil, q) != 0 || Promise(summary{9: 1}, q) != 0 {
		t.Error("a promise without a summary or a listed term")
	}
	tests := []struct {
		claim float64
		want  []string
	}{
		{0, []string{"liar"}}, // nothing known against it: it captures the query
		{1, []string{"liar"}}, // kept its promise
		{0.5, []string{"aero", "liar"}},
		{0.3, []string{"aero"}},
	}
	for _, tc := range tests {
		peers := []Peer{
			{ID: "aero", Collection: summary{1: 0.5, 2: 0.4}},
			{ID: "liar", Collection: liar, Claim: tc.claim},
			{ID: "med", Collection: summary{9: 0.9}},
		}
		got, err := Select(Interest, noExplore(), peers, q, nil, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		g := ids(got)
		slices.Sort(g)
		if !equal(g, tc.want) {
			t.Errorf("claim %v: asked %v, want %v", tc.claim, g, tc.want)
		}
	}
}
