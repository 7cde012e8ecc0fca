package index

import (
	"context"
	"maps"
	"sync"
	"testing"
)

// TestTermVectorIsTheCurrentTextAfterRewritesAndDeletes checks that the
// cached term vectors never outlive the text they were computed from: a
// vector read, then the document re-indexed or deleted, then read again.
func TestTermVectorIsTheCurrentTextAfterRewritesAndDeletes(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name   string
		change func(*Index) error
		want   map[string]int // nil: the document is gone
	}{
		{
			name: "re-indexed with new text",
			change: func(ix *Index) error {
				return ix.Index(ctx, []Document{{ID: "d", Body: "glacier glacier moraine"}})
			},
			want: map[string]int{"glacier": 2, "morain": 1},
		},
		{
			name:   "deleted",
			change: func(ix *Index) error { return ix.Delete(ctx, "d") },
		},
		{
			name: "another document re-indexed",
			change: func(ix *Index) error {
				return ix.Index(ctx, []Document{{ID: "other", Body: "glacier"}})
			},
			want: map[string]int{"wing": 2, "flow": 1},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ix := openTest(t)
			mustIndex(t, ix, Document{ID: "d", Body: "wing wing flow"}, Document{ID: "other", Body: "flow"})
			first, err := ix.TermVector(ctx, "d")
			if err != nil {
				t.Fatal(err)
			}
			first["wing"] = 99 // the caller's copy: must not reach the cache
			if err := tc.change(ix); err != nil {
				t.Fatal(err)
			}
			got, err := ix.TermVector(ctx, "d")
			if tc.want == nil {
				if err == nil {
					t.Fatalf("vector of a deleted document: %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, tc.want) {
				t.Fatalf("vector after the change = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTermVectorCacheStaysWithinItsBound checks the cache's accounting:
// it never holds more term entries than its bound, drops the least
// recently used vectors first, and refuses a vector read before a write.
func TestTermVectorCacheStaysWithinItsBound(t *testing.T) {
	vec := func(n int) map[string]int {
		m := map[string]int{}
		for i := range n {
			m[string(rune('a'+i))] = i + 1
		}
		return m
	}
	cases := []struct {
		name     string
		ops      func(c *tvCache)
		wantHeld []string
	}{
		{
			name: "least recently used goes first",
			ops: func(c *tvCache) {
				c.put("x", vec(4), 0)
				c.put("y", vec(4), 0)
				c.get("x") // x is now the most recent
				c.put("z", vec(4), 0)
			},
			wantHeld: []string{"x", "z"},
		},
		{
			name:     "a vector larger than the bound is not kept",
			ops:      func(c *tvCache) { c.put("x", vec(11), 0) },
			wantHeld: nil,
		},
		{
			name: "a vector read before a write is not kept",
			ops: func(c *tvCache) {
				_, gen, _ := c.get("x")
				c.evict("unrelated")
				c.put("x", vec(2), gen)
			},
			wantHeld: nil,
		},
		{
			name: "evicted documents are forgotten",
			ops: func(c *tvCache) {
				c.put("x", vec(2), 0)
				c.put("y", vec(2), 0)
				c.evict("x")
			},
			wantHeld: []string{"y"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newTVCache(10)
			tc.ops(c)
			held, terms := []string{}, 0
			for _, id := range []string{"x", "y", "z"} {
				if e, ok := c.byID[id]; ok {
					held = append(held, id)
					terms += len(e.Value.(*tvEntry).tf)
				}
			}
			if len(held) != len(tc.wantHeld) {
				t.Fatalf("held %v, want %v", held, tc.wantHeld)
			}
			for i := range held {
				if held[i] != tc.wantHeld[i] {
					t.Fatalf("held %v, want %v", held, tc.wantHeld)
				}
			}
			if terms != c.terms || c.terms > c.maxTerms {
				t.Fatalf("accounted %d terms, holds %d, bound %d", c.terms, terms, c.maxTerms)
			}
		})
	}
}

// TestTermVectorDuringWritesIsNeverStale is for the race detector and the
// cache's generation check: vectors read while the document is rewritten
// end, once writes stop, equal the last text written.
func TestTermVectorDuringWritesIsNeverStale(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	mustIndex(t, ix, Document{ID: "d", Body: "wing"})
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, body := range []string{"flow", "wing", "glacier", "moraine", "flow"} {
			mustIndexNoFatal(ix, Document{ID: "d", Body: body})
		}
		mustIndexNoFatal(ix, Document{ID: "d", Body: "glacier"})
	})
	wg.Go(func() {
		for range 50 {
			if _, err := ix.TermVector(ctx, "d"); err != nil {
				t.Errorf("vector during writes: %v", err)
				return
			}
		}
	})
	wg.Wait()
	got, err := ix.TermVector(ctx, "d")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, map[string]int{"glacier": 1}) {
		t.Fatalf("vector after the writes = %v, want the last text's", got)
	}
}
