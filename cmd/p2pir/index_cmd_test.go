package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIndexThenSearchFindsTheRightFileFirst(t *testing.T) {
	t.Parallel()
	notes := copyNotes(t)
	data := t.TempDir()
	r := mustRunCLI(t, data, "index", notes)
	if got := parseIndexCounts(t, r.stdout); got != (indexCounts{added: 4}) {
		t.Fatalf("first index of 4 files: got %+v\n%v", got, r)
	}
	tests := []struct {
		name      string
		query     []string
		wantFirst string // relative to notes; "" means no result at all
		wantTitle string
	}{
		{"plain text file", []string{"joey", "pouch"}, "kangaroo.txt", ""},
		{"Markdown file", []string{"wombat", "burrows"}, "wombat.md", "Wombat burrows"},
		{"HTML file, title from <title>", []string{"platypus", "eggs"}, "platypus.html", "The platypus"},
		{"file in a subfolder", []string{"echidna", "termites"}, "sub/echidna.txt", ""},
		{"phrase", []string{`"sticky tongue"`}, "sub/echidna.txt", ""},
		{"words of a <script> are not text", []string{"scriptonlyword"}, "", ""},
		{"names in a <script> are not text", []string{"trackerpixelcode"}, "", ""},
		{"words of a <style> are not text", []string{"scriptonlystyle"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchJSONOut(t, data, tt.query...)
			if tt.wantFirst == "" {
				if len(got.Results) != 0 {
					t.Fatalf("want no result, got %v", got.urls())
				}
				return
			}
			if len(got.Results) == 0 {
				t.Fatalf("want %s first, got no result", tt.wantFirst)
			}
			want := fileURLOf(t, filepath.Join(notes, tt.wantFirst))
			if got.Results[0].URL != want {
				t.Errorf("first result: want %s, got %v", want, got.urls())
			}
			if got.Results[0].Source != "file" {
				t.Errorf("source: want file, got %q", got.Results[0].Source)
			}
			if tt.wantTitle != "" && got.Results[0].Title != tt.wantTitle {
				t.Errorf("title: want %q, got %q", tt.wantTitle, got.Results[0].Title)
			}
		})
	}
}

func TestReindexIsIncremental(t *testing.T) {
	t.Parallel()
	notes := copyNotes(t)
	data := t.TempDir()
	mustRunCLI(t, data, "index", notes)

	// A second run with nothing changed reads nothing again.
	r := mustRunCLI(t, data, "index", notes)
	if !strings.Contains(r.stdout, "0 added, 0 updated, 4 unchanged") {
		t.Fatalf("second run: want \"0 added, 0 updated, 4 unchanged\", got\n%v", r)
	}
	if got := parseIndexCounts(t, r.stdout); got != (indexCounts{unchanged: 4}) {
		t.Fatalf("second run: got %+v", got)
	}

	// Edit one file (new size and a later mtime), delete another, add one.
	kangaroo := filepath.Join(notes, "kangaroo.txt")
	if err := os.WriteFile(kangaroo, []byte("Quokkas of Rottnest\n\nThe quokka is a small marsupial that smiles for photographs.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(kangaroo, later, later); err != nil {
		t.Fatal(err)
	}
	wombat := filepath.Join(notes, "wombat.md")
	if err := os.Remove(wombat); err != nil {
		t.Fatal(err)
	}
	writeTree(t, notes, map[string]string{"numbat.txt": "The numbat eats termites with a long tongue.\n"})

	r = mustRunCLI(t, data, "index", notes)
	if got, want := parseIndexCounts(t, r.stdout), (indexCounts{added: 1, updated: 1, unchanged: 2, deleted: 1}); got != want {
		t.Fatalf("run after edits: want %+v, got %+v\n%v", want, got, r)
	}

	tests := []struct {
		name    string
		query   string
		present string // file URL that must be found ("" none)
		absent  string // file URL that must not be found ("" none)
	}{
		{"edited file is found by its new words", "quokka", kangaroo, ""},
		{"edited file is not found by its old words", "joey", "", kangaroo},
		{"deleted file is gone", "wombat", "", wombat},
		{"added file is found", "numbat", filepath.Join(notes, "numbat.txt"), ""},
		{"unchanged file is still found", "platypus", filepath.Join(notes, "platypus.html"), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchJSONOut(t, data, tt.query)
			if tt.present != "" && !got.has(fileURLOf(t, tt.present)) {
				t.Errorf("search %q: want %s among %v", tt.query, tt.present, got.urls())
			}
			if tt.absent != "" && got.has(fileURLOf(t, tt.absent)) {
				t.Errorf("search %q: %s must be gone, got %v", tt.query, tt.absent, got.urls())
			}
		})
	}
}

func TestIndexBadPathsAreClearErrorsAndLoseNothing(t *testing.T) {
	t.Parallel()
	notes := copyNotes(t)
	data := t.TempDir()
	mustRunCLI(t, data, "index", notes)
	missing := filepath.Join(t.TempDir(), "no-such-folder")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantMsg  []string
	}{
		{"missing PATH is a usage error", []string{"index"}, 2, []string{"missing PATH"}},
		{"a PATH that does not exist fails", []string{"index", missing}, 1, []string{missing, "no such file"}},
		{"a PATH that does not exist fails before any work", []string{"index", notes, missing}, 1, []string{missing}},
		{"bad --max-size is a usage error", []string{"index", "--max-size", "ten", notes}, 2, []string{"--max-size"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, data, tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("want exit %d, got %v", tt.wantCode, r)
			}
			for _, m := range tt.wantMsg {
				if !strings.Contains(r.stderr, m) {
					t.Errorf("stderr does not say %q:\n%s", m, r.stderr)
				}
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("stderr shows a panic:\n%s", r.stderr)
			}
			// Nothing indexed was lost: the next run finds every file
			// unchanged, and a search still works.
			again := mustRunCLI(t, data, "index", notes)
			if got := parseIndexCounts(t, again.stdout); got != (indexCounts{unchanged: 4}) {
				t.Errorf("index after the error: want 4 unchanged, got %+v", got)
			}
			if got := searchJSONOut(t, data, "platypus"); !got.has(fileURLOf(t, filepath.Join(notes, "platypus.html"))) {
				t.Errorf("search after the error lost platypus.html: %v", got.urls())
			}
		})
	}
}

func TestIndexSkipsFileOverSizeLimitAndIndexesTheRest(t *testing.T) {
	t.Parallel()
	notes := copyNotes(t)
	big := filepath.Join(notes, "big.txt")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	// 50 MB, sparse: no disk space used, no time spent writing.
	if err := f.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	r := mustRunCLI(t, data, "index", "--verbose", notes)
	if got, want := parseIndexCounts(t, r.stdout), (indexCounts{added: 4, skipped: 1}); got != want {
		t.Fatalf("want %+v, got %+v\n%v", want, got, r)
	}
	if !strings.Contains(r.stderr, big) {
		t.Errorf("--verbose does not list the skipped file %s:\n%s", big, r.stderr)
	}
	if !strings.Contains(r.stderr, "size limit") && !strings.Contains(r.stderr, "too large") {
		t.Errorf("--verbose does not say why %s was skipped:\n%s", big, r.stderr)
	}
	if got := searchJSONOut(t, data, "wombat"); !got.has(fileURLOf(t, filepath.Join(notes, "wombat.md"))) {
		t.Errorf("the other files were not indexed: %v", got.urls())
	}
}

func TestIndexUnreadableFolderKeepsWhatItHeld(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("running as root: chmod 000 does not stop root from reading a folder, so an unreadable folder cannot be made")
	}
	notes := copyNotes(t)
	data := t.TempDir()
	mustRunCLI(t, data, "index", notes)

	sub := filepath.Join(notes, "sub")
	if err := os.Chmod(sub, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(sub, 0o755) })
	writeTree(t, notes, map[string]string{"numbat.txt": "The numbat eats termites.\n"})

	r := runCLI(t, data, "index", notes)
	if r.code != exitPartial {
		t.Fatalf("an unreadable folder must not stop the run, only make it exit %d (some failed): %v", exitPartial, r)
	}
	if !strings.Contains(r.stderr, sub) {
		t.Errorf("stderr does not name the unreadable folder %s:\n%s", sub, r.stderr)
	}
	got := parseIndexCounts(t, r.stdout)
	if got.added != 1 || got.deleted != 0 || got.errors < 1 {
		t.Errorf("want 1 added, 0 deleted, at least 1 error, got %+v", got)
	}
	if got := searchJSONOut(t, data, "echidna"); !got.has(fileURLOf(t, filepath.Join(sub, "echidna.txt"))) {
		t.Errorf("the document under the unreadable folder was lost: %v", got.urls())
	}
	if got := searchJSONOut(t, data, "numbat"); !got.has(fileURLOf(t, filepath.Join(notes, "numbat.txt"))) {
		t.Errorf("the readable part was not indexed: %v", got.urls())
	}
}
