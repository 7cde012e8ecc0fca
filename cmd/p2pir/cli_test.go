package main

// End-to-end tests of the p2pir command line. They call run() in-process,
// each with its own --data directory (t.TempDir()), so every test sees a
// fresh on-disk index; process_test.go runs the built binary once.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// cliTimeout bounds one in-process run of the command line.
const cliTimeout = 2 * time.Minute

// cliResult is what one run of the command line produced.
type cliResult struct {
	code           int
	stdout, stderr string
}

func (r cliResult) String() string {
	return "exit " + strconv.Itoa(r.code) + "\n--- stdout:\n" + r.stdout + "--- stderr:\n" + r.stderr
}

// runCLI runs "p2pir --data dataDir args..." in-process and returns its exit
// code and output.
func runCLI(t *testing.T, dataDir string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	full := append([]string{"--data", dataDir}, args...)
	code := run(ctx, full, strings.NewReader(""), &stdout, &stderr)
	return cliResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// mustRunCLI is runCLI that fails the test unless the command exits 0.
func mustRunCLI(t *testing.T, dataDir string, args ...string) cliResult {
	t.Helper()
	r := runCLI(t, dataDir, args...)
	if r.code != 0 {
		t.Fatalf("p2pir %s: want exit 0, got %v", strings.Join(args, " "), r)
	}
	return r
}

// copyNotes copies testdata/notes into a fresh temporary folder and returns
// its path, so a test can edit and delete files.
func copyNotes(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "notes")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "notes"))); err != nil {
		t.Fatalf("copy testdata/notes: %v", err)
	}
	return dir
}

// writeTree writes files (slash-separated relative name -> content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fileURLOf is the file:// URL under which the files crawler indexes path.
func fileURLOf(t *testing.T, path string) string {
	t.Helper()
	abs, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// indexCounts are the figures of the summary line of "p2pir index".
type indexCounts struct {
	added, updated, unchanged, deleted, skipped, errors int
}

var indexSummary = regexp.MustCompile(`(\d+) added, (\d+) updated, (\d+) unchanged, (\d+) deleted, (\d+) skipped, (\d+) errors`)

// parseIndexCounts reads the summary line "A added, U updated, N unchanged,
// D deleted, S skipped, E errors" from the output of p2pir index.
func parseIndexCounts(t *testing.T, stdout string) indexCounts {
	t.Helper()
	m := indexSummary.FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no index summary line in output:\n%s", stdout)
	}
	n := make([]int, 6)
	for i := range n {
		n[i], _ = strconv.Atoi(m[i+1])
	}
	return indexCounts{added: n[0], updated: n[1], unchanged: n[2], deleted: n[3], skipped: n[4], errors: n[5]}
}

// gotSearch is the --json output of p2pir search.
type gotSearch struct {
	Query   string   `json:"query"`
	Results []gotHit `json:"results"`
}

// gotHit is one result of the --json output of p2pir search.
type gotHit struct {
	URL     string  `json:"url"`
	Title   string  `json:"title"`
	Content string  `json:"content"`
	Score   float64 `json:"score"`
	Source  string  `json:"source"`
}

// searchJSONOut runs "p2pir search --json args..." and decodes its output.
func searchJSONOut(t *testing.T, dataDir string, args ...string) gotSearch {
	t.Helper()
	r := mustRunCLI(t, dataDir, append([]string{"search", "--json"}, args...)...)
	var out gotSearch
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("search --json printed invalid JSON: %v\n%s", err, r.stdout)
	}
	return out
}

// urls lists the result URLs in rank order.
func (s gotSearch) urls() []string {
	u := make([]string, len(s.Results))
	for i, h := range s.Results {
		u[i] = h.URL
	}
	return u
}

// has reports whether u is among the results.
func (s gotSearch) has(u string) bool {
	for _, h := range s.Results {
		if h.URL == u {
			return true
		}
	}
	return false
}

func TestHelpOfEachCommandNamesItsFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"index", "crawl", "search", "eval", "--data"}},
		{[]string{"index", "--help"}, []string{"PATH", "--exclude", "--no-default-excludes", "--max-size", "--ext", "--no-symlinks", "--verbose"}},
		{[]string{"crawl", "--help"}, []string{"URL", "--depth", "--max-pages", "--delay", "--parallelism", "--allow-domain", "--timeout", "--user-agent", "robots.txt"}},
		{[]string{"search", "--help"}, []string{"QUERY", "--k", "--json", "+word", "site:"}},
		{[]string{"eval", "--help"}, []string{"--collection", "--json", "--run", "--qrels", "--tag", "--feedback", "--judged", "trec_eval"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := runCLI(t, t.TempDir(), tt.args...)
			if r.code != 0 {
				t.Fatalf("want exit 0, got %v", r)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("help does not mention %q:\n%s", w, r.stdout)
				}
			}
		})
	}
}

func TestUnknownFlagIsUsageErrorNamingTheFlag(t *testing.T) {
	t.Parallel()
	for _, cmd := range [][]string{{}, {"index"}, {"crawl"}, {"search"}, {"eval"}} {
		args := append(append([]string{}, cmd...), "--no-such-flag", "x")
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			data := t.TempDir()
			r := runCLI(t, data, args...)
			if r.code != 2 {
				t.Fatalf("want exit 2 (usage error), got %v", r)
			}
			if !strings.Contains(r.stderr, "unknown flag") || !strings.Contains(r.stderr, "--no-such-flag") {
				t.Errorf("stderr does not name the unknown flag:\n%s", r.stderr)
			}
			if _, err := os.Stat(filepath.Join(data, "index")); err == nil {
				t.Errorf("a usage error created an index in %s", data)
			}
		})
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	t.Parallel()
	r := runCLI(t, t.TempDir(), "serch", "wombat")
	if !strings.Contains(r.stderr, "serch") {
		t.Errorf("stderr does not name the unknown command:\n%s", r.stderr)
	}
	if r.code != 2 {
		t.Fatalf("want exit 2 (usage error), got %v", r)
	}
}

// TestAMistypedDataDirectoryIsNotCreated: a --data that does not exist is
// an error for the commands that read one (nothing is created); index
// creates it.
func TestAMistypedDataDirectoryIsNotCreated(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "typo", "p2pir")
	for _, args := range [][]string{{"search", "platypus"}, {"profile"}, {"sources"}, {"mark", "--undo"}, {"peers"}} {
		r := runCLI(t, dir, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "there is no data directory at "+dir) {
			t.Errorf("p2pir %s on a missing --data: exit %d, %q", strings.Join(args, " "), r.code, r.stderr)
		}
		if _, err := os.Stat(filepath.Dir(dir)); !os.IsNotExist(err) {
			t.Fatalf("p2pir %s created %s", strings.Join(args, " "), filepath.Dir(dir))
		}
	}
	mustRunCLI(t, dir, "index", "testdata/notes")
	if r := mustRunCLI(t, dir, "search", "platypus"); !strings.Contains(r.stdout, "platypus") {
		t.Errorf("search after index created the directory: %s", r.stdout)
	}
}
