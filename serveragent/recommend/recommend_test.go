package recommend

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func id(s string) string { return strings.TrimSuffix(s, "/") }

type want struct {
	url    string
	score  float64
	people int
}

func checkRanking(t *testing.T, got []Item, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		t.Fatalf("got %d items %+v, want %d", len(got), got, len(wants))
	}
	for i, w := range wants {
		if got[i].URL != w.url || math.Abs(got[i].Score-w.score) > 1e-12 || got[i].People != w.people {
			t.Errorf("rank %d = %s (score %v, %d people), want %s (score %v, %d people)",
				i+1, got[i].URL, got[i].Score, got[i].People, w.url, w.score, w.people)
		}
	}
}

// Rank keeps each peer's own ranking: a peer's item scores are normalised
// by its best one and weighted by the peer's similarity, summed over
// peers, so one peer's documents no longer tie (and fall into URL order).
func TestRankKeepsThePeersOwnRanking(t *testing.T) {
	tests := []struct {
		name    string
		answers []PeerLikes
		want    []want
	}{
		{
			name: "one peer's order survives, not URL order",
			answers: []PeerLikes{{NodeID: "p", Similarity: 0.8, Docs: []Liked{
				{URL: "c", Score: 0.9}, {URL: "a", Score: 0.45}, {URL: "b", Score: 0.09},
			}}},
			want: []want{{"c", 0.8, 1}, {"a", 0.4, 1}, {"b", 0.08, 1}},
		},
		{
			name: "sum over peers of similarity times normalised item score",
			answers: []PeerLikes{
				{NodeID: "twin", Similarity: 0.9, Docs: []Liked{{URL: "x", Score: 0.5}, {URL: "y", Score: 0.25}}},
				{NodeID: "far", Similarity: 0.2, Docs: []Liked{{URL: "y", Score: 0.8}, {URL: "z", Score: 0.4}}},
			},
			// x: 0.9·1; y: 0.9·0.5 + 0.2·1; z: 0.2·0.5
			want: []want{{"x", 0.9, 1}, {"y", 0.65, 2}, {"z", 0.1, 1}},
		},
		{
			name: "scores without an asker fingerprint (all 0) weigh each liked document equally",
			answers: []PeerLikes{
				{NodeID: "p", Similarity: 0.5, Docs: []Liked{{URL: "b"}, {URL: "a"}}},
				{NodeID: "q", Similarity: 0.3, Docs: []Liked{{URL: "b"}}},
			},
			want: []want{{"b", 0.8, 2}, {"a", 0.5, 1}},
		},
		{
			name: "a document scored below zero by its peer adds nothing",
			answers: []PeerLikes{{NodeID: "p", Similarity: 0.5, Docs: []Liked{
				{URL: "a", Score: 0.2}, {URL: "b", Score: -0.3},
			}}},
			want: []want{{"a", 0.5, 1}, {"b", 0, 1}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRanking(t, Rank(DefaultConfig(), tc.answers, nil, id, 10), tc.want)
		})
	}
}

// "Liked by N people" counts people, that is distinct peers (a node
// speaks for its one person), not marks: a peer cannot count twice by
// repeating a document or answering twice, nor by what it claims.
func TestRankCountsDistinctPeopleNotMarks(t *testing.T) {
	tests := []struct {
		name    string
		answers []PeerLikes
		want    []want
	}{
		{
			name:    "a document repeated in one answer is one person",
			answers: []PeerLikes{{NodeID: "p", Similarity: 0.5, Docs: []Liked{{URL: "a", Score: 1}, {URL: "a/", Score: 1}, {URL: "a", Score: 1}}}},
			want:    []want{{"a", 0.5, 1}},
		},
		{
			name: "the same peer answering twice is one person",
			answers: []PeerLikes{
				{NodeID: "p", Similarity: 0.5, Docs: []Liked{{URL: "a", Score: 1}}},
				{NodeID: "p", Similarity: 0.5, Docs: []Liked{{URL: "a", Score: 1}}},
			},
			want: []want{{"a", 0.5, 1}},
		},
		{
			name: "three peers are three people",
			answers: []PeerLikes{
				{NodeID: "p", Similarity: 0.5, Docs: []Liked{{URL: "a", Score: 1}}},
				{NodeID: "q", Similarity: 0.5, Docs: []Liked{{URL: "a", Score: 1}}},
				{NodeID: "r", Similarity: 0.5, Docs: []Liked{{URL: "a", Score: 1}}},
			},
			want: []want{{"a", 1.5, 3}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Rank(DefaultConfig(), tc.answers, nil, id, 10)
			checkRanking(t, got, tc.want)
			for _, it := range got {
				if it.People != len(it.Peers) || !slices.IsSorted(it.Peers) || len(slices.Compact(slices.Clone(it.Peers))) != len(it.Peers) {
					t.Errorf("%s: %d people, peers %v: want one distinct peer per person", it.URL, it.People, it.Peers)
				}
			}
		})
	}
}

// Peers at or below MinSimilarity are ignored, and MinPeers counts
// distinct peers.
func TestRankIgnoresDissimilarPeersAndNeedsMinPeers(t *testing.T) {
	answers := []PeerLikes{
		{NodeID: "twin", Similarity: 0.9, Docs: []Liked{{URL: "a", Score: 1}, {URL: "b", Score: 0.5}}},
		{NodeID: "near", Similarity: 0.3, Docs: []Liked{{URL: "b", Score: 1}}},
		{NodeID: "other", Similarity: 0.05, Docs: []Liked{{URL: "a", Score: 1}, {URL: "z", Score: 1}}},
	}
	checkRanking(t, Rank(DefaultConfig(), answers, nil, id, 10), []want{{"a", 0.9, 1}, {"b", 0.75, 2}})
	checkRanking(t, Rank(Config{MinSimilarity: 0.1, MinPeers: 2}, answers, nil, id, 10), []want{{"b", 0.75, 2}})
}

func TestSeenAndRejectedAreDropped(t *testing.T) {
	answers := []PeerLikes{{NodeID: "p", Similarity: 0.8, Docs: []Liked{{URL: "a/", Score: 1}, {URL: "b", Score: 0.5}}}}
	got := Rank(DefaultConfig(), answers, map[string]bool{"a": true}, id, 10)
	if len(got) != 1 || got[0].URL != "b" {
		t.Fatalf("got %+v, want only b", got)
	}
}

// The popularity baseline ranks by how many people liked a document,
// whatever their similarity; the random one is reproducible from its seed.
func TestBaselines(t *testing.T) {
	answers := []PeerLikes{
		{NodeID: "p", Similarity: 0.01, Docs: []Liked{{URL: "pop", Score: 0.1}}},
		{NodeID: "q", Similarity: 0.02, Docs: []Liked{{URL: "pop", Score: 0.1}}},
		{NodeID: "r", Similarity: 0.9, Docs: []Liked{{URL: "niche", Score: 0.9}}},
	}
	if got := Popularity(answers, nil, id, 1); got[0].URL != "pop" || got[0].People != 2 {
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
