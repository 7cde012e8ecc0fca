package sim

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"

	"github.com/p2pir/p2pir/eval"
)

// tinyDomain loads the hand-made two-topic fixture as one domain.
func tinyDomain(t *testing.T, name string) Domain {
	t.Helper()
	c, err := eval.Load("testdata/tiny")
	if err != nil {
		t.Fatal(err)
	}
	return NewDomain(name, c, 0.5)
}

// topicOf is the fixture's true topic of a document: 0 for documents
// 1-12 (aeronautics), 1 for 13-24 (medicine).
func topicOf(d Document) int {
	n, _ := strconv.Atoi(d.DocNo)
	if n <= 12 {
		return 0
	}
	return 1
}

// TestNodesPerDomain checks proportional shares with at least one node
// per domain.
func TestNodesPerDomain(t *testing.T) {
	for _, tc := range []struct {
		sizes []int
		n     int
		want  []int
	}{
		{[]int{1400, 1033, 1460}, 30, []int{11, 8, 11}},
		{[]int{1000, 10}, 2, []int{1, 1}},
		{[]int{100, 100}, 5, []int{3, 2}},
		{[]int{5}, 4, []int{4}},
	} {
		got := NodesPerDomain(tc.sizes, tc.n)
		sum := 0
		for _, g := range got {
			sum += g
		}
		if !reflect.DeepEqual(got, tc.want) || sum != tc.n {
			t.Errorf("NodesPerDomain(%v, %d) = %v, want %v", tc.sizes, tc.n, got, tc.want)
		}
	}
}

// TestPlaceReplication checks that every document is on exactly r nodes,
// all of its own domain, for both placements.
func TestPlaceReplication(t *testing.T) {
	domains := []Domain{tinyDomain(t, "a"), tinyDomain(t, "b")}
	for _, placement := range []string{PlacementCluster, PlacementRandom} {
		for _, r := range []int{1, 2, 3} {
			p, err := Place(context.Background(), domains, 6, placement, r, 1)
			if err != nil {
				t.Fatal(err)
			}
			count := map[[2]int]int{}
			for node, docs := range p.NodeDocs {
				for _, d := range docs {
					count[[2]int{p.NodeDomain[node], d}]++
				}
			}
			for di, dom := range domains {
				for d := range dom.Docs {
					if c := count[[2]int{di, d}]; c != r {
						t.Errorf("%s, r=%d: document %d of domain %d on %d nodes", placement, r, d, di, c)
					}
				}
			}
		}
	}
}

// TestPlaceDeterministic checks that the same seed gives the same placement.
func TestPlaceDeterministic(t *testing.T) {
	domains := []Domain{tinyDomain(t, "a")}
	for _, placement := range []string{PlacementCluster, PlacementRandom} {
		a, err := Place(context.Background(), domains, 3, placement, 2, 42)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Place(context.Background(), domains, 3, placement, 2, 42)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: same seed, different placement", placement)
		}
	}
}

// TestClusterSplitGroupsTopics checks that content placement puts the
// fixture's topics on separate nodes: its purity against the true topics
// is higher than a random split's.
func TestClusterSplitGroupsTopics(t *testing.T) {
	d := tinyDomain(t, "a")
	truth := make([]int, len(d.Docs))
	for i, doc := range d.Docs {
		truth[i] = topicOf(doc)
	}
	labels := func(groups [][]int) []int {
		out := make([]int, len(d.Docs))
		for g, docs := range groups {
			for _, i := range docs {
				out[i] = g
			}
		}
		return out
	}
	groups, err := ClusterSplit(context.Background(), d.Docs, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	cp := Purity(labels(groups), truth)
	rp := Purity(labels(RandomSplit(len(d.Docs), 2, rand.New(rand.NewPCG(1, 0)))), truth)
	if cp != 1 || cp <= rp {
		t.Errorf("cluster placement purity %.3f, random %.3f; want 1 and higher", cp, rp)
	}
}
