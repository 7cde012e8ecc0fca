package cluster_test

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/serveragent/cluster"
)

func ExampleCluster() {
	// Five people's fingerprints (3-D here, 1,024-D in p2pir): two like
	// one topic, two another, one shares nothing.
	points := []cluster.Point{
		{ID: "ana", Vec: []float64{0.9, 0.1, 0}},
		{ID: "bob", Vec: []float64{0, 0.2, 0.98}},
		{ID: "cy", Vec: []float64{0.95, 0, 0.1}},
		{ID: "dee", Vec: []float64{0.1, 0, 0.99}},
		{ID: "eve", Vec: []float64{0, 0, 0}},
	}
	res, err := cluster.Cluster(context.Background(), points, cluster.Config{MaxK: 3})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("k:", res.K)
	for c := range res.K {
		fmt.Println(c, res.Members(c))
	}
	fmt.Println("excluded:", res.Excluded)
	c, sim := res.Nearest([]float64{0, 0.1, 1}) // a new node's fingerprint
	fmt.Printf("new node: cluster %d, cosine %.2f\n", c, sim)
	// Output:
	// k: 2
	// 0 [ana cy]
	// 1 [bob dee]
	// excluded: [eve]
	// new node: cluster 1, cosine 1.00
}
