package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/index"
)

// TestIndexAndCrawlExitStatusSaysWhetherEverythingWorked: "p2pir index"
// and "p2pir crawl" exit 0 when every file or page worked, 3 when the
// run finished but some failed while others were indexed, and 1 when every
// file failed, after listing them and their count; their --help documents
// the exit status.
func TestIndexAndCrawlExitStatusSaysWhetherEverythingWorked(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Wombat burrows</title></head><body><p>Wombats dig burrows.</p><a href="/gone.html">gone</a></body></html>`)
	}))
	t.Cleanup(broken.Close)
	notes := copyNotes(t)
	withBadPDF := copyNotes(t)
	badPDF := filepath.Join(withBadPDF, "broken.pdf")
	if err := os.WriteFile(badPDF, []byte("%PDF-1.4\nthis is not really a PDF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	onlyBad := t.TempDir() // every file fails: nothing indexed is exit 1, not 3
	if err := os.WriteFile(filepath.Join(onlyBad, "broken.pdf"), []byte("%PDF-1.4\nthis is not really a PDF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		stderr   []string // what stderr must say
		stdout   string   // what the summary must say
	}{
		{"index of readable files exits 0", []string{"index", notes}, 0, nil, "4 added"},
		{"index with a file that fails exits 3, naming it and the count",
			[]string{"index", withBadPDF}, 3, []string{badPDF, "1 file or folder could not be indexed"}, "4 added"},
		{"index where every file fails exits 1", []string{"index", onlyBad}, 1,
			[]string{"broken.pdf: ", "nothing could be indexed: 1 file or folder failed (listed above)"}, "0 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 1 errors"},
		{"crawl of a sound site exits 0",
			[]string{"crawl", "--delay", "1ms", "--depth", "2", site.srv.URL + "/"}, 0, nil, "3 indexed"},
		{"crawl with a broken link exits 3, naming it and the count",
			[]string{"crawl", "--delay", "1ms", broken.URL + "/"}, 3, []string{broken.URL + "/gone.html", "1 page failed"}, "1 indexed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, t.TempDir(), tc.args...)
			if r.code != tc.wantCode {
				t.Fatalf("want exit %d, got %v", tc.wantCode, r)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("summary does not say %q:\n%s", tc.stdout, r.stdout)
			}
		})
	}
	for _, cmd := range []string{"index", "crawl"} {
		r := mustRunCLI(t, t.TempDir(), cmd, "--help")
		for _, want := range []string{"Exit status: 0 when", "3 when", "1 when", "2 on a usage error"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s --help does not document the exit status (%q):\n%s", cmd, want, r.stdout)
			}
		}
	}
	root := mustRunCLI(t, t.TempDir(), "--help").stdout
	for _, want := range []string{"Exit status: 0 on success; 1 on a failure; 2 on a usage error", "index and crawl also exit 3", "No other command exits 3."} {
		if !strings.Contains(root, want) {
			t.Errorf("p2pir --help does not document the exit status (%q):\n%s", want, root)
		}
	}
}

// TestASecondIndexerSaysAnotherIsIndexing: while one p2pir holds a data
// directory's index, "p2pir index" and "p2pir crawl" on it stop with a
// message saying so, not bbolt's bare "timeout".
func TestASecondIndexerSaysAnotherIsIndexing(t *testing.T) {
	t.Parallel()
	notes := copyNotes(t)
	data := t.TempDir()
	held, err := index.Open(filepath.Join(data, "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { held.Close() }) // after the parallel subtests, unlike defer
	tests := []struct {
		name string
		args []string
	}{
		{"index", []string{"index", notes}},
		{"crawl", []string{"crawl", "--delay", "1ms", "http://127.0.0.1:1/"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := runCLI(t, data, tc.args...)
			if r.code != 1 {
				t.Fatalf("want exit 1, got %v", r)
			}
			if want := "another p2pir is indexing this data directory (" + data + ")"; !strings.Contains(r.stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
			}
			if strings.Contains(r.stderr, "timeout") {
				t.Errorf("stderr shows bbolt's bare timeout:\n%s", r.stderr)
			}
		})
	}
}
