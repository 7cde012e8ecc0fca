package usermodel

import (
	"math"
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
)

// TestVectorArithmeticOnHandVectors checks Norm, Dot and Cosine against
// values worked out by hand.
func TestVectorArithmeticOnHandVectors(t *testing.T) {
	cases := []struct {
		name             string
		v, u             Vector
		normV, dot, cosi float64
	}{
		{"3-4-5 triangle against itself", Vector{"a": 3, "b": 4}, Vector{"a": 3, "b": 4}, 5, 25, 1},
		{"orthogonal", Vector{"a": 1}, Vector{"b": 2}, 1, 0, 0},
		{"opposite", Vector{"a": 1, "b": -2}, Vector{"a": -2, "b": 4}, math.Sqrt(5), -10, -1},
		{"partial overlap", Vector{"a": 1, "b": 2, "c": 2}, Vector{"b": 1, "d": 7}, 3, 2, 2 / (3 * math.Sqrt(50))},
		{"empty with non-empty", Vector{}, Vector{"a": 1}, 0, 0, 0},
		{"nil with nil", nil, nil, 0, 0, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.Norm(); !near(got, tc.normV) {
				t.Errorf("Norm = %v, want %v", got, tc.normV)
			}
			if got := tc.v.Dot(tc.u); !near(got, tc.dot) {
				t.Errorf("v·u = %v, want %v", got, tc.dot)
			}
			if got := tc.u.Dot(tc.v); !near(got, tc.dot) {
				t.Errorf("u·v = %v, want %v (Dot is symmetric)", got, tc.dot)
			}
			if got := tc.v.Cosine(tc.u); !near(got, tc.cosi) {
				t.Errorf("Cosine = %v, want %v", got, tc.cosi)
			}
		})
	}
}

// TestPruneKeepsLargestAbsoluteWeightsTiesByTerm: Prune keeps the n
// entries of largest |w|, a negative weight counting by its size, and
// breaks ties by term so the result never depends on map order.
func TestPruneKeepsLargestAbsoluteWeightsTiesByTerm(t *testing.T) {
	cases := []struct {
		name string
		v    Vector
		n    int
		want Vector
	}{
		{"largest magnitudes, negatives included",
			Vector{"a": 0.1, "b": -0.9, "c": 0.5, "d": -0.2, "e": 0.7}, 3,
			Vector{"b": -0.9, "e": 0.7, "c": 0.5}},
		{"ties broken by term",
			Vector{"zeta": 1, "alpha": 1, "mid": 1, "beta": -1, "small": 0.5}, 2,
			Vector{"alpha": 1, "beta": -1}},
		{"tie at the cut keeps the earlier term",
			Vector{"big": 2, "y": 1, "x": -1, "w": 1}, 3,
			Vector{"big": 2, "w": 1, "x": -1}},
		{"n equal to the length keeps all", Vector{"a": 1, "b": 2}, 2, Vector{"a": 1, "b": 2}},
		{"n larger than the length keeps all", Vector{"a": 1}, 5, Vector{"a": 1}},
		{"n zero keeps all", Vector{"a": 1, "b": 2}, 0, Vector{"a": 1, "b": 2}},
		{"n negative keeps all", Vector{"a": 1, "b": 2}, -1, Vector{"a": 1, "b": 2}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// Many copies built in different insertion orders must all
			// prune to the same entries.
			for rep := 0; rep < 20; rep++ {
				v := Vector{}
				for _, k := range shuffledKeys(tc.v, uint64(rep)) {
					v[k] = tc.v[k]
				}
				v.Prune(tc.n)
				if !reflect.DeepEqual(v, tc.want) {
					t.Fatalf("Prune(%d) of %v = %v, want %v", tc.n, tc.v, v, tc.want)
				}
			}
		})
	}
}

// TestSortedIsByDecreasingWeightThenTerm: Sorted lists by weight,
// heaviest (most positive) first, ties by term.
func TestSortedIsByDecreasingWeightThenTerm(t *testing.T) {
	v := Vector{"d": -1, "b": 2, "a": 2, "c": 0.5, "e": -3, "f": 0.5}
	want := []TermWeight{{"a", 2}, {"b", 2}, {"c", 0.5}, {"f", 0.5}, {"d", -1}, {"e", -3}}
	for rep := 0; rep < 20; rep++ {
		if got := v.Sorted(); !reflect.DeepEqual(got, want) {
			t.Fatalf("Sorted = %v, want %v", got, want)
		}
	}
	if got := Vector(nil).Sorted(); len(got) != 0 {
		t.Fatalf("Sorted of nil = %v, want empty", got)
	}
}

// TestNormalizedIsUnitLengthCopyAndEmptyStaysEmpty.
func TestNormalizedIsUnitLengthCopyAndEmptyStaysEmpty(t *testing.T) {
	v := Vector{"a": 3, "b": -4}
	n := v.Normalized()
	if !near(n["a"], 0.6) || !near(n["b"], -0.8) || len(n) != 2 {
		t.Fatalf("Normalized = %v, want a 0.6, b -0.8", n)
	}
	if v["a"] != 3 || v["b"] != -4 {
		t.Fatalf("Normalized changed its receiver: %v", v)
	}
	for _, empty := range []Vector{nil, {}} {
		got := empty.Normalized()
		if got == nil || len(got) != 0 {
			t.Fatalf("Normalized of %#v = %#v, want an empty, usable vector", empty, got)
		}
		got["x"] = 1 // must not panic: the copy is a real map
	}
}

// TestAddScaledRemovesExactZeros: a term whose weight becomes exactly 0
// disappears; any other result stays, however small.
func TestAddScaledRemovesExactZeros(t *testing.T) {
	tenth, fifth := 0.1, 0.2 // variables: float64 arithmetic, not exact constants
	v := Vector{"cancel": 0.5, "keep": 1, "rounding": tenth + fifth}
	v.AddScaled(Vector{"cancel": 0.25, "rounding": 0.15, "new": 3}, -2)
	// 0.1+0.2 is not exactly 0.3 in float64: what is left is tiny but not
	// zero, so it stays.
	left := (tenth + fifth) - 0.3
	if left == 0 {
		t.Fatal("test premise: 0.1+0.2-0.3 should not be 0 in float64")
	}
	want := Vector{"keep": 1, "rounding": left, "new": -6}
	if len(v) != len(want) {
		t.Fatalf("AddScaled = %v, want %v", v, want)
	}
	for k, w := range want {
		if v[k] != w {
			t.Fatalf("AddScaled: %s = %v, want %v (all %v)", k, v[k], w, v)
		}
	}
	if _, ok := v["cancel"]; ok {
		t.Fatalf("term that summed to exactly 0 is still present: %v", v)
	}
	u := Vector{"x": 1}
	u.AddScaled(Vector{"x": 1}, -1)
	if len(u) != 0 {
		t.Fatalf("x - x = %v, want empty", u)
	}
	var empty Vector
	empty.AddScaled(nil, 2) // nil receiver with nothing to add: allowed
}

// TestNormDotCosineAreBitIdenticalAcrossCalls: the sums run in a fixed
// order, so the same map gives the same bits every time (map iteration
// order is random, and floating-point addition is not associative: the
// weights span many magnitudes so a different order would show).
func TestNormDotCosineAreBitIdenticalAcrossCalls(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	v, u := Vector{}, Vector{}
	for i := 0; i < 200; i++ {
		term := "t" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		v[term] = (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12)-6))
		if i%3 != 0 {
			u[term] = (rng.Float64() - 0.5) * math.Pow(10, float64(rng.IntN(12)-6))
		}
	}
	if len(v) != 200 {
		t.Fatalf("test vector has %d terms, want 200", len(v))
	}
	norm, dot, cosi := v.Norm(), v.Dot(u), v.Cosine(u)
	for i := 0; i < 50; i++ {
		if got := v.Norm(); math.Float64bits(got) != math.Float64bits(norm) {
			t.Fatalf("call %d: Norm = %b, first call %b", i, got, norm)
		}
		if got := v.Dot(u); math.Float64bits(got) != math.Float64bits(dot) {
			t.Fatalf("call %d: Dot = %b, first call %b", i, got, dot)
		}
		if got := v.Cosine(u); math.Float64bits(got) != math.Float64bits(cosi) {
			t.Fatalf("call %d: Cosine = %b, first call %b", i, got, cosi)
		}
	}
	// The same entries inserted in another order: another map, same bits.
	for rep := 0; rep < 10; rep++ {
		w := Vector{}
		for _, k := range shuffledKeys(v, uint64(rep)) {
			w[k] = v[k]
		}
		if got := w.Norm(); math.Float64bits(got) != math.Float64bits(norm) {
			t.Fatalf("rebuilt map %d: Norm = %b, want %b", rep, got, norm)
		}
	}
}

// TestValidateRejectsEmptyTermsAndNonFiniteWeights.
func TestValidateRejectsEmptyTermsAndNonFiniteWeights(t *testing.T) {
	cases := []struct {
		name string
		v    Vector
		ok   bool
	}{
		{"nil", nil, true},
		{"finite weights", Vector{"a": -1, "b": 0, "c": 1e300}, true},
		{"empty term", Vector{"": 1}, false},
		{"NaN", Vector{"a": math.NaN()}, false},
		{"+Inf", Vector{"a": math.Inf(1)}, false},
		{"-Inf", Vector{"a": math.Inf(-1)}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.v.Validate(); (err == nil) != tc.ok {
				t.Fatalf("Validate(%v) = %v, want ok=%v", tc.v, err, tc.ok)
			}
		})
	}
}

// shuffledKeys returns v's terms in a pseudo-random order fixed by seed.
func shuffledKeys(v Vector, seed uint64) []string {
	ks := v.keys()
	rng := rand.New(rand.NewPCG(seed, seed+1))
	rng.Shuffle(len(ks), func(i, j int) { ks[i], ks[j] = ks[j], ks[i] })
	return ks
}

// TestCosineWithNormIsCosine: the cosine a search works out for each mark
// (clientagent) with the query's norm computed once is Vector.Cosine to the bit (the
// marks' weights in reformulation and the SimilarQuery cut depend on it),
// including for empty vectors and vectors sharing no term.
func TestCosineWithNormIsCosine(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	random := func(n int) Vector {
		v := Vector{}
		for len(v) < n {
			v["t"+strconv.Itoa(rng.IntN(30))] = rng.Float64()*2 - 0.5
		}
		return v
	}
	for i := range 2000 {
		q, u := random(rng.IntN(8)), random(rng.IntN(8))
		if i%100 == 0 {
			u = Vector{"nothing": 1}
		}
		if got, want := q.CosineWithNorm(q.Norm(), u), q.Cosine(u); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("q %v, u %v: cosine %v, want Vector.Cosine's %v", q, u, got, want)
		}
	}
}
