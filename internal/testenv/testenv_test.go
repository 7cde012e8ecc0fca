package testenv

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestDataDirPrefersP2PIRData(t *testing.T) {
	d := t.TempDir()
	t.Setenv("P2PIR_DATA", d)
	if got := DataDir(t); got != d {
		t.Errorf("DataDir = %q, want $P2PIR_DATA %q", got, d)
	}
}

func TestDataDirFindsSharedBesideTheRepository(t *testing.T) {
	t.Setenv("P2PIR_DATA", "")
	root, err := moduleRoot()
	if err != nil {
		t.Fatalf("no go.mod above the package: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("moduleRoot %q holds no go.mod", root)
	}
	want := filepath.Join(filepath.Dir(root), "shared", "data")
	if _, err := os.Stat(want); err != nil {
		t.Skipf("no shared data beside the repository to find: %v", err)
	}
	if got := DataDir(t); got != want {
		t.Errorf("DataDir = %q, want %q", got, want)
	}
}

func TestWaitForReturnsOnceTheConditionHolds(t *testing.T) {
	n := 0
	WaitFor(t, "the third poll", time.Minute, func() bool { n++; return n == 3 })
	if n != 3 {
		t.Errorf("polled %d times, want 3 (it returns as soon as the condition holds)", n)
	}
}
