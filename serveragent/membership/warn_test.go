package membership

import (
	"fmt"
	"testing"
	"time"
)

// Claim: a key is let through once per interval, other keys independently,
// and memory stays bounded by maxKeys.
func TestWarnLimiter(t *testing.T) {
	w := &warnLimiter{interval: 50 * time.Millisecond, maxKeys: 4, last: make(map[string]time.Time)}
	if !w.allow("a") || w.allow("a") {
		t.Fatal("first line of a key must pass, an immediate repeat must not")
	}
	if !w.allow("b") {
		t.Fatal("another key was held back")
	}
	time.Sleep(60 * time.Millisecond)
	if !w.allow("a") {
		t.Fatal("the key was still held back after the interval")
	}
	for i := range 10 {
		w.allow(fmt.Sprint("k", i))
	}
	if len(w.last) > w.maxKeys {
		t.Fatalf("remembers %d keys, want at most %d", len(w.last), w.maxKeys)
	}
}
