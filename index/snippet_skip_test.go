package index

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSnippetsMarkEveryHitsOwnTerms checks the snippets of many hits
// whose terms alternate (a term missing from some hits between others
// that have it, where the term's postings are read forward only): each
// snippet marks exactly the query terms its own document contains.
func TestSnippetsMarkEveryHitsOwnTerms(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	bodies := map[string]string{
		"d1": "alpha filler words here",
		"d2": "beta filler words here",
		"d3": "beta gamma filler words",
		"d4": "alpha gamma filler words",
		"d5": "gamma filler words only",
		"d6": "alpha beta filler words",
		"d7": "filler words without any",
	}
	var docs []Document
	for _, id := range slices.Sorted(maps.Keys(bodies)) {
		docs = append(docs, Document{ID: id, Title: id, Body: bodies[id]})
	}
	mustIndex(t, ix, docs...)
	cases := []struct {
		query string
		terms []string
	}{
		{"alpha beta gamma", []string{"alpha", "beta", "gamma"}},
		{"alpha gamma", []string{"alpha", "gamma"}},
		{"beta filler", []string{"beta", "filler"}},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			q, err := ix.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ix.Search(ctx, q, SearchOptions{K: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			for _, h := range res.Hits {
				var marked, want []string
				for _, s := range h.Snippet.Highlights {
					marked = append(marked, h.Snippet.Text[s.Start:s.End])
				}
				for _, w := range strings.Fields(bodies[h.ID]) {
					if slices.Contains(tc.terms, w) {
						want = append(want, w)
					}
				}
				if fmt.Sprint(marked) != fmt.Sprint(want) {
					t.Errorf("%s (%q): marked %v, want %v", h.ID, bodies[h.ID], marked, want)
				}
			}
		})
	}
}

// TestBestWindowIsTheWindowByWindowChoice checks bestWindow against
// scoring every window on its own (what snippet did before): the same
// first best window for random matches of a few terms and phrases, with
// overlapping matches and matches longer than the window.
func TestBestWindowIsTheWindowByWindowChoice(t *testing.T) {
	plain := func(ms []termMatch, width int) int {
		best, bestScore := 0, -1
		seen := map[string]int{}
		for i := range ms {
			clear(seen)
			count := 0
			for j := i; j < len(ms) && ms[j].end-ms[i].start <= width; j++ {
				seen[ms[j].term] = ms[j].words
				count++
			}
			distinct := 0
			for _, w := range seen {
				distinct += w
			}
			if score := distinct*1000 + count; score > bestScore {
				best, bestScore = i, score
			}
		}
		return best
	}
	rng := rand.New(rand.NewPCG(12, 13))
	terms := []struct {
		term  string
		words int
	}{{"a", 1}, {"b", 1}, {"c", 1}, {"d e", 2}, {"f g h", 3}}
	for trial := range 3000 {
		var ms []termMatch
		pos := 0
		for range rng.IntN(40) {
			pos += rng.IntN(60)
			t := terms[rng.IntN(1+trial%len(terms))]
			ms = append(ms, termMatch{pos, pos + 1 + rng.IntN(30), t.term, t.words})
		}
		width := 20 + rng.IntN(200)
		if got, want := bestWindow(ms, width), plain(ms, width); got != want {
			t.Fatalf("trial %d (width %d, %v): bestWindow %d, window by window %d", trial, width, ms, got, want)
		}
	}
}
