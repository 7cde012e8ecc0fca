package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// p2pir index picks up Word, OpenDocument, EPUB, RTF and mailbox files by
// default, and p2pir search finds each with its title and a snippet of its
// text; a mailbox's messages are results of their own.
func TestIndexFindsOfficeBooksAndMail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"zebras.docx", "giraffes.odt", "lions.epub", "hippos.rtf", "inbox.mbox"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "internal", "textextract", "testdata", name))
		if err != nil {
			t.Fatalf("fixture: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := t.TempDir()
	r := mustRunCLI(t, data, "index", dir)
	if got := parseIndexCounts(t, r.stdout); got != (indexCounts{added: 5}) {
		t.Fatalf("index of 5 files: got %+v\n%v", got, r)
	}
	tests := []struct {
		query       []string
		file, title string
		snippet     string
	}{
		{[]string{"mara", "river", "crossing"}, "zebras.docx", "Zebra Crossing Notes", "Mara"},
		{[]string{"acacia"}, "giraffes.odt", "Giraffe Feeding Habits", "acacia"},
		{[]string{"territory", "prides"}, "lions.epub", "The Lions of Serengeti", "territory"},
		{[]string{"hippos", "water"}, "hippos.rtf", "Hippo Field Report", "water"},
		{[]string{"okapi"}, "inbox.mbox#1", "Okapi sighting report", "okapi"},
		{[]string{"pangolins"}, "inbox.mbox#3", "Pangolin photos", "ball"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := searchJSONOut(t, data, tt.query...)
			if len(got.Results) == 0 {
				t.Fatalf("%v found nothing", tt.query)
			}
			path, frag, _ := strings.Cut(tt.file, "#")
			want := fileURLOf(t, filepath.Join(dir, path))
			if frag != "" {
				want += "#" + frag
			}
			h := got.Results[0]
			if h.URL != want || h.Title != tt.title {
				t.Errorf("first result %s %q, want %s %q (all: %v)", h.URL, h.Title, want, tt.title, got.urls())
			}
			if !strings.Contains(strings.ToLower(h.Content), strings.ToLower(tt.snippet)) {
				t.Errorf("snippet %q lacks %q", h.Content, tt.snippet)
			}
		})
	}
}

// A German file is analysed as German: "Suchmaschine" finds the page that
// only says "Suchmaschinen", and lang:de keeps it alone.
func TestSearchFindsGermanInflections(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{
		"suche.txt": "Über Suchmaschinen\n\nSuchmaschinen sind Programme, die Dokumente in einem Computer oder in einem Netz finden. " +
			"Sie lesen viele Seiten und speichern die Wörter in einem Index, damit die Suche schnell ist und die besten Treffer oben stehen.",
		"engines.txt": "Search engines\n\nA search engine reads the pages of the web and keeps their words in an index, " +
			"so that a person who looks for something finds the documents closest to the question.",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data := t.TempDir()
	mustRunCLI(t, data, "index", dir)
	for _, q := range [][]string{{"Suchmaschine"}, {"index", "lang:de"}} {
		got := searchJSONOut(t, data, q...)
		want := fileURLOf(t, filepath.Join(dir, "suche.txt"))
		if len(got.Results) != 1 || got.Results[0].URL != want {
			t.Errorf("%v: %v, want only %s", q, got.urls(), want)
		}
	}
}
