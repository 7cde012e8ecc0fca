package index

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// Paragraphs in several languages, written for these tests.
const (
	germanText = "Eine Suchmaschine ist ein Programm, das Dokumente in einem Computer oder in einem Netz findet. " +
		"Die Suchmaschinen von heute lesen viele Seiten und speichern die Wörter in einem Index, " +
		"damit die Suche schnell ist und die besten Treffer oben stehen."
	frenchText = "Les moteurs de recherche lisent les pages du web et gardent les mots dans un index. " +
		"Quand une personne cherche quelque chose, le moteur trouve les documents qui sont les plus proches de sa question."
	spanishText = "Los motores de búsqueda leen las páginas de la red y guardan las palabras en un índice. " +
		"Cuando una persona busca algo, el motor encuentra los documentos que están más cerca de su pregunta."
	englishText = "A search engine reads the pages of the web and keeps their words in an index. " +
		"When a person looks for something, the engine finds the documents that are closest to the question."
)

// Documents are detected by their stop words; short or mixed texts stay
// English.
func TestDetectLanguage(t *testing.T) {
	ix := openTestIndex(t)
	cases := []struct{ name, text, want string }{
		{"german", germanText, "de"},
		{"french", frenchText, "fr"},
		{"spanish", spanishText, "es"},
		{"english", englishText, English},
		{"too short", "Die Suchmaschine", English},
		{"english with german names", "The Bundestag and the Bundesrat met in Berlin in the spring, and the chancellor spoke to the press about the budget for the year.", English},
		{"no stop words", strings.Repeat("zebra giraffe okapi ", 20), English},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := ix.detectLanguage("", c.text); got != c.want {
				t.Errorf("detectLanguage = %q, want %q", got, c.want)
			}
		})
	}
}

func openTestIndex(t *testing.T) *Index {
	t.Helper()
	ix, err := Open(filepath.Join(t.TempDir(), "index"), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// A German page is analysed with the German analyser: "Suchmaschine"
// finds the page that only says "Suchmaschinen", "+Suchmaschine" requires
// it, lang:de keeps German documents only, the stored document says it is
// German, and an English query still ranks the English page first.
func TestOtherLanguagesAreAnalysedWithTheirAnalyser(t *testing.T) {
	ctx := context.Background()
	ix := openTestIndex(t)
	docs := []Document{
		{ID: "de", Title: "Über Suchmaschinen", Body: strings.ReplaceAll(germanText, "Eine Suchmaschine ist", "Suchmaschinen sind"), Source: SourceFile},
		{ID: "fr", Title: "Les moteurs", Body: frenchText, Source: SourceFile},
		{ID: "en", Title: "Search engines", Body: englishText, Source: SourceFile},
	}
	if strings.Contains(docs[0].Body, "Suchmaschine ") {
		t.Fatal("the German page must not hold the singular")
	}
	if err := ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"de": "de", "fr": "fr", "en": English} {
		d, _, err := ix.Get(ctx, id)
		if err != nil || d.Lang != want {
			t.Errorf("%s stored with language %q (%v), want %q", id, d.Lang, err, want)
		}
	}
	cases := []struct {
		query string
		want  []string // IDs in order
	}{
		{"Suchmaschine", []string{"de"}},
		{"+Suchmaschine", []string{"de"}},
		{"moteur recherche", []string{"fr"}},
		{"search engine", []string{"en"}},
		{"index lang:de", []string{"de"}},
		{"lang:fr", []string{"fr"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			if got := hitIDs(t, ix, c.query, 10); strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("hits %v, want %v", got, c.want)
			}
		})
	}
	// The snippet of the German page highlights the inflected form.
	sn, marked := topSnippet(t, ix, "Suchmaschine")
	if len(marked) == 0 || !strings.EqualFold(marked[0], "Suchmaschinen") {
		t.Errorf("snippet %q highlights %q, want Suchmaschinen", sn.Text, marked)
	}
	if _, err := ix.ParseQuery("lang:xx"); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), "de, el, es") {
		t.Errorf("lang:xx: %v, want a bad query listing the languages", err)
	}
}

// With English documents only, a query is analysed in English alone: no
// language terms are added, so English ranking is as it was.
func TestEnglishOnlyIndexAddsNoLanguageTerms(t *testing.T) {
	ix := openTestIndex(t)
	if err := ix.Index(context.Background(), []Document{{ID: "en", Body: englishText}}); err != nil {
		t.Fatal(err)
	}
	q, err := ix.PlainQuery("Suchmaschinen search engines")
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range q.Terms {
		if strings.Contains(term.Term, ":") {
			t.Errorf("term %q in an English-only index", term.Term)
		}
	}
	// Once a German document is in, the next query has German terms
	// (the cached list of languages is renewed by the write).
	if err := ix.Index(context.Background(), []Document{{ID: "de", Body: germanText}}); err != nil {
		t.Fatal(err)
	}
	q, err = ix.PlainQuery("Suchmaschinen")
	if err != nil {
		t.Fatal(err)
	}
	if !q.TermSet()["de:suchmaschin"] {
		t.Errorf("terms after a German document: %v, want de:suchmaschin among them", q.Terms)
	}
}

// BenchmarkDetectLanguage is the cost detection adds to indexing one
// document: its first 8 KiB split into words, each looked up in fifteen
// stop lists.
func BenchmarkDetectLanguage(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "index"), DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	body := strings.Repeat(germanText+" ", 40) // past the 8 KiB sample
	b.SetBytes(detectSampleBytes)
	for b.Loop() {
		if ix.detectLanguage("", body) != "de" {
			b.Fatal("not German")
		}
	}
}

// Indexes of one process share one set of language analysers (see
// sharedLanguages), and sharing them is safe: two indexes analysing
// German, Greek and Japanese pages at the same time (run with -race) store
// the same languages and find the same pages as one index alone.
func TestIndexesShareLanguageAnalysersSafely(t *testing.T) {
	ctx := context.Background()
	a, b := openTestIndex(t), openTestIndex(t)
	if a.langs != b.langs {
		t.Fatal("two indexes of one process built their own language analysers")
	}
	docs := []Document{
		{ID: "de", Title: "Suchmaschinen", Body: "Die Suchmaschinen durchsuchen das Netz und die Nutzer finden mit ihnen die Seiten, die sie suchen, und noch viel mehr als das.", Source: SourceFile},
		{ID: "el", Title: "Αναζήτηση", Body: greekText, Source: SourceFile},
		{ID: "ja", Title: "検索について", Body: japaneseText, Source: SourceFile},
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, ix := range []*Index{a, b} {
		wg.Go(func() {
			for range 20 {
				if err := ix.Index(ctx, docs); err != nil {
					errs[i] = err
					return
				}
			}
		})
	}
	wg.Wait()
	for i, ix := range []*Index{a, b} {
		if errs[i] != nil {
			t.Fatalf("index %d: %v", i, errs[i])
		}
		for _, d := range docs {
			got, _, err := ix.Get(ctx, d.ID)
			if err != nil || got.Lang != d.ID {
				t.Errorf("index %d: %s stored with language %q (%v)", i, d.ID, got.Lang, err)
			}
		}
		for query, want := range map[string]string{"Suchmaschine": "de", "μηχανή": "el", "情報": "ja"} {
			if got := hitIDs(t, ix, query, 3); len(got) == 0 || got[0] != want {
				t.Errorf("index %d: %q found %v, want %s first", i, query, got, want)
			}
		}
	}
}
