package index

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// A query's language is told when it is clear: by script at any length,
// by stop words of one language well ahead of every other; otherwise it
// is not told ("").
func TestQueryLanguage(t *testing.T) {
	ix := openTestIndex(t)
	for _, c := range []struct{ query, want string }{
		{"die beste Suchmaschine für das Netz", "de"},
		{"les moteurs de recherche pour le web et les pages", "fr"},
		{"les moteurs de recherche", ""}, // de is Spanish, Dutch, Swedish... too
		{"the history of the search engines", English},
		{"μηχανή", "el"},
		{"情報", "zh"},
		{"全文検索のエンジン", "ja"},
		{"كلمة", "ar"},
		{"Suchmaschine", ""},                    // one word, no stop word
		{"search engines", ""},                  // no stop word
		{"der Suchmaschine les moteurs", ""},    // one German, one French stop word
		{"history of search", ""},               // one stop word is not enough
		{"boundary layer in the flow", English}, // in, the
	} {
		t.Run(c.query, func(t *testing.T) {
			if got := ix.langs.queryLanguage(c.query); got != c.want {
				t.Errorf("queryLanguage = %q, want %q", got, c.want)
			}
		})
	}
}

// With German, French and Greek documents in the index, a query whose
// language is clear is analysed in English and that language only; a
// short or ambiguous one in every language present, as before.
func TestQueryAnalysedInItsOwnLanguage(t *testing.T) {
	ctx := context.Background()
	ix := openTestIndex(t)
	docs := []Document{
		{ID: "de", Body: germanText, Source: SourceFile},
		{ID: "fr", Body: frenchText, Source: SourceFile},
		{ID: "el", Body: greekText, Source: SourceFile},
		{ID: "en", Body: englishText, Source: SourceFile},
	}
	if err := ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		query    string
		prefixes []string // the language prefixes among the query's terms
		first    string   // the first hit
	}{
		{"die Suchmaschinen für das Netz", []string{"de:"}, "de"},
		{"les moteurs de recherche pour les pages", []string{"fr:"}, "fr"},
		{"the engine finds the documents", nil, "en"},
		{"μηχανές αναζήτησης", []string{"el:"}, "el"},
		{"Suchmaschinen", []string{"de:", "el:", "fr:"}, "de"},
		{"index recherche", []string{"de:", "el:", "fr:"}, ""},
	} {
		t.Run(c.query, func(t *testing.T) {
			q, err := ix.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			var prefixes []string
			for _, term := range q.Terms {
				if p, _, ok := strings.Cut(term.Term, ":"); ok && !slices.Contains(prefixes, p+":") {
					prefixes = append(prefixes, p+":")
				}
			}
			slices.Sort(prefixes)
			if !slices.Equal(prefixes, c.prefixes) {
				t.Errorf("language prefixes of the terms %v, want %v (terms %v)", prefixes, c.prefixes, q.Terms)
			}
			if c.first == "" {
				return
			}
			res, err := ix.Search(ctx, q, SearchOptions{K: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].ID != c.first {
				t.Errorf("hits %v, want %s first", ids(res), c.first)
			}
		})
	}
}
