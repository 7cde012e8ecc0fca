package usermodel

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"testing"
	"weak"
)

// TestSortByFinalIsSliceStable checks the sort RerankTop orders the kept
// candidates with against the plain computation, sort.SliceStable with
// Final > Final: the same order, ties (drawn from a few scores) kept in
// retrieval order, for lists of every length up to 80.
func TestSortByFinalIsSliceStable(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	for n := range 150 {
		kept := make([]Ranked, n)
		for i := range kept {
			kept[i] = Ranked{Candidate: Candidate{Key: strconv.Itoa(i)}, OldRank: i + 1, Final: float64(rng.IntN(4)) / 4}
			switch rng.IntN(20) {
			case 0:
				kept[i].Final = math.Copysign(0, -1) // equal to 0
			case 1:
				kept[i].Final = math.Inf(1 - 2*rng.IntN(2))
			case 2:
				if n%5 == 0 { // a NaN is neither above nor below anything
					kept[i].Final = math.NaN()
				}
			}
		}
		want := slices.Clone(kept)
		sort.SliceStable(want, func(i, j int) bool { return want[i].Final > want[j].Final })
		sortByFinal(kept)
		same := func(a, b Ranked) bool { // NaN is not equal to itself: compare the bits
			return a.Key == b.Key && a.OldRank == b.OldRank && math.Float64bits(a.Final) == math.Float64bits(b.Final)
		}
		if !slices.EqualFunc(kept, want, same) {
			t.Fatalf("n=%d: sortByFinal gave another order than sort.SliceStable", n)
		}
	}
}

// TestPreparedVectorKeysItsCosinesByItsOwnWeakReference checks that the
// weak reference PrepareVector keeps is the one weak.Make gives for the
// vector (so the basis finds the cosines remembered under either), and
// that re-ranking a prepared candidate twice remembers its cosines once,
// under that key.
func TestPreparedVectorKeysItsCosinesByItsOwnWeakReference(t *testing.T) {
	p := PrepareVector(Vector{"glacier": 0.9, "ice": 0.4})
	if p.self != weak.Make(p) {
		t.Fatal("the prepared vector's own weak reference is not weak.Make of it")
	}
	basis := NewRerankBasis(Vector{"glacier": 1}, []Vector{{"lava": 1}})
	cands := []Candidate{{Key: "a", Score: 1, Prepared: p}}
	first, _ := RerankWith(DefaultRerankConfig(), cands, basis)
	again, _ := RerankWith(DefaultRerankConfig(), cands, basis)
	if _, ok := basis.known[weak.Make(p)]; len(basis.known) != 1 || !ok {
		t.Fatalf("the basis remembers %d vectors' cosines, want the prepared vector's alone", len(basis.known))
	}
	if first[0].Final != again[0].Final || first[0].ProfileSim != again[0].ProfileSim {
		t.Errorf("re-ranked again from the remembered cosines: %+v, want %+v", again[0], first[0])
	}
}

// TestSimilarReasonIsTheFormattedOne checks the reason a dropped
// candidate is given against fmt.Sprintf's, for cosines across [-1, 1]
// (rounding halves included), tiny and huge values, NaN and infinities.
func TestSimilarReasonIsTheFormattedOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 7))
	sims := []float64{0, 1, -1, 0.005, 0.015, 0.125, 0.845, 0.855, 0.995, 0.9949999999, 1 - 1e-16, 1e-300, -0.004, math.NaN(), math.Inf(1), math.Inf(-1), 1e300}
	for range 10000 {
		sims = append(sims, rng.Float64()*2-1, float64(rng.IntN(201))/200)
	}
	for _, sim := range sims {
		want := fmt.Sprintf("%.0f%% similar to a result you marked not interested", 100*sim)
		if got := similarReason(sim); got != want {
			t.Fatalf("similarReason(%v) = %q, want %q", sim, got, want)
		}
	}
}

// TestMovedReasonIsTheFormattedOne checks the reasons a moved result is
// given against fmt.Sprintf's formats they replaced, for moves of 1 to
// thousands of places and similarities across [-1, 1] (rounding halves
// included), NaN and infinities.
func TestMovedReasonIsTheFormattedOne(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 8))
	sims := []float64{0, 1, -1, 0.005, 0.015, 0.125, -0.125, 0.845, 0.995, 1 - 1e-16, 1e-300, -0.004, math.NaN(), math.Inf(1), math.Inf(-1), 1e300}
	for range 5000 {
		sims = append(sims, rng.Float64()*2-1, float64(rng.IntN(401))/400-0.5)
	}
	for i, sim := range sims {
		places := 1 + i%7 + (i%3)*rng.IntN(5000)
		for _, c := range []struct{ got, want string }{
			{movedReason("up ", places, ": matches your interests", sim, true),
				fmt.Sprintf("up %d: matches your interests (profile similarity %.2f)", places, sim)},
			{movedReason("up ", places, ": results above it are close to what you marked not interested", 0, false),
				fmt.Sprintf("up %d: results above it are close to what you marked not interested", places)},
			{movedReason("down ", places, ": close to what you marked not interested", sim, true),
				fmt.Sprintf("down %d: close to what you marked not interested (profile similarity %.2f)", places, sim)},
			{movedReason("down ", places, ": others match your interests better", sim, true),
				fmt.Sprintf("down %d: others match your interests better (profile similarity %.2f)", places, sim)},
		} {
			if c.got != c.want {
				t.Fatalf("got %q, want %q", c.got, c.want)
			}
		}
	}
}

// TestRememberedCosinesAreTheWorkedOutOnes re-ranks prepared candidates
// against bases of a profile and 0 to 12 rejected documents, a first time
// (worked out and remembered), a second time (from memory) and a third
// (some candidates new among remembered ones), each against a new basis
// (worked out): the same ranks, scores, reasons and dropped candidates,
// to the bit.
func TestRememberedCosinesAreTheWorkedOutOnes(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 7))
	vocab := make([]string, 40)
	for i := range vocab {
		vocab[i] = fmt.Sprint("t", i)
	}
	random := func(n int) Vector {
		v := Vector{}
		for range n {
			v[vocab[rng.IntN(len(vocab))]] = rng.Float64()
		}
		return v
	}
	cfg := DefaultRerankConfig()
	for _, nRejected := range []int{0, 3, 7, 8, 12} {
		profile := random(20)
		var rejected []Vector
		for range nRejected {
			rejected = append(rejected, random(8))
		}
		basis := NewRerankBasis(profile, rejected)
		var cands []Candidate
		for i := range 30 {
			cands = append(cands, Candidate{Key: fmt.Sprint(i), Score: float64(30 - i), Prepared: PrepareVector(random(1 + rng.IntN(10)))})
		}
		// A rejected document among the candidates: dropped, from memory too.
		if nRejected > 0 {
			cands[4].Prepared = PrepareVector(rejected[0])
		}
		for round := range 3 {
			if round == 2 { // some new candidates among remembered ones
				for i := 0; i < len(cands); i += 3 {
					cands[i].Prepared = PrepareVector(random(6))
				}
			}
			gotK, gotD := RerankWith(cfg, cands, basis)
			wantK, wantD := RerankWith(cfg, cands, NewRerankBasis(profile, rejected))
			if !reflect.DeepEqual(gotK, wantK) || !reflect.DeepEqual(gotD, wantD) {
				t.Fatalf("%d rejected, round %d: re-ranked with remembered cosines\n%+v %+v\nworked out anew\n%+v %+v", nRejected, round, gotK, gotD, wantK, wantD)
			}
			if nRejected > 0 && round == 0 && len(gotD) == 0 {
				t.Fatalf("%d rejected: the rejected document among the candidates was not dropped: the test checks no drop", nRejected)
			}
		}
		if want := len(cands) + len(cands)/3 + 1; len(basis.known) > want || len(basis.known) < len(cands) {
			t.Errorf("%d rejected: the basis remembers %d candidates' cosines, want %d to %d", nRejected, len(basis.known), len(cands), want)
		}
	}
}
