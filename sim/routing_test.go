package sim

import (
	"context"
	"testing"
)

// TestInterestRoutingBeatsARandomWalkOnTheSameBudget runs real nodes in
// memory on MED split by content cluster over 8 nodes: interest routing
// (collection summaries, pooled statistics) must rank better in the top 10
// than a random walk while sending no more messages a query.
func TestInterestRoutingBeatsARandomWalkOnTheSameBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("8 real nodes on MED: skipped in -short mode")
	}
	cfg := DefaultConfig()
	cfg.Collections = []CollectionConfig{{Path: dataDir(t, "med"), Domain: "med"}}
	cfg.Nodes, cfg.Rounds, cfg.Mode = 8, 1, "memory"
	cfg.Strategies = []string{StrategyWalk, StrategyInterest, StrategyCentral}
	cfg.TrainQueries, cfg.TestQueries = 1, 4
	cfg.Walkers, cfg.WalkHops = 1, 4 // a budget of 4 messages
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), cfg, NewMemoryNet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	r := cfg.Rounds
	get := func(s, m string) float64 {
		v, ok := res.value(s, r, m)
		if !ok {
			t.Fatalf("no %s %s in round %d", s, m, r)
		}
		return v
	}
	wm, im := get(StrategyWalk, MetricMessages), get(StrategyInterest, MetricMessages)
	wn, in, cn := get(StrategyWalk, MetricNDCG10), get(StrategyInterest, MetricNDCG10), get(StrategyCentral, MetricNDCG10)
	t.Logf("round %d: walk %.2f messages, nDCG@10 %.4f; interest %.2f messages, nDCG@10 %.4f; central %.4f", r, wm, wn, im, in, cn)
	if im > wm {
		t.Errorf("interest routing sent %.2f messages a query, the walk %.2f: not the same budget", im, wm)
	}
	if in <= wn {
		t.Errorf("interest routing nDCG@10 %.4f, not above the random walk's %.4f", in, wn)
	}
}
