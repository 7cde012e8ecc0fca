package usermodel

import (
	"hash/maphash"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"weak"

	"github.com/p2pir/p2pir/internal/order"
)

// RerankConfig tunes how the profile re-ranks and filters results.
type RerankConfig struct {
	// ProfileWeight λ mixes the two signals:
	// final = (1−λ)·score/maxScore + λ·cos(doc, profile). Scores are
	// divided by the best, not min-max stretched: when retrieval is unsure
	// (a one-word query that many documents match about equally) the scores
	// are close and the profile decides; when it is sure, gaps are large
	// and the profile moves little. Candidate.Score should therefore be a
	// confidence with such gaps (BM25 scores are; see clientagent's
	// evidence for merged results).
	// Default 0.5; 0 leaves the order alone (filtering still applies).
	// The client agent lowers it for long queries (clientagent.Config.ShortQuery).
	ProfileWeight float64
	// RejectSimilarity drops a result whose cosine to a document the person
	// marked not interested is at least this (the same page again, a mirror,
	// a near copy). Default 0.9; 0 or more than 1 turns it off.
	RejectSimilarity float64
}

// DefaultRerankConfig returns the documented defaults (docs/BENCHMARKS.md
// has the returning-person experiment behind them).
func DefaultRerankConfig() RerankConfig {
	return RerankConfig{ProfileWeight: 0.5, RejectSimilarity: 0.9}
}

// Candidate is a result to re-rank.
type Candidate struct {
	// Key identifies the result (its canonical URL).
	Key string
	// Score is the retrieval (or fused) score; higher is better, >= 0.
	Score float64
	// Doc is the result's unit-length tf-idf vector (may be empty).
	Doc Vector
	// Prepared, when not nil, is PrepareVector(Doc), worked out once by the
	// caller (who may keep it from search to search); Rerank then uses it
	// instead of preparing Doc again. Doc may be left nil.
	Prepared *PreparedVector
}

// Ranked is a candidate after re-ranking, with the reasons.
type Ranked struct {
	Candidate
	// Final is the score the new order is by.
	Final float64 `json:"final"`
	// ProfileSim is cos(doc, profile).
	ProfileSim float64 `json:"profile_sim"`
	// OldRank and NewRank are 1-based positions before and after: OldRank
	// among all the candidates, NewRank among the kept ones.
	OldRank int `json:"old_rank"`
	NewRank int `json:"new_rank"`
	// Why says in words why the result is where it is: "retrieval score"
	// unless the profile moved it from its place among the kept candidates
	// in retrieval order, else the direction, distance and reason of the move.
	Why string `json:"why"`
}

// Dropped is a candidate filtered out, with the reason.
type Dropped struct {
	Candidate
	OldRank int    `json:"old_rank"`
	Why     string `json:"why"`
}

// Rerank fuses each candidate's retrieval score with its similarity to the
// profile and drops candidates too close to a rejected document. cands
// must be in retrieval order. With an empty profile and no rejections the
// order is unchanged. Ties keep the retrieval order.
func Rerank(cfg RerankConfig, cands []Candidate, profile Vector, rejected []Vector) ([]Ranked, []Dropped) {
	return RerankWith(cfg, cands, NewRerankBasis(profile, rejected))
}

// RerankBasis is what re-ranking compares every candidate with, the
// profile and the rejected documents, prepared for it once (normalised,
// norms worked out, terms merged). A caller may keep it for as long as the
// profile and the rejected documents stay the same, and use it from
// several goroutines at once.
//
// It remembers each prepared candidate's cosines (Candidate.Prepared, by
// identity, which the caller keeps unmodified): a document that is a
// candidate again while the profile and the rejected documents stay the
// same (a person's searches on one need, mostly the same documents)
// costs a lookup, not a walk over its terms (thousands for a desktop
// file, against a profile of thousands).
type RerankBasis struct {
	set        *cosineSet // the profile (0), then the rejected documents
	hasProfile bool

	mu sync.Mutex
	// known are the cosines of prepared candidates, with every vector of
	// set, by weak reference (a vector the caller forgets is not kept
	// alive here), at most maxKnownCosines values in all.
	known  map[weak.Pointer[PreparedVector]][]float64
	nKnown int
}

// maxKnownCosines bounds the cosines a RerankBasis remembers (8 bytes
// each): some 2 MiB, thousands of candidates against a profile and a few
// rejected documents.
const maxKnownCosines = 1 << 18

// cosines sets out to p's cosines with every vector of the basis (see
// cosineSet.cosines), remembered from an earlier call for the same p.
func (b *RerankBasis) cosines(p *PreparedVector, out []float64) {
	key := p.self
	if key == (weak.Pointer[PreparedVector]{}) {
		key = weak.Make(p)
	}
	b.mu.Lock()
	known, ok := b.known[key]
	b.mu.Unlock()
	if ok {
		copy(out, known)
		return
	}
	b.set.cosines(p, out)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.known == nil || b.nKnown+len(out) > maxKnownCosines {
		b.known, b.nKnown = map[weak.Pointer[PreparedVector]][]float64{}, 0
	}
	if _, ok := b.known[key]; !ok {
		b.known[key] = slices.Clone(out)
		b.nKnown += len(out)
	}
}

// NewRerankBasis prepares profile and rejected for RerankWith. They must
// not be modified while the basis is in use.
func NewRerankBasis(profile Vector, rejected []Vector) *RerankBasis {
	pn := profile.Normalized()
	fixed := make([]*PreparedVector, 0, 1+len(rejected))
	fixed = append(fixed, prepare(pn))
	for _, v := range rejected {
		fixed = append(fixed, prepare(v))
	}
	return &RerankBasis{set: newCosineSet(fixed), hasProfile: len(pn) > 0}
}

// RerankWith is Rerank with the profile and the rejected documents
// prepared in advance.
func RerankWith(cfg RerankConfig, cands []Candidate, basis *RerankBasis) ([]Ranked, []Dropped) {
	return RerankTop(cfg, cands, basis, len(cands))
}

// RerankTop is RerankWith for a caller that shows only the first n of the
// kept candidates: only those get their Why (the others' is empty); the
// order, the scores, the ranks and the dropped candidates are RerankWith's.
func RerankTop(cfg RerankConfig, cands []Candidate, basis *RerankBasis, n int) ([]Ranked, []Dropped) {
	maxScore := 0.0
	for _, c := range cands {
		maxScore = math.Max(maxScore, c.Score)
	}
	// Every candidate meets the same vectors, whose cosines one walk gives.
	set := basis.set
	sims := make([]float64, len(set.vecs))
	lambda := cfg.ProfileWeight
	if !basis.hasProfile {
		lambda = 0
	}
	kept := make([]Ranked, 0, len(cands))
	var dropped []Dropped
	for i, c := range cands {
		cv := c.Prepared
		if cv == nil {
			cv = prepare(c.Doc)
		} else if c.Doc == nil {
			c.Doc = cv.v
		}
		switch {
		case len(c.Doc) == 0:
		case c.Prepared != nil: // the caller's, which it may hand in again
			basis.cosines(cv, sims)
		default:
			set.cosines(cv, sims)
		}
		if cfg.RejectSimilarity > 0 && cfg.RejectSimilarity <= 1 && len(c.Doc) > 0 {
			// 1e-9: an identical document's cosine can come out 1−2e-16.
			if sim, ok := nearest(sims[1:]); ok && sim >= cfg.RejectSimilarity-1e-9 {
				dropped = append(dropped, Dropped{c, i + 1, similarReason(sim)})
				continue
			}
		}
		r := Ranked{Candidate: c, OldRank: i + 1}
		base := 0.0
		if maxScore > 0 {
			base = c.Score / maxScore
		}
		if len(c.Doc) > 0 && basis.hasProfile {
			r.ProfileSim = sims[0]
		}
		r.Final = (1-lambda)*base + lambda*r.ProfileSim
		kept = append(kept, r)
	}
	// A result's place without the profile is its place among the kept
	// ones in retrieval order: one that rose only because another above it
	// was filtered out was not moved by the profile.
	plain := make([]int, len(cands)+1) // OldRank -> position among the kept
	for i, r := range kept {
		plain[r.OldRank] = i + 1
	}
	sortByFinal(kept)
	for i := range kept {
		r := &kept[i]
		r.NewRank = i + 1
		if i >= n {
			continue // not shown: no reason needed
		}
		was := plain[r.OldRank]
		switch {
		case lambda == 0 || r.NewRank == was:
			r.Why = "retrieval score"
		case r.NewRank < was && r.ProfileSim > 0:
			r.Why = movedReason("up ", was-r.NewRank, ": matches your interests", r.ProfileSim, true)
		case r.NewRank < was:
			r.Why = movedReason("up ", was-r.NewRank, ": results above it are close to what you marked not interested", 0, false)
		case r.ProfileSim < 0:
			r.Why = movedReason("down ", r.NewRank-was, ": close to what you marked not interested", r.ProfileSim, true)
		default:
			r.Why = movedReason("down ", r.NewRank-was, ": others match your interests better", r.ProfileSim, true)
		}
	}
	return kept, dropped
}

// movedReason is why a shown result moved: dir, the places moved, why,
// and with sim its profile similarity: fmt.Sprintf("%s%d%s (profile
// similarity %.2f)", dir, places, why, sim) (without sim, the text up to
// why), to the byte, made with strconv (fmt's %.2f is strconv's 'f'
// format with precision 2) as similarReason is: each of the ten results
// shown may have one.
func movedReason(dir string, places int, why string, sim float64, withSim bool) string {
	const simText = " (profile similarity "
	b := make([]byte, 0, len(dir)+4+len(why)+len(simText)+8)
	b = append(b, dir...)
	b = strconv.AppendInt(b, int64(places), 10)
	b = append(b, why...)
	if withSim {
		b = append(b, simText...)
		b = strconv.AppendFloat(b, sim, 'f', 2, 64)
		b = append(b, ')')
	}
	return string(b)
}

// similarReason is why a candidate of cosine sim with a rejected document
// is dropped: fmt.Sprintf("%.0f%% similar to a result you marked not
// interested", 100*sim), to the byte, made with strconv (fmt's %.0f is
// strconv's 'f' format with precision 0), in less than half its time (68
// against 159 ns): a person's rejections drop several candidates a
// search.
func similarReason(sim float64) string {
	const tail = "% similar to a result you marked not interested"
	b := make([]byte, 0, 8+len(tail))
	b = strconv.AppendFloat(b, 100*sim, 'f', 0, 64)
	return string(append(b, tail...))
}

// sortByFinal sorts kept by Final, highest first, stably: what
// sort.SliceStable gives with the less function Final > Final, with each
// result moved once. The order is found on (Final, place) pairs, where
// the place breaks ties as stability does, sorted without the stable
// sort's merging or a call through the results; with a NaN, which is
// neither above nor below anything, it is found by the stable sort
// itself.
func sortByFinal(kept []Ranked) {
	type key struct {
		final float64
		at    int32
	}
	var keyBuf [64]key
	var orderBuf [64]int32
	keys, places := keyBuf[:0], orderBuf[:0]
	if len(kept) > len(keyBuf) {
		keys, places = make([]key, 0, len(kept)), make([]int32, 0, len(kept))
	}
	for i := range kept {
		f := kept[i].Final
		if math.IsNaN(f) {
			order.Stable(kept, func(a, b *Ranked) int {
				switch {
				case a.Final > b.Final:
					return -1
				case b.Final > a.Final:
					return 1
				}
				return 0
			}, nil)
			return
		}
		keys = append(keys, key{f, int32(i)})
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.final > b.final:
			return -1
		case b.final > a.final:
			return 1
		}
		return int(a.at - b.at)
	})
	for _, k := range keys {
		places = append(places, k.at)
	}
	order.Permute(kept, places)
}

// nearest returns the highest of a document's cosines with the rejected
// documents; false when there are none.
func nearest(sims []float64) (float64, bool) {
	best, ok := -2.0, false
	for _, s := range sims {
		if s > best {
			best, ok = s, true
		}
	}
	return best, ok
}

// cosineSet is a few vectors that many others are compared with (the
// profile and the rejected documents, which every candidate meets): their
// terms merged, each with the weights it has in each of them, so that one
// walk over the shorter of a candidate and the merged terms, looking each
// term up in the other, gives all the candidate's cosines. Each dot
// product still adds the products of the terms two vectors share in
// increasing term order, as PreparedVector.cosine does, so every cosine
// is the same to the bit; but a term the fixed vectors share is looked
// up once, and a short candidate is walked once, not once per vector.
//
// A candidate's terms are looked up in an open-addressing table by the
// hashes its PreparedVector keeps (termHash), so a candidate that is
// prepared once and compared search after search (a desktop file has
// hundreds of terms) never hashes a term again.
type cosineSet struct {
	vecs []*PreparedVector
	keys []string // every term of vecs, sorted
	// weights[start[k]:start[k+1]] are keys[k]'s weights, by vector.
	weights []setWeight
	start   []int32
	// slots is the table of keys by hash, a power of two long and at most
	// half full; a slot holds its key's index + 1, 0 when empty.
	slots []setSlot
}

// setWeight is a term's weight in vecs[vec].
type setWeight struct {
	vec int
	w   float64
}

// setSlot is a place in cosineSet's table.
type setSlot struct {
	hash uint64
	key  int32 // index in keys + 1; 0: empty
}

func newCosineSet(vecs []*PreparedVector) *cosineSet {
	byTerm := map[string][]setWeight{}
	for i, v := range vecs {
		for t, w := range v.v {
			byTerm[t] = append(byTerm[t], setWeight{i, w})
		}
	}
	s := &cosineSet{vecs: vecs, keys: packed(slices.Sorted(maps.Keys(byTerm)))}
	s.start = make([]int32, 0, len(s.keys)+1)
	size := 8
	for size < 2*len(s.keys) {
		size *= 2
	}
	s.slots = make([]setSlot, size)
	mask := uint64(size - 1)
	for k, t := range s.keys {
		s.start = append(s.start, int32(len(s.weights)))
		s.weights = append(s.weights, byTerm[t]...)
		h := termHash(t)
		i := h & mask
		for s.slots[i].key != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = setSlot{h, int32(k + 1)}
	}
	s.start = append(s.start, int32(len(s.weights)))
	return s
}

// find returns the index in keys of term t, whose termHash is h; -1 when
// t is not in the set.
func (s *cosineSet) find(t string, h uint64) int {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		slot := s.slots[i]
		if slot.key == 0 {
			return -1
		}
		if slot.hash == h && s.keys[slot.key-1] == t {
			return int(slot.key - 1)
		}
	}
}

// cosines sets out[i] to doc.cosine(s.vecs[i]) for every i.
func (s *cosineSet) cosines(doc *PreparedVector, out []float64) {
	clear(out)
	if doc.norm == 0 {
		return
	}
	if len(doc.v) <= len(s.keys) {
		if doc.keys == nil {
			doc.sortKeys()
		}
		for i, t := range doc.keys {
			k := s.find(t, doc.hashes[i])
			if k < 0 {
				continue
			}
			for _, e := range s.weights[s.start[k]:s.start[k+1]] {
				out[e.vec] += doc.vals[i] * e.w
			}
		}
	} else {
		for k, t := range s.keys {
			w, ok := doc.v[t]
			if !ok {
				continue
			}
			for _, e := range s.weights[s.start[k]:s.start[k+1]] {
				out[e.vec] += e.w * w
			}
		}
	}
	for i, v := range s.vecs {
		if v.norm == 0 {
			out[i] = 0
		} else {
			out[i] /= doc.norm * v.norm
		}
	}
}

// termSeed seeds termHash for the life of the process.
var termSeed = maphash.MakeSeed()

// termHash is the hash cosineSet finds a term by.
func termHash(t string) uint64 { return maphash.String(termSeed, t) }

// PreparedVector is a vector ready for the many cosines re-ranking takes
// (every candidate with the profile and with every rejected document):
// its norm is worked out once, and its terms are sorted, with their
// weights alongside, only if it is the shorter vector of some pair, the
// one whose terms a dot product walks. A candidate of a desktop file has
// thousands of terms, and sorting them (as Vector.Cosine does for each
// pair) cost more than the search. PrepareVector's vectors are complete
// (terms sorted) and safe to share between goroutines; the package's own
// prepare leaves the sorting for when it is needed.
type PreparedVector struct {
	v      Vector
	keys   []string  // sorted, once needed
	vals   []float64 // v[keys[i]]
	hashes []uint64  // termHash(keys[i])
	norm   float64
	// self is weak.Make of the vector itself, made once by PrepareVector
	// (zero for the package's own), the key of its cosines in every
	// RerankBasis: a candidate met search after search is not looked up
	// in the runtime's table of weak references each time.
	self weak.Pointer[PreparedVector]
}

// PrepareVector prepares v for Candidate.Prepared. v must not be modified
// afterwards. The result may be kept and shared: cosines only read it.
func PrepareVector(v Vector) *PreparedVector {
	p := prepare(v)
	p.sortKeys()
	p.self = weak.Make(p)
	return p
}

// Vector returns the vector p was prepared from (shared: do not modify);
// nil for a nil p.
func (p *PreparedVector) Vector() Vector {
	if p == nil {
		return nil
	}
	return p.v
}

// Len is the number of terms of p's vector, 0 for a nil p.
func (p *PreparedVector) Len() int {
	if p == nil {
		return 0
	}
	return len(p.v)
}

// prepare works out v's norm: the square root of the sum of the squared
// weights added in increasing order, which depends only on the weights,
// not on the map's order, so every cosine is repeatable to the bit.
func prepare(v Vector) *PreparedVector {
	sq := make([]float64, 0, len(v))
	for _, w := range v {
		sq = append(sq, w*w)
	}
	slices.Sort(sq)
	s := 0.0
	for _, x := range sq {
		s += x
	}
	return &PreparedVector{v: v, norm: math.Sqrt(s)}
}

// sortKeys fills keys, vals and hashes. The keys are cut from one string
// holding them all, so that walking them reads memory in order.
func (p *PreparedVector) sortKeys() {
	p.keys = packed(p.v.keys())
	p.vals = make([]float64, len(p.keys))
	p.hashes = make([]uint64, len(p.keys))
	for i, t := range p.keys {
		p.vals[i] = p.v[t]
		p.hashes[i] = termHash(t)
	}
}

// packed returns keys as substrings of one string, in place.
func packed(keys []string) []string {
	n := 0
	for _, k := range keys {
		n += len(k)
	}
	var b strings.Builder
	b.Grow(n)
	for _, k := range keys {
		b.WriteString(k)
	}
	all, at := b.String(), 0
	for i, k := range keys {
		keys[i] = all[at : at+len(k)]
		at += len(k)
	}
	return keys
}

// cosine is the cosine of a and b: Vector.Cosine up to rounding, and
// like it the same to the bit whatever the maps' order. It sorts the
// shorter one's terms if they are not yet (never for PrepareVector's).
func (a *PreparedVector) cosine(b *PreparedVector) float64 {
	if a.norm == 0 || b.norm == 0 {
		return 0
	}
	small, big := a, b
	if len(b.v) < len(a.v) || (len(b.v) == len(a.v) && b.keys != nil && a.keys == nil) {
		small, big = b, a
	}
	if small.keys == nil {
		small.sortKeys()
	}
	dot := 0.0
	for i, t := range small.keys {
		dot += small.vals[i] * big.v[t]
	}
	return dot / (a.norm * b.norm)
}
