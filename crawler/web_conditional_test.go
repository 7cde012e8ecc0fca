package crawler

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
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

// answers is how many full answers and 304s a path of a condSite has
// given since the test began.
type answers struct {
	path         string
	full, not304 int
}

// expect checks the answers each path has given.
func (s *condSite) expect(t *testing.T, want []answers) {
	t.Helper()
	for _, w := range want {
		if full, not := s.counts(w.path); full != w.full || not != w.not304 {
			t.Errorf("%s: %d full answers and %d 304s, want %d and %d", w.path, full, not, w.full, w.not304)
		}
	}
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
// neither validator is downloaded again. The home page, an inner page,
// is asked for conditionally too: its links are stored with it.
func TestRecrawlUsesConditionalRequests(t *testing.T) {
	ctx := context.Background()
	ix := tempIndex(t)
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
	if rep.Unchanged != 3 || rep.Indexed != 2 || len(rep.Errors) != 0 {
		t.Errorf("re-crawl: %+v, want home, numbat and quoll unchanged; bilby and dunnart indexed", rep)
	}
	site.expect(t, []answers{
		{"/", 1, 1},        // an inner page: its links are stored
		{"/bilby", 2, 0},   // changed: If-None-Match did not match
		{"/numbat", 1, 1},  // If-Modified-Since
		{"/quoll", 1, 1},   // If-None-Match with a weak tag
		{"/dunnart", 2, 0}, // no validator to send
	})
	bilby, _, err := ix.Get(ctx, site.URL+"/bilby")
	if err != nil || !strings.Contains(bilby.Body, "spiral") || bilby.ETag != `"bilby-2"` {
		t.Errorf("bilby after the re-crawl: %q, ETag %q, %v", bilby.Body, bilby.ETag, err)
	}
	numbat, ok, err := ix.Get(ctx, site.URL+"/numbat")
	if err != nil || !ok || !strings.Contains(numbat.Body, "termites") || !numbat.Modified.Equal(old) {
		t.Errorf("numbat kept after a 304: %v %+v %v", ok, numbat, err)
	}
}

// site3 is a three-level site: home links to two sections, each section
// to its pages. Every page has an ETag; the section pages also have a
// Last-Modified time.
func site3(old time.Time) map[string]condPage {
	page := func(title, text string, links ...string) string {
		var sb strings.Builder
		sb.WriteString("<html><head><title>" + title + "</title></head><body><p>" + text + "</p>")
		for _, l := range links {
			sb.WriteString(`<a href="` + l + `">` + l + `</a> `)
		}
		sb.WriteString("</body></html>")
		return sb.String()
	}
	return map[string]condPage{
		"/robots.txt":  {body: ""},
		"/":            {body: page("Fauna", "Australian fauna.", "/birds", "/fish"), etag: `"home-1"`},
		"/birds":       {body: page("Birds", "Birds of the coast.", "/birds/emu", "/birds/galah"), etag: `"birds-1"`, modified: old},
		"/fish":        {body: page("Fish", "Fish of the reef.", "/fish/wrasse"), etag: `"fish-1"`, modified: old},
		"/birds/emu":   {body: page("Emu", "The emu cannot fly."), etag: `"emu-1"`},
		"/birds/galah": {body: page("Galah", "The galah is a pink cockatoo."), etag: `"galah-1"`},
		"/fish/wrasse": {body: page("Wrasse", "The wrasse cleans other fish."), modified: old},
	}
}

// A re-crawl of an unchanged site downloads no page in full: every page,
// inner ones included, answers 304, and the crawl reaches the pages below
// through the links stored with their parents. When an inner page changes,
// it is downloaded again, its new links are followed and the links it
// dropped are not.
func TestRecrawlFollowsStoredLinksOfUnchangedPages(t *testing.T) {
	ctx := context.Background()
	ix := tempIndex(t)
	site := newCondSite(t, site3(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)))
	pages := []string{"/", "/birds", "/fish", "/birds/emu", "/birds/galah", "/fish/wrasse"}
	cfg := fastWebConfig()
	cfg.MaxDepth = 3
	rep, err := Crawl(ctx, ix, cfg, site.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != len(pages) || rep.Fetched != len(pages) {
		t.Fatalf("first crawl: %+v, want %d pages fetched and indexed", rep, len(pages))
	}
	home, _, err := ix.Get(ctx, site.URL+"/")
	if err != nil || !slices.Equal(home.Links, []string{site.URL + "/birds", site.URL + "/fish"}) {
		t.Fatalf("home's stored links: %q, %v", home.Links, err)
	}
	emu, _, err := ix.Get(ctx, site.URL+"/birds/emu")
	if err != nil || emu.Links == nil || len(emu.Links) != 0 {
		t.Fatalf("a page without links is stored with an empty list, not none: %#v, %v", emu.Links, err)
	}

	// Nothing changed: every page answers 304, none is downloaded.
	rep, err = Crawl(ctx, ix, cfg, site.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != len(pages) || rep.Fetched != len(pages) || rep.Indexed != 0 || len(rep.Errors) != 0 {
		t.Errorf("unchanged re-crawl: %+v, want all %d pages unchanged, none indexed", rep, len(pages))
	}
	for _, p := range pages {
		if full, not := site.counts(p); full != 1 || not != 1 {
			t.Errorf("%s: %d full answers and %d 304s, want 1 and 1", p, full, not)
		}
		if _, ok, err := ix.Get(ctx, site.URL+p); err != nil || !ok {
			t.Errorf("%s is no longer in the index after a 304: %v %v", p, ok, err)
		}
	}

	// The birds section drops the galah and links to a new kookaburra page.
	site.set("/birds", condPage{body: `<html><head><title>Birds</title></head><body><p>Birds of the coast.</p>` +
		`<a href="/birds/emu">emu</a> <a href="/birds/kookaburra">kookaburra</a></body></html>`, etag: `"birds-2"`})
	site.set("/birds/kookaburra", condPage{body: `<html><head><title>Kookaburra</title></head><body><p>The kookaburra laughs.</p></body></html>`, etag: `"kookaburra-1"`})
	rep, err = Crawl(ctx, ix, cfg, site.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 2 || rep.Unchanged != 4 || len(rep.Errors) != 0 {
		t.Errorf("re-crawl after a change: %+v, want birds and kookaburra indexed; home, fish, emu and wrasse unchanged", rep)
	}
	site.expect(t, []answers{
		{"/", 1, 2},
		{"/birds", 2, 1},            // changed: downloaded again
		{"/birds/kookaburra", 1, 0}, // its new link, followed
		{"/birds/galah", 1, 1},      // its dropped link, not asked for
		{"/birds/emu", 1, 2},
		{"/fish/wrasse", 1, 2}, // If-Modified-Since alone
	})
	birds, _, err := ix.Get(ctx, site.URL+"/birds")
	if err != nil || !slices.Equal(birds.Links, []string{site.URL + "/birds/emu", site.URL + "/birds/kookaburra"}) {
		t.Errorf("birds' links after the change: %q, %v", birds.Links, err)
	}
}

// A page stored without its links (by a crawl before links were kept) is
// downloaded in full when it is an inner page, so the pages below it are
// still reached; at the depth limit it is asked for conditionally.
func TestRecrawlDownloadsInnerPagesStoredWithoutLinks(t *testing.T) {
	ctx := context.Background()
	ix := tempIndex(t)
	site := newCondSite(t, site3(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)))
	cfg := fastWebConfig()
	cfg.MaxDepth = 2
	if _, err := Crawl(ctx, ix, cfg, site.URL+"/"); err != nil {
		t.Fatal(err)
	}
	// Forget the links stored with every page, as an older crawl stored them.
	for _, p := range []string{"/", "/birds", "/fish"} {
		d, ok, err := ix.Get(ctx, site.URL+p)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", p, ok, err)
		}
		d.Links = nil
		if err := ix.Index(ctx, []index.Document{d}); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Crawl(ctx, ix, cfg, site.URL+"/")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Unchanged != 2 || rep.Fetched != 3 {
		t.Errorf("re-crawl: %+v, want the two sections unchanged, home downloaded", rep)
	}
	if full, not := site.counts("/"); full != 2 || not != 0 {
		t.Errorf("home: %d full answers and %d 304s, want 2 and 0", full, not)
	}
	home, _, err := ix.Get(ctx, site.URL+"/")
	if err != nil || len(home.Links) != 2 {
		t.Errorf("home's links are stored again by the download: %q, %v", home.Links, err)
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
