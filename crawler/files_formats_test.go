package crawler

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
)

// copyFormatFixture copies a fixture built by package textextract's tests
// (internal/textextract/testdata) to path.
func copyFormatFixture(t *testing.T, name, path string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "textextract", "testdata", name))
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The default extensions read Word, OpenDocument, EPUB and RTF files, each
// with its own title and text.
func TestIndexFilesOfficeFormats(t *testing.T) {
	root := t.TempDir()
	cases := []struct{ fixture, title, text string }{
		{"zebras.docx", "Zebra Crossing Notes", "Zebras cross the Mara river"},
		{"giraffes.odt", "Giraffe Feeding Habits", "Giraffes browse acacia leaves"},
		{"lions.epub", "The Lions of Serengeti", "Prides defend their territory."},
		{"hippos.rtf", "Hippo Field Report", "Hippos spend the day in water."},
	}
	for _, c := range cases {
		copyFormatFixture(t, c.fixture, filepath.Join(root, c.fixture))
	}
	filesWriteFile(t, filepath.Join(root, "broken.docx"), "not a zip at all")
	sink := newFilesMemSink()
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{added: len(cases), skipped: 1})
	if len(rep.Skips) != 1 || !strings.Contains(rep.Skips[0].Err.Error(), "not a readable zip archive") {
		t.Errorf("skips = %v, want broken.docx said to be no zip archive", rep.Skips)
	}
	for _, c := range cases {
		d, ok := sink.doc(filepath.Join(root, c.fixture))
		if !ok {
			t.Errorf("%s not indexed", c.fixture)
			continue
		}
		if d.Title != c.title || !strings.Contains(d.Body, c.text) || strings.Contains(d.Body, "secret") {
			t.Errorf("%s: %q / %q", c.fixture, d.Title, d.Body)
		}
	}
}

// A mailbox is one document per message, under the file's URL with the
// message number as fragment; its title is the Subject and its body
// starts with From and Date. An unchanged mailbox is not read again; one
// that lost a message loses that document; a file root that is a mailbox
// keeps its messages.
func TestIndexFilesMailbox(t *testing.T) {
	root := t.TempDir()
	box := filepath.Join(root, "mail", "inbox.mbox")
	copyFormatFixture(t, "inbox.mbox", box)
	sink := newFilesMemSink()
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{added: 1})
	if len(sink.docs) != 3 {
		t.Fatalf("%d documents, want one per message (3): %v", len(sink.docs), sink.docs)
	}
	fileURL := FileURL(box)
	first := sink.docs[MessageURL(fileURL, 1)]
	if first.Title != "Okapi sighting report" || first.URL != fileURL+"#1" ||
		!strings.HasPrefix(first.Body, "From: Alice Example <alice@example.org> · Date: 2026-01-05 10:00 +0000\n\nWe saw an okapi") {
		t.Errorf("first message = %+v", first)
	}
	if second := sink.docs[MessageURL(fileURL, 2)]; second.Title != "Re: Éléphants" || !strings.Contains(second.Body, "Les éléphants traversent la rivière au matin.") {
		t.Errorf("second message = %q / %q", second.Title, second.Body)
	}
	for id, d := range sink.docs {
		if d.Source != index.SourceFile || strings.Contains(d.Body, "secret") {
			t.Errorf("%s: %+v", id, d)
		}
	}

	calls := sink.indexCalls
	rep = filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{unchanged: 1})
	if sink.indexCalls != calls || len(sink.docs) != 3 {
		t.Errorf("an unchanged mailbox was re-indexed or lost messages: %d calls, %d docs", sink.indexCalls-calls, len(sink.docs))
	}

	// The same mailbox given as a file root keeps its messages.
	rep = filesCrawlOK(t, sink, DefaultFilesConfig(), box)
	assertFilesCounts(t, rep, filesCounts{unchanged: 1})
	if len(sink.docs) != 3 {
		t.Errorf("a mailbox root lost messages: %d docs", len(sink.docs))
	}

	// Keep the first message only: the other two documents go.
	b, err := os.ReadFile(box)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(b), "\nFrom bob@")
	filesWriteFile(t, box, string(b[:i+1]))
	filesTouch(t, box, time.Hour)
	rep = filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{updated: 1, deleted: 2})
	if _, ok := sink.docs[MessageURL(fileURL, 1)]; !ok || len(sink.docs) != 1 {
		t.Errorf("after removing two messages: %v", sink.docs)
	}
}

// A mailbox is read as a stream, so MaxMailboxSize, not MaxFileSize,
// bounds it; a .mbox file that is not a mailbox is a listed skip.
func TestIndexFilesMailboxLimits(t *testing.T) {
	root := t.TempDir()
	copyFormatFixture(t, "inbox.mbox", filepath.Join(root, "inbox.mbox"))
	filesWriteFile(t, filepath.Join(root, "notmail.mbox"), "Just some notes.\n")
	cfg := DefaultFilesConfig()
	cfg.MaxFileSize = 100 // smaller than the mailbox
	sink := newFilesMemSink()
	rep := filesCrawlOK(t, sink, cfg, root)
	assertFilesCounts(t, rep, filesCounts{added: 1, skipped: 1})
	if len(sink.docs) != 3 {
		t.Errorf("%d documents, want the 3 messages", len(sink.docs))
	}
	if len(rep.Skips) != 1 || !strings.Contains(rep.Skips[0].Err.Error(), "a mailbox starts with a \"From \" line") {
		t.Errorf("skips = %v", rep.Skips)
	}
	cfg.MaxMailboxSize = 100
	rep = filesCrawlOK(t, newFilesMemSink(), cfg, root)
	if rep.Skipped != 2 || !errors.Is(rep.Skips[0].Err, ErrFileTooLarge) {
		t.Errorf("with a 100-byte mailbox limit: %+v", rep)
	}
}
