package index

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecondOpenOfAHeldIndexSaysItIsLocked: while one Index holds the
// directory, another Open fails with ErrLocked (not bbolt's bare
// "timeout") and names the directory.
func TestSecondOpenOfAHeldIndexSaysItIsLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	held, err := Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	second, err := Open(dir, DefaultConfig())
	if err == nil {
		second.Close()
		t.Fatal("a second Open of a held index succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Errorf("error %q does not wrap ErrLocked", err)
	}
	if msg := err.Error(); !strings.Contains(msg, dir) {
		t.Errorf("error %q does not name the index directory %s", msg, dir)
	}
}
