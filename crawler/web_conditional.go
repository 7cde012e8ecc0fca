package crawler

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/p2pir/p2pir/index"
)

// DocGetter is what a Sink may also offer (index.Index does): the stored
// document of an ID. A web crawl into such a sink asks the server whether
// a page it already holds has changed (a conditional request) instead of
// downloading it again; see Crawl.
type DocGetter interface {
	// Get returns the stored document with this ID; ok is false when
	// there is none.
	Get(ctx context.Context, id string) (doc index.Document, ok bool, err error)
}

// maxETagBytes is the longest entity tag stored and sent back: a server
// is free to send anything, and a tag of megabytes is not kept.
const maxETagBytes = 256

// conditionalHeaders adds If-None-Match and If-Modified-Since to r when
// the sink holds the page it asks for with validators (an ETag, or a
// modification time from Last-Modified), and either the page is a leaf of
// the crawl (at the depth limit, where its links would not be followed) or
// the sink holds its links too (Document.Links). A 304 then keeps the
// stored page, and the crawl goes on from its stored links (see
// notModified). A page stored without its links (by an older crawl) is
// downloaded in full above the depth limit: a 304 for it would stop the
// crawl below it.
func (w *webCrawl) conditionalHeaders(r *colly.Request) {
	getter, ok := w.sink.(DocGetter)
	if !ok {
		return
	}
	id, err := pageCanonical(r.URL, nil)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(w.ctx, webSinkTimeout)
	doc, found, err := getter.Get(ctx, index.DocID(id))
	cancel()
	if err != nil || !found || doc.Source != index.SourceWeb || doc.URL != id {
		return // a failed look-up costs a download, never the page
	}
	if doc.ETag == "" && doc.Modified.IsZero() {
		return
	}
	if r.Depth < w.cfg.MaxDepth && doc.Links == nil {
		return
	}
	if doc.ETag != "" {
		r.Headers.Set("If-None-Match", doc.ETag)
	}
	if !doc.Modified.IsZero() {
		r.Headers.Set("If-Modified-Since", doc.Modified.UTC().Format(http.TimeFormat))
	}
	w.mu.Lock()
	w.storedLinks[r.ID] = doc.Links
	w.mu.Unlock()
}

// takeStoredLinks returns and forgets the stored links of the page r asked
// for conditionally; nil when it was not asked for so.
func (w *webCrawl) takeStoredLinks(r *colly.Request) []string {
	if r == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	links := w.storedLinks[r.ID]
	delete(w.storedLinks, r.ID)
	return links
}

// pageLinks is the stored form of a page's links (Document.Links): at
// most index.MaxLinks of them, longer ones (beyond index.MaxLinkBytes)
// left out, never nil, so that a page without links is told apart from
// one whose links were not recorded.
func pageLinks(links []*url.URL) []string {
	out := make([]string, 0, min(len(links), index.MaxLinks))
	for _, l := range links {
		if len(out) == index.MaxLinks {
			break
		}
		s := l.String()
		if len(s) > index.MaxLinkBytes || strings.ContainsAny(s, "\r\n") {
			continue
		}
		out = append(out, s)
	}
	return out
}

// validETag returns the ETag header of a response if it is one the crawl
// keeps: printable ASCII, at most maxETagBytes; "" otherwise.
func validETag(h *http.Header) string {
	tag := h.Get("ETag")
	if len(tag) == 0 || len(tag) > maxETagBytes {
		return ""
	}
	for i := 0; i < len(tag); i++ {
		if tag[i] < 0x21 || tag[i] > 0x7e {
			return ""
		}
	}
	return tag
}

// lastModified parses a Last-Modified header; zero when it is missing,
// does not parse, or lies in the future (a server's clock can be wrong,
// and a future time would make every If-Modified-Since answer "not
// modified").
func lastModified(h *http.Header, now time.Time) time.Time {
	lm := h.Get("Last-Modified")
	if lm == "" {
		return time.Time{}
	}
	t, err := http.ParseTime(lm)
	if err != nil || t.After(now.Add(time.Minute)) {
		return time.Time{}
	}
	return t.UTC()
}

// notModified handles a 304 answer: the page the sink holds is current,
// it counts as unchanged, and the crawl follows the links stored with it
// (as it would those of a downloaded page: the same depth, budget, domain
// and robots.txt checks). It reports whether r was such an answer. The
// stored links were written by this crawler from a page it parsed, but
// each is parsed again and only http and https URLs are followed.
func (w *webCrawl) notModified(r *colly.Response) bool {
	if r.StatusCode != http.StatusNotModified || r.Request == nil || r.Request.Headers == nil {
		return false
	}
	h := r.Request.Headers
	if h.Get("If-None-Match") == "" && h.Get("If-Modified-Since") == "" {
		return false // a 304 the crawl did not ask for is an error
	}
	links := w.takeStoredLinks(r.Request)
	w.mu.Lock()
	w.report.Unchanged++
	w.mu.Unlock()
	w.markSeen(r.Request.URL)
	for _, s := range links {
		u, err := url.Parse(s)
		if err != nil || !isWebScheme(u.Scheme) || u.Hostname() == "" {
			continue
		}
		w.follow(r.Request, u)
	}
	return true
}
