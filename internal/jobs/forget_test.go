package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
)

// TestResolveTarget: what a person names is taken for a folder, a file,
// a site or a page.
func TestResolveTarget(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(file, []byte("a"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ target, kind, norm string }{
		{dir, KindFolder, dir},
		{file, KindFile, file},
		{filepath.Join(dir, "gone.txt"), KindFile, filepath.Join(dir, "gone.txt")},
		{"file://" + file, KindFile, file},
		{"https://Example.org/", KindSite, "https://Example.org/"},
		{"http://example.org", KindSite, "http://example.org/"},
		{"example.org", KindSite, "https://example.org/"},
		{"https://example.org/a/page.html", KindPage, "https://example.org/a/page.html"},
	} {
		kind, norm, err := resolveTarget(tc.target)
		if err != nil || kind != tc.kind || norm != tc.norm {
			t.Errorf("resolveTarget(%q) = %s %q %v, want %s %q", tc.target, kind, norm, err, tc.kind, tc.norm)
		}
	}
	if _, _, err := resolveTarget("  "); !errors.Is(err, ErrBadSpec) {
		t.Errorf("an empty target: %v, want ErrBadSpec", err)
	}
}

// TestForgetOfflineTakesOutWhatIsNamed: a file's document goes alone; a
// folder's documents go with its root record; a site's pages go, not the
// files; what the index does not hold is ErrNotFound and changes nothing.
func TestForgetOfflineTakesOutWhatIsNamed(t *testing.T) {
	ctx := context.Background()
	dataDir, ix := dataDirWithIndex(t)
	folder := t.TempDir()
	for _, name := range []string{"one.txt", "two.txt", "three.txt"} {
		if err := os.WriteFile(filepath.Join(folder, name), []byte("text of "+name), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := crawler.IndexFiles(ctx, ix, crawler.DefaultFilesConfig(), folder); err != nil {
		t.Fatal(err)
	}
	if err := RecordRun(dataDir, Spec{Kind: KindFolder, Path: folder}, time.Now(), Done, ""); err != nil {
		t.Fatal(err)
	}
	page := "https://example.org/a/page"
	if err := ix.Index(ctx, []index.Document{{ID: page, URL: page, Title: "page", Body: "a page", Source: index.SourceWeb}}); err != nil {
		t.Fatal(err)
	}
	count := func() uint64 {
		n, err := ix.Count()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	f, err := ForgetOffline(ctx, ix, dataDir, filepath.Join(folder, "one.txt"))
	if err != nil || f.Kind != KindFile || f.Deleted != 1 || count() != 3 {
		t.Fatalf("forget a file: %+v %v, %d documents left", f, err, count())
	}
	if _, err := ForgetOffline(ctx, ix, dataDir, filepath.Join(folder, "one.txt")); !errors.Is(err, ErrNotFound) {
		t.Errorf("forget it again: %v, want ErrNotFound", err)
	}
	if _, err := ForgetOffline(ctx, ix, dataDir, "nowhere.example"); !errors.Is(err, ErrNotFound) || count() != 3 {
		t.Errorf("forget a site the index does not have: %v, %d documents", err, count())
	}
	if f, err := ForgetOffline(ctx, ix, dataDir, "example.org"); err != nil || f.Kind != KindSite || f.Deleted != 1 || count() != 2 {
		t.Errorf("forget a site: %+v %v, %d documents left", f, err, count())
	}
	f, err = ForgetOffline(ctx, ix, dataDir, folder)
	if err != nil || f.Kind != KindFolder || f.Deleted != 2 || count() != 0 {
		t.Fatalf("forget the folder: %+v %v, %d documents left", f, err, count())
	}
	if roots, err := LoadRoots(dataDir); err != nil || len(roots) != 0 {
		t.Errorf("roots after forgetting the folder: %+v %v", roots, err)
	}
}

// TestForgetOfflineMailboxTakesItsMessages: forgetting a mailbox file
// takes out the documents of all its messages.
func TestForgetOfflineMailboxTakesItsMessages(t *testing.T) {
	ctx := context.Background()
	dataDir, ix := dataDirWithIndex(t)
	folder := t.TempDir()
	box := filepath.Join(folder, "inbox.mbox")
	mbox := "From a\nSubject: first\n\nbody one\n\nFrom b\nSubject: second\n\nbody two\n"
	if err := os.WriteFile(box, []byte(mbox), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "other.txt"), []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := crawler.IndexFiles(ctx, ix, crawler.DefaultFilesConfig(), folder); err != nil {
		t.Fatal(err)
	}
	if n, _ := ix.Count(); n != 3 {
		t.Fatalf("%d documents indexed, want 2 messages and a file", n)
	}
	f, err := ForgetOffline(ctx, ix, dataDir, box)
	if n, _ := ix.Count(); err != nil || f.Deleted != 2 || n != 1 {
		t.Errorf("forget the mailbox: %+v %v, %d documents left, want 1", f, err, n)
	}
}

// dataDirWithIndex returns a temporary data directory holding an open
// index (closed when the test ends), as a node's is.
func dataDirWithIndex(t *testing.T) (string, *index.Index) {
	t.Helper()
	dataDir := t.TempDir()
	ix, err := index.Open(filepath.Join(dataDir, "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return dataDir, ix
}
