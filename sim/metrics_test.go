package sim

import (
	"math"
	"testing"
)

// TestPurityNMI checks purity and NMI against values computed by hand.
func TestPurityNMI(t *testing.T) {
	for _, tc := range []struct {
		name            string
		clusters, truth []int
		purity, nmi     float64
	}{
		{"identical up to relabelling", []int{5, 5, 2, 2}, []int{0, 0, 1, 1}, 1, 1},
		{"independent", []int{0, 1, 0, 1}, []int{0, 0, 1, 1}, 0.5, 0},
		// MI = .5 ln(4/3) + .25 ln(2/3) + .25 ln 2 = 0.215762;
		// H(C) = 0.562335, H(K) = ln 2; NMI = 0.215762 / sqrt(0.562335·0.693147).
		{"one split merged", []int{0, 0, 0, 1}, []int{0, 0, 1, 1}, 0.75, 0.345593},
		{"one cluster", []int{0, 0, 0, 0}, []int{0, 0, 1, 1}, 0.5, 0},
		{"both one label", []int{3, 3}, []int{1, 1}, 1, 1},
		// The mirror image of the case above: the same NMI.
		{"unclustered nodes count as a cluster", []int{-1, -1, 0, 0}, []int{0, 1, 1, 1}, 0.75, 0.345593},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if p := Purity(tc.clusters, tc.truth); math.Abs(p-tc.purity) > 1e-9 {
				t.Errorf("purity %.6f, want %.6f", p, tc.purity)
			}
			if n := NMI(tc.clusters, tc.truth); math.Abs(n-tc.nmi) > 1e-5 {
				t.Errorf("NMI %.6f, want %.6f", n, tc.nmi)
			}
		})
	}
}

// TestPercentile checks the nearest-rank percentiles.
func TestPercentile(t *testing.T) {
	xs := []float64{50, 15, 40, 20, 35} // Wikipedia's nearest-rank example, unsorted
	for _, tc := range []struct{ p, want float64 }{{5, 15}, {30, 20}, {40, 20}, {50, 35}, {95, 50}, {100, 50}} {
		if got := Percentile(xs, tc.p); got != tc.want {
			t.Errorf("p%.0f = %g, want %g", tc.p, got, tc.want)
		}
	}
	if Percentile(nil, 50) != 0 {
		t.Error("percentile of nothing is not 0")
	}
	if xs[0] != 50 {
		t.Error("Percentile sorted its input")
	}
}

// TestConvergedRound checks the first round from which the partition no
// longer changes, relabelling ignored.
func TestConvergedRound(t *testing.T) {
	for _, tc := range []struct {
		name   string
		rounds [][]int
		want   int
	}{
		{"stable from the start", [][]int{{0, 0, 1}, {1, 1, 0}, {4, 4, 2}}, 0},
		{"settles in round 2", [][]int{{0, 0, 0}, {0, 1, 1}, {0, 0, 1}, {1, 1, 0}}, 2},
		{"changes at the end", [][]int{{0, 0, 1}, {0, 0, 1}, {0, 1, 1}}, 2},
		{"no rounds", nil, -1},
	} {
		if got := ConvergedRound(tc.rounds); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if SamePartition([]int{0, 0, 1}, []int{0, 1, 1}) || !SamePartition([]int{0, 1, 2}, []int{2, 0, 1}) {
		t.Error("SamePartition is wrong")
	}
}

// TestPrecisionRecall checks P@k and recall@k, fewer results than k
// included.
func TestPrecisionRecall(t *testing.T) {
	rel := map[string]bool{"a": true, "c": true, "z": true, "y": true}
	p, r := PrecisionRecall([]string{"a", "b", "c"}, rel, 10)
	if p != 0.2 || r != 0.5 {
		t.Errorf("P@10 %g recall@10 %g, want 0.2 and 0.5", p, r)
	}
	p, r = PrecisionRecall([]string{"a", "b", "c"}, rel, 1)
	if p != 1 || r != 0.25 {
		t.Errorf("P@1 %g recall@1 %g, want 1 and 0.25", p, r)
	}
}
