package cluster

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// nudged returns a copy of points whose first `count` vectors (in slice
// order) are tilted slightly: entry 0 grows by eps, a cosine change far
// below DefaultMoveTol for eps ≤ 0.01 on a unit vector.
func nudged(points []Point, count int, eps float64) []Point {
	out := slices.Clone(points)
	for i := range count {
		v := slices.Clone(out[i].Vec)
		v[0] += eps
		out[i].Vec = v
	}
	return out
}

func TestWarmStartFromConvergedCentroidsConvergesAtOnce(t *testing.T) {
	tests := []struct {
		name             string
		groups, per, dim int
		noise            float64
	}{
		{name: "3 groups 64-D", groups: 3, per: 30, dim: 64, noise: 0.8},
		{name: "5 groups 1024-D", groups: 5, per: 40, dim: 1024, noise: 1.2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			points, _ := blobs(7, tc.groups, tc.per, tc.dim, tc.noise)
			cold, err := Cluster(context.Background(), points, Config{})
			if err != nil {
				t.Fatal(err)
			}
			if cold.K != tc.groups {
				t.Fatalf("cold K = %d, want %d", cold.K, tc.groups)
			}
			ds, err := prepare(points)
			if err != nil {
				t.Fatal(err)
			}
			init := mat.NewDense(cold.K, tc.dim, nil)
			for j, c := range cold.Centroids {
				init.SetRow(j, c)
			}
			var trace []float64
			r, err := lloyd(context.Background(), ds.x, init, 50, DefaultTol, func(_ int, in float64) { trace = append(trace, in) })
			if err != nil {
				t.Fatal(err)
			}
			// The first iteration lands on the cold optimum; a second
			// one at most, moving nothing, confirms it.
			if len(trace) > 2 || math.Abs(trace[0]-cold.Inertia) > 1e-9 {
				t.Errorf("inertia by iteration %v, want the cold %v from the first", trace, cold.Inertia)
			}
			for i, id := range ds.ids {
				if r.assign[i] != cold.Assign[id] {
					t.Fatalf("point %s in cluster %d, cold %d", id, r.assign[i], cold.Assign[id])
				}
			}
			// Through Recluster, with one point nudged so that it runs.
			warm, err := Recluster(context.Background(), nudged(points, 1, 1e-4), Config{}, cold)
			if err != nil {
				t.Fatal(err)
			}
			if warm.Origin != Warm || warm.WarmRuns != 1 || warm.SearchSilhouette != cold.Silhouette {
				t.Errorf("origin %v, warm runs %d, search silhouette %v; want warm, 1, %v", warm.Origin, warm.WarmRuns, warm.SearchSilhouette, cold.Silhouette)
			}
			if !reflect.DeepEqual(warm.Assign, cold.Assign) || warm.K != cold.K {
				t.Errorf("warm clustering differs from the cold one (K %d vs %d)", warm.K, cold.K)
			}
		})
	}
}

func TestWarmRunReassignsMovedPoint(t *testing.T) {
	points, truth := blobs(3, 3, 30, 64, 0.8)
	prev, err := Cluster(context.Background(), points, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if prev.K != 3 {
		t.Fatalf("K = %d, want 3", prev.K)
	}
	// Move the first point into the group of another point.
	mover := points[0].ID
	var target string
	for _, p := range points {
		if truth[p.ID] != truth[mover] {
			target = p.ID
			break
		}
	}
	next := slices.Clone(points)
	for _, p := range points {
		if p.ID == target {
			next[0].Vec = slices.Clone(p.Vec)
			next[0].Vec[1] += 0.01 // not the very same vector
		}
	}
	res, err := Recluster(context.Background(), next, Config{}, prev)
	if err != nil {
		t.Fatal(err)
	}
	if res.Origin != Warm {
		t.Fatalf("origin %v, want warm (one point of 90 moved)", res.Origin)
	}
	if prev.Assign[mover] == prev.Assign[target] {
		t.Fatalf("before the move %s and %s already shared cluster %d", mover, target, prev.Assign[mover])
	}
	if res.Assign[mover] != res.Assign[target] {
		t.Errorf("moved point in cluster %d, its new group in %d", res.Assign[mover], res.Assign[target])
	}
}

func TestReclusterFallsBackToSearch(t *testing.T) {
	ctx := context.Background()
	points, _ := blobs(5, 4, 25, 128, 0.8)
	base, err := Cluster(ctx, points, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if base.K != 4 {
		t.Fatalf("K = %d, want 4", base.K)
	}
	strangers, _ := blobs(6, 4, 15, 128, 0.8) // new people in four other groups
	for i := range strangers {
		strangers[i].ID = fmt.Sprintf("new%03d", i)
	}
	var kin []Point // new people in the known groups
	for i, p := range nudged(points, 50, 1e-3)[:50] {
		kin = append(kin, Point{ID: fmt.Sprintf("kin%03d", i), Vec: p.Vec})
	}
	// Only the silhouette rule can send this config back to a search.
	loose := Config{MaxChange: 1, MinSilhouette: -1}
	baseLoose, err := Cluster(ctx, points, loose)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	noise := slices.Clone(points)
	for i := range noise {
		noise[i].Vec = randomUnit(rng, 128)
	}
	oneGroup, _ := blobs(8, 1, 40, 128, 0.3)
	single, err := Cluster(ctx, oneGroup, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if single.K != 1 {
		t.Fatalf("one group: K = %d, want 1", single.K)
	}
	tired := base
	tired.WarmRuns = DefaultSearchEvery - 1

	tests := []struct {
		name   string
		points []Point
		cfg    Config
		prev   Result
		want   Origin
	}{
		{name: "the same points in another order", points: shuffled(points, 1), prev: base, want: Unchanged},
		{name: "one point nudged", points: nudged(points, 1, 1e-3), prev: base, want: Warm},
		{name: "a fifth of the points nudged", points: nudged(points, 20, 1e-3), prev: base, want: Warm},
		{name: "no previous result", points: nudged(points, 1, 1e-3), want: Searched},
		{name: "another config", points: nudged(points, 1, 1e-3), cfg: Config{Seed: 3}, prev: base, want: Searched},
		{name: "another config, same points", points: points, cfg: Config{MaxK: 5}, prev: base, want: Searched},
		{name: "a third of the points new", points: append(slices.Clone(points), kin...), prev: base, want: Warm},
		{name: "two thirds of the points gone or new", points: append(slices.Clone(points[50:]), kin...), prev: base, want: Searched},
		{name: "a fifth of the points new, in the known groups", points: append(slices.Clone(points), kin[:25]...), prev: base, want: Warm},
		{name: "a fifth of the points new, in new groups", points: append(slices.Clone(points), strangers[:25]...), prev: base, want: Searched},
		{name: "half of the points gone", points: points[:50], prev: base, want: Warm},
		{name: "three fifths of the points gone", points: points[:40], prev: base, want: Searched},
		{name: "every point moved", points: noise, prev: base, want: Searched},
		{name: "any change allowed, one point nudged", points: nudged(points, 1, 1e-3), cfg: loose, prev: baseLoose, want: Warm},
		{name: "any change allowed, every point moved: the silhouette drops", points: noise, cfg: loose, prev: baseLoose, want: Searched},
		{name: "after SearchEvery-1 warm runs", points: nudged(points, 1, 1e-3), prev: tired, want: Searched},
		{name: "previous result one cluster: its best split warm, still one cluster", points: nudged(oneGroup, 1, 1e-3), prev: single, want: Warm},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Recluster(ctx, tc.points, tc.cfg, tc.prev)
			if err != nil {
				t.Fatal(err)
			}
			if got.Origin != tc.want {
				t.Fatalf("origin %v, want %v", got.Origin, tc.want)
			}
			switch tc.want {
			case Searched: // exactly what Cluster gives
				cold, err := Cluster(ctx, tc.points, tc.cfg)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, cold) {
					t.Errorf("search result differs from Cluster's: K %d vs %d, silhouette %v vs %v", got.K, cold.K, got.Silhouette, cold.Silhouette)
				}
			case Unchanged:
				if !reflect.DeepEqual(got.Assign, tc.prev.Assign) || got.Silhouette != tc.prev.Silhouette {
					t.Errorf("unchanged result differs from the previous one")
				}
			case Warm:
				if got.WarmRuns != tc.prev.WarmRuns+1 || got.K != tc.prev.K || len(got.Candidates) != 1 {
					t.Errorf("warm runs %d, K %d, %d candidates; want %d, %d, 1", got.WarmRuns, got.K, len(got.Candidates), tc.prev.WarmRuns+1, tc.prev.K)
				}
				if got.Silhouette < tc.prev.SearchSilhouette-DefaultSilhouetteDrop {
					t.Errorf("warm silhouette %v kept, more than %v below the search's %v", got.Silhouette, DefaultSilhouetteDrop, tc.prev.SearchSilhouette)
				}
			}
		})
	}
}

func TestReclusterChainSearchesEverySearchEvery(t *testing.T) {
	points, _ := blobs(2, 3, 20, 32, 0.8)
	cfg := Config{SearchEvery: 3}
	prev, err := Cluster(context.Background(), points, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var origins []Origin
	for i := range 6 {
		prev, err = Recluster(context.Background(), nudged(points, 1, 1e-4*float64(i+1)), cfg, prev)
		if err != nil {
			t.Fatal(err)
		}
		origins = append(origins, prev.Origin)
	}
	want := []Origin{Warm, Warm, Searched, Warm, Warm, Searched}
	if !slices.Equal(origins, want) {
		t.Errorf("origins %v, want %v", origins, want)
	}
}

func TestReclusterIsDeterministic(t *testing.T) {
	ctx := context.Background()
	points, _ := blobs(4, 4, 30, 256, 1.0)
	prev, err := Cluster(ctx, points, Config{Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		points []Point
		want   Origin
	}{
		{name: "warm", points: nudged(points, 10, 5e-3), want: Warm},
		{name: "searched", points: nudged(points, 60, 5e-3)[:50], want: Searched},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			first, err := Recluster(ctx, tc.points, Config{Seed: 5}, prev)
			if err != nil {
				t.Fatal(err)
			}
			if first.Origin != tc.want {
				t.Fatalf("origin %v, want %v", first.Origin, tc.want)
			}
			for seed := range uint64(3) {
				again, err := Recluster(ctx, shuffled(tc.points, seed), Config{Seed: 5}, prev)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(again, first) {
					t.Errorf("shuffle %d: a different result for the same points and previous result", seed)
				}
			}
		})
	}
}

// shuffled is a copy of points in a random order drawn from seed.
func shuffled(points []Point, seed uint64) []Point {
	out := slices.Clone(points)
	rng := rand.New(rand.NewPCG(seed, 2))
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func TestWarmSplitOfOneClusterFindsANewGroup(t *testing.T) {
	ctx := context.Background()
	oneGroup, _ := blobs(8, 1, 40, 128, 0.3)
	prev, err := Cluster(ctx, oneGroup, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if prev.K != 1 {
		t.Fatalf("K = %d, want 1", prev.K)
	}
	// A sixth of the people turn to another topic.
	other, _ := blobs(12, 1, 7, 128, 0.3)
	next := slices.Clone(oneGroup)
	for i := range other {
		next[i].Vec = other[i].Vec
	}
	res, err := Recluster(ctx, next, Config{}, prev)
	if err != nil {
		t.Fatal(err)
	}
	cold, err := Cluster(ctx, next, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Origin != Warm {
		t.Errorf("origin %v, want warm (7 of 40 points moved)", res.Origin)
	}
	if res.K != cold.K || !samePartition(res.Assign, cold.Assign) {
		t.Errorf("%v re-clustering: K = %d (silhouette %v), a search: K = %d (silhouette %v)", res.Origin, res.K, res.Silhouette, cold.K, cold.Silhouette)
	}
}
