package usermodel

import (
	"maps"

	"github.com/p2pir/p2pir/internal/fnv1a"
)

// PreparedQuery is what every cosine with a past mark's query needs and
// would otherwise work out again on each search: the query vector's norm,
// its terms sorted and their signature. The store prepares each mark's
// query once, when it decodes the mark (Store.SharedState); a prepared
// query handed out by the store is shared, so its Terms must not be
// modified.
type PreparedQuery struct {
	// Norm is the vector's Norm(), to the bit.
	Norm float64
	// Terms are the vector's terms in sorted order, the order in which
	// Norm and Dot sum.
	Terms []string
	// Signature is termsSignature(Terms): two queries whose signatures
	// share no bit share no term.
	Signature uint64
	// SameAsPrevious reports that the vector is equal to the previous
	// mark's in the log as the store handed it out (the marks of one
	// search, made one after another, have the same query), so that a
	// cosine with it is the previous one's, to the bit. The store sets it
	// (Store.SharedState); it is false for the first mark.
	SameAsPrevious bool
}

// PrepareQuery prepares v for cosines with other queries.
func PrepareQuery(v Vector) PreparedQuery {
	terms := v.keys()
	return PreparedQuery{Norm: v.normOver(terms), Terms: terms, Signature: termsSignature(terms)}
}

// PreparedCosine is v.Cosine(u), to the bit, for pv and pu, v and u
// prepared (PrepareQuery): Dot's sum over the shorter vector's sorted
// terms (v's on a tie) divided by the norms, with no term sorted and no
// norm worked out again.
func PreparedCosine(v Vector, pv PreparedQuery, u Vector, pu PreparedQuery) float64 {
	if pv.Norm == 0 || pu.Norm == 0 {
		return 0
	}
	if len(u) < len(v) {
		return dotOver(pu.Terms, u, v) / (pv.Norm * pu.Norm)
	}
	return dotOver(pv.Terms, v, u) / (pv.Norm * pu.Norm)
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

// markRepeats sets each query's SameAsPrevious: queries[i] is marks[i]'s
// query prepared, and equal vectors (maps.Equal: a NaN weight is equal to
// nothing) are the same query.
func markRepeats(marks []Mark, queries []PreparedQuery) {
	for i := range queries {
		queries[i].SameAsPrevious = i > 0 && maps.Equal(marks[i].QueryVec, marks[i-1].QueryVec)
	}
}
