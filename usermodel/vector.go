// Package usermodel learns what a person is interested in from the results
// they mark interested or not interested: a bounded sparse term profile
// updated Rocchio-style from a feedback log it can be rebuilt from and
// undone along, query reformulation from past feedback, re-ranking and
// filtering of results, and the fingerprint, a fixed-size dense hash of the
// profile that is the only form in which a user model leaves the node.
//
// The core (vectors, profiles, reformulation, re-ranking, fingerprints) is
// pure: plain data in, plain data out, no disk or network. Store makes the
// feedback log and profile durable in bbolt.
package usermodel

import (
	"fmt"
	"math"
	"sort"
)

// Vector is a sparse term vector: analysed term (as the index stores it)
// to weight. A nil Vector is empty and usable.
type Vector map[string]float64

// TermWeight is one entry of a Vector.
type TermWeight struct {
	Term   string  `json:"term"`
	Weight float64 `json:"weight"`
}

// Validate reports an error for an empty term or a weight that is NaN or
// infinite; such vectors never enter a profile.
func (v Vector) Validate() error {
	for t, w := range v {
		if t == "" {
			return fmt.Errorf("usermodel: vector has an empty term")
		}
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("usermodel: term %q has weight %v", t, w)
		}
	}
	return nil
}

// Clone returns a copy of v.
func (v Vector) Clone() Vector {
	out := make(Vector, len(v))
	for t, w := range v {
		out[t] = w
	}
	return out
}

// keys returns v's terms in sorted order. Sums run in this order so that
// norms, dot products and everything derived from them are bit-for-bit
// repeatable (map order is random), which reproducible experiments need.
func (v Vector) keys() []string {
	ks := make([]string, 0, len(v))
	for t := range v {
		ks = append(ks, t)
	}
	sort.Strings(ks)
	return ks
}

// Norm returns the Euclidean length of v.
func (v Vector) Norm() float64 {
	return v.normOver(v.keys())
}

// normOver is Norm for v's terms in sorted order, keys.
func (v Vector) normOver(keys []string) float64 {
	s := 0.0
	for _, t := range keys {
		s += v[t] * v[t]
	}
	return math.Sqrt(s)
}

// Dot returns the inner product of v and u.
func (v Vector) Dot(u Vector) float64 {
	if len(u) < len(v) {
		v, u = u, v
	}
	return dotOver(v.keys(), v, u)
}

// dotOver sums v[t]·u[t] over keys, v's terms in sorted order: Dot's sum,
// in Dot's order, for every caller that knows the shorter vector's sorted
// terms.
func dotOver(keys []string, v, u Vector) float64 {
	s := 0.0
	for _, t := range keys {
		s += v[t] * u[t]
	}
	return s
}

// Cosine returns the cosine similarity of v and u, 0 when either is empty.
func (v Vector) Cosine(u Vector) float64 {
	return v.CosineWithNorm(v.Norm(), u)
}

// CosineWithNorm is v.Cosine(u), to the bit, for v's norm nv worked out
// in advance (v.Norm()): a vector compared with many others needs its
// norm once.
func (v Vector) CosineWithNorm(nv float64, u Vector) float64 {
	nu := u.Norm()
	if nv == 0 || nu == 0 {
		return 0
	}
	return v.Dot(u) / (nv * nu)
}

// AddScaled adds s·u to v in place (v must not be nil when u is not
// empty); terms whose weight becomes exactly 0 are removed.
func (v Vector) AddScaled(u Vector, s float64) {
	for t, w := range u {
		nw := v[t] + s*w
		if nw == 0 {
			delete(v, t)
		} else {
			v[t] = nw
		}
	}
}

// Scale multiplies every weight by s in place.
func (v Vector) Scale(s float64) {
	for t := range v {
		v[t] *= s
	}
}

// Normalized returns v scaled to unit length (a copy; empty stays empty).
func (v Vector) Normalized() Vector {
	n := v.Norm()
	out := v.Clone()
	if n > 0 {
		out.Scale(1 / n)
	}
	return out
}

// Sorted returns the entries by decreasing weight, ties by term, so that
// every listing and every pruning is deterministic.
func (v Vector) Sorted() []TermWeight {
	out := make([]TermWeight, 0, len(v))
	for t, w := range v {
		out = append(out, TermWeight{t, w})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Term < out[j].Term
	})
	return out
}

// Prune keeps the n entries of largest absolute weight (ties by term) and
// drops the rest, in place. n <= 0 keeps everything.
func (v Vector) Prune(n int) {
	if n <= 0 || len(v) <= n {
		return
	}
	all := make([]TermWeight, 0, len(v))
	for t, w := range v {
		all = append(all, TermWeight{t, w})
	}
	sort.Slice(all, func(i, j int) bool {
		ai, aj := math.Abs(all[i].Weight), math.Abs(all[j].Weight)
		if ai != aj {
			return ai > aj
		}
		return all[i].Term < all[j].Term
	})
	for _, e := range all[n:] {
		delete(v, e.Term)
	}
}

// TFIDF weights term frequencies by inverse document frequency:
//
//	w(t) = (1 + ln tf) · ln((N + 1) / (df + 0.5))
//
// (sublinear tf, smoothed idf that stays positive even for a term in every
// document), then scales the vector to unit length. Terms with df missing
// from dfs are taken as unseen in the collection (df 0: the most specific).
// n is the number of documents in the collection.
func TFIDF(tf map[string]int, dfs map[string]uint64, n uint64) Vector {
	v := make(Vector, len(tf))
	for t, f := range tf {
		if f <= 0 {
			continue
		}
		idf := math.Log((float64(n) + 1) / (float64(dfs[t]) + 0.5))
		if idf <= 0 {
			continue
		}
		v[t] = (1 + math.Log(float64(f))) * idf
	}
	return v.Normalized()
}
