package cluster

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"testing"
)

// FuzzCluster checks that any input gives either a clear error or a
// well-formed result, never a panic: every non-zero point assigned to a
// cluster in range, every cluster non-empty, unit centroids.
func FuzzCluster(f *testing.F) {
	f.Add(uint8(3), []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18})
	f.Add(uint8(2), []byte{0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xf8, 0, 0, 0, 0, 0, 1})
	f.Add(uint8(1), []byte{})
	f.Fuzz(func(t *testing.T, dim uint8, data []byte) {
		d := int(dim%6) + 1
		var points []Point
		for i := 0; len(data) > 0 && i < 40; i++ {
			v := make([]float64, d)
			for j := range v {
				if len(data) >= 8 && data[0]&1 == 1 {
					v[j] = math.Float64frombits(binary.LittleEndian.Uint64(data))
					data = data[8:]
				} else if len(data) > 0 {
					v[j] = float64(int8(data[0])) // small values: duplicates and zeros are common
					data = data[1:]
				}
			}
			points = append(points, Point{ID: fmt.Sprint(i % 37), Vec: v})
		}
		res, err := Cluster(context.Background(), points, Config{MaxK: 4, Restarts: 2})
		if err != nil {
			if !errors.Is(err, ErrBadPoint) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if len(res.Assign)+len(res.Excluded) != len(points) {
			t.Fatalf("%d assigned + %d excluded != %d points", len(res.Assign), len(res.Excluded), len(points))
		}
		seen := make([]int, res.K)
		for id, c := range res.Assign {
			if c < 0 || c >= res.K {
				t.Fatalf("%s in cluster %d of %d", id, c, res.K)
			}
			seen[c]++
		}
		for j, n := range seen {
			if n == 0 || n != res.Sizes[j] {
				t.Fatalf("cluster %d: %d members, size %d", j, n, res.Sizes[j])
			}
			var sq float64
			for _, x := range res.Centroids[j] {
				sq += x * x
			}
			if math.Abs(sq-1) > 1e-9 {
				t.Fatalf("centroid %d has squared length %v", j, sq)
			}
		}
		if math.IsNaN(res.Silhouette) || res.Silhouette < -1-1e-9 || res.Silhouette > 1+1e-9 {
			t.Fatalf("silhouette %v", res.Silhouette)
		}
	})
}
