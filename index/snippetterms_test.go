package index

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestSnippetTermsPlaceSnippetsButLeaveRankingAlone: a search with
// SearchOptions.SnippetTerms returns the same hits, in the same order,
// with the same scores, as without them; its snippets are those a search
// for the snippet terms (with the query's required phrases) gives the same
// documents, mark only the snippet terms and the phrases, and are what
// Index.Snippets cuts for the snippet terms after a NoSnippets search.
func TestSnippetTermsPlaceSnippetsButLeaveRankingAlone(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	var docs []Document
	for i := range 20 {
		// Expansion words early, the typed words late: the snippet of the
		// whole query and that of the typed words are in different places.
		body := "sediment delta estuary " + strings.Repeat(fmt.Sprintf("filler%d words ", i), 40) + "glacier moraine"
		if i%2 == 0 {
			body += " ice sheet retreat"
		}
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), Title: fmt.Sprintf("Doc %d", i), Body: body})
	}
	mustIndex(t, ix, docs...)
	for _, text := range []string{"glacier moraine", `glacier "ice sheet"`} {
		q, err := ix.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		show := append([]WeightedTerm(nil), q.Terms...)
		show = append(show, WeightedTerm{Term: "delta", Weight: 1})
		wide := q
		wide.Terms = append(append([]WeightedTerm(nil), q.Terms...),
			WeightedTerm{Term: "sediment", Weight: 2}, WeightedTerm{Term: "delta", Weight: 1.5}, WeightedTerm{Term: "estuari", Weight: 1})
		plain, err := ix.Search(ctx, wide, SearchOptions{K: 10})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ix.Search(ctx, wide, SearchOptions{K: 10, SnippetTerms: show})
		if err != nil {
			t.Fatal(err)
		}
		narrow := q
		narrow.Terms = show
		var ids []string
		for _, h := range got.Hits {
			ids = append(ids, h.ID)
		}
		if len(got.Hits) != len(plain.Hits) || len(got.Hits) == 0 {
			t.Fatalf("%q: %d hits with snippet terms, %d without", text, len(got.Hits), len(plain.Hits))
		}
		lean, err := ix.Search(ctx, wide, SearchOptions{K: 10, NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Snippets(ctx, narrow, lean.Hits); err != nil {
			t.Fatal(err)
		}
		moved := 0
		for i, h := range got.Hits {
			p := plain.Hits[i]
			if h.ID != p.ID || h.Score != p.Score {
				t.Errorf("%q: hit %d is %s (%v) with snippet terms, %s (%v) without", text, i, h.ID, h.Score, p.ID, p.Score)
			}
			if h.Snippet.Text != p.Snippet.Text {
				moved++
			}
			want := narrowSnippet(t, ix, narrow, h.ID)
			if !reflect.DeepEqual(h.Snippet, want) {
				t.Errorf("%q: %s's snippet is %+v, want the snippet term search's %+v", text, h.ID, h.Snippet, want)
			}
			if !reflect.DeepEqual(lean.Hits[i], h) {
				t.Errorf("%q: with Snippets after NoSnippets, hit %d is %+v, want %+v", text, i, lean.Hits[i], h)
			}
			for _, s := range h.Snippet.Highlights {
				word := strings.ToLower(h.Snippet.Text[s.Start:s.End])
				switch word {
				case "glacier", "moraine", "delta", "ice sheet":
				default:
					t.Errorf("%q: %s's snippet marks %q, not a snippet term", text, h.ID, word)
				}
			}
		}
		if moved == 0 {
			t.Errorf("%q: no snippet moved: the fixture does not tell the snippet terms from the query's", text)
		}
	}
	if _, err := ix.Search(ctx, Query{Terms: []WeightedTerm{{Term: "glacier", Weight: 1}}}, SearchOptions{SnippetTerms: []WeightedTerm{{}}}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("an empty snippet term: err %v, want ErrBadQuery", err)
	}
}

// narrowSnippet is the snippet a search for q gives document id.
func narrowSnippet(t *testing.T, ix *Index, q Query, id string) Snippet {
	t.Helper()
	res, err := ix.Search(context.Background(), q, SearchOptions{K: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if h.ID == id {
			return h.Snippet
		}
	}
	t.Fatalf("%s is not among the hits of %+v", id, q)
	return Snippet{}
}
