package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
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

// TestSimCommandTimingsAndProfiles checks that --timings reports every
// phase of the run, that --cpuprofile and --memprofile write pprof files
// (gzip-compressed protocol buffers), and that a memory limit below 1 MiB
// is a usage error.
func TestSimCommandTimingsAndProfiles(t *testing.T) {
	t.Cleanup(func() { debug.SetMemoryLimit(math.MaxInt64); debug.SetGCPercent(100) })
	dir := t.TempDir()
	cpu, heap := filepath.Join(dir, "cpu.pprof"), filepath.Join(dir, "heap.pprof")
	r := mustRunCLI(t, t.TempDir(), "sim", "--collection", filepath.Join("..", "..", "sim", "testdata", "tiny"),
		"--nodes", "3", "--rounds", "1", "--mode", "memory", "--quiet", "--timings",
		"--cpuprofile", cpu, "--memprofile", heap, "--memory-limit", "1048576", "--gc-percent", "150", "--out", t.TempDir())
	for _, phase := range []string{"start the network", "share documents", "round 0: searches", "round 1: train", "round 1: gossip and clustering", "round 1: searches"} {
		if !strings.Contains(r.stderr, "sim: "+phase) {
			t.Errorf("--timings does not report %q:\n%s", phase, r.stderr)
		}
	}
	for _, f := range []string{cpu, heap} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
			t.Errorf("%s is not a pprof profile (%d bytes)", filepath.Base(f), len(b))
		}
	}
	r = runCLI(t, t.TempDir(), "sim", "--collection", filepath.Join("..", "..", "sim", "testdata", "tiny"), "--memory-limit", "0", "--out", t.TempDir())
	if r.code != exitUsage || !strings.Contains(r.stderr, "at least 1") {
		t.Errorf("--memory-limit 0: want exit 2 saying why, got %v", r)
	}
}
