package usermodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// rankedKeys lists the re-ranked results' keys in order.
func rankedKeys(rs []Ranked) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Key
	}
	return out
}

// droppedKeys lists the dropped candidates' keys in order.
func droppedKeys(ds []Dropped) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Key
	}
	return out
}

// TestRerankWithoutProfileOrRejectionsKeepsRetrievalOrder: with nothing
// learned, the person sees exactly what retrieval returned, ties and
// vector-less results included.
func TestRerankWithoutProfileOrRejectionsKeepsRetrievalOrder(t *testing.T) {
	cands := []Candidate{
		{Key: "a", Score: 9, Doc: Vector{"x": 1}},
		{Key: "b", Score: 7, Doc: nil},
		{Key: "c", Score: 7, Doc: Vector{"y": 1}},
		{Key: "d", Score: 3, Doc: Vector{"x": 0.6, "y": 0.8}},
		{Key: "e", Score: 0, Doc: Vector{"z": 1}},
	}
	cases := []struct {
		name    string
		cfg     RerankConfig
		profile Vector
	}{
		{"empty profile, defaults", DefaultRerankConfig(), nil},
		{"empty (non-nil) profile, full weight", RerankConfig{ProfileWeight: 1, RejectSimilarity: 0.9}, Vector{}},
		{"profile with zero weight", RerankConfig{ProfileWeight: 0}, Vector{"z": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kept, dropped := Rerank(tc.cfg, cands, tc.profile, nil)
			if len(dropped) != 0 {
				t.Fatalf("dropped %v with no rejections", droppedKeys(dropped))
			}
			if got := rankedKeys(kept); !slices.Equal(got, []string{"a", "b", "c", "d", "e"}) {
				t.Fatalf("order %v, want the retrieval order", got)
			}
			for i, r := range kept {
				if r.OldRank != i+1 || r.NewRank != i+1 {
					t.Errorf("%s: old %d new %d, want both %d", r.Key, r.OldRank, r.NewRank, i+1)
				}
				if r.Why != "retrieval score" {
					t.Errorf("%s: why %q, want %q", r.Key, r.Why, "retrieval score")
				}
			}
		})
	}
	if kept, dropped := Rerank(DefaultRerankConfig(), nil, Vector{"x": 1}, []Vector{{"x": 1}}); len(kept)+len(dropped) != 0 {
		t.Fatalf("no candidates: kept %v dropped %v", kept, dropped)
	}
}

// TestRerankWithFullProfileWeightOrdersByProfileSimilarity: λ = 1 ranks
// by cos(doc, profile) alone; equal similarities keep retrieval order.
func TestRerankWithFullProfileWeightOrdersByProfileSimilarity(t *testing.T) {
	profile := Vector{"a": 2} // not unit length: Rerank normalises it
	cands := []Candidate{
		{Key: "orth", Score: 10, Doc: Vector{"b": 1}},               // cos 0
		{Key: "six", Score: 9, Doc: Vector{"a": 0.6, "b": 0.8}},     // cos 0.6
		{Key: "same", Score: 8, Doc: Vector{"a": 1}},                // cos 1
		{Key: "opposite", Score: 7, Doc: Vector{"a": -1}},           // cos −1
		{Key: "eight", Score: 6, Doc: Vector{"a": 0.8, "c": 0.6}},   // cos 0.8
		{Key: "novec", Score: 5},                                    // no vector: cos 0
		{Key: "six-again", Score: 4, Doc: Vector{"a": 3, "d": 4}},   // cos 0.6, not unit
		{Key: "unseen", Score: 3, Doc: Vector{"e": 0.5, "f": -0.5}}, // cos 0
	}
	wantSim := map[string]float64{"orth": 0, "six": 0.6, "same": 1, "opposite": -1, "eight": 0.8, "novec": 0, "six-again": 0.6, "unseen": 0}
	kept, dropped := Rerank(RerankConfig{ProfileWeight: 1}, cands, profile, nil)
	if len(dropped) != 0 {
		t.Fatalf("dropped %v", droppedKeys(dropped))
	}
	want := []string{"same", "eight", "six", "six-again", "orth", "novec", "unseen", "opposite"}
	if got := rankedKeys(kept); !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	for _, r := range kept {
		if !near(r.ProfileSim, wantSim[r.Key]) {
			t.Errorf("%s: ProfileSim %v, want %v", r.Key, r.ProfileSim, wantSim[r.Key])
		}
		if !near(r.Final, wantSim[r.Key]) {
			t.Errorf("%s: Final %v, want the profile similarity %v", r.Key, r.Final, wantSim[r.Key])
		}
	}
}

// TestRerankDropsNearCopiesOfRejectedDocuments: a candidate whose cosine
// to a document marked not interested reaches RejectSimilarity is dropped
// with a reason; the rest keep their relative order.
func TestRerankDropsNearCopiesOfRejectedDocuments(t *testing.T) {
	rejected := []Vector{{"spam": 1, "offer": 1}, {"casino": 1}}
	cands := []Candidate{
		{Key: "good1", Score: 5, Doc: Vector{"sail": 1}},
		{Key: "copy", Score: 4, Doc: Vector{"spam": 2, "offer": 2}},                // cos 1 to the first
		{Key: "near-copy", Score: 3.5, Doc: Vector{"spam": 1, "offer": 0.9}},       // cos 0.9986
		{Key: "related", Score: 3, Doc: Vector{"spam": 1, "sail": 1}},              // cos 0.5: kept
		{Key: "second-rejected", Score: 2, Doc: Vector{"casino": 1, "sail": 0.05}}, // cos 0.9988 to the second
		{Key: "novec", Score: 1.5},                                                 // no vector: never dropped
		{Key: "good2", Score: 1, Doc: Vector{"boat": 1}},
	}
	cases := []struct {
		name        string
		threshold   float64
		wantKept    []string
		wantDropped []string
	}{
		{"threshold 0.9", 0.9, []string{"good1", "related", "novec", "good2"}, []string{"copy", "near-copy", "second-rejected"}},
		{"threshold 0.4 also drops the related one", 0.4, []string{"good1", "novec", "good2"}, []string{"copy", "near-copy", "related", "second-rejected"}},
		{"0 turns filtering off", 0, []string{"good1", "copy", "near-copy", "related", "second-rejected", "novec", "good2"}, nil},
		{"above 1 turns filtering off", 1.5, []string{"good1", "copy", "near-copy", "related", "second-rejected", "novec", "good2"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			kept, dropped := Rerank(RerankConfig{ProfileWeight: 0.5, RejectSimilarity: tc.threshold}, cands, nil, rejected)
			if got := rankedKeys(kept); !slices.Equal(got, tc.wantKept) {
				t.Errorf("kept %v, want %v", got, tc.wantKept)
			}
			if got := droppedKeys(dropped); !slices.Equal(got, tc.wantDropped) {
				t.Errorf("dropped %v, want %v", got, tc.wantDropped)
			}
			for _, d := range dropped {
				want := slices.IndexFunc(cands, func(c Candidate) bool { return c.Key == d.Key }) + 1
				if d.OldRank != want {
					t.Errorf("dropped %s: OldRank %d, want %d", d.Key, d.OldRank, want)
				}
				if !strings.Contains(d.Why, "% similar to a result you marked not interested") {
					t.Errorf("dropped %s: reason %q does not say why", d.Key, d.Why)
				}
			}
		})
	}
	_, dropped := Rerank(DefaultRerankConfig(), cands[:2], nil, rejected)
	if len(dropped) != 1 || dropped[0].Why != "100% similar to a result you marked not interested" {
		t.Fatalf("exact copy: dropped %+v, want one with reason %q", dropped, "100% similar to a result you marked not interested")
	}
}

// TestRerankDropsAtExactlyTheThreshold: "at least RejectSimilarity" —
// cos({x 3, y 4}, {x 1}) is exactly 0.6 in float64.
func TestRerankDropsAtExactlyTheThreshold(t *testing.T) {
	rejected := []Vector{{"x": 1}}
	cands := []Candidate{
		{Key: "at", Score: 2, Doc: Vector{"x": 3, "y": 4}},
		{Key: "below", Score: 1, Doc: Vector{"x": 3, "y": 4.01}},
	}
	if c := cands[0].Doc.Cosine(rejected[0]); c != 0.6 {
		t.Fatalf("test premise: cosine %v, want exactly 0.6", c)
	}
	kept, dropped := Rerank(RerankConfig{RejectSimilarity: 0.6}, cands, nil, rejected)
	if !slices.Equal(droppedKeys(dropped), []string{"at"}) || !slices.Equal(rankedKeys(kept), []string{"below"}) {
		t.Fatalf("kept %v dropped %v, want %q dropped and %q kept", rankedKeys(kept), droppedKeys(dropped), "at", "below")
	}
}

// TestRerankTiesKeepRetrievalOrder: results with equal final scores stay
// in retrieval order, however many there are to sort.
func TestRerankTiesKeepRetrievalOrder(t *testing.T) {
	docs := []Vector{{"a": 1}, {"b": 1}, {"a": 1, "b": 1}} // cos to {a}: 1, 0, 0.707
	var cands []Candidate
	var want [3][]string // by similarity group: 1, 0.707, 0
	for i := 0; i < 60; i++ {
		key := fmt.Sprint("k", i)
		cands = append(cands, Candidate{Key: key, Score: float64(100 - i), Doc: docs[i%3]})
		group := map[int]int{0: 0, 2: 1, 1: 2}[i%3]
		want[group] = append(want[group], key)
	}
	kept, _ := Rerank(RerankConfig{ProfileWeight: 1}, cands, Vector{"a": 1}, nil)
	if got, w := rankedKeys(kept), slices.Concat(want[0], want[1], want[2]); !slices.Equal(got, w) {
		t.Fatalf("order %v\nwant    %v", got, w)
	}
}

// TestRerankThresholdOneDropsTheSamePageAgain: RejectSimilarity 1 is a
// valid setting (only 0 and values above 1 turn filtering off) that should
// drop the same document seen again. Its cosine is 1 mathematically, but
// in float64 it can come out just below: cos({a:1,b:1}, {a:1,b:1}) is
// 2/(√2·√2) = 0.9999999999999998, so the copy is kept.
func TestRerankThresholdOneDropsTheSamePageAgain(t *testing.T) {
	rejected := []Vector{{"spam": 1, "offer": 1}}
	cands := []Candidate{
		{Key: "same", Score: 2, Doc: Vector{"spam": 1, "offer": 1}},
		{Key: "scaled", Score: 1, Doc: Vector{"spam": 2, "offer": 2}},
	}
	kept, dropped := Rerank(RerankConfig{RejectSimilarity: 1}, cands, nil, rejected)
	if len(kept) != 0 || len(dropped) != 2 {
		t.Fatalf("kept %v, dropped %v: want both copies dropped", rankedKeys(kept), droppedKeys(dropped))
	}
}

// TestRerankExplainsMovesWithConsistentRanks: on a hand-worked case,
// Final = (1−λ)·score/max + λ·cos, NewRank is the position, OldRank the
// retrieval position, and Why names the direction and distance of the
// move.
func TestRerankExplainsMovesWithConsistentRanks(t *testing.T) {
	cands := []Candidate{
		{Key: "c1", Score: 10, Doc: Vector{"b": 1}},  // final 0.5·1   + 0.5·0  = 0.5
		{Key: "c2", Score: 9, Doc: Vector{"a": 1}},   // final 0.5·0.9 + 0.5·1  = 0.95
		{Key: "c3", Score: 8, Doc: Vector{"a": -1}},  // final 0.5·0.8 − 0.5·1  = −0.1
		{Key: "c4", Score: 1, Doc: Vector{"a": 1}},   // final 0.5·0.1 + 0.5·1  = 0.55
		{Key: "c5", Score: 0.5, Doc: Vector{"c": 1}}, // final 0.5·0.05 + 0    = 0.025
		{Key: "c6", Score: 0, Doc: Vector{"d": 1}},   // final 0
	}
	kept, _ := Rerank(RerankConfig{ProfileWeight: 0.5}, cands, Vector{"a": 1}, nil)
	want := []struct {
		key     string
		final   float64
		oldRank int
		why     string
	}{
		{"c2", 0.95, 2, "up 1: matches your interests (profile similarity 1.00)"},
		{"c4", 0.55, 4, "up 2: matches your interests (profile similarity 1.00)"},
		{"c1", 0.5, 1, "down 2: others match your interests better (profile similarity 0.00)"},
		// c5 and c6 rise only because c3 fell: their own similarity is 0.
		{"c5", 0.025, 5, "up 1: results above it are close to what you marked not interested"},
		{"c6", 0, 6, "up 1: results above it are close to what you marked not interested"},
		{"c3", -0.1, 3, "down 3: close to what you marked not interested (profile similarity -1.00)"},
	}
	if len(kept) != len(want) {
		t.Fatalf("kept %v", rankedKeys(kept))
	}
	for i, w := range want {
		r := kept[i]
		whyOK := r.Why == w.why || (strings.HasSuffix(w.why, ": ") && strings.HasPrefix(r.Why, w.why))
		if r.Key != w.key || r.OldRank != w.oldRank || r.NewRank != i+1 || !near(r.Final, w.final) || !whyOK {
			t.Errorf("position %d: %s old %d new %d final %v why %q\nwant %s old %d new %d final %v why %q",
				i+1, r.Key, r.OldRank, r.NewRank, r.Final, r.Why, w.key, w.oldRank, i+1, w.final, w.why)
		}
	}
	// One that stays put with a profile in play was not moved by it.
	kept, _ = Rerank(RerankConfig{ProfileWeight: 0.5}, cands[:2], Vector{"b": 1}, nil)
	if kept[0].Key != "c1" || kept[0].Why != "retrieval score" {
		t.Errorf("unmoved first result: %s why %q", kept[0].Key, kept[0].Why)
	}
}

// TestRerankRanksAndReasonsAreConsistent checks, on random inputs, what
// every re-ranking must satisfy: kept and dropped together are the
// candidates, each once, with OldRank their retrieval position; NewRank is
// the position in the new order; Final decreases along it; and Why says
// "up N" or "down N" exactly when the result moved N places from its
// position among the kept candidates in retrieval order.
func TestRerankRanksAndReasonsAreConsistent(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 37))
	vocab := []string{"a", "b", "c", "d", "e", "f"}
	randVec := func() Vector {
		v := Vector{}
		for _, term := range vocab {
			if rng.IntN(2) == 0 {
				v[term] = rng.NormFloat64()
			}
		}
		return v
	}
	for trial := 0; trial < 200; trial++ {
		n := 1 + rng.IntN(15)
		cands := make([]Candidate, n)
		score := 20.0
		for i := range cands {
			score -= rng.Float64() * 2
			cands[i] = Candidate{Key: fmt.Sprint("k", i), Score: math.Max(score, 0), Doc: randVec()}
		}
		profile := randVec()
		var rejected []Vector
		for j := rng.IntN(3); j > 0; j-- {
			rejected = append(rejected, cands[rng.IntN(n)].Doc)
		}
		cfg := RerankConfig{ProfileWeight: rng.Float64(), RejectSimilarity: 0.9}
		kept, dropped := Rerank(cfg, cands, profile, rejected)

		seen := map[int]bool{}
		for _, d := range dropped {
			if cands[d.OldRank-1].Key != d.Key || seen[d.OldRank] {
				t.Fatalf("trial %d: dropped %s has OldRank %d", trial, d.Key, d.OldRank)
			}
			seen[d.OldRank] = true
		}
		plain := map[string]int{} // position among the kept in retrieval order
		for _, c := range cands {
			if slices.ContainsFunc(kept, func(r Ranked) bool { return r.Key == c.Key }) {
				plain[c.Key] = len(plain) + 1
			}
		}
		for i, r := range kept {
			if r.OldRank < 1 || r.OldRank > n || cands[r.OldRank-1].Key != r.Key || seen[r.OldRank] {
				t.Fatalf("trial %d: kept %s has OldRank %d", trial, r.Key, r.OldRank)
			}
			seen[r.OldRank] = true
			if r.NewRank != i+1 {
				t.Fatalf("trial %d: position %d has NewRank %d", trial, i+1, r.NewRank)
			}
			if i > 0 && kept[i-1].Final < r.Final {
				t.Fatalf("trial %d: Final increases at position %d", trial, i+1)
			}
			var want string
			switch {
			case len(profile) == 0 || cfg.ProfileWeight == 0 || r.NewRank == plain[r.Key]:
				want = "retrieval score"
			case r.NewRank < plain[r.Key]:
				want = fmt.Sprintf("up %d: ", plain[r.Key]-r.NewRank)
			default:
				want = fmt.Sprintf("down %d: ", r.NewRank-plain[r.Key])
			}
			if !strings.HasPrefix(r.Why, want) || (want == "retrieval score" && r.Why != want) {
				t.Fatalf("trial %d: %s old %d new %d: why %q, want it to start %q", trial, r.Key, r.OldRank, r.NewRank, r.Why, want)
			}
		}
		if len(seen) != n {
			t.Fatalf("trial %d: %d of %d candidates accounted for", trial, len(seen), n)
		}
		for _, rv := range rejected {
			for _, r := range kept {
				if r.Doc.Cosine(rv) >= cfg.RejectSimilarity {
					t.Fatalf("trial %d: %s kept at cosine %v to a rejected document", trial, r.Key, r.Doc.Cosine(rv))
				}
			}
		}
	}
}

// TestRerankGivesAReasonOnlyWhenTheProfileMovedAResult: a result keeps
// the plain "retrieval score" unless the profile moved it; rising because
// a result above was filtered out, or staying put with similarity 0, is
// not a move by the profile.
func TestRerankGivesAReasonOnlyWhenTheProfileMovedAResult(t *testing.T) {
	spam := Vector{"spam": 1}
	tests := []struct {
		name     string
		cands    []Candidate
		profile  Vector
		rejected []Vector
		want     []string // key: why, in the new order
	}{
		{
			name: "rising because the first was filtered",
			cands: []Candidate{
				{Key: "spam", Score: 10, Doc: spam},
				{Key: "b", Score: 9, Doc: Vector{"x": 1}},
				{Key: "c", Score: 8, Doc: Vector{"y": 1}},
			},
			profile: Vector{"z": 1}, rejected: []Vector{spam},
			want: []string{"b: retrieval score", "c: retrieval score"},
		},
		{
			name: "unmoved with profile similarity 0",
			cands: []Candidate{
				{Key: "a", Score: 10, Doc: Vector{"x": 1}},
				{Key: "b", Score: 9, Doc: Vector{"y": 1}},
			},
			profile: Vector{"z": 1},
			want:    []string{"a: retrieval score", "b: retrieval score"},
		},
		{
			name: "unmoved with a similar profile",
			cands: []Candidate{
				{Key: "a", Score: 10, Doc: Vector{"z": 1}},
				{Key: "b", Score: 9, Doc: Vector{"y": 1}},
			},
			profile: Vector{"z": 1},
			want:    []string{"a: retrieval score", "b: retrieval score"},
		},
		{
			name: "moved by the profile",
			cands: []Candidate{
				{Key: "a", Score: 10, Doc: Vector{"x": 1}},
				{Key: "b", Score: 9, Doc: Vector{"z": 1}},
			},
			profile: Vector{"z": 1},
			want: []string{
				"b: up 1: matches your interests (profile similarity 1.00)",
				"a: down 1: others match your interests better (profile similarity 0.00)",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			kept, _ := Rerank(DefaultRerankConfig(), tc.cands, tc.profile, tc.rejected)
			var got []string
			for _, r := range kept {
				got = append(got, r.Key+": "+r.Why)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestPreparedCosineIsVectorCosineRepeatably checks the cosine
// re-ranking takes with norms worked out once and terms sorted only when
// needed: it equals Vector.Cosine up to rounding, whichever vector is
// longer, and is the same to the bit on every call (map order is random
// on every walk) and whichever of the two vectors had its terms sorted
// before, so re-ranking stays reproducible.
func TestPreparedCosineIsVectorCosineRepeatably(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 5))
	random := func(n int) Vector {
		v := Vector{}
		for range n {
			v[fmt.Sprintf("t%d", rng.IntN(3*n+1))] = rng.NormFloat64()
		}
		return v
	}
	cases := []struct {
		name string
		a, b Vector
	}{
		{"empty", Vector{}, random(5)},
		{"first shorter", random(7), random(40)},
		{"second shorter", random(40), random(7)},
		{"same length", random(30), random(30)},
		{"same vector", Vector{"x": 0.1, "y": 0.7, "z": -0.3}, Vector{"x": 0.1, "y": 0.7, "z": -0.3}},
		{"thousands of terms", random(3000), random(400)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.a.Cosine(tc.b)
			first := prepare(tc.a).cosine(prepare(tc.b))
			if math.Abs(first-want) > 1e-12 {
				t.Fatalf("prepared cosine %v, Vector.Cosine %v", first, want)
			}
			for trial := range 20 {
				a, b := prepare(tc.a.Clone()), prepare(tc.b.Clone())
				switch trial % 3 {
				case 1:
					b.sortKeys() // as when b met a longer vector before
				case 2:
					a, b = PrepareVector(tc.a.Clone()), PrepareVector(tc.b.Clone()) // as cached
				}
				if got := a.cosine(b); got != first {
					t.Fatalf("trial %d: cosine %v, first time %v", trial, got, first)
				}
				if got := b.cosine(a); got != first {
					t.Fatalf("trial %d: cosine the other way round %v, first time %v", trial, got, first)
				}
			}
		})
	}
}

// TestCosineSetGivesEachCosineToTheBit checks the one-walk cosines of a
// candidate with the profile and the rejected documents (cosineSet): each
// is exactly PreparedVector.cosine of the pair, whether the candidate is
// shorter than the fixed vectors' terms together or longer, prepared
// lazily or in advance, and for empty vectors on either side; so
// re-ranking orders and filters as it did pair by pair.
func TestCosineSetGivesEachCosineToTheBit(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 7))
	random := func(n, vocab int) Vector {
		v := Vector{}
		for range n {
			v[fmt.Sprintf("t%d", rng.IntN(vocab))] = rng.NormFloat64()
		}
		return v
	}
	fixedVecs := []Vector{random(400, 3000), random(100, 3000), {}, random(100, 600), random(5, 50)}
	fixed := make([]*PreparedVector, len(fixedVecs))
	for i, v := range fixedVecs {
		fixed[i] = prepare(v)
	}
	set := newCosineSet(fixed)
	out := make([]float64, len(fixed))
	for _, n := range []int{0, 1, 30, 80, 600, 3000} {
		for _, eager := range []bool{false, true} {
			doc := random(n, 3000)
			cv := prepare(doc)
			if eager {
				cv = PrepareVector(doc)
			}
			set.cosines(cv, out)
			for i, v := range fixedVecs {
				want := prepare(doc).cosine(prepare(v))
				if out[i] != want {
					t.Errorf("candidate of %d terms (prepared in advance %v), vector %d: cosine %v, pair by pair %v", n, eager, i, out[i], want)
				}
			}
		}
	}
}

// TestRerankBasisRemembersCosinesOfTheSameVectorOnly: a basis re-ranking
// prepared candidates again and again gives what Rerank on the plain
// vectors gives, each time; a new prepared vector with another content
// (a document changed) gets its own cosines, not those remembered for
// another vector; and candidates given as plain vectors are never mixed
// up with prepared ones.
func TestRerankBasisRemembersCosinesOfTheSameVectorOnly(t *testing.T) {
	profile := Vector{"glacier": 0.8, "ice": 0.5, "moraine": 0.3}
	rejected := []Vector{{"lava": 1, "basalt": 0.4}}
	docs := []Vector{
		{"glacier": 0.9, "ice": 0.4},
		{"lava": 1, "basalt": 0.41},
		{"river": 1, "ice": 0.1},
		{"moraine": 1, "glacier": 0.2, "lava": 0.1},
	}
	cfg := DefaultRerankConfig()
	basis := NewRerankBasis(profile, rejected)
	prepared := func(vs []Vector) []Candidate {
		out := make([]Candidate, len(vs))
		for i, v := range vs {
			out[i] = Candidate{Key: fmt.Sprint(i), Score: float64(len(vs) - i), Prepared: PrepareVector(v)}
		}
		return out
	}
	plain := func(vs []Vector) []Candidate {
		out := make([]Candidate, len(vs))
		for i, v := range vs {
			out[i] = Candidate{Key: fmt.Sprint(i), Score: float64(len(vs) - i), Doc: v}
		}
		return out
	}
	check := func(name string, vs []Vector, cands []Candidate) {
		t.Helper()
		wantKept, wantDropped := Rerank(cfg, plain(vs), profile, rejected)
		gotKept, gotDropped := RerankWith(cfg, cands, basis)
		if len(gotKept) != len(wantKept) || len(gotDropped) != len(wantDropped) {
			t.Fatalf("%s: %d kept and %d dropped, want %d and %d", name, len(gotKept), len(gotDropped), len(wantKept), len(wantDropped))
		}
		for i := range gotKept {
			g, w := gotKept[i], wantKept[i]
			if g.Key != w.Key || g.Final != w.Final || g.ProfileSim != w.ProfileSim || g.Why != w.Why {
				t.Errorf("%s: result %d is %s (final %v, profile %v, %q), want %s (final %v, profile %v, %q)",
					name, i+1, g.Key, g.Final, g.ProfileSim, g.Why, w.Key, w.Final, w.ProfileSim, w.Why)
			}
		}
		for i := range gotDropped {
			if gotDropped[i].Key != wantDropped[i].Key || gotDropped[i].Why != wantDropped[i].Why {
				t.Errorf("%s: dropped %d is %s (%q), want %s (%q)", name, i+1, gotDropped[i].Key, gotDropped[i].Why, wantDropped[i].Key, wantDropped[i].Why)
			}
		}
	}
	cands := prepared(docs)
	for round := range 3 {
		check(fmt.Sprintf("round %d", round), docs, cands)
	}
	// The documents changed: the rejected page now reads like the profile.
	changed := slices.Clone(docs)
	changed[1] = Vector{"glacier": 1, "moraine": 0.5}
	changed[0] = Vector{"lava": 1, "basalt": 0.4}
	check("changed documents", changed, prepared(changed))
	check("plain vectors", changed, plain(changed))
	check("the first vectors again", docs, cands)
}

// TestRerankTopGivesReasonsToTheShownOnly: RerankTop orders, scores, ranks
// and drops exactly as RerankWith, and gives the first n kept results
// RerankWith's reasons and the others none, for n from none to more than
// were kept.
func TestRerankTopGivesReasonsToTheShownOnly(t *testing.T) {
	profile := Vector{"glacier": 0.8, "ice": 0.5}
	rejected := []Vector{{"lava": 1}}
	docs := []Vector{{"river": 1}, {"lava": 1}, {"glacier": 1}, {"ice": 0.7, "river": 0.3}, {"basalt": 1}, {"glacier": 0.5, "moraine": 0.5}}
	cands := make([]Candidate, len(docs))
	for i, d := range docs {
		cands[i] = Candidate{Key: fmt.Sprint(i), Score: float64(10 - i), Prepared: PrepareVector(d)}
	}
	cfg := DefaultRerankConfig()
	basis := NewRerankBasis(profile, rejected)
	wantKept, wantDropped := RerankWith(cfg, cands, basis)
	if len(wantDropped) != 1 || wantKept[0].Why == "retrieval score" {
		t.Fatalf("the fixture does not exercise reasons and drops: kept %+v, dropped %+v", wantKept, wantDropped)
	}
	for _, n := range []int{0, 1, 3, len(wantKept), len(wantKept) + 4} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			kept, dropped := RerankTop(cfg, cands, basis, n)
			if !reflect.DeepEqual(dropped, wantDropped) {
				t.Errorf("dropped %+v, want %+v", dropped, wantDropped)
			}
			if len(kept) != len(wantKept) {
				t.Fatalf("%d kept, want %d", len(kept), len(wantKept))
			}
			for i, r := range kept {
				want := wantKept[i]
				if i >= n {
					want.Why = ""
				}
				if !reflect.DeepEqual(r, want) {
					t.Errorf("result %d: %+v, want %+v", i+1, r, want)
				}
			}
		})
	}
}
