// Package testenv holds what the project's tests share: finding the
// standard test collections beside the repository, and waiting on a
// condition with a bound for a hang. For tests and benchmarks only.
package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// DataDir returns the folder of the shared test collections:
// $P2PIR_DATA when set, else shared/data beside the repository (the
// folder holding go.mod, found from the working directory). It skips tb,
// with a message saying how to provide them, when they are absent.
func DataDir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("P2PIR_DATA"); d != "" {
		return d
	}
	root, err := moduleRoot()
	if err != nil {
		tb.Skipf("test collections not found (set P2PIR_DATA or put shared/data beside the repo): %v", err)
	}
	d := filepath.Join(filepath.Dir(root), "shared", "data")
	if _, err := os.Stat(d); err != nil {
		tb.Skipf("test collections not found (set P2PIR_DATA or put shared/data beside the repo): %v", err)
	}
	return d
}

// moduleRoot is the nearest folder at or above the working directory
// that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
}

// WaitFor polls ok every 10 ms until it holds, failing tb after d: d is a
// bound for a hang (CI machines are loaded; give a minute), not a claim
// about how fast anything is.
func WaitFor(tb testing.TB, what string, d time.Duration, ok func() bool) {
	tb.Helper()
	WaitForState(tb, what, d, ok, nil)
}

// WaitForState is WaitFor that, when it fails, also reports state() (nil:
// nothing), called then: what the condition last saw, to tell why it
// never held.
func WaitForState(tb testing.TB, what string, d time.Duration, ok func() bool, state func() string) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			if state != nil {
				tb.Fatalf("still waiting after %v: %s; %s", d, what, state())
			}
			tb.Fatalf("still waiting after %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
