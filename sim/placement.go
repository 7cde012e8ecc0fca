package sim

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/p2pir/p2pir/serveragent/cluster"
)

// Placement is where the documents are: which domain each node belongs to
// and which documents it shares.
type Placement struct {
	// NodeDomain is the index (into the domains) of each node's domain.
	NodeDomain []int
	// NodeDocs are each node's documents, as indexes into its domain's Docs,
	// ascending.
	NodeDocs [][]int
}

// NodesPerDomain shares n nodes among domains in proportion to their
// number of documents (largest remainder, ties to the earlier domain), at
// least one each.
func NodesPerDomain(sizes []int, n int) []int {
	out := make([]int, len(sizes))
	total := 0
	for _, s := range sizes {
		total += max(s, 1)
	}
	left := n - len(sizes)
	rem := make([]float64, len(sizes))
	used := 0
	for i, s := range sizes {
		q := float64(left) * float64(max(s, 1)) / float64(total)
		out[i] = 1 + int(q)
		rem[i] = q - math.Floor(q)
		used += int(q)
	}
	order := make([]int, len(sizes))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for j := 0; used < left; j++ {
		out[order[j%len(order)]]++
		used++
	}
	return out
}

// Place assigns nodes to domains (NodesPerDomain, nodes numbered domain by
// domain) and each domain's documents to its nodes: by content cluster
// (ClusterSplit) or at random, then every document to replication-1 more
// nodes of its domain chosen at random. Deterministic in seed.
func Place(ctx context.Context, domains []Domain, nodes int, placement string, replication int, seed uint64) (Placement, error) {
	sizes := make([]int, len(domains))
	for i, d := range domains {
		sizes[i] = len(d.Docs)
	}
	per := NodesPerDomain(sizes, nodes)
	p := Placement{NodeDocs: make([][]int, nodes)}
	for di, d := range domains {
		first := len(p.NodeDomain)
		for range per[di] {
			p.NodeDomain = append(p.NodeDomain, di)
		}
		rng := rand.New(rand.NewPCG(seed, uint64(di)+1))
		var groups [][]int
		switch placement {
		case PlacementCluster:
			var err error
			groups, err = ClusterSplit(ctx, d.Docs, per[di], seed+uint64(di))
			if err != nil {
				return Placement{}, fmt.Errorf("place domain %s: %w", d.Name, err)
			}
		case PlacementRandom:
			groups = RandomSplit(len(d.Docs), per[di], rng)
		default:
			return Placement{}, fmt.Errorf("%w: placement %q", ErrBadConfig, placement)
		}
		owners := make([][]int, len(d.Docs)) // doc -> local node numbers
		for g, docs := range groups {
			for _, doc := range docs {
				owners[doc] = append(owners[doc], g)
			}
		}
		r := min(replication, per[di])
		for doc := range owners {
			for len(owners[doc]) < r {
				g := rng.IntN(per[di])
				if !slices.Contains(owners[doc], g) {
					owners[doc] = append(owners[doc], g)
				}
			}
			for _, g := range owners[doc] {
				p.NodeDocs[first+g] = append(p.NodeDocs[first+g], doc)
			}
		}
	}
	for i := range p.NodeDocs {
		slices.Sort(p.NodeDocs[i])
	}
	return p, nil
}

// RandomSplit deals n documents to k groups at random, as evenly as possible.
func RandomSplit(n, k int, rng *rand.Rand) [][]int {
	perm := rng.Perm(n)
	groups := make([][]int, k)
	for i, d := range perm {
		groups[i%k] = append(groups[i%k], d)
	}
	return groups
}

// ClusterSplit splits docs into k groups of similar content: spherical
// k-means (serveragent/cluster, k fixed) on tf-idf vectors of the words
// (see Terms) of the 512 terms of highest document frequency below half of
// the documents, then each document to the most similar centroid that still
// has room, best matches first, with room for 1.25·n/k documents (rounded
// up) so that no node is swamped nor left without documents when the
// clusters are very uneven. An empty group, if any remains, takes one
// document from the largest.
func ClusterSplit(ctx context.Context, docs []Document, k int, seed uint64) ([][]int, error) {
	n := len(docs)
	if k <= 1 || n <= k {
		return RandomSplit(n, max(k, 1), rand.New(rand.NewPCG(seed, 0))), nil
	}
	vecs := TFIDF(docs, 512)
	points := make([]cluster.Point, n)
	for i, v := range vecs {
		points[i] = cluster.Point{ID: fmt.Sprintf("%08d", i), Vec: v}
	}
	res, err := cluster.Cluster(ctx, points, cluster.Config{MinK: k, MaxK: k, Restarts: 2, Seed: seed, MinSilhouette: -1})
	if err != nil {
		return nil, fmt.Errorf("cluster documents: %w", err)
	}
	if res.K < 2 {
		return RandomSplit(n, k, rand.New(rand.NewPCG(seed, 0))), nil
	}
	type pair struct {
		doc, c int
		sim    float64
	}
	pairs := make([]pair, 0, n*res.K)
	for i, v := range vecs {
		for c, cen := range res.Centroids {
			pairs = append(pairs, pair{i, c, dot(v, cen)})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		return cmp.Or(cmp.Compare(b.sim, a.sim), cmp.Compare(a.doc, b.doc), cmp.Compare(a.c, b.c))
	})
	room := int(math.Ceil(1.25 * float64(n) / float64(k)))
	groups := make([][]int, k)
	done := make([]bool, n)
	for _, p := range pairs {
		if !done[p.doc] && len(groups[p.c]) < room {
			groups[p.c] = append(groups[p.c], p.doc)
			done[p.doc] = true
		}
	}
	for i := range done { // documents of zero vectors, if the capacity ran out
		if !done[i] {
			small := 0
			for g := range groups {
				if len(groups[g]) < len(groups[small]) {
					small = g
				}
			}
			groups[small] = append(groups[small], i)
		}
	}
	for g := range groups {
		if len(groups[g]) == 0 {
			big := 0
			for h := range groups {
				if len(groups[h]) > len(groups[big]) {
					big = h
				}
			}
			last := len(groups[big]) - 1
			groups[g] = append(groups[g], groups[big][last])
			groups[big] = groups[big][:last]
		}
		slices.Sort(groups[g])
	}
	return groups, nil
}

// TFIDF returns unit tf-idf vectors of docs over their vocab terms of
// highest document frequency among those in fewer than half of the
// documents (ties by term); a document without such terms gets a zero
// vector.
func TFIDF(docs []Document, vocab int) [][]float64 {
	tf := make([]map[string]int, len(docs))
	df := map[string]int{}
	for i, d := range docs {
		tf[i] = map[string]int{}
		for _, t := range Terms(d.Title + " " + d.Text) {
			if tf[i][t] == 0 {
				df[t]++
			}
			tf[i][t]++
		}
	}
	type term struct {
		t  string
		df int
	}
	var terms []term
	for t, f := range df {
		if f >= 2 && 2*f < len(docs) || len(docs) < 4 {
			terms = append(terms, term{t, f})
		}
	}
	slices.SortFunc(terms, func(a, b term) int { return cmp.Or(cmp.Compare(b.df, a.df), cmp.Compare(a.t, b.t)) })
	if len(terms) > vocab {
		terms = terms[:vocab]
	}
	col := make(map[string]int, len(terms))
	for j, t := range terms {
		col[t.t] = j
	}
	out := make([][]float64, len(docs))
	for i := range docs {
		v := make([]float64, max(len(terms), 1))
		for t, c := range tf[i] {
			if j, ok := col[t]; ok {
				v[j] = (1 + math.Log(float64(c))) * math.Log(float64(len(docs)+1)/float64(terms[j].df))
			}
		}
		normalise(v)
		out[i] = v
	}
	return out
}

// Terms splits text into lower-case words of at least three letters that
// are not common English stop words; digits-only words are dropped.
func Terms(text string) []string {
	var out []string
	for _, w := range splitWords(QueryText(text)) {
		if len(w) < 3 || isStopWord(w) {
			continue
		}
		if _, err := strconv.Atoi(w); err == nil {
			continue
		}
		out = append(out, w)
	}
	return out
}
