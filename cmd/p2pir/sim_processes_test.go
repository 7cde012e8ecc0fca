package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/p2pir/p2pir/sim"
)

// asP2PIR, set in a child's environment, makes this test binary run as
// the p2pir command itself (main) instead of running tests: tests start
// it as "p2pir node" processes without building the binary.
const asP2PIR = "P2PIR_TEST_BINARY_IS_P2PIR"

// TestMain runs main when the test binary is started as p2pir (asP2PIR
// set, or under the name p2pir), and the tests otherwise, with asP2PIR
// set for any child they start.
func TestMain(m *testing.M) {
	if os.Getenv(asP2PIR) == "1" {
		main()
		return
	}
	os.Setenv(asP2PIR, "1")
	// testscript runs the scripts' "exec p2pir" as a copy of this binary
	// named p2pir, which runs main (scripts_test.go).
	testscript.Main(m, map[string]func(){"p2pir": main})
}

// TestSimProcessesModeKeepsTheHarnessInvariants runs a 3-node experiment
// for 1 round on the tiny fixture with every node a separate "p2pir node"
// process on loopback driven through its HTTP API (this test binary,
// re-executed as p2pir), and checks the harness's invariants there: no
// strategy beats the central index, flooding with an overlay degree of
// N-1 reaches every other node, local search sends nothing, and the
// messages and bytes the traces count are exactly the Search requests
// and bytes the processes' servers report in /metrics.
func TestSimProcessesModeKeepsTheHarnessInvariants(t *testing.T) {
	if testing.Short() {
		t.Skip("3 node processes: skipped in -short mode")
	}
	bin, err := os.Executable()
	if err != nil {
		t.Skipf("cannot re-execute the test binary: %v", err)
	}
	cfg := sim.DefaultConfig()
	cfg.Collections = []sim.CollectionConfig{{Path: filepath.Join("..", "..", "sim", "testdata", "tiny"), Domain: "tiny"}}
	cfg.Nodes, cfg.Rounds, cfg.Mode, cfg.TestQueries = 3, 1, "processes", 3
	cfg.TTL, cfg.OverlayDegree = 2, 2 // every other node at the first hop
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	res, err := sim.Run(ctx, cfg, sim.NewProcessNet(sim.ProcessOptions{Binary: bin}), sim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	value := func(strategy string, round int, metric string) float64 {
		for _, r := range res.Rows {
			if r.Strategy == strategy && r.Round == round && r.Metric == metric {
				return r.Value
			}
		}
		t.Fatalf("no %s %s in round %d", strategy, metric, round)
		return 0
	}
	for r := 0; r <= cfg.Rounds; r++ {
		if p := value(sim.StrategyFlood, r, sim.MetricPeers); p != float64(cfg.Nodes-1) {
			t.Errorf("round %d: flooding reached %.2f peers, want %d", r, p, cfg.Nodes-1)
		}
		if m := value(sim.StrategyLocal, r, sim.MetricMessages); m != 0 {
			t.Errorf("round %d: local search sent %.2f messages", r, m)
		}
		if m := value(sim.StrategyFlood, r, sim.MetricMessages); m < float64(cfg.Nodes-1) {
			t.Errorf("round %d: flooding sent %.2f messages a query, fewer than the %d peers it reached", r, m, cfg.Nodes-1)
		}
	}
	if res.TraceMessages == 0 || res.TraceBytes == 0 {
		t.Errorf("the traces count %d messages and %d bytes: the network strategies sent nothing", res.TraceMessages, res.TraceBytes)
	}
	if err := res.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestSimCommandRunsProcessesMode: "p2pir sim --mode processes" runs the
// experiment on node processes and its summary shows the mode and the
// passed checks.
func TestSimCommandRunsProcessesMode(t *testing.T) {
	if testing.Short() {
		t.Skip("3 node processes: skipped in -short mode")
	}
	out := t.TempDir()
	mustRunCLI(t, t.TempDir(), "sim", "--collection", filepath.Join("..", "..", "sim", "testdata", "tiny"),
		"--nodes", "3", "--rounds", "1", "--mode", "processes", "--quiet", "--out", out)
	sum, _ := os.ReadFile(filepath.Join(out, "summary.md"))
	if !strings.Contains(string(sum), "Mode: processes") || !strings.Contains(string(sum), "traces match the traffic") {
		t.Errorf("processes-mode summary does not show the mode and the passed checks:\n%s", sum)
	}
}
