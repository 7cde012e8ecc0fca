package usermodel

import (
	"encoding/binary"
	"errors"
	"math"
	"testing"
)

// FuzzParseFingerprint checks, for any values a peer could send as a
// fingerprint, that ParseFingerprint does not panic, that every refusal
// wraps ErrBadFingerprint, and that a fingerprint it accepts is of the
// right dimension, finite, of length 0 or 1, as similar to itself as that
// length says, and accepted again as it is sent on.
func FuzzParseFingerprint(f *testing.F) {
	enc := func(vals ...float32) []byte {
		b := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		return b
	}
	f.Add(enc(1, 0, 0, 0), 4)
	f.Add(enc(0.6, 0.8), 2)
	f.Add(enc(0, 0, 0), 3)
	f.Add(enc(0.6, 0.8), 3)
	f.Add(enc(float32(math.NaN()), 1), 2)
	f.Add(enc(float32(math.Inf(1)), 0), 2)
	f.Add(enc(3, 4), 2)
	f.Add(enc(math.MaxFloat32, math.MaxFloat32), 2)
	f.Add(enc(1e-30, 1), 2)
	f.Fuzz(func(t *testing.T, raw []byte, dim int) {
		vals := make([]float32, len(raw)/4)
		for i := range vals {
			vals[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		fp, err := ParseFingerprint(vals, dim, 7)
		if err != nil {
			if !errors.Is(err, ErrBadFingerprint) {
				t.Fatalf("ParseFingerprint(%v, %d) = %v, which does not wrap ErrBadFingerprint", vals, dim, err)
			}
			return
		}
		if fp.Vec == nil || fp.Vec.Len() != dim || fp.Version != 7 {
			t.Fatalf("ParseFingerprint(%v, %d) = %+v", vals, dim, fp)
		}
		norm := 0.0
		for _, x := range fp.Vec.RawVector().Data {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				t.Fatalf("ParseFingerprint(%v) kept %v", vals, x)
			}
			norm += x * x
		}
		if norm != 0 && math.Abs(norm-1) > 1e-9 {
			t.Fatalf("ParseFingerprint(%v): squared length %v, want 0 or 1", vals, norm)
		}
		if s := fp.Similarity(fp); math.Abs(s-norm) > 1e-9 {
			t.Fatalf("self-similarity %v, want %v", s, norm)
		}
		if _, err := ParseFingerprint(fp.Float32s(), dim, 7); err != nil {
			t.Fatalf("a fingerprint accepted is refused when sent on: %v", err)
		}
	})
}
