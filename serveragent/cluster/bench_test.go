package cluster

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkCluster clusters n fingerprints of 1,024 dimensions in 5 noisy
// groups with the default config (k in 2..8, 4 restarts, 50 iterations).
// The 10,000-point case is the size the package is meant to handle in
// seconds; run it with -bench=Cluster/n=10000 -benchtime=1x.
func BenchmarkCluster(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			points, _ := blobs(1, 5, n/5, 1024, 1.2)
			b.ResetTimer()
			for b.Loop() {
				if _, err := Cluster(context.Background(), points, DefaultConfig()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRecluster re-clusters 1,000 fingerprints of 1,024 dimensions in
// 5 noisy groups from their last clustering, as a node does after every
// gossip round: a tenth of them nudged (a warm run), or none changed (the
// last clustering reused). Compare with BenchmarkCluster/n=1000, the full
// search every re-clustering cost before.
func BenchmarkRecluster(b *testing.B) {
	points, _ := blobs(1, 5, 200, 1024, 1.2)
	prev, err := Cluster(context.Background(), points, DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		points []Point
		want   Origin
	}{
		{"warm", nudged(points, 100, 1e-3), Warm},
		{"unchanged", points, Unchanged},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				res, err := Recluster(context.Background(), tc.points, DefaultConfig(), prev)
				if err != nil {
					b.Fatal(err)
				}
				if res.Origin != tc.want {
					b.Fatalf("origin %v, want %v", res.Origin, tc.want)
				}
			}
		})
	}
}
