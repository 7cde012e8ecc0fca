package index

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestAbsentTermsSkippedOnSmallIndexesChangeNoResult checks the claim of
// dictCache: a small index skipping its absent query terms answers as a
// large one that opens every term's postings. Both hold the same matching
// documents and score with the same pooled statistics (so the filler
// documents of the large one, which match nothing, change no score);
// hits, scores and snippets must be equal.
func TestAbsentTermsSkippedOnSmallIndexesChangeNoResult(t *testing.T) {
	ctx := context.Background()
	docs := []Document{
		{ID: "a", URL: "http://a.example/", Title: "Glaciers", Body: "Glaciers carve valleys; the ice moves slowly downhill."},
		{ID: "b", URL: "http://b.example/", Title: "Rivers", Body: "Rivers carve canyons and carry sediment to the sea."},
		{ID: "c", URL: "http://c.example/", Title: "Wind", Body: "Wind erosion shapes dunes in deserts, moving sand."},
	}
	small, large := openTest(t), openTest(t)
	mustIndex(t, small, docs...)
	mustIndex(t, large, docs...)
	var filler []Document
	for i := range maxDictDocs + 10 {
		filler = append(filler, Document{ID: fmt.Sprintf("f%03d", i), URL: fmt.Sprintf("http://f.example/%d", i), Title: "filler", Body: fmt.Sprintf("unrelated words number%d", i)})
	}
	mustIndex(t, large, filler...)

	corpus := &CorpusStats{Docs: 1000, AvgDocLen: 9, DF: map[string]uint64{}}
	queries := []string{
		"glaciers carve valleys",
		"ice sediment absent1 absent2 absent3 canyons",
		"nothingmatches atall",
		"sand dunes wind deserts moving ice",
	}
	for _, text := range queries {
		q, err := small.PlainQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		for _, term := range q.Terms {
			corpus.DF[term.Term] = 50
		}
	}
	for _, text := range queries {
		for _, opts := range []SearchOptions{{K: 10, Corpus: corpus}, {K: 10, Corpus: corpus, NoSnippets: true}} {
			q, err := small.PlainQuery(text)
			if err != nil {
				t.Fatal(err)
			}
			got, err := small.Search(ctx, q, opts)
			if err != nil {
				t.Fatal(err)
			}
			want, err := large.Search(ctx, q, opts)
			if err != nil {
				t.Fatal(err)
			}
			// Ref names a document in its own index's snapshot.
			for i := range got.Hits {
				got.Hits[i].Modified, got.Hits[i].Rank, got.Hits[i].Ref = want.Hits[min(i, len(want.Hits)-1)].Modified, 0, DocRef{}
			}
			for i := range want.Hits {
				want.Hits[i].Rank, want.Hits[i].Ref = 0, DocRef{}
			}
			if !reflect.DeepEqual(got.Hits, want.Hits) {
				t.Errorf("%q (snippets %v): small index gives %+v, large %+v", text, !opts.NoSnippets, got.Hits, want.Hits)
			}
		}
	}
	// Snippets made apart from the search (as a peer makes them for the
	// hits it answers) twice, the second time from the documents cached.
	for _, text := range queries {
		q, err := small.PlainQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		for round := range 2 {
			var hits [2][]Hit
			for j, ix := range []*Index{small, large} {
				res, err := ix.Search(ctx, q, SearchOptions{K: 10, Corpus: corpus, NoSnippets: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := ix.Snippets(ctx, q, res.Hits); err != nil {
					t.Fatal(err)
				}
				for i := range res.Hits {
					res.Hits[i].Modified, res.Hits[i].Rank, res.Hits[i].Ref = time.Time{}, 0, DocRef{}
				}
				hits[j] = res.Hits
			}
			if !reflect.DeepEqual(hits[0], hits[1]) {
				t.Errorf("%q, round %d: snippets of the small index %+v, of the large %+v", text, round, hits[0], hits[1])
			}
		}
	}
	if len(small.docs.byID) == 0 || len(large.docs.byID) != 0 {
		t.Errorf("documents cached: %d by the small index (want some), %d by the large (want none)", len(small.docs.byID), len(large.docs.byID))
	}
	if small.dict.terms == nil {
		t.Fatal("the small index holds no dictionary: the check saw nothing")
	}
	if large.dict.terms != nil {
		t.Fatal("the large index holds its dictionary: the check compared the cache with itself")
	}
}

// TestTermDictionaryFollowsWrites checks that a term absent from a small
// index is found once a document bringing it is indexed, and not found
// once that document is deleted: the cached dictionary belongs to one
// snapshot.
func TestTermDictionaryFollowsWrites(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	mustIndex(t, ix, Document{ID: "a", URL: "http://a.example/", Title: "Glaciers", Body: "Glaciers carve valleys."})
	count := func(step, text string, want int) {
		t.Helper()
		q, err := ix.PlainQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(ctx, q, SearchOptions{K: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != want {
			t.Fatalf("%s: %q found %d documents, want %d", step, text, len(res.Hits), want)
		}
	}
	count("before", "volcano", 0) // loads the dictionary without "volcano"
	mustIndex(t, ix, Document{ID: "b", URL: "http://b.example/", Title: "Volcanoes", Body: "A volcano erupts lava."})
	count("after indexing", "volcano", 1)
	if err := ix.Delete(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	count("after deleting", "volcano", 0)
	count("after deleting", "glaciers", 1)

	// A rewritten document's snippet shows its new text, though the old
	// one was cached for snippets.
	snippet := func(step, text, want string) {
		t.Helper()
		q, err := ix.PlainQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ix.Search(ctx, q, SearchOptions{K: 10, NoSnippets: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := ix.Snippets(ctx, q, res.Hits); err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Snippet.Text, want) {
			t.Fatalf("%s: snippets %+v, want one with %q", step, res.Hits, want)
		}
	}
	snippet("before rewriting", "glaciers", "carve valleys")
	mustIndex(t, ix, Document{ID: "a", URL: "http://a.example/", Title: "Glaciers", Body: "Glaciers retreat in a warmer climate."})
	snippet("after rewriting", "glaciers", "warmer climate")
}
