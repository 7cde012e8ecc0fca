package cluster

import (
	"context"
	"testing"
)

// A group of people who share one topic is one cluster: no split of it
// separates people much better than keeping them together, so Cluster
// must not cut it in two (which would limit recommendations to an
// arbitrary half of the group). Well-separated topics still split.
func TestClusterKeepsOneTopicInOneCluster(t *testing.T) {
	tests := []struct {
		name   string
		groups int
		per    int
		dim    int
		noise  float64
		seed   uint64
		minSil float64
		wantK  int
	}{
		{name: "three people of one topic", groups: 1, per: 3, dim: 64, noise: 0.8, seed: 1, wantK: 1},
		{name: "five people of one topic", groups: 1, per: 5, dim: 1024, noise: 0.8, seed: 2, wantK: 1},
		{name: "twenty people of one topic", groups: 1, per: 20, dim: 64, noise: 0.8, seed: 3, wantK: 1},
		{name: "sixty people of one noisy topic", groups: 1, per: 60, dim: 1024, noise: 1.2, seed: 4, wantK: 1},
		{name: "two topics of three people", groups: 2, per: 3, dim: 64, noise: 0.8, seed: 5, wantK: 2},
		{name: "two topics of twenty people", groups: 2, per: 20, dim: 1024, noise: 0.8, seed: 6, wantK: 2},
		{name: "MinSilhouette -1 splits one topic anyway", groups: 1, per: 3, dim: 64, noise: 0.8, seed: 1, minSil: -1, wantK: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			points, truth := blobs(tc.seed, tc.groups, tc.per, tc.dim, tc.noise)
			res, err := Cluster(context.Background(), points, Config{Seed: tc.seed, MinSilhouette: tc.minSil})
			if err != nil {
				t.Fatal(err)
			}
			if res.K != tc.wantK {
				t.Fatalf("K = %d, want %d; candidates %+v", res.K, tc.wantK, res.Candidates)
			}
			if tc.wantK == tc.groups && !samePartition(res.Assign, truth) {
				t.Errorf("partition %v does not follow the topics %v", res.Assign, truth)
			}
			if len(res.Sizes) != tc.wantK {
				t.Errorf("sizes %v, want %d clusters", res.Sizes, tc.wantK)
			}
			if tc.wantK == 1 && res.Silhouette != 0 {
				t.Errorf("one cluster reports silhouette %v, want 0 (undefined)", res.Silhouette)
			}
		})
	}
}
