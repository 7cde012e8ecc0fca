package clientagent

import (
	"fmt"
	"testing"

	"github.com/p2pir/p2pir/internal/canonurl"
)

// TestRememberedDedupKeysAreDedupKeys: the keys an agent remembers are
// canonurl.DedupKey's, the first time and the second (remembered), and
// still after more URLs than it keeps have gone through; a nil cache
// works them out each time.
func TestRememberedDedupKeysAreDedupKeys(t *testing.T) {
	var c urlKeys
	urls := []string{"https://www.example.org/a?utm_source=x#top", "http://example.org/a", "file:///home/p/notes.txt",
		"not a url", " https://example.org/b/ "}
	check := func(when string) {
		t.Helper()
		hits := make([]Hit, len(urls))
		for i, u := range urls {
			hits[i].URL = u
		}
		for _, kc := range []*urlKeys{&c, nil} {
			got := kc.keysOf([]string{"kept"}, hits)
			if len(got) != 1+len(urls) || got[0] != "kept" {
				t.Fatalf("%s: keysOf = %q, want %d keys after the one given", when, got, len(urls))
			}
			for i, u := range urls {
				if want := canonurl.DedupKey(u); got[1+i] != want {
					t.Errorf("%s: keysOf's key of %q = %q, DedupKey gives %q", when, u, got[1+i], want)
				}
			}
		}
		for _, u := range urls {
			if got, want := c.key(u), canonurl.DedupKey(u); got != want {
				t.Errorf("%s: key(%q) = %q, DedupKey gives %q", when, u, got, want)
			}
			if got, want := (*urlKeys)(nil).key(u), canonurl.DedupKey(u); got != want {
				t.Errorf("%s: nil cache's key(%q) = %q, DedupKey gives %q", when, u, got, want)
			}
		}
	}
	check("first")
	check("remembered")
	for i := range maxDedupKeys + 10 {
		c.key(fmt.Sprintf("https://example.org/%d", i))
	}
	check("after the map filled up")
}
