package usermodel

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestFingerprintHashIsAWireContract pins where single terms land: peers
// running other builds (or other versions) compare fingerprints only if
// every node hashes a term to the same index with the same sign under
// FingerprintScheme. These golden values were computed with 64-bit FNV-1a
// (index: low 63 bits mod dim; sign: the top bit) and must never change
// while the scheme name stays the same.
func TestFingerprintHashIsAWireContract(t *testing.T) {
	if FingerprintScheme != "fnv1a64-signed-v1" {
		t.Fatalf("scheme renamed to %q: update the golden values below deliberately", FingerprintScheme)
	}
	golden := []struct {
		term  string
		dim   int
		index int
		sign  float64
	}{
		{"jaguar", 1024, 743, -1},  // fnv1a64 = 0xabc957683cd77ee7
		{"retriev", 1024, 630, +1}, // fnv1a64 = 0x0e59c2212df91676
		{"network", 1024, 645, +1}, // fnv1a64 = 0x1e8e57b2909b2a85
		{"peer", 1024, 73, -1},     // fnv1a64 = 0xdff7710dd73b9849
		{"jaguar", 256, 231, -1},
		{"retriev", 256, 118, +1},
	}
	for _, g := range golden {
		t.Run(fmt.Sprintf("%s/%d", g.term, g.dim), func(t *testing.T) {
			for _, weight := range []float64{1, 0.25, 7} {
				fp, err := MakeFingerprint(Profile{Terms: Vector{g.term: weight}}, g.dim)
				if err != nil {
					t.Fatal(err)
				}
				vals := fp.Float32s()
				if len(vals) != g.dim {
					t.Fatalf("%d values, want %d", len(vals), g.dim)
				}
				for i, x := range vals {
					want := float32(0)
					if i == g.index {
						want = float32(g.sign)
					}
					if x != want {
						t.Fatalf("weight %v: value %d = %v, want %v (term %q must map to index %d sign %+v)",
							weight, i, x, want, g.term, g.index, g.sign)
					}
				}
			}
		})
	}
}

// TestFingerprintIsUnitLengthAndDeterministic: a fingerprint has length 1,
// and the same profile gives the same fingerprint, bit for bit, however
// its map was built.
func TestFingerprintIsUnitLengthAndDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	for _, n := range []int{1, 2, 50, 400} {
		t.Run(fmt.Sprint(n, " terms"), func(t *testing.T) {
			terms := Vector{}
			for i := 0; i < n; i++ {
				terms[fmt.Sprintf("term%d", i)] = rng.Float64()*10 + 1e-3
			}
			p := Profile{Terms: terms, Version: 42}
			fp, err := MakeFingerprint(p, DefaultFingerprintDim)
			if err != nil {
				t.Fatal(err)
			}
			if fp.Version != 42 {
				t.Errorf("Version = %d, want the profile's 42", fp.Version)
			}
			if fp.Vec.Len() != DefaultFingerprintDim {
				t.Errorf("dimension %d, want %d", fp.Vec.Len(), DefaultFingerprintDim)
			}
			if norm := l2(fp.Vec.RawVector().Data); math.Abs(norm-1) > 1e-12 {
				t.Errorf("length %v, want 1", norm)
			}
			if fp.IsZero() {
				t.Error("IsZero on a profile with interests")
			}
			for rep := 0; rep < 10; rep++ {
				rebuilt := Vector{}
				for _, k := range shuffledKeys(terms, uint64(rep)) {
					rebuilt[k] = terms[k]
				}
				again, err := MakeFingerprint(Profile{Terms: rebuilt, Version: 42}, DefaultFingerprintDim)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(fp.Vec.RawVector().Data, again.Vec.RawVector().Data) {
					t.Fatalf("rep %d: same profile, different fingerprint", rep)
				}
			}
		})
	}
}

// TestFingerprintIgnoresNegativeTerms: what the person rejected is not an
// interest and is not shared; a profile of rejections only has a zero
// fingerprint.
func TestFingerprintIgnoresNegativeTerms(t *testing.T) {
	mixed := Profile{Terms: Vector{"sail": 0.8, "boat": 0.5, "motor": -0.9, "jetski": -0.3}}
	positive := Profile{Terms: Vector{"sail": 0.8, "boat": 0.5}}
	a, err := MakeFingerprint(mixed, DefaultFingerprintDim)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MakeFingerprint(positive, DefaultFingerprintDim)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Float32s(), b.Float32s()) {
		t.Fatal("negative terms changed the fingerprint")
	}

	zeroCases := []struct {
		name string
		p    Profile
	}{
		{"only negative weights", Profile{Terms: Vector{"motor": -0.9, "jetski": -0.3}}},
		{"zero weight", Profile{Terms: Vector{"motor": 0}}},
		{"empty profile", Profile{}},
	}
	for _, tc := range zeroCases {
		t.Run(tc.name, func(t *testing.T) {
			fp, err := MakeFingerprint(tc.p, DefaultFingerprintDim)
			if err != nil {
				t.Fatal(err)
			}
			if !fp.IsZero() {
				t.Fatalf("fingerprint of %v is not zero", tc.p.Terms)
			}
			if fp.Vec.Len() != DefaultFingerprintDim {
				t.Fatalf("zero fingerprint has %d values, want %d", fp.Vec.Len(), DefaultFingerprintDim)
			}
			for i, x := range fp.Float32s() {
				if x != 0 {
					t.Fatalf("value %d = %v, want 0", i, x)
				}
			}
		})
	}
	if !(Fingerprint{}).IsZero() {
		t.Error("the zero Fingerprint is not IsZero")
	}
}

// TestFingerprintSimilarityFollowsSharedInterests: profiles sharing most
// of their interest terms are far more similar than disjoint ones, in
// 1024 dimensions with 50 terms each.
func TestFingerprintSimilarityFollowsSharedInterests(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 19))
	weight := map[string]float64{} // one weight per term, shared by both sides
	profile := func(terms []string) Profile {
		v := Vector{}
		for _, term := range terms {
			if _, ok := weight[term]; !ok {
				weight[term] = 0.5 + rng.Float64()
			}
			v[term] = weight[term]
		}
		return Profile{Terms: v}
	}
	words := func(prefix string, from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, fmt.Sprintf("%s%d", prefix, i))
		}
		return out
	}
	cases := []struct {
		name     string
		a, b     []string
		min, max float64
	}{
		{"45 of 50 terms shared", words("w", 0, 50), append(words("w", 5, 50), words("x", 0, 5)...), 0.8, 1},
		{"disjoint", words("w", 0, 50), words("x", 0, 50), -0.2, 0.2},
		{"identical terms", words("w", 0, 50), words("w", 0, 50), 0.8, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fa, err := MakeFingerprint(profile(tc.a), DefaultFingerprintDim)
			if err != nil {
				t.Fatal(err)
			}
			fb, err := MakeFingerprint(profile(tc.b), DefaultFingerprintDim)
			if err != nil {
				t.Fatal(err)
			}
			sim := fa.Similarity(fb)
			t.Logf("similarity %.3f", sim)
			if sim < tc.min || sim > tc.max {
				t.Fatalf("similarity %.3f, want within [%v, %v]", sim, tc.min, tc.max)
			}
			if back := fb.Similarity(fa); math.Abs(back-sim) > 1e-12 {
				t.Fatalf("Similarity not symmetric: %v vs %v", sim, back)
			}
		})
	}
	// A vector's own similarity is 1; a mismatched dimension or an empty
	// fingerprint compares as 0.
	f1024, _ := FingerprintOf(Vector{"a": 1, "b": 2}, 1024)
	f512, _ := FingerprintOf(Vector{"a": 1, "b": 2}, 512)
	if s := f1024.Similarity(f1024); math.Abs(s-1) > 1e-12 {
		t.Errorf("self-similarity %v, want 1", s)
	}
	if s := f1024.Similarity(f512); s != 0 {
		t.Errorf("similarity across dimensions %v, want 0", s)
	}
	if s := f1024.Similarity(Fingerprint{}); s != 0 {
		t.Errorf("similarity to the zero Fingerprint %v, want 0", s)
	}
}

// TestFingerprintOfHashesAVectorLikeAProfile.
func TestFingerprintOfHashesAVectorLikeAProfile(t *testing.T) {
	v := Vector{"jaguar": 0.7, "cat": 0.7, "car": -0.1}
	a, err := FingerprintOf(v, 256)
	if err != nil {
		t.Fatal(err)
	}
	b, err := MakeFingerprint(Profile{Terms: v}, 256)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Float32s(), b.Float32s()) {
		t.Fatal("FingerprintOf differs from MakeFingerprint of the same terms")
	}
}

// TestMakeFingerprintRejectsBadDimension.
func TestMakeFingerprintRejectsBadDimension(t *testing.T) {
	for _, dim := range []int{0, -1, -1024} {
		if _, err := MakeFingerprint(Profile{Terms: Vector{"a": 1}}, dim); err == nil {
			t.Errorf("dimension %d accepted", dim)
		}
	}
}

// TestParseFingerprintAcceptsOnlyUsableVectors: what a peer sends must
// have the right length, finite values, and length 1 (±1e-3) or 0.
func TestParseFingerprintAcceptsOnlyUsableVectors(t *testing.T) {
	const dim = 8
	unit := func(idx ...int) []float32 {
		v := make([]float32, dim)
		for _, i := range idx {
			v[i] = float32(1 / math.Sqrt(float64(len(idx))))
		}
		return v
	}
	with := func(v []float32, i int, x float32) []float32 {
		out := append([]float32(nil), v...)
		out[i] = x
		return out
	}
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	cases := []struct {
		name string
		vals []float32
		ok   bool
	}{
		{"unit vector", unit(0, 3, 5), true},
		{"single unit entry", unit(7), true},
		{"negative unit entry", with(make([]float32, dim), 2, -1), true},
		{"zero vector", make([]float32, dim), true},
		{"length 1 + 5e-4 (within tolerance)", with(make([]float32, dim), 0, 1.0005), true},
		{"too short", unit(0)[:dim-1], false},
		{"too long", append(unit(0), 0), false},
		{"nil", nil, false},
		{"NaN", with(unit(0, 1), 4, nan), false},
		{"+Inf", with(unit(0, 1), 4, inf), false},
		{"-Inf", with(unit(0, 1), 4, -inf), false},
		{"length 2", with(make([]float32, dim), 0, 2), false},
		{"length 0.5", with(make([]float32, dim), 0, 0.5), false},
		{"length 1 + 2e-3", with(make([]float32, dim), 0, 1.002), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fp, err := ParseFingerprint(tc.vals, dim, 9)
			if !tc.ok {
				if !errors.Is(err, ErrBadFingerprint) {
					t.Fatalf("err = %v, want ErrBadFingerprint", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			if fp.Version != 9 || fp.Vec.Len() != dim {
				t.Fatalf("version %d dim %d, want 9 and %d", fp.Version, fp.Vec.Len(), dim)
			}
			n := l2(fp.Vec.RawVector().Data)
			if n != 0 && math.Abs(n-1) > 1e-12 {
				t.Fatalf("accepted fingerprint has length %v, want exactly 1 after parsing", n)
			}
		})
	}
}

// TestFingerprintWireRoundTrip: Float32s then ParseFingerprint gives the
// fingerprint back (to float32 precision) with its version.
func TestFingerprintWireRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 29))
	terms := Vector{}
	for i := 0; i < 300; i++ {
		terms[fmt.Sprintf("t%d", i)] = rng.ExpFloat64()
	}
	for _, dim := range []int{64, DefaultFingerprintDim} {
		fp, err := MakeFingerprint(Profile{Terms: terms, Version: 77}, dim)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseFingerprint(fp.Float32s(), dim, fp.Version)
		if err != nil {
			t.Fatalf("dim %d: own fingerprint refused: %v", dim, err)
		}
		if back.Version != 77 {
			t.Errorf("dim %d: version %d, want 77", dim, back.Version)
		}
		orig, got := fp.Vec.RawVector().Data, back.Vec.RawVector().Data
		for i := range orig {
			if math.Abs(orig[i]-got[i]) > 1e-6 {
				t.Fatalf("dim %d: value %d = %v after the round trip, want %v", dim, i, got[i], orig[i])
			}
		}
		if s := fp.Similarity(back); math.Abs(s-1) > 1e-6 {
			t.Errorf("dim %d: similarity to itself after the round trip %v", dim, s)
		}
	}
	zero, _ := MakeFingerprint(Profile{}, 16)
	back, err := ParseFingerprint(zero.Float32s(), 16, 0)
	if err != nil || !back.IsZero() {
		t.Fatalf("zero fingerprint round trip: %v, IsZero %v", err, back.IsZero())
	}
	if (Fingerprint{}).Float32s() != nil {
		t.Error("Float32s of the zero Fingerprint is not nil")
	}
}

// l2 is the Euclidean length of x, computed independently of gonum.
func l2(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// TestGuessTermsFindsTheWordsOfAFingerprint: the words hashed into a
// fingerprint score above the words that are not in it, best first;
// nothing is found in an empty vector or among no candidates.
func TestGuessTermsFindsTheWordsOfAFingerprint(t *testing.T) {
	p := Profile{Terms: Vector{"galaxy": 0.8, "telescope": 0.5, "cake": -0.4}}
	fp, err := MakeFingerprint(p, DefaultFingerprintDim)
	if err != nil {
		t.Fatal(err)
	}
	vec := fp.Vec.RawVector().Data
	got := GuessTerms(vec, []string{"sourdough", "telescope", "cake", "galaxy", "garlic"}, 5)
	var terms []string
	for _, tw := range got {
		terms = append(terms, tw.Term)
	}
	if strings.Join(terms, " ") != "galaxy telescope" {
		t.Errorf("guessed %v, want galaxy then telescope (cake was avoided: not in the fingerprint)", got)
	}
	if got := GuessTerms(vec, []string{"galaxy", "telescope"}, 1); len(got) != 1 || got[0].Term != "galaxy" {
		t.Errorf("n=1: %v", got)
	}
	if got := GuessTerms(make([]float64, 16), []string{"galaxy"}, 3); len(got) != 0 {
		t.Errorf("zero vector: %v", got)
	}
	if got := GuessTerms(nil, []string{"galaxy"}, 3); got != nil {
		t.Errorf("no vector: %v", got)
	}
}
