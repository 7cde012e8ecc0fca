package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimCommand checks that p2pir sim runs a quick reference experiment
// from flags and writes its outputs, and that a mode whose network is not
// built yet is a usage error saying so.
func TestSimCommand(t *testing.T) {
	out := t.TempDir()
	mustRunCLI(t, t.TempDir(), "sim", "--collection", filepath.Join("..", "..", "sim", "testdata", "tiny"),
		"--nodes", "3", "--rounds", "1", "--mode", "reference", "--quiet", "--out", out)
	for _, f := range []string{"results.csv", "summary.md", "quality_vs_round.png", "latency_cdf.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	sum, _ := os.ReadFile(filepath.Join(out, "summary.md"))
	if !strings.Contains(string(sum), "Domains: tiny (3 nodes)") {
		t.Errorf("summary does not name the domain from the folder:\n%s", sum)
	}
	r := runCLI(t, t.TempDir(), "sim", "--collection", "x", "--out", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, "use --mode reference") {
		t.Errorf("memory mode: want exit 2 naming --mode reference, got %v", r)
	}
	r = runCLI(t, t.TempDir(), "sim", "--config", "nowhere.toml", "--out", t.TempDir())
	if r.code == 0 {
		t.Errorf("a missing configuration file must fail: %v", r)
	}
}
