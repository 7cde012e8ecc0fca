package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
)

// webTestPage is one resource of a test web site.
type webTestPage struct {
	status      int               // default 200
	contentType string            // default "text/html; charset=utf-8"
	body        string            // the body
	size        int               // if > 0, the body is body repeated to this many bytes
	header      map[string]string // extra response headers
	redirect    string            // if set, a redirect (301 unless status says) to this location
	hang        bool              // block until the client goes away
}

// webTestSite is an httptest server serving generated pages, counting hits by
// path and recording every User-Agent it sees.
type webTestSite struct {
	*httptest.Server
	mu     sync.Mutex
	pages  map[string]webTestPage
	hits   map[string]int
	sent   map[string]int64 // body bytes written, by path
	agents map[string]bool
}

// newWebTestSite starts a site serving pages (by path; "/robots.txt" too) and
// closes it at the end of the test. Unknown paths get a 404.
func newWebTestSite(t *testing.T, pages map[string]webTestPage) *webTestSite {
	t.Helper()
	s := &webTestSite{pages: pages, hits: make(map[string]int), sent: make(map[string]int64), agents: make(map[string]bool)}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *webTestSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	s.agents[r.UserAgent()] = true
	p, ok := s.pages[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if p.hang {
		<-r.Context().Done()
		return
	}
	if p.redirect != "" {
		code := http.StatusMovedPermanently
		if p.status != 0 {
			code = p.status
		}
		http.Redirect(w, r, p.redirect, code)
		return
	}
	ct := p.contentType
	if ct == "" {
		ct = "text/html; charset=utf-8"
	}
	if ct != "-" {
		w.Header().Set("Content-Type", ct)
	}
	for k, v := range p.header {
		w.Header().Set(k, v)
	}
	status := p.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if p.size > 0 {
		chunk := []byte(p.body)
		for n := 0; n < p.size; n += len(chunk) {
			k, err := w.Write(chunk)
			s.mu.Lock()
			s.sent[r.URL.Path] += int64(k)
			s.mu.Unlock()
			if err != nil {
				return // the client stopped reading
			}
		}
		return
	}
	io.WriteString(w, p.body)
}

// hitsOf returns how many requests path received.
func (s *webTestSite) hitsOf(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

// sentOf returns how many body bytes were written for path (pages with
// a size only).
func (s *webTestSite) sentOf(path string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sent[path]
}

// pageHits returns the number of requests to pages, robots.txt excluded.
func (s *webTestSite) pageHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for p, h := range s.hits {
		if p != "/robots.txt" {
			n += h
		}
	}
	return n
}

// userAgents returns the distinct User-Agent values seen.
func (s *webTestSite) userAgents() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for a := range s.agents {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// webHTMLPage builds an HTML page with a title, a paragraph of text and
// links.
func webHTMLPage(title, text string, links ...string) webTestPage {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1><p>%s</p><ul>", title, title, text)
	for _, l := range links {
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, l, l)
	}
	b.WriteString("</ul></body></html>")
	return webTestPage{body: b.String()}
}

// webFixture reads a file of testdata/web.
func webFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "web", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// webMemSink is an in-memory Sink that records what it is given.
type webMemSink struct {
	mu        sync.Mutex
	docs      map[string]index.Document
	batches   []int             // sizes of the Index calls
	known     map[string]string // content hash -> ID, as if already indexed
	indexErr  error             // returned by Index when set
	lookupErr error             // returned by LookupHash when set
}

func newWebMemSink() *webMemSink {
	return &webMemSink{docs: make(map[string]index.Document), known: make(map[string]string)}
}

func (m *webMemSink) Index(ctx context.Context, docs []index.Document) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.indexErr != nil {
		return m.indexErr
	}
	m.batches = append(m.batches, len(docs))
	for _, d := range docs {
		m.docs[d.ID] = d
		m.known[d.Hash] = d.ID
	}
	return nil
}

func (m *webMemSink) Delete(ctx context.Context, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		delete(m.docs, id)
	}
	return nil
}

func (m *webMemSink) MetaByPrefix(ctx context.Context, prefix string) ([]index.Meta, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []index.Meta
	for _, d := range m.docs {
		if strings.HasPrefix(d.URL, prefix) {
			out = append(out, index.Meta{ID: d.ID, URL: d.URL, Source: d.Source, Modified: d.Modified, Size: d.Size, Hash: d.Hash})
		}
	}
	return out, nil
}

func (m *webMemSink) LookupHash(ctx context.Context, hash, source string) (string, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lookupErr != nil {
		return "", false, m.lookupErr
	}
	id, ok := m.known[hash]
	return id, ok, nil
}

// urls returns the sorted URLs of the documents indexed.
func (m *webMemSink) urls() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for _, d := range m.docs {
		out = append(out, d.URL)
	}
	sort.Strings(out)
	return out
}

// doc returns the document with ID id.
func (m *webMemSink) doc(id string) (index.Document, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.docs[id]
	return d, ok
}

// fastWebConfig is a WebConfig for tests: no real delay, short timeouts.
func fastWebConfig() WebConfig {
	cfg := DefaultWebConfig()
	cfg.Delay = time.Millisecond
	cfg.RequestTimeout = 5 * time.Second
	return cfg
}

// crawlWebSite crawls site from seed paths with cfg and fails the test on a
// Crawl error.
func crawlWebSite(t *testing.T, site *webTestSite, sink *webMemSink, cfg WebConfig, paths ...string) WebReport {
	t.Helper()
	seeds := make([]string, len(paths))
	for i, p := range paths {
		seeds[i] = site.URL + p
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rep, err := Crawl(ctx, sink, cfg, seeds...)
	if err != nil {
		t.Fatalf("Crawl: %v (report %+v)", err, rep)
	}
	return rep
}

// webErrorStatuses returns the HTTP statuses of the report's errors by URL
// path.
func webErrorStatuses(t *testing.T, rep WebReport) map[string]int {
	t.Helper()
	out := make(map[string]int)
	for _, e := range rep.Errors {
		i := strings.Index(e.URL, "//")
		path := e.URL
		if i >= 0 {
			if j := strings.IndexByte(e.URL[i+2:], '/'); j >= 0 {
				path = e.URL[i+2+j:]
			}
		}
		out[path] = e.Status
		if e.Err == nil || !errors.Is(e, e.Err) {
			t.Errorf("PageError for %s does not unwrap to its cause", e.URL)
		}
	}
	return out
}

// fullyLinkedSite is an index page linking n pages that all link to each
// other, so a crawl's frontier never runs dry; topic is woven into every
// page's text.
func fullyLinkedSite(n int, topic string) map[string]webTestPage {
	pages := map[string]webTestPage{}
	var all []string
	for i := range n {
		all = append(all, fmt.Sprintf("/p%d", i))
	}
	pages["/"] = webHTMLPage("Index", strings.TrimSpace("the index page "+topic), all...)
	for i, p := range all {
		pages[p] = webHTMLPage(fmt.Sprintf("Page %d", i), strings.TrimSpace(topic+" text of page number "+fmt.Sprint(i)), all...)
	}
	return pages
}
