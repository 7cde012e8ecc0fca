package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimCommand checks that p2pir sim runs quick experiments from flags,
// on the reference network and on real nodes in memory, and writes their
// outputs, and that an unknown mode is a usage error naming the modes.
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
	mem := t.TempDir()
	mustRunCLI(t, t.TempDir(), "sim", "--collection", filepath.Join("..", "..", "sim", "testdata", "tiny"),
		"--nodes", "3", "--rounds", "1", "--mode", "memory", "--quiet", "--out", mem)
	sum, _ = os.ReadFile(filepath.Join(mem, "summary.md"))
	if !strings.Contains(string(sum), "Mode: memory") || !strings.Contains(string(sum), "traces match the traffic") {
		t.Errorf("memory-mode summary does not show the mode and the passed checks:\n%s", sum)
	}
	r := runCLI(t, t.TempDir(), "sim", "--collection", filepath.Join("..", "..", "sim", "testdata", "tiny"), "--mode", "pigeons", "--out", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, "memory, loopback, processes, reference") {
		t.Errorf("an unknown mode: want exit 2 naming the modes, got %v", r)
	}
	r = runCLI(t, t.TempDir(), "sim", "--config", "nowhere.toml", "--out", t.TempDir())
	if r.code == 0 {
		t.Errorf("a missing configuration file must fail: %v", r)
	}
}
