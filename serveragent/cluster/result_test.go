package cluster

import (
	"math"
	"slices"
	"testing"
)

func TestNearestIsTheCentroidOfHighestCosine(t *testing.T) {
	s := math.Sqrt(0.5)
	r := Result{
		K:         3,
		Centroids: [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}},
	}
	tests := []struct {
		name        string
		r           Result
		vec         []float64
		wantCluster int
		wantSim     float64
	}{
		{name: "a centroid itself", r: r, vec: []float64{0, 1, 0}, wantCluster: 1, wantSim: 1},
		{name: "length does not matter", r: r, vec: []float64{0, 0, 1e-200}, wantCluster: 2, wantSim: 1},
		{name: "huge entries do not overflow", r: r, vec: []float64{1e308, 1e308, 0}, wantCluster: 0, wantSim: s},
		{name: "closest of three", r: r, vec: []float64{0.1, 0.2, 0.9}, wantCluster: 2, wantSim: 0.9 / math.Sqrt(0.86)},
		{name: "tie goes to the lower cluster", r: r, vec: []float64{0, 1, 1}, wantCluster: 1, wantSim: s},
		{name: "opposite of all is still placed", r: r, vec: []float64{-1, -2, -3}, wantCluster: 0, wantSim: -1 / math.Sqrt(14)},
		{name: "zero vector belongs nowhere", r: r, vec: []float64{0, 0, 0}, wantCluster: -1},
		{name: "wrong dimension", r: r, vec: []float64{1, 0}, wantCluster: -1},
		{name: "NaN entry", r: r, vec: []float64{math.NaN(), 1, 0}, wantCluster: -1},
		{name: "infinite entry", r: r, vec: []float64{math.Inf(1), 1, 0}, wantCluster: -1},
		{name: "no clusters", r: Result{}, vec: []float64{1, 0, 0}, wantCluster: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, sim := tc.r.Nearest(tc.vec)
			if c != tc.wantCluster || math.Abs(sim-tc.wantSim) > 1e-12 {
				t.Errorf("Nearest(%v) = (%d, %v), want (%d, %v)", tc.vec, c, sim, tc.wantCluster, tc.wantSim)
			}
		})
	}
}

func TestMembersListsAClusterInIDOrder(t *testing.T) {
	r := Result{K: 2, Assign: map[string]int{"d": 1, "b": 0, "a": 0, "c": 1, "e": 0}}
	tests := []struct {
		c    int
		want []string
	}{
		{0, []string{"a", "b", "e"}},
		{1, []string{"c", "d"}},
		{2, nil},
		{-1, nil},
	}
	for _, tc := range tests {
		if got := r.Members(tc.c); !slices.Equal(got, tc.want) {
			t.Errorf("Members(%d) = %v, want %v", tc.c, got, tc.want)
		}
	}
}
