package clientagent

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// desktopFiles are text files as a desktop crawl indexes them: notes and
// logs full of numbers, file names and one-letter tokens.
var desktopFiles = []index.Document{
	{ID: "file:///home/p/notes/drd.txt", Title: "drd notes", Body: "drd reports a data race at drd_pthread_intercepts.c line 9466: " +
		"thread 2 w lock mutex race race, see omp_matinv.c and /usr/lib/valgrind/default.supp, ask jo@example.org"},
	{ID: "file:///home/p/notes/helgrind.log", Title: "helgrind log", Body: "==10668== possible data race during write of size 4 " +
		"by thread 3 w w mutex lock held, omp_matinv.c:88 x 0x4c2f5a1 race detector"},
	{ID: "file:///home/p/notes/threads.txt", Title: "threads", Body: "a thread takes the mutex lock before the write; a data race is a write without the lock"},
	{ID: "file:///home/p/notes/detector.txt", Title: "race detector", Body: "the race detector watches every thread and every lock and reports each data race"},
	{ID: "file:///home/p/recipes/bread.txt", Title: "bread", Body: "flour water salt yeast, knead and bake"},
	{ID: "file:///home/p/recipes/soup.txt", Title: "soup", Body: "onion stock salt, simmer and serve"},
}

// TestExpansionFromDesktopMarksAddsOnlyWords is the case end to
// end: after marks on desktop documents, searching again adds expansion
// terms, and every one of them is a word (a letter, no file-name
// punctuation, three characters or more) found in at least two documents.
func TestExpansionFromDesktopMarksAddsOnlyWords(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	docs := make([]index.Document, len(desktopFiles))
	for i, d := range desktopFiles {
		d.URL, d.Source = d.ID, index.SourceFile
		docs[i] = d
	}
	if err := ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ag, err := New(ix, st, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	f := agentFixture{ag: ag, ix: ix, store: st}

	for _, query := range []string{"data race", "race"} {
		t.Run(query, func(t *testing.T) {
			first := f.search(t, Request{Query: query})
			marked := 0
			for _, r := range first.Results {
				if strings.Contains(r.URL, "/notes/") {
					f.mark(t, first, r.URL, true)
					marked++
				}
			}
			if marked < 2 {
				t.Fatalf("only %d notes among the results %v", marked, shownURLs(first.Results))
			}
			again := f.search(t, Request{Query: query})
			if len(again.Added) == 0 {
				t.Fatalf("no expansion terms after %d marks on the same query", marked)
			}
			dfs, err := ix.DocFreq(ctx, again.Added...)
			if err != nil {
				t.Fatal(err)
			}
			for _, term := range again.Added {
				switch {
				case strings.IndexFunc(term, unicode.IsLetter) < 0:
					t.Errorf("added %q, a number", term)
				case strings.ContainsAny(term, `./\:@`):
					t.Errorf("added %q, a file name, path or address", term)
				case utf8.RuneCountInString(term) < 3:
					t.Errorf("added %q, under three characters", term)
				case dfs[term] < 2:
					t.Errorf("added %q, in %d document only", term, dfs[term])
				}
			}
		})
	}
}
