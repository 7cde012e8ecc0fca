package routing

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func unit(v ...float64) []float64 {
	n := 0.0
	for _, x := range v {
		n += x * x
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / math.Sqrt(n)
	}
	return out
}

func ids(cs []Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// TestInterestRoutingPrefersMatchingPeers: the query goes to the peers
// whose fingerprints match it, never to visited ones.
func TestInterestRoutingPrefersMatchingPeers(t *testing.T) {
	peers := []Peer{
		{ID: "cars1", FP: unit(1, 0.1, 0)}, {ID: "cars2", FP: unit(1, 0.2, 0)},
		{ID: "cats1", FP: unit(0, 1, 0.1)}, {ID: "cats2", FP: unit(0.1, 1, 0)},
		{ID: "none"}, {ID: "golf", FP: unit(0, 0, 1)},
	}
	cfg := DefaultConfig()
	cfg.Fanout, cfg.Explore = 2, 0
	got, err := Select(Interest, cfg, peers, Query{FP: unit(0, 1, 0), Own: unit(0, 1, 0)}, nil, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if g := ids(got); !slices.Equal(g, []string{"cats2", "cats1"}) && !slices.Equal(g, []string{"cats1", "cats2"}) {
		t.Fatalf("chose %v, want the two cat peers", g)
	}
	got, _ = Select(Interest, cfg, peers, Query{FP: unit(0, 1, 0), Own: unit(0, 1, 0)}, map[string]bool{"cats1": true}, rand.New(rand.NewPCG(1, 1)))
	if slices.Contains(ids(got), "cats1") {
		t.Fatalf("chose visited peer: %v", ids(got))
	}
}

// TestExplorationAddsARandomPeerAtTheConfiguredRate: with Explore 0.1,
// about one query in ten also goes to a random non-best peer.
func TestExplorationAddsARandomPeerAtTheConfiguredRate(t *testing.T) {
	var peers []Peer
	for i := 0; i < 20; i++ {
		peers = append(peers, Peer{ID: fmt.Sprintf("p%02d", i), FP: unit(float64(i), 1)})
	}
	cfg := DefaultConfig()
	rng := rand.New(rand.NewPCG(7, 7))
	explored := 0
	for i := 0; i < 2000; i++ {
		got, _ := Select(Interest, cfg, peers, Query{FP: unit(1, 0), Own: nil}, nil, rng)
		if len(got) == cfg.Fanout+1 && got[len(got)-1].Random {
			explored++
		}
	}
	if explored < 150 || explored > 250 {
		t.Fatalf("explored %d of 2000 queries, want about 200", explored)
	}
}

func TestFloodAndWalk(t *testing.T) {
	var peers []Peer
	for i := 0; i < 30; i++ {
		peers = append(peers, Peer{ID: fmt.Sprintf("p%02d", i)})
	}
	cfg := DefaultConfig()
	got, _ := Select(Flood, cfg, peers, Query{FP: nil, Own: nil}, map[string]bool{"p00": true}, rand.New(rand.NewPCG(1, 2)))
	if len(got) != cfg.MaxFanout || slices.Contains(ids(got), "p00") {
		t.Fatalf("flood chose %v, want %d unvisited peers", ids(got), cfg.MaxFanout)
	}
	got, _ = Select(Walk, cfg, peers, Query{FP: nil, Own: nil}, nil, rand.New(rand.NewPCG(1, 2)))
	if len(got) != 1 {
		t.Fatalf("walk chose %v, want 1", ids(got))
	}
	cfg.Walkers = 3
	got, _ = Select(Walk, cfg, peers[:2], Query{FP: nil, Own: nil}, nil, rand.New(rand.NewPCG(1, 2)))
	if len(got) != 2 {
		t.Fatalf("3 walkers over 2 peers chose %v, want both", ids(got))
	}
	if _, err := Select("gossip", cfg, peers, Query{FP: nil, Own: nil}, nil, rand.New(rand.NewPCG(1, 2))); err == nil {
		t.Fatal("unknown strategy accepted")
	}
}

// TestSelectIsReproducible: the same peers in any order and the same seed
// give the same choice.
func TestSelectIsReproducible(t *testing.T) {
	var peers []Peer
	for i := 0; i < 12; i++ {
		peers = append(peers, Peer{ID: fmt.Sprintf("p%02d", i), FP: unit(1, float64(i%4))})
	}
	rev := slices.Clone(peers)
	slices.Reverse(rev)
	for _, s := range []string{Interest, Flood, Walk} {
		a, _ := Select(s, DefaultConfig(), peers, Query{FP: unit(1, 2), Own: unit(1, 0)}, nil, rand.New(rand.NewPCG(3, 4)))
		b, _ := Select(s, DefaultConfig(), rev, Query{FP: unit(1, 2), Own: unit(1, 0)}, nil, rand.New(rand.NewPCG(3, 4)))
		if !slices.Equal(ids(a), ids(b)) {
			t.Fatalf("%s: %v vs %v", s, ids(a), ids(b))
		}
	}
}

func TestScoreBlendsQueryProfileAndCentroid(t *testing.T) {
	cfg := Config{QueryWeight: 0.7, CentroidWeight: 0}
	p := Peer{FP: unit(1, 0)}
	if s := Score(cfg, p, unit(1, 0), unit(0, 1)); math.Abs(s-0.7) > 1e-12 {
		t.Fatalf("score %v, want 0.7", s)
	}
	cfg.CentroidWeight = 0.5
	p.Centroid = unit(0, 1)
	// blended vector (0.5, 0.5) has cosine 1/√2 with both.
	if s := Score(cfg, p, unit(1, 0), unit(0, 1)); math.Abs(s-1/math.Sqrt2) > 1e-12 {
		t.Fatalf("score %v, want 1/√2", s)
	}
	if s := Score(cfg, Peer{}, unit(1, 0), nil); s != 0 {
		t.Fatalf("peer without fingerprint scored %v", s)
	}
}

// TestSeenStopsLoops: a query ID is processed once within the TTL, again
// after it, and the cache stays bounded.
func TestSeenStopsLoops(t *testing.T) {
	s := NewSeen(time.Minute, 3)
	t0 := time.Unix(1000, 0)
	if !s.FirstTime("q1", t0) || s.FirstTime("q1", t0.Add(time.Second)) {
		t.Fatal("q1 not refused the second time")
	}
	if !s.FirstTime("q1", t0.Add(2*time.Minute)) {
		t.Fatal("q1 still refused after the TTL")
	}
	for i := 0; i < 10; i++ {
		s.FirstTime(fmt.Sprint(i), t0.Add(3*time.Minute))
	}
	if s.Len() != 3 {
		t.Fatalf("cache holds %d, bound 3", s.Len())
	}
}

// TestQueryOutsideTheAskersTopicGoesToThatTopic: a short query matches
// peer profiles weakly, yet it must reach the peers of its own topic, not
// the asker's: each signal is scaled by its best before blending.
func TestQueryOutsideTheAskersTopicGoesToThatTopic(t *testing.T) {
	peers := []Peer{
		{ID: "astro1", FP: unit(1, 0, 0, 0)}, {ID: "astro2", FP: unit(1, 0.05, 0, 0)},
		{ID: "cook1", FP: unit(0, 1, 0, 0)}, {ID: "cook2", FP: unit(0, 1, 0.05, 0)},
	}
	// A weak match with cooking (cosine 0.3), an asker who loves astronomy.
	query := unit(0, 0.3, 0, math.Sqrt(1-0.09))
	cfg := DefaultConfig()
	cfg.Fanout, cfg.Explore = 2, 0
	got, _ := Select(Interest, cfg, peers, Query{FP: query, Own: unit(1, 0, 0, 0)}, nil, rand.New(rand.NewPCG(1, 1)))
	if g := ids(got); !slices.Contains(g, "cook1") || !slices.Contains(g, "cook2") {
		t.Fatalf("a cooking query from an astronomer went to %v", g)
	}
}
