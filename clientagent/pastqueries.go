package clientagent

import (
	"maps"
	"slices"
	"sync"
	"unsafe"

	"github.com/p2pir/p2pir/internal/fnv1a"
	"github.com/p2pir/p2pir/usermodel"
)

// maxPastQueries bounds the past queries pastQueries keeps: several times
// the marks a search reads (Config.History's default 500); a full cache
// is emptied before the next one goes in.
const maxPastQueries = 1 << 12

// pastQueries keeps, for the queries of past marks, what every cosine
// with them needs and would otherwise work out again each search: the
// query vector's norm and its terms sorted (Vector.CosineWithNorm sorts
// both vectors' terms every time). The vectors come from the store's
// shared reads (Store.SharedState), which are never modified and are
// decoded anew when their stored bytes change, so a vector's map
// identifies its contents; the cache holds on to the maps so that no
// other map can take their addresses. A mark costs the next search its
// own query's entry, nothing more. The zero value is an empty cache.
type pastQueries struct {
	mu sync.Mutex
	m  map[unsafe.Pointer]pastQuery
	// last are the past queries of the marks judged last, by their place:
	// while the log stands, a search finds each mark's entry there (its
	// map's address checked) instead of looking it up in m.
	last []pastQuery
}

type pastQuery struct {
	key  unsafe.Pointer   // vec's address
	vec  usermodel.Vector // held: its address is the key
	norm float64          // vec.Norm()
	keys []string         // vec's terms, sorted
	sig  uint64           // termsSignature(keys)
}

// termsSignature sets, for each term, the bit its hash picks of 64: two
// vectors whose signatures share no bit share no term (the converse does
// not hold).
func termsSignature(terms []string) uint64 {
	var sig uint64
	for _, t := range terms {
		sig |= 1 << (fnv1a.String(t) & 63)
	}
	return sig
}

// judge returns the marks whose query's cosine with qvec (of norm qnorm)
// is at least minSim, in the marks' order, as judged documents weighted
// by that cosine, and the documents of those marked not interested: what
// usermodel.Vector.CosineWithNorm gives, to the bit (the same sums in the
// same order). Marks whose query shares no term with qvec are passed
// over: their cosine is 0, below minSim, which must be more than 0.
func (c *pastQueries) judge(marks []usermodel.Mark, qvec usermodel.Vector, qnorm, minSim float64) ([]usermodel.Judged, []usermodel.Vector) {
	qkeys := slices.Sorted(maps.Keys(qvec))
	qsig := termsSignature(qkeys)
	var judged []usermodel.Judged
	var rejected []usermodel.Vector
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.last) != len(marks) {
		c.last = make([]pastQuery, len(marks))
	}
	for i, m := range marks {
		// Every past query is kept with its signature, found where the
		// last search found it or else by its map's address; most that
		// share no term with this query are then passed over without a
		// look-up of this query's terms in them.
		key := mapPointer(m.QueryVec)
		p := &c.last[i]
		if p.key != key || p.vec == nil {
			q, ok := c.m[key]
			if !ok {
				if c.m == nil || len(c.m) >= maxPastQueries {
					c.m = make(map[unsafe.Pointer]pastQuery)
				}
				keys := slices.Sorted(maps.Keys(m.QueryVec))
				q = pastQuery{key: key, vec: m.QueryVec, norm: m.QueryVec.Norm(), keys: keys, sig: termsSignature(keys)}
				c.m[key] = q
			}
			*p = q
		}
		if p.sig&qsig == 0 || !hasAny(m.QueryVec, qkeys) {
			continue
		}
		sim := cosineKnown(qvec, qnorm, qkeys, m.QueryVec, p.norm, p.keys)
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

// hasAny reports whether v has one of terms (else its cosine with a
// vector of those terms is 0). A search looks up its query's few terms in
// each past query's vector, rather than starting a walk over a map for
// each of up to 500 marks.
func hasAny(v usermodel.Vector, terms []string) bool {
	for _, t := range terms {
		if _, ok := v[t]; ok {
			return true
		}
	}
	return false
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
