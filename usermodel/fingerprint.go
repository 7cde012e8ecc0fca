package usermodel

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// DefaultFingerprintDim is the dimension of a fingerprint.
const DefaultFingerprintDim = 1024

// FingerprintScheme names the hashing below; peers compare only
// fingerprints of the same scheme.
const FingerprintScheme = "fnv1a64-signed-v1"

// Fingerprint is a profile hashed into a fixed-size dense unit vector: the
// only form in which a user model leaves the node. Terms are not
// recoverable from it except by guessing and hashing candidate words, and
// fingerprints of different nodes compare by cosine without a shared
// vocabulary.
type Fingerprint struct {
	// Vec is the L2-normalised vector (all zeros for an empty profile).
	Vec *mat.VecDense
	// Version is the profile version it was made from.
	Version uint64
}

// MakeFingerprint hashes the positive (interest) terms of profile into dim
// dimensions by signed feature hashing (Weinberger et al. 2009): term t
// adds ±w_t at index h(t) mod dim, the sign taken from another bit of
// h(t), with h the 64-bit FNV-1a hash of the term's bytes. Negative
// weights (what the person rejected) are left out: they describe no
// interest and are not shared. The result is scaled to unit length.
func MakeFingerprint(profile Profile, dim int) (Fingerprint, error) {
	if dim <= 0 {
		return Fingerprint{}, fmt.Errorf("usermodel: fingerprint dimension %d", dim)
	}
	v := make([]float64, dim)
	for _, tw := range profile.Terms.Sorted() { // fixed order: bit-identical sums
		if tw.Weight <= 0 {
			break
		}
		i, s := hashTerm(tw.Term, dim)
		v[i] += s * tw.Weight
	}
	if n := floats.Norm(v, 2); n > 0 {
		floats.Scale(1/n, v)
	}
	return Fingerprint{Vec: mat.NewVecDense(dim, v), Version: profile.Version}, nil
}

// hashTerm returns the index and sign of term in a dim-sized fingerprint.
func hashTerm(term string, dim int) (int, float64) {
	h := fnv.New64a()
	h.Write([]byte(term))
	x := h.Sum64()
	sign := 1.0
	if x>>63 == 1 {
		sign = -1
	}
	return int((x & (1<<63 - 1)) % uint64(dim)), sign
}

// FingerprintOf hashes a term vector (a query, a document) the same way, so
// it can be compared with profile fingerprints.
func FingerprintOf(v Vector, dim int) (Fingerprint, error) {
	return MakeFingerprint(Profile{Terms: v}, dim)
}

// IsZero reports whether the fingerprint carries no interest.
func (f Fingerprint) IsZero() bool {
	return f.Vec == nil || floats.Norm(f.Vec.RawVector().Data, 2) == 0
}

// Similarity is the cosine of two fingerprints (their dot product, both
// being unit vectors); 0 when either is empty or the dimensions differ.
func (f Fingerprint) Similarity(g Fingerprint) float64 {
	if f.Vec == nil || g.Vec == nil || f.Vec.Len() != g.Vec.Len() {
		return 0
	}
	return mat.Dot(f.Vec, g.Vec)
}

// ErrBadFingerprint is returned for a received fingerprint that must not
// be used: wrong length, NaN or infinite entries, or not of unit length.
var ErrBadFingerprint = errors.New("bad fingerprint")

// ParseFingerprint checks a fingerprint received from a peer (values as
// sent on the wire) and returns it. It must have exactly dim entries, all
// finite, and length 1 (±1e-3) or 0. dim must be positive.
func ParseFingerprint(vals []float32, dim int, version uint64) (Fingerprint, error) {
	if dim <= 0 {
		// Found by FuzzParseFingerprint: a zero dimension made gonum panic.
		return Fingerprint{}, fmt.Errorf("%w: dimension %d is not positive", ErrBadFingerprint, dim)
	}
	if len(vals) != dim {
		return Fingerprint{}, fmt.Errorf("%w: %d values, want %d", ErrBadFingerprint, len(vals), dim)
	}
	v := make([]float64, dim)
	for i, x := range vals {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Fingerprint{}, fmt.Errorf("%w: value %d is %v", ErrBadFingerprint, i, f)
		}
		v[i] = f
	}
	n := floats.Norm(v, 2)
	if n != 0 && math.Abs(n-1) > 1e-3 {
		return Fingerprint{}, fmt.Errorf("%w: length %v, want 1", ErrBadFingerprint, n)
	}
	if n != 0 {
		floats.Scale(1/n, v)
	}
	return Fingerprint{Vec: mat.NewVecDense(dim, v), Version: version}, nil
}

// Float32s returns the fingerprint's values for the wire.
func (f Fingerprint) Float32s() []float32 {
	if f.Vec == nil {
		return nil
	}
	raw := f.Vec.RawVector().Data
	out := make([]float32, len(raw))
	for i, x := range raw {
		out[i] = float32(x)
	}
	return out
}

// GuessTerms guesses which of the candidate terms a fingerprint-space
// vector (a fingerprint, or a cluster's centre) stands for: each
// candidate is scored by the vector's value at the term's hashed index,
// times the term's sign, and the n best with a positive score are
// returned, best first (ties by term). Fingerprints carry no words, so
// this is the same guess anyone holding them can make: it finds only
// words the caller already knows, and words that hash to the same index
// score the same. The dimension is len(vec).
func GuessTerms(vec []float64, candidates []string, n int) []TermWeight {
	if len(vec) == 0 || n <= 0 {
		return nil
	}
	scored := Vector{}
	for _, t := range candidates {
		i, s := hashTerm(t, len(vec))
		if w := s * vec[i]; w > 0 && !math.IsInf(w, 0) {
			scored[t] = w
		}
	}
	out := scored.Sorted()
	if len(out) > n {
		out = out[:n]
	}
	return out
}
