package index

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseQuery checks, for any text a person could type, that ParseQuery
// does not panic, that every error wraps ErrBadQuery, that a query it
// accepts has something to search or filter by, within the configured
// limits, with non-empty terms of positive finite weight, and that
// searching it does not fail or panic.
func FuzzParseQuery(f *testing.F) {
	ix, err := Open(f.TempDir(), DefaultConfig())
	if err != nil {
		f.Fatalf("open index: %v", err)
	}
	f.Cleanup(func() { ix.Close() })
	docs := []Document{
		{ID: "1", URL: "https://example.org/a", Title: "Information retrieval", Body: "Ranking with BM25 and phrases: to be or not to be.", Source: SourceWeb},
		{ID: "2", URL: "file:///home/me/notes.txt", Title: "Notes", Body: "C++: a tour of the language", Source: "file"},
	}
	if err := ix.Index(context.Background(), docs); err != nil {
		f.Fatalf("index: %v", err)
	}
	for _, seed := range []string{
		`information retrieval`,
		`"to be or not to be"`,
		`+ranking -"query expansion" site:Example.ORG source:web`,
		`C++: a tour`,
		`"unterminated`,
		`+ -`,
		`site: source:`,
		`-only -exclusions`,
		`the of and`,
		"\xff\xfe",
		`+"" -""`,
		`site:[::1]:8080 "a ""b"" c"`,
		strings.Repeat("w", 9000),
	} {
		f.Add(seed)
	}
	cfg := ix.cfg
	f.Fuzz(func(t *testing.T, text string) {
		q, err := ix.ParseQuery(text)
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("ParseQuery(%q) = %v, which does not wrap ErrBadQuery", text, err)
			}
			if !utf8.ValidString(err.Error()) {
				t.Fatalf("ParseQuery(%q): the error %q is not valid UTF-8", text, err)
			}
			return
		}
		if !utf8.ValidString(text) || len(text) > cfg.MaxQueryBytes {
			t.Fatalf("ParseQuery accepted %q (%d bytes, valid UTF-8 %v)", text, len(text), utf8.ValidString(text))
		}
		if len(q.Terms)+len(q.Required)+len(q.Sources)+len(q.Sites) == 0 {
			t.Fatalf("ParseQuery(%q) = %+v: nothing to search or filter by", text, q)
		}
		if len(q.Terms) > cfg.MaxQueryTerms {
			t.Fatalf("ParseQuery(%q): %d terms, over the limit %d", text, len(q.Terms), cfg.MaxQueryTerms)
		}
		for _, wt := range q.Terms {
			if wt.Term == "" || !(wt.Weight > 0) || math.IsInf(wt.Weight, 0) {
				t.Fatalf("ParseQuery(%q): bad term %+v", text, wt)
			}
		}
		if _, err := ix.Search(context.Background(), q, SearchOptions{K: 5}); err != nil {
			t.Fatalf("Search(ParseQuery(%q) = %+v): %v", text, q, err)
		}
	})
}
