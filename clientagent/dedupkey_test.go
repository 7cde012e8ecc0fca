package clientagent

import (
	"fmt"
	"testing"

	"github.com/p2pir/p2pir/internal/canonurl"
)

// TestRememberedDedupKeysAreDedupKeys: the keys Merge remembers are
// canonurl.DedupKey's, the first time and the second (remembered), and
// still after more URLs than it keeps have gone through.
func TestRememberedDedupKeysAreDedupKeys(t *testing.T) {
	urls := []string{"https://www.example.org/a?utm_source=x#top", "http://example.org/a", "file:///home/p/notes.txt",
		"not a url", " https://example.org/b/ "}
	check := func(when string) {
		t.Helper()
		for _, u := range urls {
			if got, want := dedupKey(u), canonurl.DedupKey(u); got != want {
				t.Errorf("%s: dedupKey(%q) = %q, DedupKey gives %q", when, u, got, want)
			}
		}
	}
	check("first")
	check("remembered")
	for i := range maxDedupKeys + 10 {
		dedupKey(fmt.Sprintf("https://example.org/%d", i))
	}
	check("after the map filled up")
}
