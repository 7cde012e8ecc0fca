package clientagent

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"sync"

	"github.com/p2pir/p2pir/usermodel"
)

// rankedHit is a merged result with its place in the re-ranked list explained.
type rankedHit struct {
	Merged
	// score is what the list is ordered by (Result.Score).
	score float64
	sim   float64
	why   string
}

// rerank re-orders merged results with the profile and drops those too
// close to rejected documents (usermodel.Rerank), and returns the first
// show of the results (the others are not shown) and every one dropped.
func (a *Agent) rerank(ctx context.Context, cfg usermodel.RerankConfig, hits []Merged, profile usermodel.Vector, rejected []usermodel.Vector, show int) ([]rankedHit, []Filtered, error) {
	vecs, err := a.docVectors(ctx, hits)
	if err != nil {
		return nil, nil, err
	}
	scores := rerankScores(hits)
	cands := make([]usermodel.Candidate, len(hits))
	for i := range hits {
		// The key is the result's place in hits (strconv's small numbers
		// cost no allocation).
		cands[i] = usermodel.Candidate{Key: strconv.Itoa(i), Score: scores[i], Prepared: vecs[i]}
	}
	at := func(key string) (*Merged, error) {
		i, err := strconv.Atoi(key)
		if err != nil || i < 0 || i >= len(hits) {
			return nil, fmt.Errorf("re-ranking returned a result that was not a candidate (%q)", key)
		}
		return &hits[i], nil
	}
	kept, dropped := usermodel.RerankTop(cfg, cands, a.basis.get(profile, rejected), show)
	out := make([]rankedHit, 0, min(len(kept), show))
	for _, r := range kept[:min(len(kept), show)] {
		h, err := at(r.Key)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, rankedHit{Merged: *h, score: r.Final, sim: r.ProfileSim, why: r.Why})
	}
	var filtered []Filtered
	for _, d := range dropped {
		h, err := at(d.Key)
		if err != nil {
			return nil, nil, err
		}
		filtered = append(filtered, Filtered{URL: h.URL, Title: h.Title, Why: d.Why})
	}
	return out, filtered, nil
}

// rerankScores is the retrieval score of each merged result that the
// profile re-ranks, in (0, 1] and never increasing along hits (the merged
// order), so that results the profile cannot tell apart keep the fusion's
// order:
//   - when the results come from several sources, the fused score over the
//     query's best fused score: a result two sources agree on keeps its
//     lead over one that a single source ranked first;
//   - when they all come from one source, that source's own score over its
//     best (Merged.Evidence), which keeps the gaps of a confident ranking
//     (BM25's) that rank-based fusion flattens;
//   - when fused scores are not positive (round-robin's slots), a
//     reciprocal of the merged position, (k+1)/(k+position) with RRF's k.
func rerankScores(hits []Merged) []float64 {
	out := make([]float64, len(hits))
	if len(hits) == 0 {
		return out
	}
	single, positive := true, true
	var first string
	if len(hits[0].Engines) > 0 {
		first = hits[0].Engines[0]
	}
	for _, h := range hits {
		for _, e := range h.Engines {
			if e != first {
				single = false
			}
		}
		if h.Fused <= 0 {
			positive = false
		}
	}
	best := hits[0].Fused
	for i, h := range hits {
		switch {
		case single:
			out[i] = h.Evidence
		case positive:
			out[i] = h.Fused / best
		default:
			out[i] = float64(RRFK+1) / float64(RRFK+i+1)
		}
		if i > 0 && out[i] > out[i-1] {
			out[i] = out[i-1] // a source's scores out of its own order
		}
	}
	return out
}

// maxCachedBases bounds basisCache: the needs a person searches in turn.
const maxCachedBases = 64

// basisCache keeps the latest re-ranking bases (usermodel.RerankBasis),
// up to maxCachedBases, the most recently used first: the profile and the
// rejected documents of a need prepared, which the searches of that need
// share until a mark changes them. The vectors come from the store's
// shared reads (Store.SharedProfile, Store.SharedMarks), which are never
// modified and are decoded anew when their stored bytes change, so the
// maps themselves identify their contents: the cache holds on to them, so
// that no other map can take their addresses. The zero value is an empty
// cache.
type basisCache struct {
	mu      sync.Mutex
	entries []cachedBasis
}

type cachedBasis struct {
	refs  []usermodel.Vector // the profile, then the rejected documents
	basis *usermodel.RerankBasis
}

// get returns the basis of profile and rejected, prepared at most once
// while they stay the same maps (and are among the latest used).
func (c *basisCache) get(profile usermodel.Vector, rejected []usermodel.Vector) *usermodel.RerankBasis {
	refs := append([]usermodel.Vector{profile}, rejected...)
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, e := range c.entries {
		if slices.EqualFunc(refs, e.refs, sameMap) {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
			return e.basis
		}
	}
	e := cachedBasis{refs, usermodel.NewRerankBasis(profile, rejected)}
	// A basis of another profile is never matched again (a changed
	// profile is a new map): dropped, with the old profile it holds on to.
	c.entries = slices.DeleteFunc(c.entries, func(e cachedBasis) bool { return !sameMap(e.refs[0], profile) })
	if len(c.entries) == maxCachedBases {
		c.entries = c.entries[:maxCachedBases-1]
	}
	c.entries = slices.Insert(c.entries, 0, e)
	return e.basis
}

// sameMap reports whether a and b are the same map (not merely equal).
func sameMap(a, b usermodel.Vector) bool {
	return reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// unitCache keeps the latest shared profile (Store.SharedProfile) scaled
// to unit length, identified by its map as in basisCache. The zero value
// is an empty cache.
type unitCache struct {
	mu        sync.Mutex
	ref, unit usermodel.Vector
}

// get returns profile.Normalized(), worked out once per profile map.
// The result is shared: it must not be modified.
func (c *unitCache) get(profile usermodel.Vector) usermodel.Vector {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unit == nil || !sameMap(c.ref, profile) {
		c.ref, c.unit = profile, profile.Normalized()
	}
	return c.unit
}
