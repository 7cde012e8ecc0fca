package crawler

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/textextract"
)

// filesMemSink is an in-memory Sink keyed by document ID, counting calls. With
// secondTimes it keeps modification times to the second, as an index that
// stores RFC 3339 without fractions would.
type filesMemSink struct {
	mu          sync.Mutex
	docs        map[string]index.Document
	indexCalls  int
	deleteCalls int
	maxBatch    int
	failIndex   error
	secondTimes bool
}

func newFilesMemSink() *filesMemSink { return &filesMemSink{docs: map[string]index.Document{}} }

func (s *filesMemSink) Index(ctx context.Context, docs []index.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failIndex != nil {
		return s.failIndex
	}
	s.indexCalls++
	s.maxBatch = max(s.maxBatch, len(docs))
	for _, d := range docs {
		if s.secondTimes {
			d.Modified = d.Modified.Truncate(time.Second)
		}
		s.docs[d.ID] = d
	}
	return nil
}

func (s *filesMemSink) Delete(ctx context.Context, ids ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleteCalls++
	for _, id := range ids {
		delete(s.docs, id)
	}
	return nil
}

func (s *filesMemSink) MetaByPrefix(ctx context.Context, prefix string) ([]index.Meta, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []index.Meta
	for _, d := range s.docs {
		if strings.HasPrefix(d.URL, prefix) {
			out = append(out, index.Meta{ID: d.ID, URL: d.URL, Source: d.Source, Modified: d.Modified, Size: d.Size, Hash: d.Hash})
		}
	}
	return out, nil
}

func (s *filesMemSink) LookupHash(ctx context.Context, hash, source string) (string, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range s.docs {
		if d.Hash == hash && (source == "" || d.Source == source) {
			return d.ID, true, nil
		}
	}
	return "", false, nil
}

// doc returns the document of the file at path, if indexed.
func (s *filesMemSink) doc(path string) (index.Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[fileURL(path)]
	return d, ok
}

// paths lists the indexed files relative to root, sorted.
func (s *filesMemSink) paths(t *testing.T, root string) []string {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	prefix := fileURL(root) + "/"
	var out []string
	for _, id := range slices.Sorted(maps.Keys(s.docs)) {
		rel, ok := strings.CutPrefix(id, prefix)
		if !ok {
			t.Errorf("document %s is outside the root", id)
			continue
		}
		out = append(out, rel)
	}
	return out
}

// filesFixtureTree copies testdata/files to a temporary folder and adds what
// git cannot store (a .git and a node_modules folder). It returns the
// folder's path.
func filesFixtureTree(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir("testdata/files", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel("testdata/files", p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy fixtures: %v", err)
	}
	filesWriteFile(t, filepath.Join(dst, ".git", "description.txt"), "gitsecret: version control is excluded")
	filesWriteFile(t, filepath.Join(dst, "node_modules", "pkg", "readme.md"), "# modulesecret")
	return dst
}

func filesWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// filesTouch sets a file's modification time d from now, so changes are seen
// whatever the file system's time resolution.
func filesTouch(t *testing.T, path string, d time.Duration) {
	t.Helper()
	when := time.Now().Add(d)
	if err := os.Chtimes(path, when, when); err != nil {
		t.Fatal(err)
	}
}

func filesCrawlOK(t *testing.T, sink Sink, cfg FilesConfig, roots ...string) FilesReport {
	t.Helper()
	rep, err := IndexFiles(context.Background(), sink, cfg, roots...)
	if err != nil {
		t.Fatalf("IndexFiles: %v", err)
	}
	return rep
}

type filesCounts struct{ added, updated, unchanged, deleted, skipped, errors int }

func filesCountsOf(r FilesReport) filesCounts {
	return filesCounts{r.Added, r.Updated, r.Unchanged, r.Deleted, r.Skipped, len(r.Errors)}
}

func assertFilesCounts(t *testing.T, r FilesReport, want filesCounts) {
	t.Helper()
	if got := filesCountsOf(r); got != want {
		t.Errorf("report counts = %+v, want %+v (skips %v, errors %v)", got, want, r.Skips, r.Errors)
	}
}

var filesFixtureNames = []string{
	"build/output.txt", "docs/report.pdf", "notes/garden.md", "notes/latin1.txt", "notes/todo.txt", "web/page.html",
}

// A first filesCrawlOK indexes every text, Markdown, HTML and PDF file with the
// documented fields, and leaves out excluded folders, editor files and
// unlisted extensions.
func TestIndexFilesFirstCrawl(t *testing.T) {
	root := filesFixtureTree(t)
	sink := newFilesMemSink()
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{added: len(filesFixtureNames)})
	if got := sink.paths(t, root); !slices.Equal(got, filesFixtureNames) {
		t.Fatalf("indexed %v, want %v", got, filesFixtureNames)
	}

	path := filepath.Join(root, "notes", "garden.md")
	d, _ := sink.doc(path)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	wantURL := "file://" + filepath.ToSlash(path)
	if d.ID != wantURL || d.URL != wantURL || d.Source != index.SourceFile || d.Size != info.Size() ||
		!d.Modified.Equal(info.ModTime()) || d.Hash != index.ContentHash(d.Title, d.Body) {
		t.Errorf("document fields wrong: %+v", d)
	}
	if d.Title != "Garden plan" || !strings.Contains(d.Body, "Plant tomatoes after the last frost") {
		t.Errorf("markdown not extracted: %q / %q", d.Title, d.Body)
	}
	pdf, _ := sink.doc(filepath.Join(root, "docs", "report.pdf"))
	if pdf.Title != "Zebra Migration Report" || !strings.Contains(pdf.Body, "twelve thousand animals") {
		t.Errorf("pdf not extracted: %q / %q", pdf.Title, pdf.Body)
	}
	for id, doc := range sink.docs {
		if strings.Contains(doc.Title+doc.Body, "secret") {
			t.Errorf("%s holds excluded or invisible text: %q", id, doc.Body)
		}
	}
}

// HTML files are indexed without their scripts, styles and navigation.
func TestIndexFilesHTMLHasNoScriptText(t *testing.T) {
	root := filesFixtureTree(t)
	sink := newFilesMemSink()
	filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	d, ok := sink.doc(filepath.Join(root, "web", "page.html"))
	if !ok {
		t.Fatal("page.html not indexed")
	}
	if d.Title != "Saved recipe" || !strings.Contains(d.Body, "Simmer red lentils with onion, cumin and lemon") {
		t.Errorf("html not extracted: %q / %q", d.Title, d.Body)
	}
	for _, bad := range []string{"scriptsecret", "tracking", "document.write", "color: red", "navsecret"} {
		if strings.Contains(d.Body, bad) {
			t.Errorf("body holds %q: %q", bad, d.Body)
		}
	}
}

// A file that is not valid UTF-8 is indexed with valid text (8-bit text is
// read as Windows-1252).
func TestIndexFilesInvalidUTF8BecomesValidText(t *testing.T) {
	root := filesFixtureTree(t)
	sink := newFilesMemSink()
	filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	d, _ := sink.doc(filepath.Join(root, "notes", "latin1.txt"))
	if !utf8.ValidString(d.Title) || !utf8.ValidString(d.Body) {
		t.Fatalf("invalid UTF-8: %q / %q", d.Title, d.Body)
	}
	if d.Title != "Café menu" || !strings.Contains(d.Body, "Crème brûlée and naïve espresso.") {
		t.Errorf("text = %q / %q", d.Title, d.Body)
	}
}

// Re-crawls are incremental: unchanged files are not read nor sent,
// changed ones are updated, new ones added, removed ones deleted.
func TestIndexFilesIncremental(t *testing.T) {
	for _, secondTimes := range []bool{false, true} {
		name := "nanosecond times"
		if secondTimes {
			name = "index keeps whole seconds"
		}
		t.Run(name, func(t *testing.T) {
			root := filesFixtureTree(t)
			sink := newFilesMemSink()
			sink.secondTimes = secondTimes
			filesCrawlOK(t, sink, DefaultFilesConfig(), root)

			calls := sink.indexCalls
			rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
			assertFilesCounts(t, rep, filesCounts{unchanged: len(filesFixtureNames)})
			if sink.indexCalls != calls || sink.deleteCalls != 0 {
				t.Errorf("unchanged re-filesCrawlOK wrote to the sink: %d index, %d delete calls", sink.indexCalls-calls, sink.deleteCalls)
			}

			todo := filepath.Join(root, "notes", "todo.txt")
			filesWriteFile(t, todo, "Things to do\n\nPaint the fence green.\n")
			filesTouch(t, todo, time.Hour)
			filesWriteFile(t, filepath.Join(root, "notes", "new.txt"), "A new note about owls.")
			if err := os.Remove(filepath.Join(root, "build", "output.txt")); err != nil {
				t.Fatal(err)
			}
			rep = filesCrawlOK(t, sink, DefaultFilesConfig(), root)
			assertFilesCounts(t, rep, filesCounts{added: 1, updated: 1, unchanged: len(filesFixtureNames) - 2, deleted: 1})
			if d, _ := sink.doc(todo); !strings.Contains(d.Body, "Paint the fence green.") || strings.Contains(d.Body, "bicycle") {
				t.Errorf("updated body = %q", d.Body)
			}
			if _, ok := sink.doc(filepath.Join(root, "build", "output.txt")); ok {
				t.Error("deleted file still indexed")
			}
			if d, ok := sink.doc(filepath.Join(root, "notes", "new.txt")); !ok || d.Body != "A new note about owls." {
				t.Errorf("new file: %v %q", ok, d.Body)
			}

			// Same size, new time: re-read. Same time, new size: re-read.
			garden := filepath.Join(root, "notes", "garden.md")
			filesTouch(t, garden, 2*time.Hour)
			info, _ := os.Stat(todo)
			filesWriteFile(t, todo, "Things to do\n\nPaint the fence green and blue.\n")
			if err := os.Chtimes(todo, info.ModTime(), info.ModTime()); err != nil {
				t.Fatal(err)
			}
			rep = filesCrawlOK(t, sink, DefaultFilesConfig(), root)
			assertFilesCounts(t, rep, filesCounts{updated: 2, unchanged: len(filesFixtureNames) - 2})
		})
	}
}

// Exclude patterns: base-name globs at any depth, slash paths with **,
// folder-only patterns; a folder excluded later loses its documents.
func TestIndexFilesExcludePatterns(t *testing.T) {
	root := filesFixtureTree(t)
	filesWriteFile(t, filepath.Join(root, "archive", "2019", "deep", "old.html"), "<p>old page</p>")
	filesWriteFile(t, filepath.Join(root, "archive", "keep.txt"), "kept")
	filesWriteFile(t, filepath.Join(root, "logs.txt"), "a file named like the folder pattern")
	filesWriteFile(t, filepath.Join(root, "sub", "logs.txt", "inner.txt"), "inside a folder named logs.txt")
	cases := []struct {
		name    string
		exclude []string
		want    []string
	}{
		{"defaults", nil, append(slices.Clone(filesFixtureNames), "archive/2019/deep/old.html", "archive/keep.txt", "logs.txt", "sub/logs.txt/inner.txt")},
		{"nothing excluded", []string{}, append(slices.Clone(filesFixtureNames), ".git/description.txt", "archive/2019/deep/old.html",
			"archive/keep.txt", "logs.txt", "node_modules/pkg/readme.md", "notes/~draft.txt", "sub/logs.txt/inner.txt")},
		{"base-name glob", []string{"*.md", "*.html"}, []string{".git/description.txt", "archive/keep.txt", "build/output.txt",
			"docs/report.pdf", "logs.txt", "notes/latin1.txt", "notes/todo.txt", "notes/~draft.txt", "sub/logs.txt/inner.txt"}},
		{"folder by name", []string{"notes", "archive", "build", "docs", "web", ".git", "node_modules"}, []string{"logs.txt", "sub/logs.txt/inner.txt"}},
		{"doublestar path", []string{"archive/**/*.html", "**/~*", ".git", "node_modules", "build/output.txt"},
			[]string{"archive/keep.txt", "docs/report.pdf", "logs.txt", "notes/garden.md", "notes/latin1.txt", "notes/todo.txt", "sub/logs.txt/inner.txt", "web/page.html"}},
		{"folder-only pattern", append(DefaultExcludes(), "logs.txt/", "archive/", "build", "docs", "notes", "web"), []string{"logs.txt"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sink := newFilesMemSink()
			cfg := DefaultFilesConfig()
			cfg.Exclude = c.exclude
			filesCrawlOK(t, sink, cfg, root)
			got := sink.paths(t, root)
			want := slices.Sorted(slices.Values(c.want))
			if !slices.Equal(got, want) {
				t.Errorf("indexed\n %v\nwant\n %v", got, want)
			}
		})
	}

	t.Run("excluding later deletes", func(t *testing.T) {
		sink := newFilesMemSink()
		filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		cfg := DefaultFilesConfig()
		cfg.Exclude = append(cfg.Exclude, "archive")
		rep := filesCrawlOK(t, sink, cfg, root)
		if rep.Deleted != 2 {
			t.Errorf("deleted %d, want the 2 files under archive", rep.Deleted)
		}
	})

	t.Run("malformed pattern", func(t *testing.T) {
		cfg := DefaultFilesConfig()
		cfg.Exclude = []string{"[unclosed"}
		if _, err := IndexFiles(context.Background(), newFilesMemSink(), cfg, root); err == nil {
			t.Error("no error for a malformed pattern")
		}
	})
}

// A file over the size cap (a 50 MB sparse file) is skipped with a clear
// reason and is not read; everything else is indexed. A file that grows
// past the cap loses its document.
func TestIndexFilesSizeCap(t *testing.T) {
	root := filesFixtureTree(t)
	big := filepath.Join(root, "notes", "huge.txt")
	filesWriteFile(t, big, "small for now")
	sink := newFilesMemSink()
	filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	if _, ok := sink.doc(big); !ok {
		t.Fatal("small file not indexed")
	}

	if err := os.Truncate(big, 50<<20); err != nil {
		t.Fatal(err)
	}
	filesTouch(t, big, time.Hour)
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{unchanged: len(filesFixtureNames), deleted: 1, skipped: 1})
	if len(rep.Skips) != 1 || rep.Skips[0].Path != big || !errors.Is(rep.Skips[0], ErrFileTooLarge) ||
		!strings.Contains(rep.Skips[0].Error(), "52428800 bytes") {
		t.Errorf("skips = %v, want huge.txt as too large with its size", rep.Skips)
	}
	if got := sink.paths(t, root); !slices.Equal(got, filesFixtureNames) {
		t.Errorf("indexed %v, want %v", got, filesFixtureNames)
	}

	cfg := DefaultFilesConfig()
	cfg.MaxFileSize = 60 << 20 // large enough: read, found binary (all NUL)
	rep = filesCrawlOK(t, sink, cfg, root)
	if rep.Skipped != 1 || !errors.Is(rep.Skips[0], textextract.ErrBinary) {
		t.Errorf("skips = %v, want huge.txt as binary", rep.Skips)
	}
}

// Binary content with a text extension is skipped; if it was text before,
// its document is deleted.
func TestIndexFilesBinarySkipped(t *testing.T) {
	root := filesFixtureTree(t)
	blob := filepath.Join(root, "notes", "blob.txt")
	filesWriteFile(t, blob, "text at first")
	sink := newFilesMemSink()
	filesCrawlOK(t, sink, DefaultFilesConfig(), root)

	filesWriteFile(t, blob, "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR binary from here")
	filesTouch(t, blob, time.Hour)
	filesWriteFile(t, filepath.Join(root, "web", "image.html"), "GIF89a\x01\x00\x01\x00\x00\x00\x00;")
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{unchanged: len(filesFixtureNames), deleted: 1, skipped: 2})
	for _, s := range rep.Skips {
		if !errors.Is(s, textextract.ErrBinary) {
			t.Errorf("skip %v is not ErrBinary", s)
		}
	}
	if _, ok := sink.doc(blob); ok {
		t.Error("binary file still indexed")
	}
}

// Symbolic links are followed, loops terminate, each real folder is walked
// once; with FollowSymlinks off, links are ignored.
func TestIndexFilesSymlinks(t *testing.T) {
	root := filesFixtureTree(t)
	outside := t.TempDir()
	filesWriteFile(t, filepath.Join(outside, "linked.txt"), "A note that lives elsewhere.")
	for link, target := range map[string]string{
		filepath.Join(root, "notes", "loop"):       "..",                                 // back to the root
		filepath.Join(root, "notes", "self"):       ".",                                  // to its own folder
		filepath.Join(root, "elsewhere.txt"):       filepath.Join(outside, "linked.txt"), // a file outside the root
		filepath.Join(root, "dangling.txt"):        filepath.Join(outside, "missing.txt"),
		filepath.Join(root, "outside"):             outside,
		filepath.Join(outside, "back-to-the-root"): root,
	} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}

	done := make(chan FilesReport, 1)
	sink := newFilesMemSink()
	go func() {
		rep, _ := IndexFiles(context.Background(), sink, DefaultFilesConfig(), root)
		done <- rep
	}()
	var rep FilesReport
	select {
	case rep = <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("filesCrawlOK with symbolic-link loops did not finish")
	}
	want := append(slices.Clone(filesFixtureNames), "elsewhere.txt", "outside/linked.txt")
	slices.Sort(want)
	if got := sink.paths(t, root); !slices.Equal(got, want) {
		t.Errorf("indexed %v, want %v", got, want)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("errors: %v", rep.Errors)
	}

	cfg := DefaultFilesConfig()
	cfg.FollowSymlinks = false
	sink = newFilesMemSink()
	filesCrawlOK(t, sink, cfg, root)
	if got := sink.paths(t, root); !slices.Equal(got, filesFixtureNames) {
		t.Errorf("without following links: indexed %v, want %v", got, filesFixtureNames)
	}
}

// A folder that cannot be read keeps the documents indexed under it, is
// reported, and the filesCrawlOK goes on. Root can read any folder, so the chmod
// case runs only for other users; the entry-that-cannot-be-examined case
// (a symbolic link loop in place of a folder) runs for everyone.
func TestIndexFilesUnreadableKeepsDocuments(t *testing.T) {
	t.Run("chmod 000 folder", func(t *testing.T) {
		root := filesFixtureTree(t)
		sink := newFilesMemSink()
		filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		notes := filepath.Join(root, "notes")
		if err := os.Chmod(notes, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(notes, 0o755) })
		if _, err := os.ReadDir(notes); err == nil {
			t.Skip("this user (root?) can read a chmod 000 folder; the symbolic-link case below covers the behaviour")
		}
		filesWriteFile(t, filepath.Join(root, "web", "more.html"), "<p>more</p>")
		rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		assertFilesCounts(t, rep, filesCounts{added: 1, unchanged: len(filesFixtureNames) - 3, errors: 1})
		if !errors.Is(rep.Errors[0], fs.ErrPermission) || rep.Errors[0].Path != notes {
			t.Errorf("error = %v, want a permission error on %s", rep.Errors[0], notes)
		}
		if got := len(sink.paths(t, root)); got != len(filesFixtureNames)+1 {
			t.Errorf("%d documents, want %d: documents under the unreadable folder were lost", got, len(filesFixtureNames)+1)
		}
	})

	t.Run("folder replaced by a link loop", func(t *testing.T) {
		root := filesFixtureTree(t)
		sink := newFilesMemSink()
		filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		notes := filepath.Join(root, "notes")
		if err := os.RemoveAll(notes); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink("notes", notes); err != nil { // stat fails: too many levels of links
			t.Fatal(err)
		}
		rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		assertFilesCounts(t, rep, filesCounts{unchanged: len(filesFixtureNames) - 3, errors: 1})
		if len(rep.Errors) == 1 && rep.Errors[0].Path != notes {
			t.Errorf("error on %s, want %s", rep.Errors[0].Path, notes)
		}
		if got := sink.paths(t, root); !slices.Equal(got, filesFixtureNames) {
			t.Errorf("indexed %v, want all of %v kept", got, filesFixtureNames)
		}
	})

	t.Run("file that cannot be extracted", func(t *testing.T) {
		root := filesFixtureTree(t)
		sink := newFilesMemSink()
		filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		pdf := filepath.Join(root, "docs", "report.pdf")
		before, _ := sink.doc(pdf)
		filesWriteFile(t, pdf, "%PDF-1.4\nthis is not really a PDF\n%%EOF\n")
		filesTouch(t, pdf, time.Hour)
		rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
		assertFilesCounts(t, rep, filesCounts{unchanged: len(filesFixtureNames) - 1, errors: 1})
		if after, ok := sink.doc(pdf); !ok || after.Body != before.Body {
			t.Error("the previously indexed version of a now unreadable PDF was lost")
		}
	})
}

// A root that does not exist is an error before any work; a root may be a
// single file; several roots add up.
func TestIndexFilesRoots(t *testing.T) {
	root := filesFixtureTree(t)
	sink := newFilesMemSink()
	_, err := IndexFiles(context.Background(), sink, DefaultFilesConfig(), root, filepath.Join(root, "no-such-folder"))
	if !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "no-such-folder") {
		t.Errorf("err = %v, want a not-exist error naming the root", err)
	}
	if len(sink.docs) != 0 {
		t.Errorf("%d documents indexed despite the bad root", len(sink.docs))
	}
	if _, err := IndexFiles(context.Background(), sink, DefaultFilesConfig()); err == nil {
		t.Error("no error without roots")
	}
	if _, err := IndexFiles(context.Background(), nil, DefaultFilesConfig(), root); err == nil {
		t.Error("no error without a sink")
	}

	// A file root: read whatever its extension; only its own document is
	// considered for deletion.
	readme := filepath.Join(root, "README")
	filesWriteFile(t, readme, "Read me first\nabout the fixtures")
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), readme)
	assertFilesCounts(t, rep, filesCounts{added: 1})
	if d, _ := sink.doc(readme); d.Title != "Read me first" {
		t.Errorf("file root title = %q", d.Title)
	}

	rep = filesCrawlOK(t, sink, DefaultFilesConfig(), filepath.Join(root, "notes"), filepath.Join(root, "web"), readme)
	assertFilesCounts(t, rep, filesCounts{added: 4, unchanged: 1})
	if err := os.Remove(readme); err != nil {
		t.Fatal(err)
	}
	rep = filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	assertFilesCounts(t, rep, filesCounts{added: 2, unchanged: 4, deleted: 1})

	// A relative root gives the same absolute IDs.
	wd, _ := os.Getwd()
	t.Chdir(root)
	rep = filesCrawlOK(t, sink, DefaultFilesConfig(), "notes")
	assertFilesCounts(t, rep, filesCounts{unchanged: 3})
	t.Chdir(wd)
}

// Documents go to the sink in batches of BatchSize; a failing sink stops
// the filesCrawlOK with its error.
func TestIndexFilesBatchesAndSinkFailure(t *testing.T) {
	root := filesFixtureTree(t)
	cfg := DefaultFilesConfig()
	cfg.BatchSize = 4
	sink := newFilesMemSink()
	filesCrawlOK(t, sink, cfg, root)
	if sink.maxBatch > 4 || sink.indexCalls != 2 {
		t.Errorf("%d index calls, largest batch %d; want 2 calls of at most 4", sink.indexCalls, sink.maxBatch)
	}

	boom := errors.New("index is read-only")
	failing := newFilesMemSink()
	failing.failIndex = boom
	rep, err := IndexFiles(context.Background(), failing, cfg, root)
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the sink's error", err)
	}
	if rep.Added != 0 {
		t.Errorf("report filesCounts %d added documents the sink refused", rep.Added)
	}
}

// Cancelling the context stops the filesCrawlOK promptly, returns the context's
// error and deletes nothing.
func TestIndexFilesCancel(t *testing.T) {
	root := filesFixtureTree(t)
	sink := newFilesMemSink()
	filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	for i := range 50 {
		filesWriteFile(t, filepath.Join(root, "many", "n"+string(rune('a'+i%26))+string(rune('a'+i/26))+".txt"), "note")
	}
	if err := os.Remove(filepath.Join(root, "notes", "todo.txt")); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := DefaultFilesConfig()
	cfg.BatchSize = 5
	examined := 0
	cfg.Progress = func(done, total int, current string) {
		if total > 0 && current != "" {
			examined++
			if examined == 10 {
				cancel()
			}
		}
	}
	rep, err := IndexFiles(ctx, sink, cfg, root)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if examined > 11 {
		t.Errorf("examined %d files after the cancel at 10", examined)
	}
	if rep.Deleted != 0 || sink.deleteCalls != 0 {
		t.Error("a cancelled filesCrawlOK deleted documents")
	}
	if _, ok := sink.doc(filepath.Join(root, "notes", "todo.txt")); !ok {
		t.Error("a cancelled filesCrawlOK lost a document")
	}
}

// Progress reports the walk with total -1, then every file with the known
// total, ending at done == total.
func TestIndexFilesProgress(t *testing.T) {
	root := filesFixtureTree(t)
	type call struct{ done, total int }
	var calls []call
	cfg := DefaultFilesConfig()
	cfg.Progress = func(done, total int, _ string) { calls = append(calls, call{done, total}) }
	filesCrawlOK(t, newFilesMemSink(), cfg, root)
	if len(calls) == 0 || calls[0].total != -1 {
		t.Fatalf("calls = %v, want the walk first with total -1", calls)
	}
	last := calls[len(calls)-1]
	if last.total != len(filesFixtureNames) || last.done != last.total {
		t.Errorf("last call = %v, want done == total == %d", last, len(filesFixtureNames))
	}
	prev := -1
	for _, c := range calls {
		if c.total >= 0 {
			if c.done < prev {
				t.Errorf("done went back: %v", calls)
			}
			prev = c.done
		}
	}
	// TerminalProgress draws nothing on a file that is not a terminal.
	f, err := os.CreateTemp(t.TempDir(), "progress")
	if err != nil {
		t.Fatal(err)
	}
	p := TerminalProgress(f)
	p(0, -1, "x")
	p(1, 2, "y")
	if info, _ := f.Stat(); info.Size() != 0 {
		t.Errorf("TerminalProgress wrote %d bytes to a plain file", info.Size())
	}
}

// The bar TerminalProgress draws on a terminal shows the count, switches
// from a spinner (total unknown) to a bar, and copes with empty totals.
func TestBarProgressDraws(t *testing.T) {
	var buf bytes.Buffer
	p := barProgress(&buf)
	p(0, -1, "/some/folder")
	p(3, -1, "/some/folder/sub")
	p(0, 0, "")
	p(1, 5, "/some/folder/a.txt")
	p(5, 5, strings.Repeat("/long", 40)+".txt")
	out := buf.String()
	for _, want := range []string{"5/5", "100%", "…"} {
		if !strings.Contains(out, want) {
			t.Errorf("bar output lacks %q: %q", want, out)
		}
	}
}

// TestIndexFilesReadsExtensionlessTextByContent: with the default
// extensions, files without one (README, NOTES) are indexed when their
// content is text and skipped, as binary, when it is not; once --ext is
// given they are left alone; an extension given without its dot matches
// as with it.
func TestIndexFilesReadsExtensionlessTextByContent(t *testing.T) {
	root := t.TempDir()
	filesWriteFile(t, filepath.Join(root, "README"), "how to build the gadget")
	filesWriteFile(t, filepath.Join(root, "docs", "NOTES"), "notes about the gadget")
	filesWriteFile(t, filepath.Join(root, "gadget"), "\x7fELF\x02\x01\x01\x00\x00\x00 a compiled program")
	filesWriteFile(t, filepath.Join(root, "plan.txt"), "the plan")
	filesWriteFile(t, filepath.Join(root, "plan.md"), "# the plan")

	sink := newFilesMemSink()
	rep := filesCrawlOK(t, sink, DefaultFilesConfig(), root)
	if got, want := sink.paths(t, root), []string{"README", "docs/NOTES", "plan.md", "plan.txt"}; !slices.Equal(got, want) {
		t.Errorf("indexed %v, want %v", got, want)
	}
	if len(rep.Skips) != 1 || !errors.Is(rep.Skips[0], textextract.ErrBinary) {
		t.Errorf("skips %v, want the binary program alone", rep.Skips)
	}

	for _, ext := range [][]string{{"txt"}, {".TXT"}, {" txt "}} {
		sink := newFilesMemSink()
		cfg := DefaultFilesConfig()
		cfg.Extensions = ext
		filesCrawlOK(t, sink, cfg, root)
		if got, want := sink.paths(t, root), []string{"plan.txt"}; !slices.Equal(got, want) {
			t.Errorf("extensions %q indexed %v, want %v", ext, got, want)
		}
	}
}

// TestIndexFilesIndexesTheFirstPartOfAHugeText: a file whose text is
// longer than MaxTextBytes is indexed with its first part, cut at a
// character boundary, and listed in Truncated; the run does not fail and
// the file's other words are still found.
func TestIndexFilesIndexesTheFirstPartOfAHugeText(t *testing.T) {
	root := t.TempDir()
	huge := filepath.Join(root, "huge.txt")
	filesWriteFile(t, huge, "Huge notes\n\ndébut "+strings.Repeat("é", 40)+" fin")
	filesWriteFile(t, filepath.Join(root, "small.txt"), "small")
	sink := newFilesMemSink()
	cfg := DefaultFilesConfig()
	cfg.MaxTextBytes = len("Huge notes") + len("début ") + 25 // title, "début ", and 12½ é's
	rep := filesCrawlOK(t, sink, cfg, root)
	if rep.Added != 2 || len(rep.Errors) != 0 || len(rep.Truncated) != 1 || rep.Truncated[0].Path != huge || !errors.Is(rep.Truncated[0].Err, ErrTextCut) {
		t.Fatalf("report %+v", rep)
	}
	d, ok := sink.doc(huge)
	if !ok || d.Title != "Huge notes" || !strings.Contains(d.Body, "début é") || strings.Contains(d.Body, "fin") || !utf8.ValidString(d.Body) || len(d.Title)+len(d.Body) > cfg.MaxTextBytes {
		t.Errorf("indexed %q (title %q), want the first %d bytes, whole characters", d.Body, d.Title, cfg.MaxTextBytes)
	}
	if DefaultMaxTextBytes != index.DefaultConfig().MaxDocBytes {
		t.Errorf("DefaultMaxTextBytes %d is not the index's cap %d", DefaultMaxTextBytes, index.DefaultConfig().MaxDocBytes)
	}
}
