package clientagent

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// TestDocVectorsFollowTheIndex checks that the vectors re-ranking uses,
// kept from one search to the next, are always those of the index as it
// is: the document's current text weighted by the current statistics,
// after the document is rewritten or deleted, or another one is added;
// also when the analysis of results not in the index is memoised in a
// TextTerms that agents over other indexes share.
func TestDocVectorsFollowTheIndex(t *testing.T) {
	ctx := context.Background()
	shared := NewTextTerms() // every case's agent, in turn
	hits := []Merged{
		{Hit: Hit{URL: "file:///a.txt", Title: "a", Content: "glacier", DocID: "file:///a.txt"}},
		{Hit: Hit{URL: "file:///b.txt", Title: "b", Content: "moraine", DocID: "file:///b.txt"}},
		{Hit: Hit{URL: "https://web.example/c", Title: "c", Content: "glacier moraine ice"}},
	}
	cases := []struct {
		name   string
		change func(t *testing.T, ix *index.Index)
	}{
		{"unchanged", func(*testing.T, *index.Index) {}},
		{"a document rewritten", func(t *testing.T, ix *index.Index) {
			if err := ix.Index(ctx, []index.Document{{ID: "file:///a.txt", Body: "ice sheet ice"}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"another document added", func(t *testing.T, ix *index.Index) {
			if err := ix.Index(ctx, []index.Document{{ID: "file:///d.txt", Body: "glacier glacier valley"}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"a document deleted", func(t *testing.T, ix *index.Index) {
			if err := ix.Delete(ctx, "file:///b.txt"); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		for _, text := range []*TextTerms{nil, shared} {
			t.Run(fmt.Sprintf("%s/shared text analysis %v", tc.name, text != nil), func(t *testing.T) {
				dir := t.TempDir()
				ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { ix.Close() })
				err = ix.Index(ctx, []index.Document{
					{ID: "file:///a.txt", Title: "a", Body: "glacier glacier moraine valley"},
					{ID: "file:///b.txt", Title: "b", Body: "moraine ice"},
					{ID: "file:///e.txt", Title: "e", Body: "valley ice river"},
				})
				if err != nil {
					t.Fatal(err)
				}
				st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.StoreOptions{})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { st.Close() })
				cfg := DefaultConfig()
				cfg.TextTerms = text
				ag, err := New(ix, st, cfg)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := ag.docVectors(ctx, hits); err != nil {
					t.Fatal(err)
				}
				tc.change(t, ix)
				got, err := ag.docVectors(ctx, hits)
				if err != nil {
					t.Fatal(err)
				}
				for i, h := range hits {
					var want usermodel.Vector
					tf, err := ix.TermVector(ctx, h.DocID)
					if h.DocID == "" || err != nil {
						want, err = usermodel.TextVector(ctx, ix, h.Title+"\n"+h.Content)
					} else {
						want, err = usermodel.TFVector(ctx, ix, tf)
					}
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got[i].Vector(), want) {
						t.Errorf("vector of %s = %v, want %v (from the index as it is)", h.URL, got[i].Vector(), want)
					}
				}
			})
		}
	}
	if shared.c.Len() == 0 {
		t.Error("the shared analysis memo holds nothing: the cases did not use it")
	}
}

// TestBasisCacheServesEachNeedItsOwnBasis checks that the re-ranking
// bases kept for the needs a person searches in turn are found again for
// the same maps, never for equal but different maps (a profile decoded
// anew after a mark), that the least recently used is forgotten first,
// and that a new profile lets go of every basis of the old one (never
// matched again, each holding on to the old profile).
func TestBasisCacheServesEachNeedItsOwnBasis(t *testing.T) {
	var c basisCache
	profile := usermodel.Vector{"ice": 1}
	rejected := make([]usermodel.Vector, maxCachedBases+1)
	for i := range rejected {
		rejected[i] = usermodel.Vector{"t": float64(i + 1)}
	}
	first := make([]*usermodel.RerankBasis, len(rejected))
	for i, r := range rejected[:maxCachedBases] {
		first[i] = c.get(profile, []usermodel.Vector{r})
	}
	for i, r := range rejected[:maxCachedBases] {
		if got := c.get(profile, []usermodel.Vector{r}); got != first[i] {
			t.Errorf("need %d: a new basis for the same maps", i)
		}
	}
	// A new need pushes out need 0, the least recently used; need 1 is
	// then the least recently used, and another new need pushes it out.
	c.get(profile, []usermodel.Vector{rejected[maxCachedBases]})
	if c.get(profile, []usermodel.Vector{rejected[maxCachedBases-1]}) != first[maxCachedBases-1] {
		t.Error("the most recently used basis was dropped")
	}
	if c.get(profile, []usermodel.Vector{rejected[0]}) == first[0] {
		t.Error("the least recently used basis was kept beyond the bound")
	}
	if len(c.entries) != maxCachedBases {
		t.Errorf("%d bases kept, want the bound %d", len(c.entries), maxCachedBases)
	}
	newer := usermodel.Vector{"ice": 1}
	if c.get(newer, []usermodel.Vector{rejected[2]}) == first[2] {
		t.Error("an equal but different profile map got the cached basis")
	}
	if len(c.entries) != 1 || !sameMap(c.entries[0].refs[0], newer) {
		t.Errorf("after a new profile the cache holds %d bases, want only the new profile's", len(c.entries))
	}
}
