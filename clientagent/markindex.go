package clientagent

import (
	"maps"
	"slices"
	"sync"

	"github.com/p2pir/p2pir/usermodel"
)

// markIndex is the feedback log as a search with the profile reads it:
// which marks' queries hold each term, and each mark's query norm and
// sorted terms, worked out once per log instead of once per search (a
// search compares its query with up to Config.History past queries,
// each cosine sorting both vectors' terms).
type markIndex struct {
	// log is the shared log (usermodel.Store.SharedState) the index was
	// built from; holding it keeps its array from being reused, so the
	// array's address identifies the log while the index is kept.
	log []usermodel.Mark
	// byTerm lists, for each term of a mark's query, the marks (indexes
	// in log, ascending) whose query holds it.
	byTerm map[string][]int32
	// norms[i] is log[i].QueryVec.Norm(); keys[i] its terms, sorted.
	norms []float64
	keys  [][]string
}

// newMarkIndex indexes a shared log (which must not be modified).
func newMarkIndex(log []usermodel.Mark) *markIndex {
	x := &markIndex{log: log, byTerm: map[string][]int32{}, norms: make([]float64, len(log)), keys: make([][]string, len(log))}
	for i, m := range log {
		x.keys[i] = slices.Sorted(maps.Keys(m.QueryVec))
		x.norms[i] = m.QueryVec.Norm()
		for _, t := range x.keys[i] {
			x.byTerm[t] = append(x.byTerm[t], int32(i))
		}
	}
	return x
}

// markIndexCache keeps the index of the latest marks read (the log's
// last Config.History: the index is as large as what a search reads). The
// store hands out one slice while the log stands (Store.SharedState), and
// a new one after every change, so the slice (its array, where it starts
// and its length) identifies its contents. The zero value is an empty
// cache.
type markIndexCache struct {
	mu  sync.Mutex
	idx *markIndex
}

// get returns the index of log, built at most once per log.
func (c *markIndexCache) get(log []usermodel.Mark) *markIndex {
	c.mu.Lock()
	defer c.mu.Unlock()
	if x := c.idx; x != nil && len(x.log) == len(log) && (len(log) == 0 || &x.log[0] == &log[0]) {
		return x
	}
	c.idx = newMarkIndex(log)
	return c.idx
}

// judge returns the marks of log[from:] whose query's cosine with qvec
// (of norm qnorm) is at least minSim, in log order, as judged documents
// weighted by that cosine, and the documents of those marked not
// interested: what hasAny and usermodel.Vector.CosineWithNorm over every
// mark give, to the bit (the same sums in the same order), for only the
// marks sharing a term with the query. minSim must be more than 0.
func (x *markIndex) judge(qvec usermodel.Vector, qnorm float64, from int, minSim float64) ([]usermodel.Judged, []usermodel.Vector) {
	qkeys := slices.Sorted(maps.Keys(qvec))
	var at []int32
	for _, t := range qkeys {
		for _, i := range x.byTerm[t] {
			if int(i) >= from {
				at = append(at, i)
			}
		}
	}
	slices.Sort(at)
	at = slices.Compact(at)
	var judged []usermodel.Judged
	var rejected []usermodel.Vector
	for _, i := range at {
		m := x.log[i]
		sim := cosineKnown(qvec, qnorm, qkeys, m.QueryVec, x.norms[i], x.keys[i])
		if sim < minSim {
			continue
		}
		judged = append(judged, usermodel.Judged{Doc: m.Doc, Interested: m.Interested, Weight: sim})
		if !m.Interested {
			rejected = append(rejected, m.Doc)
		}
	}
	return judged, rejected
}

// cosineKnown is v.CosineWithNorm(nv, u) for u's norm nu and both
// vectors' sorted terms known: the dot product walks the shorter vector's
// terms (v's on a tie) in order, as Vector.Dot does, so the result is the
// same to the bit.
func cosineKnown(v usermodel.Vector, nv float64, vkeys []string, u usermodel.Vector, nu float64, ukeys []string) float64 {
	if nv == 0 || nu == 0 {
		return 0
	}
	keys, a, b := vkeys, v, u
	if len(u) < len(v) {
		keys, a, b = ukeys, u, v
	}
	s := 0.0
	for _, t := range keys {
		s += a[t] * b[t]
	}
	return s / (nv * nu)
}
