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
