package usermodel

import "github.com/p2pir/p2pir/internal/fnv1a"

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
}

// PrepareQuery prepares v for cosines with other queries.
func PrepareQuery(v Vector) PreparedQuery {
	terms := v.keys()
	return PreparedQuery{Norm: v.Norm(), Terms: terms, Signature: termsSignature(terms)}
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
