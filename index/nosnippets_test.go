package index

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestSnippetsOfNoSnippetsHitsAreTheSearchsOwn: a search with NoSnippets
// returns the same hits, in the same order, with the same scores, URLs,
// titles, sources and times as the full search, without snippets, both
// the first time (fields read) and the second (fields cached); and
// Snippets then gives any subset of them exactly the snippets the full
// search gave, also for a query with a required phrase. After a document
// changes, the NoSnippets search shows its new title, not the cached one.
func TestSnippetsOfNoSnippetsHitsAreTheSearchsOwn(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	var docs []Document
	for i := range 30 {
		body := strings.Repeat(fmt.Sprintf("filler%d words ", i), 20) + "glacier moraine"
		if i%3 == 0 {
			body += " ice sheet retreat " + strings.Repeat("glacier ", i%5)
		}
		docs = append(docs, Document{ID: fmt.Sprintf("file:///d%02d.txt", i), URL: fmt.Sprintf("file:///d%02d.txt", i),
			Title: fmt.Sprintf("Doc %d", i), Body: body, Source: SourceFile})
	}
	mustIndex(t, ix, docs...)
	for _, text := range []string{"glacier moraine", `glacier "ice sheet"`} {
		q, err := ix.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		full, err := ix.Search(ctx, q, SearchOptions{K: 20})
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			lean, err := ix.Search(ctx, q, SearchOptions{K: 20, NoSnippets: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(lean.Hits) != len(full.Hits) || len(full.Hits) == 0 {
				t.Fatalf("%q round %d: %d hits without snippets, %d with", text, round, len(lean.Hits), len(full.Hits))
			}
			for i, h := range lean.Hits {
				if h.Snippet.Text != "" {
					t.Errorf("%q round %d: hit %s has a snippet", text, round, h.ID)
				}
				want := full.Hits[i]
				want.Snippet = Snippet{}
				// A background merge may have made a new snapshot
				// between the two searches (TestDocRef checks Ref).
				h.Ref, want.Ref = DocRef{}, DocRef{}
				if !reflect.DeepEqual(h, want) {
					t.Errorf("%q round %d: hit %d is %+v, want %+v", text, round, i, h, want)
				}
			}
			shown := []Hit{lean.Hits[3], lean.Hits[0], lean.Hits[7]}
			if err := ix.Snippets(ctx, q, shown); err != nil {
				t.Fatal(err)
			}
			for j, i := range []int{3, 0, 7} {
				want := full.Hits[i]
				shown[j].Ref, want.Ref = DocRef{}, DocRef{}
				if !reflect.DeepEqual(shown[j], want) {
					t.Errorf("%q round %d: hit %d with Snippets is %+v, want the full search's %+v", text, round, i, shown[j], full.Hits[i])
				}
			}
		}
	}
	q, err := ix.ParseQuery("glacier moraine")
	if err != nil {
		t.Fatal(err)
	}
	before, err := ix.Search(ctx, q, SearchOptions{K: 1, NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	d := docs[0]
	for _, c := range docs {
		if c.ID == before.Hits[0].ID {
			d = c
		}
	}
	d.Title = "Renamed"
	mustIndex(t, ix, d)
	after, err := ix.Search(ctx, q, SearchOptions{K: 30, NoSnippets: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range after.Hits {
		if h.ID == d.ID && h.Title != "Renamed" {
			t.Errorf("after the change, %s is titled %q, want %q", h.ID, h.Title, "Renamed")
		}
	}
}
