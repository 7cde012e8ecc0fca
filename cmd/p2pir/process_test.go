package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestBinaryIndexesAFolderThenSearchesIt is the README's main job done by the
// real binary in separate processes: "p2pir index DIR", then "p2pir search
// WORDS" finds the files through the index the first process left on disk.
func TestBinaryIndexesAFolderThenSearchesIt(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("-short: skipping the test that builds the p2pir binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(os.Getenv("GOROOT"), "bin", "go")
		if _, err := os.Stat(goTool); err != nil {
			t.Skip("no go tool on PATH to build the binary with")
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "p2pir")
	build := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	notes := copyNotes(t)
	data := filepath.Join(t.TempDir(), "data")
	p2pir := func(args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"--data", data}, args...)...)
		var o, e strings.Builder
		cmd.Stdout, cmd.Stderr = &o, &e
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return o.String(), e.String(), ee.ExitCode()
		}
		if err != nil {
			t.Fatalf("run %s: %v", bin, err)
		}
		return o.String(), e.String(), 0
	}

	out, errOut, code := p2pir("index", notes)
	if code != 0 {
		t.Fatalf("p2pir index: exit %d\n%s%s", code, out, errOut)
	}
	if got := parseIndexCounts(t, out); got != (indexCounts{added: 4}) {
		t.Errorf("p2pir index: want 4 added, got %+v", got)
	}

	out, errOut, code = p2pir("search", "platypus", "eggs")
	if code != 0 {
		t.Fatalf("p2pir search: exit %d\n%s%s", code, out, errOut)
	}
	platypus := fileURLOf(t, filepath.Join(notes, "platypus.html"))
	if !strings.HasPrefix(out, " 1. The platypus") || !strings.Contains(out, platypus) {
		t.Errorf("p2pir search platypus eggs: want \"The platypus\" (%s) first, got\n%s", platypus, out)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("output to a pipe holds escape sequences:\n%q", out)
	}

	out, _, code = p2pir("search", "--json", "--k", "1", "eggs")
	var res gotSearch
	if err := json.Unmarshal([]byte(out), &res); code != 0 || err != nil || len(res.Results) != 1 {
		t.Fatalf("p2pir search --json --k 1: exit %d, %v, %d results\n%s", code, err, len(res.Results), out)
	}

	_, errOut, code = p2pir("search", `"unterminated`)
	if code != 2 || !strings.Contains(errOut, "unterminated quote") {
		t.Errorf("p2pir search '\"unterminated': want exit 2 and a clear message, got %d: %s", code, errOut)
	}
}
