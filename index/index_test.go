package index

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	bindex "github.com/blevesearch/bleve_index_api"
)

// hitIDs returns the IDs of ix's top k hits for query.
func hitIDs(t *testing.T, ix *Index, query string, k int) []string {
	t.Helper()
	q, err := ix.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), q, SearchOptions{K: k})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.ID)
	}
	return ids
}

// topSnippet returns the snippet of ix's top hit for query, which must
// find one, and the text of its highlights.
func topSnippet(t *testing.T, ix *Index, query string) (Snippet, []string) {
	t.Helper()
	q, err := ix.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), q, SearchOptions{K: 1})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search %q: %v %v", query, res, err)
	}
	sn := res.Hits[0].Snippet
	var marked []string
	for _, h := range sn.Highlights {
		marked = append(marked, sn.Text[h.Start:h.End])
	}
	return sn, marked
}

// snapshotReader returns a reader of ix's current snapshot, closed when
// the test ends.
func snapshotReader(t *testing.T, ix *Index) bindex.IndexReader {
	t.Helper()
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func openTest(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func mustIndex(t *testing.T, ix *Index, docs ...Document) {
	t.Helper()
	if err := ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
}

func ids(res *Results) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func find(t *testing.T, ix *Index, text string) *Results {
	t.Helper()
	q, err := ix.ParseQuery(text)
	if err != nil {
		t.Fatalf("parse %q: %v", text, err)
	}
	res, err := ix.Search(context.Background(), q, SearchOptions{K: 10})
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	return res
}

var corpus = []Document{
	{ID: "a", URL: "https://example.org/a", Title: "Flow over wings", Body: "Laminar flow of air over a wing; the flow separates at high angles.", Source: SourceWeb},
	{ID: "b", URL: "https://blog.example.org/b", Title: "Heat transfer", Body: "Heat transfer in boundary layers with turbulent flow.", Source: SourceWeb},
	{ID: "c", URL: "file:///home/me/notes/c.txt", Title: "Shopping", Body: "Bread, milk, eggs and a new wing mirror for the car.", Source: SourceFile},
	{ID: "d", URL: "file:///home/me/notes/d.md", Title: "Boundary layer theory", Body: "Prandtl's boundary layer theory explains skin friction and separation of the flow.", Source: SourceFile},
}

// TestBM25MatchesTheFormula checks a score against BM25 computed by hand
// from the definition on bm25Query, with the collection statistics of a
// three-document corpus.
func TestBM25MatchesTheFormula(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix,
		Document{ID: "1", Body: "apple apple banana"},        // 3 tokens
		Document{ID: "2", Body: "banana cherry"},             // 2 tokens
		Document{ID: "3", Body: "cherry cherry cherry date"}, // 4 tokens
	)
	st, err := ix.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Docs != 3 || st.AvgDocLen != 3 {
		t.Fatalf("stats = %+v, want 3 docs, avgdl 3", st)
	}
	q, err := ix.WeightedQuery([]WeightedTerm{{"appl", 1}, {"banana", 2}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(context.Background(), q, SearchOptions{K: 10, IDsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	k1, b, avgdl, n := 1.2, 0.75, 3.0, 3.0
	idf := func(df float64) float64 {
		r := (n - df + 0.5) / (df + 0.5)
		if r < 2 {
			r = 1 + r/2
		}
		return math.Log(r)
	}
	part := func(w, df, tf, dl float64) float64 {
		return w * idf(df) * tf * (k1 + 1) / (tf + k1*(1-b+b*dl/avgdl))
	}
	want := map[string]float64{
		"1": part(1, 1, 2, 3) + part(2, 2, 1, 3),
		"2": part(2, 2, 1, 2),
	}
	if len(res.Hits) != 2 {
		t.Fatalf("hits = %v, want docs 1 and 2", ids(res))
	}
	for _, h := range res.Hits {
		if math.Abs(h.Score-want[h.ID]) > 1e-9 {
			t.Errorf("score(%s) = %.12f, want %.12f", h.ID, h.Score, want[h.ID])
		}
	}
	if res.Hits[0].ID != "1" {
		t.Errorf("first hit %s, want 1", res.Hits[0].ID)
	}
}

func TestSearchRanksAndFilters(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix, corpus...)
	tests := []struct {
		query string
		want  []string // exact ids in order; nil means "no hits"
		first string   // or only check the first hit
	}{
		{query: "flow", first: "a"},                       // tf 2 in a short doc beats tf 1
		{query: "boundary layer", first: "d"},             // both terms, twice in d's title+body
		{query: `"boundary layers"`, want: []string{"b"}}, // phrase as written must appear ("boundary layer" in d is not it)
		{query: "+layers", want: []string{"b", "d"}},      // a required word is stemmed
		{query: "wing -flow", want: []string{"c"}},        // exclusion
		{query: "+mirror wing", want: []string{"c"}},      // required word
		{query: "flow source:file", want: []string{"d"}},  // source filter
		{query: "flow site:example.org", want: []string{"a", "b"}},
		{query: "flow site:blog.example.org", want: []string{"b"}},
		{query: "site:example.org", want: []string{"a", "b"}}, // filter only
		{query: "quantum chromodynamics", want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got := ids(find(t, ix, tc.query))
			if tc.first != "" {
				if len(got) == 0 || got[0] != tc.first {
					t.Fatalf("hits %v, want %s first", got, tc.first)
				}
				return
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				if len(tc.want) == 2 && len(got) == 2 && got[0] == tc.want[1] && got[1] == tc.want[0] {
					return // order among equals is not part of the claim
				}
				t.Fatalf("hits %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	ix := openTest(t)
	tests := []struct {
		query, wantMsg string
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"\xff\xfe", "UTF-8"},
		{`"unterminated phrase`, "unterminated quote"},
		{"flow +", "stands alone"},
		{"- flow", "stands alone"},
		{"the of and", "no searchable words"},
		{"-flow", "not only exclusions"},
		{"site: flow", "needs a value"},
		{`flow ""`, "empty phrase"},
		{"+the flow", "stop words only"},
		{"flow source:ftp", "documents come from file, web, eval"},
		{strings.Repeat("a", 9000), "limit"},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			_, err := ix.ParseQuery(tc.query)
			if !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("ParseQuery(%q) = %v, want ErrBadQuery mentioning %q", tc.query, err, tc.wantMsg)
			}
		})
	}
	// Plain text with colons and hyphens is not syntax.
	q, err := ix.ParseQuery("C++: state-of-the-art flow")
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Required)+len(q.Excluded)+len(q.Sources)+len(q.Sites) != 0 || len(q.Terms) == 0 {
		t.Fatalf("plain text parsed as syntax: %+v", q)
	}
}

func TestWeightedQueryRejectsBadWeights(t *testing.T) {
	ix := openTest(t)
	for _, w := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1} {
		if _, err := ix.WeightedQuery([]WeightedTerm{{"flow", w}}); !errors.Is(err, ErrBadQuery) {
			t.Errorf("weight %v: err = %v, want ErrBadQuery", w, err)
		}
	}
	if _, err := ix.Search(context.Background(), Query{Terms: []WeightedTerm{{"flow", math.NaN()}}}, SearchOptions{}); !errors.Is(err, ErrBadQuery) {
		t.Errorf("Search with NaN weight: err = %v, want ErrBadQuery", err)
	}
	// Required and excluded text comes from ParseQuery, which refuses
	// invalid UTF-8, or from a caller building a Query: refused there too.
	for _, q := range []Query{{Required: []string{"0\xe900"}}, {Terms: []WeightedTerm{{"flow", 1}}, Excluded: []string{"a \xff b"}}} {
		if _, err := ix.Search(context.Background(), q, SearchOptions{}); !errors.Is(err, ErrBadQuery) || !utf8.ValidString(err.Error()) {
			t.Errorf("Search(%+v): err = %v, want ErrBadQuery in valid UTF-8", q, err)
		}
	}
	q, err := ix.WeightedQuery([]WeightedTerm{{"flow", 1}, {"flow", 2}, {"wing", 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	if q.Terms[0] != (WeightedTerm{"flow", 3}) {
		t.Errorf("duplicates not merged: %+v", q.Terms)
	}
}

func TestUpdateDeleteKeepStatistics(t *testing.T) {
	ix := openTest(t)
	ctx := context.Background()
	mustIndex(t, ix, Document{ID: "x", Body: "one two three four"}, Document{ID: "y", Body: "five six"})
	mustIndex(t, ix, Document{ID: "x", Body: "seven eight"}) // replace: 4 tokens -> 2
	st, _ := ix.Stats()
	if st.Docs != 2 || st.AvgDocLen != 2 {
		t.Fatalf("after update: %+v, want 2 docs avgdl 2", st)
	}
	if got := ids(find(t, ix, "three")); len(got) != 0 {
		t.Fatalf("old text still found: %v", got)
	}
	if got := ids(find(t, ix, "seven")); len(got) != 1 || got[0] != "x" {
		t.Fatalf("new text not found: %v", got)
	}
	if err := ix.Delete(ctx, "y", "never-indexed"); err != nil {
		t.Fatal(err)
	}
	st, _ = ix.Stats()
	if st.Docs != 1 || st.AvgDocLen != 2 {
		t.Fatalf("after delete: %+v, want 1 doc avgdl 2", st)
	}
	// The same ID twice in one batch: the last one wins, counted once.
	mustIndex(t, ix, Document{ID: "z", Body: "a1 b1 c1"}, Document{ID: "z", Body: "d1"})
	st, _ = ix.Stats()
	if st.Docs != 2 || st.AvgDocLen != 1.5 {
		t.Fatalf("after duplicate IDs in a batch: %+v, want 2 docs avgdl 1.5", st)
	}
}

func TestReopenKeepsDocumentsAndStatistics(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	mustIndex(t, ix, corpus...)
	before, _ := ix.Stats()
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	after, _ := ix.Stats()
	if before != after {
		t.Fatalf("stats %+v after reopen, want %+v", after, before)
	}
	d, ok, err := ix.Get(context.Background(), "d")
	if err != nil || !ok || d.Title != corpus[3].Title || d.Source != SourceFile || d.Hash != ContentHash(d.Title, d.Body) {
		t.Fatalf("Get after reopen = %+v, %v, %v", d, ok, err)
	}
}

func TestBadDocumentsAreRefusedOthersIndexed(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), Config{MaxDocBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	huge := strings.Repeat("word ", 300_000) // 1.5 MB > 1 MiB cap
	err = ix.Index(context.Background(), []Document{
		{ID: "ok", Body: "caf\xe9 latin-1 text"}, // invalid UTF-8: repaired
		{ID: "", Body: "no id"},
		{ID: "huge", Body: huge},
	})
	if !errors.Is(err, ErrTooLarge) || !errors.Is(err, ErrBadDocument) {
		t.Fatalf("err = %v, want both ErrTooLarge and ErrBadDocument", err)
	}
	n, _ := ix.Count()
	if n != 1 {
		t.Fatalf("count = %d, want 1 (the good document)", n)
	}
	d, _, _ := ix.Get(context.Background(), "ok")
	if d.Body != "café latin-1 text" {
		t.Fatalf("body = %q, want Latin-1 byte repaired to é", d.Body)
	}
	if got := ids(find(t, ix, "café")); len(got) != 1 {
		t.Fatalf("repaired text not searchable: %v", got)
	}
}

func TestMetaByPrefixAndLookupHash(t *testing.T) {
	ix := openTest(t)
	ctx := context.Background()
	mod := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	docs := append([]Document(nil), corpus...)
	docs[2].Modified, docs[2].Size = mod, 42
	mustIndex(t, ix, docs...)
	metas, err := ix.MetaByPrefix(ctx, "file:///home/me/notes/")
	if err != nil {
		t.Fatal(err)
	}
	if len(metas) != 2 || metas[0].ID != "c" || metas[1].ID != "d" {
		t.Fatalf("metas = %+v, want c and d", metas)
	}
	if !metas[0].Modified.Equal(mod) || metas[0].Size != 42 {
		t.Fatalf("meta c = %+v, want modified %v size 42", metas[0], mod)
	}
	urls, err := ix.URLsByPrefix(ctx, "file:///home/me/")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{metas[0].URL, metas[1].URL}; !slices.Equal(urls, want) {
		t.Fatalf("URLsByPrefix = %q, want %q", urls, want)
	}
	if urls, err := ix.URLsByPrefix(ctx, "file:///nowhere/"); err != nil || len(urls) != 0 {
		t.Fatalf("URLsByPrefix(no match) = %q, %v", urls, err)
	}
	id, ok, err := ix.LookupHash(ctx, ContentHash(corpus[1].Title, corpus[1].Body), "")
	if err != nil || !ok || id != "b" {
		t.Fatalf("LookupHash = %q %v %v, want b", id, ok, err)
	}
	if _, ok, _ := ix.LookupHash(ctx, "nope", ""); ok {
		t.Fatal("LookupHash found an unknown hash")
	}
	// A hash held by a file only is no web page's.
	dHash := ContentHash(corpus[3].Title, corpus[3].Body)
	if _, ok, err := ix.LookupHash(ctx, dHash, SourceWeb); ok || err != nil {
		t.Errorf("LookupHash(d's hash, web) = %v %v, want none: d is a file", ok, err)
	}
	if id, ok, err := ix.LookupHash(ctx, dHash, SourceFile); id != "d" || !ok || err != nil {
		t.Errorf("LookupHash(d's hash, file) = %q %v %v, want d", id, ok, err)
	}
}

func TestSnippetMarksQueryTerms(t *testing.T) {
	ix := openTest(t)
	long := strings.Repeat("filler words without meaning. ", 40) + "The turbulent boundary layer thickens downstream. " + strings.Repeat("more filler text here. ", 40)
	mustIndex(t, ix, Document{ID: "s", Title: "t", Body: long})
	res := find(t, ix, "turbulent boundary")
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v", ids(res))
	}
	sn := res.Hits[0].Snippet
	marked := sn.Marked("[", "]", nil)
	if !strings.Contains(marked, "[turbulent] [boundary] layer") {
		t.Fatalf("snippet %q does not mark the terms", marked)
	}
	if !strings.HasPrefix(sn.Text, "… ") || !strings.HasSuffix(sn.Text, " …") {
		t.Fatalf("snippet %q should show it is cut on both sides", sn.Text)
	}
	if n := len([]rune(sn.Text)); n > DefaultConfig().SnippetRunes+10 {
		t.Fatalf("snippet has %d runes, want about %d", n, DefaultConfig().SnippetRunes)
	}
}

func TestTermStatistics(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix, corpus...)
	ctx := context.Background()
	if got := ix.Analyze("The Flows of Boundary-Layers"); strings.Join(got, " ") != "flow boundari layer boundarylay" {
		t.Fatalf("Analyze = %v", got)
	}
	df, err := ix.DocFreq(ctx, "flow", "wing", "absent")
	if err != nil {
		t.Fatal(err)
	}
	if df["flow"] != 3 || df["wing"] != 2 || df["absent"] != 0 {
		t.Fatalf("DocFreq = %v", df)
	}
	tv, err := ix.TermVector(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if tv["flow"] != 3 || tv["wing"] != 2 || tv["the"] != 0 {
		t.Fatalf("TermVector(a) = %v", tv)
	}
	if _, err := ix.TermVector(ctx, "missing"); err == nil {
		t.Fatal("TermVector of a missing document: want an error")
	}
}

// TestConcurrentSearchDuringWrites is for the race detector: searches and
// batches interleave and every search still answers.
func TestConcurrentSearchDuringWrites(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix, corpus...)
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 20; i++ {
			mustIndexNoFatal(ix, Document{ID: "w", Body: "flow writer"})
		}
	}()
	go func() {
		defer wg.Done()
		q, _ := ix.ParseQuery("flow")
		for i := 0; i < 50; i++ {
			res, err := ix.Search(ctx, q, SearchOptions{})
			if err != nil || len(res.Hits) < 3 {
				t.Errorf("search during writes: %v, %d hits", err, len(res.Hits))
				return
			}
		}
	}()
	wg.Wait()
}

func mustIndexNoFatal(ix *Index, d Document) { _ = ix.Index(context.Background(), []Document{d}) }

func TestClosedIndexErrors(t *testing.T) {
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if _, err := ix.Search(context.Background(), Query{Terms: []WeightedTerm{{"x", 1}}}, SearchOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Search after Close: %v", err)
	}
	if err := ix.Index(context.Background(), corpus); !errors.Is(err, ErrClosed) {
		t.Fatalf("Index after Close: %v", err)
	}
}
