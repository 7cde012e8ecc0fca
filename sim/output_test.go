package sim

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixtureResults is a small hand-made result set, rows out of order.
func fixtureResults(t *testing.T) *Results {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Collections = []CollectionConfig{{Path: "x", Domain: "aero"}}
	cfg.Rounds = 1
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	res := &Results{Config: cfg, Domains: []string{"aero"}, NodesPerDomain: []int{30},
		Latencies: map[string][]float64{}}
	for _, s := range slices.Backward(cfg.Strategies) {
		res.Latencies[s] = []float64{1, 2, 3}
		msgs := 3.0
		if s == StrategyLocal || s == StrategyCentral {
			msgs = 0
		}
		for r := 1; r >= 0; r-- {
			res.Rows = append(res.Rows, Row{s, r, MetricNDCG10, 0.1 * float64(r+1)}, Row{s, r, MetricMessages, msgs},
				Row{s, r, MetricMAP, 0.05}, Row{s, r, MetricLatencyP50, 1.5})
		}
	}
	for r := range 2 {
		res.Rows = append(res.Rows, Row{"clusters", r, MetricPurity, 0.5}, Row{"clusters", r, MetricNMI, 0.25},
			Row{"recommend", r, "p_at_10", 0.2}, Row{"popularity", r, "p_at_10", 0.1}, Row{"random", r, "p_at_10", 0.05})
	}
	return res
}

// TestWriteCSVSorted checks the header and that rows come sorted by
// strategy, round and metric whatever their order in Results.
func TestWriteCSVSorted(t *testing.T) {
	var b bytes.Buffer
	if err := WriteCSV(&b, fixtureResults(t)); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], []string{"strategy", "round", "metric", "value"}) {
		t.Fatalf("header %v", recs[0])
	}
	if !slices.IsSortedFunc(recs[1:], func(a, b []string) int {
		return strings.Compare(a[0]+"\x00"+a[1]+"\x00"+a[2], b[0]+"\x00"+b[1]+"\x00"+b[2])
	}) {
		t.Errorf("rows not sorted:\n%v", recs)
	}
	if recs[1][0] != "central" || recs[1][1] != "0" || recs[1][2] != MetricLatencyP50 {
		t.Errorf("first row %v, want central's round-0 latency_p50_ms", recs[1])
	}
}

// TestWriteSummaryTables checks that summary.md has every table and the
// configuration it came from.
func TestWriteSummaryTables(t *testing.T) {
	var b bytes.Buffer
	if err := WriteSummary(&b, fixtureResults(t)); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	for _, want := range []string{"## Quality after round 1", "| flood | 0.2000 | 0.0500 |", "## Cost per query",
		"## Clustering of the nodes", "| 1 | 0.500 | 0.250 |", "## Recommendation", "| 0 | 0.200 |", "```toml\nnodes = 30"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

// TestWritePlotsPNG checks that every plot is written and decodes as PNG.
func TestWritePlotsPNG(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, fixtureResults(t)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{PlotQualityRound, PlotQualityMessages, PlotLatencyCDF, PlotPurityRound, PlotRecommendRound} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			continue
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if b := img.Bounds(); b.Dx() < 100 || b.Dy() < 100 {
			t.Errorf("%s is %v", name, b)
		}
	}
}

// TestCheckFindsViolations checks that Check reports a strategy above the
// central index (under rank fusion) and traces that disagree with the
// traffic, and nothing for consistent results; with pooled statistics a
// strategy above the central index is listed, not a violation.
func TestCheckFindsViolations(t *testing.T) {
	res := fixtureResults(t)
	res.Config.Scoring = ScoringRRF
	if err := res.Check(); err != nil {
		t.Fatalf("consistent results fail: %v", err)
	}
	res.Rows = append(res.Rows, Row{StrategyFlood, 1, MetricMAP, 0.9})
	res.Rows = slices.DeleteFunc(res.Rows, func(r Row) bool {
		return r.Strategy == StrategyFlood && r.Round == 1 && r.Metric == MetricMAP && r.Value != 0.9
	})
	res.TraceMessages = 7
	err := res.Check()
	if err == nil || !strings.Contains(err.Error(), "flood map 0.9000 is above") || !strings.Contains(err.Error(), "7 messages") {
		t.Errorf("Check = %v", err)
	}
	res.Config.Scoring, res.Config.Mode = ScoringPooled, "memory"
	if err := res.Check(); err == nil || strings.Contains(err.Error(), "above") {
		t.Errorf("pooled: Check = %v, want only the traces' disagreement", err)
	}
	if above := res.AboveCentral(); len(above) != 1 || !strings.Contains(above[0], "flood map 0.9000") {
		t.Errorf("pooled: AboveCentral = %v", above)
	}
}

// TestCheckReadsTheTrustProbe: a mark that moves another peer's weight, or
// leaves the marked peer's, breaks the invariants; the expected moves pass.
func TestCheckReadsTheTrustProbe(t *testing.T) {
	for _, tc := range []struct {
		name           string
		mb, ma, ob, oa float64
		wantErr        string
	}{
		{"only the marked peer falls", 1, 0.8, 1, 1, ""},
		{"the other peer moved", 1, 0.8, 1, 0.9, "moved another peer's weight"},
		{"the marked peer did not fall", 1, 1, 1, 1, "left the marked peer's weight"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := fixtureResults(t)
			r := res.Config.Rounds
			res.Rows = append(res.Rows, Row{"trust", r, MetricMarkedBefore, tc.mb}, Row{"trust", r, MetricMarkedAfter, tc.ma},
				Row{"trust", r, MetricOtherBefore, tc.ob}, Row{"trust", r, MetricOtherAfter, tc.oa})
			err := res.Check()
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("Check = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
