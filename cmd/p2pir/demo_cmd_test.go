package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/node"
)

// syncBuffer is a bytes.Buffer safe to read while the command writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestDemoServesSomethingToSearch: "p2pir demo" with no setup indexes the
// built-in documentation, starts a node, prints its address, and a search
// there finds a section of the docs; with a FOLDER it searches that
// folder instead; Ctrl-C stops it with status 0.
func TestDemoServesSomethingToSearch(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		query  string
		inPath string
	}{
		{"built-in docs", nil, "pooled collection statistics", "p2pir-docs"},
		{"a named folder", []string{"testdata/notes"}, "platypus", "notes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			var out, errOut syncBuffer
			done := make(chan int, 1)
			go func() {
				args := append([]string{"--data", dir, "demo", "--http", "127.0.0.1:0"}, tc.args...)
				done <- run(ctx, args, strings.NewReader(""), &out, &errOut)
			}()
			var ri node.RunInfo
			for {
				var ok bool
				if ri, ok = node.ReadRunFile(dir); ok && strings.Contains(out.String(), "open http://") {
					break
				}
				select {
				case code := <-done:
					t.Fatalf("demo exited %d before serving: %s %s", code, out.String(), errOut.String())
				case <-time.After(50 * time.Millisecond):
				}
			}
			if want := "open http://" + ri.HTTPAddr + "/"; !strings.Contains(out.String(), want) {
				t.Errorf("the demo printed %q, want the address %q", out.String(), want)
			}
			res, err := http.Get(fmt.Sprintf("http://%s/search?q=%s", ri.HTTPAddr, url.QueryEscape(tc.query)))
			if err != nil {
				t.Fatal(err)
			}
			var resp struct {
				Results []struct {
					URL string `json:"url"`
				} `json:"results"`
			}
			err = json.NewDecoder(res.Body).Decode(&resp)
			res.Body.Close()
			if err != nil || len(resp.Results) == 0 {
				t.Fatalf("search %q on the demo: %v, %d results", tc.query, err, len(resp.Results))
			}
			if !strings.Contains(resp.Results[0].URL, tc.inPath) {
				t.Errorf("the best result for %q is %s, want one under %s", tc.query, resp.Results[0].URL, tc.inPath)
			}
			stop()
			if code := <-done; code != 0 {
				t.Fatalf("demo exited %d after Ctrl-C: %s", code, errOut.String())
			}
		})
	}
}

// TestDemoDocsRewriteOnlyWhatChanged: writing the built-in docs again
// leaves unchanged sections untouched (so indexing again is incremental)
// and removes a section that no longer exists.
func TestDemoDocsRewriteOnlyWhatChanged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "docs")
	if err := writeDemoDocs(dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		t.Fatalf("wrote %d sections: %v", len(entries), err)
	}
	first := filepath.Join(dir, entries[0].Name())
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	if err := os.Chtimes(first, old, old); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "OLD-01-gone.md")
	if err := os.WriteFile(stale, []byte("# gone"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := writeDemoDocs(dir); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(first); err != nil || !fi.ModTime().Equal(old) {
		t.Errorf("an unchanged section was rewritten: %v %v", fi.ModTime(), err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("a section no longer in the docs was kept: %v", err)
	}
}
