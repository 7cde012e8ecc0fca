package sim

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataDir finds the shared test collections ($P2PIR_DATA, else
// ../shared/data from the repository root) or skips the test.
func dataDir(t *testing.T, name string) string {
	t.Helper()
	for _, d := range []string{os.Getenv("P2PIR_DATA"), filepath.Join("..", "..", "shared", "data")} {
		if d == "" {
			continue
		}
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return p
		}
	}
	t.Skipf("test collection %s not found in $P2PIR_DATA or ../shared/data; skipping", name)
	return ""
}

func adiConfig(t *testing.T) Config {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Collections = []CollectionConfig{{Path: dataDir(t, "adi")}}
	cfg.Nodes, cfg.Rounds, cfg.Mode = 8, 2, "reference"
	cfg.TTL = 8
	cfg.TestQueries = 4
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func csvWithoutLatency(t *testing.T, res *Results) string {
	t.Helper()
	var b bytes.Buffer
	if err := WriteCSV(&b, res); err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, l := range strings.Split(b.String(), "\n") {
		if !strings.Contains(l, ",latency_") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestRunADIInvariants checks the harness's own invariants on ADI with
// the reference network: the central index bounds flooding, which bounds
// local search; flooding whose TTL covers the ring reaches every other
// node; the traces' message counts equal what the network carried; the
// same seed gives the same results.
func TestRunADIInvariants(t *testing.T) {
	cfg := adiConfig(t)
	ctx := context.Background()
	res, err := Run(ctx, cfg, NewReferenceNet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for r := 0; r <= cfg.Rounds; r++ {
		c, _ := res.value(StrategyCentral, r, MetricMAP)
		f, _ := res.value(StrategyFlood, r, MetricMAP)
		l, _ := res.value(StrategyLocal, r, MetricMAP)
		t.Logf("round %d MAP: central %.4f flood %.4f local %.4f", r, c, f, l)
		if !(c >= f && f >= l) {
			t.Errorf("round %d: MAP central %.4f ≥ flood %.4f ≥ local %.4f does not hold", r, c, f, l)
		}
		if peers, _ := res.value(StrategyFlood, r, MetricPeers); peers != float64(cfg.Nodes-1) {
			t.Errorf("round %d: flooding reached %.2f peers per query, want %d", r, peers, cfg.Nodes-1)
		}
	}
	if res.TraceMessages == 0 || res.TraceMessages != res.Carried.Messages {
		t.Errorf("traces count %d messages, the network carried %d", res.TraceMessages, res.Carried.Messages)
	}
	if err := res.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	again, err := Run(ctx, cfg, NewReferenceNet, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := csvWithoutLatency(t, res), csvWithoutLatency(t, again); a != b {
		t.Errorf("same seed, different results.csv:\n%s\n---\n%s", a, b)
	}
	dir := t.TempDir()
	if err := Write(dir, res); err != nil {
		t.Fatal(err)
	}
	sum, _ := os.ReadFile(filepath.Join(dir, "summary.md"))
	t.Logf("\n%s", sum)
}
