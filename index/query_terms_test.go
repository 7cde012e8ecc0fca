package index_test

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/testenv"
)

// checkParseQueryTerms checks that ParseQueryTerms gives what ParseQuery
// and Analyze give separately: the same query (or error) and the whole
// text's terms, which the client agent makes the query's vector of.
func checkParseQueryTerms(t *testing.T, ix *index.Index, text string) {
	t.Helper()
	wantQ, wantErr := ix.ParseQuery(text)
	q, terms, err := ix.ParseQueryTerms(text)
	if (err == nil) != (wantErr == nil) || (err != nil && err.Error() != wantErr.Error()) {
		t.Fatalf("ParseQueryTerms(%q): error %v, ParseQuery's %v", text, err, wantErr)
	}
	if err != nil {
		return
	}
	if !reflect.DeepEqual(q, wantQ) {
		t.Errorf("ParseQueryTerms(%q) = %+v, ParseQuery's %+v", text, q, wantQ)
	}
	want := ix.Analyze(text)
	slices.Sort(want)
	got := slices.Clone(terms)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("ParseQueryTerms(%q) terms %q, Analyze's %q", text, got, want)
	}
}

// TestParseQueryTermsIsParseQueryAndAnalyze checks the one analysis of a
// query against the two it replaces, over plain queries (whose tokens are
// shared) with every kind of whitespace between words, compounds,
// another language present in the index, and queries with syntax.
func TestParseQueryTermsIsParseQueryAndAnalyze(t *testing.T) {
	ix, err := index.Open(filepath.Join(t.TempDir(), "ix"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []index.Document{
		{ID: "en", URL: "https://a.example/en", Title: "Search engines", Body: "A search engine indexes the state-of-the-art e-mail archives of the web.", Source: index.SourceWeb},
		{ID: "de", URL: "https://a.example/de", Title: "Suchmaschinen", Body: "Eine Suchmaschine durchsucht das Netz und findet Seiten über Suchmaschinen und Datenbanken.", Source: index.SourceWeb},
	}
	if err := ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{
		"galaxy", "search engines", "  search \t engines\n", "search\u00a0engines", "search\u2003engines\u0085again",
		"state-of-the-art e-mail", "e-mail   E-Mail email", "Suchmaschinen und Datenbanken", "C++: a tour", "naïve café résumé",
		"the of and", "search engines search engines search", "word\u200d next", "1.5 mm² 3,000 x86-64",
		`"search engine" web`, "+search -engine", "site:a.example search", "source:web engines", "lang:de Suchmaschine",
		"-only", "", "   ", `"unterminated`, "+ alone", "source:", "site:a.example",
	} {
		checkParseQueryTerms(t, ix, text)
	}
}

// TestParseQueryTermsOnCollectionQueries runs the same check over every
// query of the shared test collections, as they are written (some have
// query syntax in them: "-", quotes).
func TestParseQueryTermsOnCollectionQueries(t *testing.T) {
	root := testenv.DataDir(t)
	ix, err := index.Open(filepath.Join(t.TempDir(), "ix"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	n := 0
	for _, name := range []string{"cranfield", "cisi", "med", "adi", "lisa", "npl"} {
		c, err := eval.Load(filepath.Join(root, name))
		if err != nil {
			t.Fatalf("load %s: %v", name, err)
		}
		for _, q := range c.Queries {
			checkParseQueryTerms(t, ix, q.Text)
			n++
		}
	}
	if n == 0 {
		t.Fatal("no queries in the test collections")
	}
}
