package recommend

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func id(s string) string { return strings.TrimSuffix(s, "/") }

// TestSimilarPeersLikesWin checks the weighting by hand: a document liked
// by a very similar peer outranks one liked by more people at a barely
// similar peer, and dissimilar peers are ignored.
func TestSimilarPeersLikesWin(t *testing.T) {
	answers := []PeerLikes{
		{NodeID: "twin", Similarity: 0.9, Docs: []Liked{{URL: "a", Likes: 1}, {URL: "b", Likes: 1}}},
		{NodeID: "far", Similarity: 0.15, Docs: []Liked{{URL: "c", Likes: 4}, {URL: "b", Likes: 1}}},
		{NodeID: "other", Similarity: 0.05, Docs: []Liked{{URL: "z", Likes: 100}}},
	}
	got := Rank(DefaultConfig(), answers, nil, id, 10)
	want := []struct {
		url   string
		score float64
	}{{"b", 0.9 + 0.15}, {"a", 0.9}, {"c", 0.6}}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i, w := range want {
		if got[i].URL != w.url || math.Abs(got[i].Score-w.score) > 1e-12 {
			t.Fatalf("rank %d = %+v, want %s with %v", i+1, got[i], w.url, w.score)
		}
	}
	if len(got[0].Peers) != 2 {
		t.Fatalf("b's peers %v", got[0].Peers)
	}
}

func TestSeenAndRejectedAreDropped(t *testing.T) {
	answers := []PeerLikes{{NodeID: "p", Similarity: 0.8, Docs: []Liked{{URL: "a/", Likes: 1}, {URL: "b", Likes: 2}}}}
	got := Rank(DefaultConfig(), answers, map[string]bool{"a": true}, id, 10)
	if len(got) != 1 || got[0].URL != "b" {
		t.Fatalf("got %+v, want only b", got)
	}
}

func TestBaselines(t *testing.T) {
	answers := []PeerLikes{
		{NodeID: "p", Similarity: 0.01, Docs: []Liked{{URL: "pop", Likes: 9}}},
		{NodeID: "q", Similarity: 0.9, Docs: []Liked{{URL: "niche", Likes: 1}}},
	}
	if got := Popularity(answers, nil, id, 1); got[0].URL != "pop" {
		t.Fatalf("popularity %+v", got)
	}
	if got := Rank(DefaultConfig(), answers, nil, id, 1); got[0].URL != "niche" {
		t.Fatalf("similarity-weighted %+v", got)
	}
	a := Random(answers, nil, id, 2, rand.New(rand.NewPCG(1, 1)))
	b := Random(answers, nil, id, 2, rand.New(rand.NewPCG(1, 1)))
	if len(a) != 2 || a[0].URL != b[0].URL {
		t.Fatalf("random baseline not reproducible: %+v %+v", a, b)
	}
}
