package crawler

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"github.com/p2pir/p2pir/internal/testenv"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/index"
)

// largeDocSize is the size of the generated documents of the memory
// benchmark and test: the files crawler's default MaxFileSize.
const largeDocSize = DefaultMaxFileSize

// Environment of the child process that indexes one large file (see
// runLargeDocProcess).
const (
	largeDocEnvFile  = "P2PIR_LARGE_DOC_FILE"
	largeDocEnvIndex = "P2PIR_LARGE_DOC_INDEX"
	largeDocEnvVia   = "P2PIR_LARGE_DOC_VIA" // "files" or "web"
)

// bbcArticles reads the BBC articles of the shared data, in path order.
func bbcArticles(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(testenv.DataDir(tb), "bbc", "bbc", "*", "*.txt"))
	if err != nil || len(paths) == 0 {
		tb.Skipf("no BBC articles under the shared data (%v)", err)
	}
	arts := make([]string, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		arts = append(arts, strings.ToValidUTF8(string(b), ""))
	}
	return arts
}

// writeLargeDocument writes a file of exactly size bytes made of the BBC
// articles, repeated as often as needed, to dir: kind "txt" gives plain
// text, "html" a page of <h2> headings and <p> paragraphs (with a script
// and a navigation bar, which the extractor drops). It returns the path.
func writeLargeDocument(tb testing.TB, dir, kind string, size int) string {
	tb.Helper()
	arts := bbcArticles(tb)
	var buf bytes.Buffer
	buf.Grow(size + 64<<10)
	tail := ""
	switch kind {
	case "txt":
	case "html":
		buf.WriteString("<!DOCTYPE html>\n<html><head><title>Collected articles</title>" +
			"<script>var tracking = {id: 42};</script></head>\n<body><nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>\n")
		tail = "</body></html>\n"
	default:
		tb.Fatalf("unknown document kind %q", kind)
	}
	for i := 0; buf.Len() < size; i++ {
		a := arts[i%len(arts)]
		if kind == "txt" {
			buf.WriteString(a)
			buf.WriteString("\n\n")
			continue
		}
		heading, rest, _ := strings.Cut(a, "\n")
		buf.WriteString("<h2>" + html.EscapeString(strings.TrimSpace(heading)) + "</h2>\n")
		for p := range strings.SplitSeq(rest, "\n\n") {
			if p = strings.TrimSpace(p); p != "" {
				buf.WriteString("<p>" + html.EscapeString(p) + "</p>\n")
			}
		}
	}
	b := buf.Bytes()[:size-len(tail)]
	for len(b) > 0 && b[len(b)-1]&0xC0 == 0x80 { // do not end inside a character
		b = b[:len(b)-1]
	}
	b = append(b, tail...)
	for len(b) < size {
		b = append(b, '\n')
	}
	path := filepath.Join(dir, "large."+kind)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// largeDocUsage is what the child process measured while indexing one
// large file.
type largeDocUsage struct {
	// BaselineRSS is the resident memory once the index was open, before
	// the crawl (VmRSS after a garbage collection).
	BaselineRSS int64
	// PeakRSS is the process's peak resident memory (VmHWM) after the
	// crawl.
	PeakRSS int64
	// Allocated is the bytes allocated on the heap during the crawl.
	Allocated uint64
}

// AboveBaseline is the peak resident memory the crawl added.
func (u largeDocUsage) AboveBaseline() int64 { return u.PeakRSS - u.BaselineRSS }

// runLargeDocProcess indexes the file at path into a fresh index in
// another process (this test binary, running TestLargeDocumentProcess),
// via the files crawler (IndexFiles) or the web crawler (Crawl, the file
// served by an httptest server in that process), and returns what that
// process measured. A process of its own is what makes its peak resident
// memory (VmHWM, which never goes down) the peak of this one crawl alone.
func runLargeDocProcess(tb testing.TB, path, via string) largeDocUsage {
	tb.Helper()
	if runtime.GOOS != "linux" {
		tb.Skip("peak resident memory is read from /proc/self/status, which only Linux has")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLargeDocumentProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), largeDocEnvFile+"="+path, largeDocEnvIndex+"="+filepath.Join(tb.TempDir(), "ix"),
		largeDocEnvVia+"="+via)
	out, err := cmd.CombinedOutput()
	if err != nil {
		tb.Fatalf("indexing process: %v\n%s", err, out)
	}
	var u largeDocUsage
	found := false
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "large-doc-usage "); ok {
			if _, err := fmt.Sscanf(rest, "baseline=%d peak=%d allocated=%d", &u.BaselineRSS, &u.PeakRSS, &u.Allocated); err != nil {
				tb.Fatalf("indexing process printed %q: %v", rest, err)
			}
			found = true
		}
	}
	if !found {
		tb.Fatalf("indexing process printed no figures:\n%s", out)
	}
	return u
}

// TestLargeDocumentProcess is the child process of runLargeDocProcess; run
// directly, without its environment, it skips.
func TestLargeDocumentProcess(t *testing.T) {
	path, dir, via := os.Getenv(largeDocEnvFile), os.Getenv(largeDocEnvIndex), os.Getenv(largeDocEnvVia)
	if path == "" || dir == "" {
		t.Skip("runs only as the child process of the large-document memory test and benchmark")
	}
	ctx := context.Background()
	ix, err := index.Open(dir, index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var site *httptest.Server
	if via == "web" {
		contentType := "text/plain; charset=utf-8"
		if strings.HasSuffix(path, ".html") {
			contentType = "text/html; charset=utf-8"
		}
		site = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/large" { // robots.txt, and the page's own links
				http.NotFound(w, r)
				return
			}
			f, err := os.Open(path)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer f.Close()
			w.Header().Set("Content-Type", contentType)
			io.Copy(w, f) // streamed: the server holds 32 KiB at a time
		}))
		defer site.Close()
	}
	runtime.GC()
	baseline := procStatusBytes(t, "VmRSS")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	switch via {
	case "files":
		cfg := DefaultFilesConfig()
		cfg.MaxFileSize = 64 << 20
		rep, err := IndexFiles(ctx, ix, cfg, path)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Added != 1 || len(rep.Errors) > 0 || rep.Skipped > 0 {
			t.Fatalf("the file was not indexed: %+v", rep)
		}
	case "web":
		cfg := DefaultWebConfig()
		cfg.Delay = 0
		cfg.MaxBodySize = 64 << 20
		rep, err := Crawl(ctx, ix, cfg, site.URL+"/large")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Indexed != 1 {
			t.Fatalf("the page was not indexed: %+v", rep)
		}
	default:
		t.Fatalf("%s=%q: want files or web", largeDocEnvVia, via)
	}
	runtime.ReadMemStats(&after)
	peak := procStatusBytes(t, "VmHWM")
	fmt.Printf("large-doc-usage baseline=%d peak=%d allocated=%d\n", baseline, peak, after.TotalAlloc-before.TotalAlloc)
}

// procStatusBytes reads a "kB" line of /proc/self/status (VmRSS, VmHWM) in
// bytes.
func procStatusBytes(tb testing.TB, key string) int64 {
	tb.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, key+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				tb.Fatalf("/proc/self/status %s: %v", key, err)
			}
			return kb << 10
		}
	}
	tb.Fatalf("/proc/self/status has no %s", key)
	return 0
}

// Indexing one 10 MiB file, plain text or HTML, with the files crawler,
// or a 10 MiB page with the web crawler, raises the process's
// resident memory by at most ten times the file's size (issue 13's bar),
// where it used to take some hundred times. The figure is memory, not
// time: it does not depend on how busy the machine is, beyond the garbage
// collector's timing.
func TestIndexLargeDocumentMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes three 10 MiB documents in processes of their own (-short)")
	}
	if raceDetector {
		t.Skip("the race detector multiplies memory use; the bar is for a normal build (go test without -race)")
	}
	for _, tc := range []struct{ via, kind string }{{"files", "txt"}, {"files", "html"}, {"web", "html"}} {
		t.Run(tc.via+"/"+tc.kind, func(t *testing.T) {
			path := writeLargeDocument(t, t.TempDir(), tc.kind, largeDocSize)
			u := runLargeDocProcess(t, path, tc.via)
			t.Logf("peak resident memory %.1f MiB above the baseline of %.1f MiB; %.0f MiB allocated",
				float64(u.AboveBaseline())/(1<<20), float64(u.BaselineRSS)/(1<<20), float64(u.Allocated)/(1<<20))
			if limit := int64(10 * largeDocSize); u.AboveBaseline() > limit {
				t.Errorf("indexing a %d MiB file took %.1f MiB of resident memory above the baseline, more than ten times its size",
					largeDocSize>>20, float64(u.AboveBaseline())/(1<<20))
			}
		})
	}
}

// BenchmarkIndexLargeDocument indexes one generated 10 MiB file, plain
// text and HTML, with the files crawler and (served by an httptest server)
// with the web crawler into a fresh index, each time in a process of its
// own (see runLargeDocProcess). It reports peak-RSS-MiB, the peak
// resident memory above the baseline of the process with its index open,
// and per MiB of the document that (RSS-MiB/MiB, the bar is 10)
// and the bytes allocated (alloc-MiB/MiB). Figures in docs/BENCHMARKS.md
// ("Memory per document").
func BenchmarkIndexLargeDocument(b *testing.B) {
	for _, via := range []string{"files", "web"} {
		for _, kind := range []string{"txt", "html"} {
			b.Run(via+"/"+kind, func(b *testing.B) { benchmarkLargeDocument(b, via, kind) })
		}
	}
}

func benchmarkLargeDocument(b *testing.B, via, kind string) {
	path := writeLargeDocument(b, b.TempDir(), kind, largeDocSize)
	const mib = 1 << 20
	var peak, alloc float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u := runLargeDocProcess(b, path, via)
		peak += float64(u.AboveBaseline()) / mib
		alloc += float64(u.Allocated) / mib
	}
	n, size := float64(b.N), float64(largeDocSize)/mib
	b.ReportMetric(peak/n/size, "RSS-MiB/MiB")
	b.ReportMetric(peak/n, "peak-RSS-MiB")
	b.ReportMetric(alloc/n/size, "alloc-MiB/MiB")
}
