package cluster

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/gonum/floats"
)

func TestClusterRecoversWellSeparatedGroupsAndChoosesTheirNumber(t *testing.T) {
	tests := []struct {
		name  string
		dim   int
		seed  uint64
		noise float64
	}{
		{name: "3x20 in 64-D", dim: 64, seed: 1, noise: 0.8},
		{name: "3x20 in 64-D other seed", dim: 64, seed: 2, noise: 0.8},
		{name: "3x20 in 1024-D", dim: 1024, seed: 3, noise: 0.8},
		{name: "3x20 in 1024-D noisier", dim: 1024, seed: 4, noise: 1.2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			points, truth := blobs(tc.seed, 3, 20, tc.dim, tc.noise)
			cfg := Config{MinK: 2, MaxK: 6, Seed: tc.seed}
			res, err := Cluster(context.Background(), points, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if res.K != 3 {
				t.Errorf("K = %d, want 3; candidates %+v", res.K, res.Candidates)
			}
			if !samePartition(res.Assign, truth) {
				t.Errorf("groups not recovered exactly: got %v", res.Assign)
			}
			if got := candidateKs(res); !slices.Equal(got, []int{2, 3, 4, 5, 6}) {
				t.Errorf("k tried = %v, want 2..6", got)
			}
			if !slices.Equal(res.Sizes, []int{20, 20, 20}) {
				t.Errorf("sizes = %v, want 20 each", res.Sizes)
			}
			for j, c := range res.Centroids {
				if n := floats.Norm(c, 2); math.Abs(n-1) > 1e-12 {
					t.Errorf("centroid %d has length %v", j, n)
				}
			}
			if res.Silhouette < 0.3 {
				t.Errorf("silhouette %v is low for well-separated groups", res.Silhouette)
			}
		})
	}
}

func candidateKs(r Result) []int {
	var ks []int
	for _, c := range r.Candidates {
		ks = append(ks, c.K)
	}
	return ks
}

func TestClusterIsDeterministicAcrossRunsAndInputOrders(t *testing.T) {
	tests := []struct {
		name  string
		noise float64
	}{
		{name: "separated groups", noise: 0.8},
		// Overlapping groups: many local optima, so only a faithful use of
		// the seed gives the same answer twice.
		{name: "overlapping groups", noise: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			points, _ := blobs(5, 4, 15, 32, tc.noise)
			cfg := Config{Seed: 42}
			want, err := Cluster(context.Background(), points, cfg)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(9, 9))
			for round := range 4 {
				shuffled := slices.Clone(points)
				if round > 0 {
					rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				}
				got, err := Cluster(context.Background(), shuffled, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("round %d: result differs from the first run", round)
				}
			}
		})
	}
}

func TestClusterResultForKDoesNotDependOnOtherKTried(t *testing.T) {
	points, _ := blobs(6, 3, 20, 64, 0.8)
	all, err := Cluster(context.Background(), points, Config{MinK: 2, MaxK: 6, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	only, err := Cluster(context.Background(), points, Config{MinK: all.K, MaxK: all.K, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(all.Assign, only.Assign) || !reflect.DeepEqual(all.Centroids, only.Centroids) ||
		all.Inertia != only.Inertia || all.Silhouette != only.Silhouette {
		t.Errorf("k=%d alone differs from k=%d chosen among 2..6", only.K, all.K)
	}
}

func TestClusterConvergedResultIsAFixedPointOfSphericalKMeans(t *testing.T) {
	points, _ := blobs(8, 4, 30, 24, 2)
	res, err := Cluster(context.Background(), points, Config{MaxIter: 1000, Tol: 1e-300, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string][]float64{}
	for _, p := range points {
		byID[p.ID] = p.Vec
	}
	sums := make([][]float64, res.K)
	for j := range sums {
		sums[j] = make([]float64, len(points[0].Vec))
	}
	inertia := 0.0
	for id, c := range res.Assign {
		near, sim := res.Nearest(byID[id])
		if near != c {
			t.Errorf("%s: assigned to %d, nearest centroid %d", id, c, near)
		}
		floats.Add(sums[c], byID[id])
		inertia += 1 - sim
	}
	for j, s := range sums {
		floats.Scale(1/floats.Norm(s, 2), s)
		if d := floats.Distance(s, res.Centroids[j], math.Inf(1)); d > 1e-12 {
			t.Errorf("centroid %d is %v away from its members' normalised mean", j, d)
		}
		if got := len(res.Members(j)); got != res.Sizes[j] {
			t.Errorf("cluster %d: %d members, size %d", j, got, res.Sizes[j])
		}
	}
	if math.Abs(inertia-res.Inertia) > 1e-9 {
		t.Errorf("inertia %v, recomputed %v", res.Inertia, inertia)
	}
}

func TestClusterDegenerateInputs(t *testing.T) {
	a, b, c := []float64{1, 0, 0}, []float64{0, 1, 0}, []float64{0, 0, 1}
	zero := []float64{0, 0, 0}
	s := math.Sqrt(0.5)
	tests := []struct {
		name       string
		points     []Point
		wantK      int
		wantAssign map[string]int
		wantCents  [][]float64
		wantSil    float64
		wantIn     float64
		wantExcl   []string
		wantKs     []int
	}{
		{
			name:       "no points",
			wantK:      0,
			wantAssign: map[string]int{},
		},
		{
			name:       "one point is one cluster",
			points:     []Point{{"a", []float64{0, 2, 0}}},
			wantK:      1,
			wantAssign: map[string]int{"a": 0},
			wantCents:  [][]float64{b},
		},
		{
			name:       "two points are one cluster",
			points:     []Point{{"y", b}, {"x", a}},
			wantK:      1,
			wantAssign: map[string]int{"x": 0, "y": 0},
			wantCents:  [][]float64{{s, s, 0}},
			wantIn:     2 - 2*s,
		},
		{
			name:       "identical points are one cluster",
			points:     []Point{{"a", c}, {"b", c}, {"c", c}, {"d", c}, {"e", c}},
			wantK:      1,
			wantAssign: map[string]int{"a": 0, "b": 0, "c": 0, "d": 0, "e": 0},
			wantCents:  [][]float64{c},
		},
		{
			name: "three duplicated directions give k=3 and silhouette 1",
			points: []Point{
				{"a1", a}, {"b1", b}, {"c1", c}, {"a2", a}, {"b2", b}, {"c2", c},
				{"a3", a}, {"b3", b}, {"c3", c}, {"a4", a},
			},
			wantK: 3,
			wantAssign: map[string]int{
				"a1": 0, "a2": 0, "a3": 0, "a4": 0, "b1": 1, "b2": 1, "b3": 1, "c1": 2, "c2": 2, "c3": 2,
			},
			wantCents: [][]float64{a, b, c},
			wantSil:   1,
			wantKs:    []int{2, 3}, // k ≥ 4 cannot be seeded
		},
		{
			name:       "zero vectors are excluded and reported",
			points:     []Point{{"z2", zero}, {"a", a}, {"z1", zero}, {"b", a}, {"c", b}},
			wantK:      2,
			wantAssign: map[string]int{"a": 0, "b": 0, "c": 1},
			wantCents:  [][]float64{a, b},
			wantSil:    2.0 / 3, // s = 1, 1 and 0 for the singleton
			wantExcl:   []string{"z1", "z2"},
			wantKs:     []int{2},
		},
		{
			name:       "only zero vectors give no cluster",
			points:     []Point{{"b", zero}, {"a", zero}},
			wantK:      0,
			wantAssign: map[string]int{},
			wantExcl:   []string{"a", "b"},
		},
		{
			name:       "antipodal points get the first as centroid",
			points:     []Point{{"n", []float64{-1, 0, 0}}, {"p", a}},
			wantK:      1,
			wantAssign: map[string]int{"n": 0, "p": 0},
			wantCents:  [][]float64{{-1, 0, 0}},
			wantIn:     2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Cluster(context.Background(), tc.points, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			if res.K != tc.wantK {
				t.Errorf("K = %d, want %d", res.K, tc.wantK)
			}
			if !reflect.DeepEqual(res.Assign, tc.wantAssign) {
				t.Errorf("Assign = %v, want %v", res.Assign, tc.wantAssign)
			}
			if len(res.Centroids) != len(tc.wantCents) {
				t.Fatalf("%d centroids, want %d", len(res.Centroids), len(tc.wantCents))
			}
			for j := range tc.wantCents {
				if d := floats.Distance(res.Centroids[j], tc.wantCents[j], math.Inf(1)); d > 1e-12 {
					t.Errorf("centroid %d = %v, want %v", j, res.Centroids[j], tc.wantCents[j])
				}
			}
			if math.Abs(res.Silhouette-tc.wantSil) > 1e-12 {
				t.Errorf("Silhouette = %v, want %v", res.Silhouette, tc.wantSil)
			}
			if math.Abs(res.Inertia-tc.wantIn) > 1e-12 {
				t.Errorf("Inertia = %v, want %v", res.Inertia, tc.wantIn)
			}
			if !slices.Equal(res.Excluded, tc.wantExcl) {
				t.Errorf("Excluded = %v, want %v", res.Excluded, tc.wantExcl)
			}
			if got := candidateKs(res); !slices.Equal(got, tc.wantKs) {
				t.Errorf("k tried = %v, want %v", got, tc.wantKs)
			}
		})
	}
}

func TestClusterIgnoresVectorLength(t *testing.T) {
	points, _ := blobs(12, 3, 10, 16, 0.8)
	scaled := make([]Point, len(points))
	for i, p := range points {
		v := slices.Clone(p.Vec)
		floats.Scale(math.Ldexp(1, i%7-3), v) // powers of two: exact
		scaled[i] = Point{ID: p.ID, Vec: v}
	}
	want, err := Cluster(context.Background(), points, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Cluster(context.Background(), scaled, Config{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Error("scaling the vectors changed the result")
	}
}

func TestClusterRejectsBadInputAndKeepsItIntact(t *testing.T) {
	ok := []float64{1, 0}
	tests := []struct {
		name    string
		points  []Point
		cfg     Config
		wantErr error
	}{
		{name: "NaN entry", points: []Point{{"a", ok}, {"b", []float64{math.NaN(), 1}}, {"c", ok}}, wantErr: ErrBadPoint},
		{name: "infinite entry", points: []Point{{"a", []float64{0, math.Inf(-1)}}}, wantErr: ErrBadPoint},
		{name: "mismatched dimensions", points: []Point{{"a", ok}, {"b", []float64{1, 0, 0}}}, wantErr: ErrBadPoint},
		{name: "repeated ID", points: []Point{{"a", ok}, {"b", ok}, {"a", ok}}, wantErr: ErrBadPoint},
		{name: "empty ID", points: []Point{{"", ok}, {"b", ok}}, wantErr: ErrBadPoint},
		{name: "empty vector", points: []Point{{"a", nil}, {"b", nil}}, wantErr: ErrBadPoint},
		{name: "MinK 1", points: []Point{{"a", ok}}, cfg: Config{MinK: 1}, wantErr: ErrBadConfig},
		{name: "MaxK below MinK", points: []Point{{"a", ok}}, cfg: Config{MinK: 5, MaxK: 3}, wantErr: ErrBadConfig},
		{name: "negative MaxIter", cfg: Config{MaxIter: -1}, wantErr: ErrBadConfig},
		{name: "negative Restarts", cfg: Config{Restarts: -2}, wantErr: ErrBadConfig},
		{name: "negative Tol", cfg: Config{Tol: -1e-3}, wantErr: ErrBadConfig},
		{name: "NaN Tol", cfg: Config{Tol: math.NaN()}, wantErr: ErrBadConfig},
		{name: "MinSilhouette 1 could never split", cfg: Config{MinSilhouette: 1}, wantErr: ErrBadConfig},
		{name: "MinSilhouette below -1", cfg: Config{MinSilhouette: -1.5}, wantErr: ErrBadConfig},
		{name: "NaN MinSilhouette", cfg: Config{MinSilhouette: math.NaN()}, wantErr: ErrBadConfig},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := clonePoints(tc.points)
			res, err := Cluster(context.Background(), tc.points, tc.cfg)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("err = %v, want %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(res, Result{}) {
				t.Errorf("a failed call returned a result: %+v", res)
			}
			if !equalPoints(tc.points, before) {
				t.Error("input points were modified")
			}
		})
	}
}

func TestClusterDoesNotModifyItsInput(t *testing.T) {
	points, _ := blobs(13, 3, 10, 8, 0.8)
	points = append(points, Point{ID: "zero", Vec: make([]float64, 8)})
	points[0].Vec[0] *= 5 // not unit length
	before := clonePoints(points)
	if _, err := Cluster(context.Background(), points, Config{}); err != nil {
		t.Fatal(err)
	}
	if !equalPoints(points, before) {
		t.Error("input points were modified")
	}
}

func TestClusterStopsWhenContextEnds(t *testing.T) {
	points, _ := blobs(14, 3, 10, 8, 0.8)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := Cluster(ctx, points, Config{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if !reflect.DeepEqual(res, Result{}) {
		t.Errorf("a cancelled call returned a result: %+v", res)
	}
}

func clonePoints(ps []Point) []Point {
	out := make([]Point, len(ps))
	for i, p := range ps {
		out[i] = Point{ID: p.ID, Vec: slices.Clone(p.Vec)}
	}
	return out
}

// equalPoints compares IDs and vector bits (NaN equals NaN).
func equalPoints(a, b []Point) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].ID != b[i].ID || len(a[i].Vec) != len(b[i].Vec) {
			return false
		}
		for j := range a[i].Vec {
			if math.Float64bits(a[i].Vec[j]) != math.Float64bits(b[i].Vec[j]) {
				return false
			}
		}
	}
	return true
}

func TestClusterCapsTheRangeOfKAtNMinusOne(t *testing.T) {
	points, _ := blobs(15, 5, 1, 8, 0.1) // five distinct directions
	tests := []struct {
		name   string
		cfg    Config
		wantKs []int
	}{
		{name: "default range 2..8 becomes 2..4", cfg: Config{}, wantKs: []int{2, 3, 4}},
		{name: "MinK above the cap is lowered to it", cfg: Config{MinK: 6, MaxK: 9}, wantKs: []int{4}},
		{name: "a range below the cap is kept", cfg: Config{MinK: 3, MaxK: 3}, wantKs: []int{3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Cluster(context.Background(), points, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if got := candidateKs(res); !slices.Equal(got, tc.wantKs) {
				t.Errorf("k tried = %v, want %v", got, tc.wantKs)
			}
		})
	}
}
