package sim

import (
	"context"
	"testing"
)

// TestRealNodesInMemoryKeepTheHarnessInvariants runs a short experiment
// on real p2pir nodes in memory (8 nodes, 2 rounds: gRPC with TLS over
// in-process pipes, memberlist over an in-process network) and checks the
// harness's invariants there: no strategy beats the central index,
// flooding with a fan-out covering the network reaches every other node,
// local search sends nothing, and the messages and bytes the traces count
// are exactly the Search requests and bytes the nodes' servers received.
func TestRealNodesInMemoryKeepTheHarnessInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("8 real nodes: skipped in -short mode")
	}
	cfg := tinyConfig(t)
	cfg.Nodes, cfg.Mode = 8, "memory"
	cfg.TTL, cfg.OverlayDegree = 2, 7 // every other node at the first hop
	res, err := Run(context.Background(), cfg, NewMemoryNet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkRunInvariants(t, cfg, res)
	for r := 0; r <= cfg.Rounds; r++ {
		if m, _ := res.value(StrategyFlood, r, MetricMessages); m < float64(cfg.Nodes-1) {
			t.Errorf("round %d: flooding sent %.2f messages a query, fewer than the %d peers it reached", r, m, cfg.Nodes-1)
		}
	}
}
