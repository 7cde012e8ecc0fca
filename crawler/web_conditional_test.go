package crawler

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
)

// condSite is a web site that honours conditional requests the way
// net/http's ServeContent does (If-None-Match against the ETag, else
// If-Modified-Since against the modification time), and counts, by path,
// the full answers (200 with a body) and the 304s.
type condSite struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]condPage
	full  map[string]int
	not   map[string]int
}

type condPage struct {
	body     string
	etag     string    // "" sends none
	modified time.Time // zero sends no Last-Modified
}

func newCondSite(t *testing.T, pages map[string]condPage) *condSite {
	s := &condSite{pages: pages, full: map[string]int{}, not: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		p, ok := s.pages[r.URL.Path]
		s.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p.etag != "" {
			w.Header().Set("ETag", p.etag)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		rec := &statusRecorder{ResponseWriter: w}
		http.ServeContent(rec, r, "", p.modified, strings.NewReader(p.body))
		s.mu.Lock()
		if rec.status == http.StatusNotModified {
			s.not[r.URL.Path]++
		} else {
			s.full[r.URL.Path]++
		}
		s.mu.Unlock()
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *condSite) set(path string, p condPage) {
	s.mu.Lock()
	s.pages[path] = p
	s.mu.Unlock()
}

func (s *condSite) counts(path string) (full, notModified int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.full[path], s.not[path]
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// A re-crawl asks for the pages it holds with If-None-Match /
// If-Modified-Since: a 304 keeps the stored page (counted unchanged, not
// downloaded); a changed page is downloaded and re-indexed; a page with
// neither validator is downloaded again. Inner pages (whose links the
// crawl follows) are always downloaded.
func TestRecrawlUsesConditionalRequests(t *testing.T) {
	ctx := context.Background()
	ix, err := index.Open(filepath.Join(t.TempDir(), "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	old := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	site := newCondSite(t, map[string]condPage{
		"/robots.txt": {body: ""},
		"/": {body: `<html><head><title>Home</title></head><body><p>Marsupials of the bush.</p>` +
			`<a href="/bilby">bilby</a> <a href="/numbat">numbat</a> <a href="/quoll">quoll</a> <a href="/dunnart">dunnart</a></body></html>`,
			etag: `"home-1"`},
		"/bilby":   {body: `<html><head><title>Bilby</title></head><body><p>The bilby digs burrows.</p></body></html>`, etag: `"bilby-1"`},
		"/numbat":  {body: `<html><head><title>Numbat</title></head><body><p>The numbat eats termites.</p></body></html>`, modified: old},
		"/quoll":   {body: `<html><head><title>Quoll</title></head><body><p>The quoll hunts at night.</p></body></html>`, etag: `W/"quoll-1"`, modified: old},
		"/dunnart": {body: `<html><head><title>Dunnart</title></head><body><p>The dunnart is small.</p></body></html>`},
	})
	cfg := fastWebConfig()
	cfg.MaxDepth = 2
	rep, err := Crawl(ctx, ix, cfg, site.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 5 || rep.Unchanged != 0 {
		t.Fatalf("first crawl: %+v, want 5 indexed", rep)
	}
	stored, _, err := ix.Get(ctx, site.URL+"/bilby")
	if err != nil || stored.ETag != `"bilby-1"` {
		t.Fatalf("stored bilby: ETag %q %v", stored.ETag, err)
	}

	// The bilby page changes (new ETag); the others do not.
	site.set("/bilby", condPage{body: `<html><head><title>Bilby</title></head><body><p>The bilby digs spiral burrows.</p></body></html>`, etag: `"bilby-2"`})
	rep, err = Crawl(ctx, ix, cfg, site.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 2 || rep.Indexed != 3 || len(rep.Errors) != 0 {
		t.Errorf("re-crawl: %+v, want numbat and quoll unchanged; home, bilby and dunnart indexed", rep)
	}
	for _, c := range []struct {
		path         string
		full, not304 int
	}{
		{"/", 2, 0},        // an inner page: its links are needed
		{"/bilby", 2, 0},   // changed: If-None-Match did not match
		{"/numbat", 1, 1},  // If-Modified-Since
		{"/quoll", 1, 1},   // If-None-Match with a weak tag
		{"/dunnart", 2, 0}, // no validator to send
	} {
		if full, not := site.counts(c.path); full != c.full || not != c.not304 {
			t.Errorf("%s: %d full answers and %d 304s, want %d and %d", c.path, full, not, c.full, c.not304)
		}
	}
	bilby, _, err := ix.Get(ctx, site.URL+"/bilby")
	if err != nil || !strings.Contains(bilby.Body, "spiral") || bilby.ETag != `"bilby-2"` {
		t.Errorf("bilby after the re-crawl: %q, ETag %q, %v", bilby.Body, bilby.ETag, err)
	}
	numbat, ok, err := ix.Get(ctx, site.URL+"/numbat")
	if err != nil || !ok || !strings.Contains(numbat.Body, "termites") || !numbat.Modified.Equal(old) {
		t.Errorf("numbat kept after a 304: %v %+v %v", ok, numbat, err)
	}
}

// Validators a server sends are kept only when they are sane: an ETag of
// printable ASCII within maxETagBytes, a Last-Modified that parses and is
// not in the future.
func TestValidatorsFromHostileHeaders(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name, etag, want string
	}{
		{"strong", `"abc"`, `"abc"`},
		{"weak", `W/"abc"`, `W/"abc"`},
		{"too long", `"` + string(bytes.Repeat([]byte("a"), maxETagBytes)) + `"`, ""},
		{"control character", "\"a\x01b\"", ""},
		{"non-ascii", `"é"`, ""},
	} {
		h := http.Header{}
		h.Set("ETag", c.etag)
		if got := validETag(&h); got != c.want {
			t.Errorf("%s: validETag = %q, want %q", c.name, got, c.want)
		}
	}
	for _, c := range []struct {
		name, lm string
		want     time.Time
	}{
		{"valid", "Sun, 01 Mar 2026 12:00:00 GMT", time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)},
		{"future", "Mon, 01 Jun 2099 12:00:00 GMT", time.Time{}},
		{"garbage", "yesterday", time.Time{}},
	} {
		h := http.Header{}
		h.Set("Last-Modified", c.lm)
		if got := lastModified(&h, now); !got.Equal(c.want) {
			t.Errorf("%s: lastModified = %v, want %v", c.name, got, c.want)
		}
	}
}
