package crawler

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/canonurl"
	"github.com/p2pir/p2pir/internal/netguard"
	"github.com/p2pir/p2pir/internal/textextract"
)

// webSinkTimeout bounds each call to the sink. Sink calls do not stop when
// the crawl is cancelled, so pages already fetched are not lost; this
// deadline keeps a stuck sink from holding the crawl forever.
const webSinkTimeout = 30 * time.Second

// Crawl fetches the web from seeds with colly and hands the pages to sink
// as index documents (Source index.SourceWeb), in batches of
// cfg.BatchSize. It returns when the crawl is done, its budget spent, or
// ctx cancelled.
//
// Politeness: robots.txt is obeyed (unless cfg.IgnoreRobots), as are
// "noindex"/"nofollow" in <meta name="robots"> and X-Robots-Tag, and
// rel="nofollow" on links; each host gets at most cfg.Parallelism
// concurrent requests, started at least cfg.Delay apart; only
// cfg.AllowedDomains (default: the seeds' hosts, each with its "www."
// twin) are visited; the user agent is cfg.UserAgent.
//
// Budgets: links are followed cfg.MaxDepth deep (seeds are depth 1); at
// most cfg.MaxPages page requests are made; bodies are cut at
// cfg.MaxBodySize bytes; each request, robots.txt included, has
// cfg.RequestTimeout.
//
// Addresses: the seeds are the person's, so their host and port may be on
// any address; every other connection, for links, redirects and
// robots.txt alike, is refused when the address it resolves to at dial
// time is loopback, private, link-local or otherwise not public (see
// netguard), unless cfg.AllowPrivate. A refused link is listed in the
// report's errors.
//
// Pages: redirects are followed (robots.txt is checked for each hop's
// target) and the final URL is the page's URL. HTML
// and plain-text responses are indexed; other content types are skipped
// after their headers, without reading their body. A page's ID and URL are
// its canonical URL (canonurl): its <link rel="canonical"> if on the same
// site, else its final URL. Links are the <a>/<area> hrefs, resolved
// against the page (or its <base>), http and https only; a link whose
// canonurl.DedupKey was seen before is not fetched again. A page whose
// canonical URL or content hash (index.ContentHash of title and text) was
// already indexed in this crawl, or whose hash the sink already holds
// under another ID, is counted as a duplicate and not indexed.
//
// Re-crawls: every page is stored with its links (Document.Links, at most
// index.MaxLinks). When the sink can return a stored page (DocGetter, as
// index.Index does), a page that the sink holds with an ETag or a
// Last-Modified time is asked for conditionally (If-None-Match,
// If-Modified-Since); a 304 answer keeps the stored page as it is, counts
// as unchanged, and the crawl goes on from the stored links. A page stored
// without links (by an older crawl) is asked for conditionally only at the
// depth limit, and downloaded in full above it.
//
// Errors on single pages (HTTP errors, timeouts, bad content) are listed
// in the report and the crawl goes on. Crawl returns an error for bad
// arguments, when the sink fails (the crawl then stops), and when ctx is
// done; the report is filled in up to that point in every case, and
// documents already extracted are still handed to the sink. Cancellation
// also stops requests in flight and robots.txt fetches.
func Crawl(ctx context.Context, sink Sink, cfg WebConfig, seeds ...string) (WebReport, error) {
	if sink == nil {
		return WebReport{}, errors.New("crawler: Crawl: nil sink")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return WebReport{}, err
	}
	seedURLs, err := parseSeeds("Crawl", seeds)
	if err != nil {
		return WebReport{}, err
	}
	hosts, err := allowedHosts(cfg.AllowedDomains, seedURLs)
	if err != nil {
		return WebReport{}, err
	}

	crawlCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newWebCrawl(cfg, sink, crawlCtx, cancel)
	transport := newCrawlTransport(crawlCtx, netguard.Policy{AllowPrivate: cfg.AllowPrivate, Trusted: hostPorts(seedURLs)})
	defer transport.close()
	c, err := w.collector(hosts, transport)
	if err != nil {
		return WebReport{}, err
	}

	for _, u := range seedURLs {
		if w.ctx.Err() != nil {
			break
		}
		if !w.markSeen(u) {
			continue
		}
		if err := c.Visit(u.String()); err != nil {
			w.visitFailed(u.String(), err, true)
		}
	}
	c.Wait()

	w.flush(w.takeAll())

	w.mu.Lock()
	defer w.mu.Unlock()
	report := w.report
	if w.sinkErr != nil {
		return report, fmt.Errorf("crawler: web crawl stopped: sink: %w", w.sinkErr)
	}
	if err := ctx.Err(); err != nil {
		return report, fmt.Errorf("crawler: web crawl stopped: %w", err)
	}
	return report, nil
}

// newWebCrawl is the state of one crawl (web or focused) over crawlCtx.
func newWebCrawl(cfg WebConfig, sink Sink, crawlCtx context.Context, cancel context.CancelFunc) *webCrawl {
	return &webCrawl{
		cfg:      cfg,
		sink:     sink,
		ctx:      crawlCtx,
		cancel:   cancel,
		pacer:    newHostPacer(cfg.Delay),
		seen:     make(map[string]bool),
		noRobots: make(map[string]bool),
		ids:      make(map[string]bool),
		hashes:   make(map[string]string),

		storedLinks: make(map[uint32][]string),
	}
}

// parseSeeds checks a crawl's seed URLs; fn names the crawl in errors.
func parseSeeds(fn string, seeds []string) ([]*url.URL, error) {
	if len(seeds) == 0 {
		return nil, fmt.Errorf("crawler: %s: no seed URL", fn)
	}
	out := make([]*url.URL, 0, len(seeds))
	for _, s := range seeds {
		u, err := parseSeed(s)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// hostPorts returns the host:port of each URL, as netguard.Policy lists
// them.
func hostPorts(us []*url.URL) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = netguard.HostPort(u)
	}
	return out
}

// parseSeed checks that s is an absolute http(s) URL and returns it
// without fragment.
func parseSeed(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("crawler: seed %q: %w", s, err)
	}
	if !isWebScheme(strings.ToLower(u.Scheme)) || u.Hostname() == "" {
		return nil, fmt.Errorf("crawler: seed %q is not an absolute http or https URL", s)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

// webCrawl is the state of one Crawl call, shared by colly's goroutines.
type webCrawl struct {
	cfg    WebConfig
	sink   Sink
	ctx    context.Context
	cancel context.CancelFunc
	pacer  *hostPacer

	mu        sync.Mutex // guards the fields below
	report    WebReport
	requested int               // page requests started (the budget)
	seen      map[string]bool   // canonurl.DedupKey of URLs queued or fetched
	noRobots  map[string]bool   // hosts whose robots.txt could not be fetched
	ids       map[string]bool   // document IDs indexed (or being indexed)
	hashes    map[string]string // content hash -> document ID, this crawl
	pending   []index.Document  // documents waiting for a batch
	sinkErr   error             // first sink failure
	// storedLinks holds, by request ID, the links the sink stored with a
	// page asked for conditionally, until its answer comes (see
	// conditionalHeaders); at most one entry per page request.
	storedLinks map[uint32][]string

	flushMu sync.Mutex // serialises sink.Index calls
}

// collector builds the colly collector of the crawl.
func (w *webCrawl) collector(hosts []string, transport http.RoundTripper) (*colly.Collector, error) {
	c := w.baseCollector(hosts, transport)
	c.MaxDepth = w.cfg.MaxDepth
	c.Async = true
	for _, h := range hosts {
		// The delay is not given to colly: its LimitRule sleeps without
		// looking at the context; hostPacer does the same job and stops
		// when the crawl is cancelled.
		rule := &colly.LimitRule{DomainRegexp: hostPattern(h), Parallelism: w.cfg.Parallelism}
		if err := c.Limit(rule); err != nil {
			return nil, fmt.Errorf("crawler: limit rule for %q: %w", h, err)
		}
	}
	c.OnRequest(w.onRequest)
	c.OnRequestHeaders(w.onRequestHeaders)
	c.OnResponseHeaders(w.onResponseHeaders)
	c.OnResponse(w.onResponse)
	c.OnError(w.onError)
	return c, nil
}

// baseCollector builds a synchronous colly collector with the settings of
// w.cfg every crawl shares (user agent, body cap, robots.txt, timeout, no
// cache, no request limit, w.ctx), visiting only hosts (any host when
// empty), and no callbacks. Fields are set after NewCollector so that
// COLLY_* environment variables cannot override them.
func (w *webCrawl) baseCollector(hosts []string, transport http.RoundTripper) *colly.Collector {
	c := colly.NewCollector()
	c.WithTransport(transport)
	c.UserAgent = w.cfg.UserAgent
	c.MaxDepth = 0
	c.AllowedDomains = hosts
	c.MaxBodySize = w.cfg.MaxBodySize
	c.IgnoreRobotsTxt = w.cfg.IgnoreRobots
	c.Async = false
	c.Context = w.ctx
	c.MaxRequests = 0
	c.CacheDir = ""
	c.ParseHTTPErrorResponse = false
	c.SetRequestTimeout(w.cfg.RequestTimeout)
	c.SetRedirectHandler(newRedirectGuard(w.cfg, transport).check)
	return c
}

// onRequest enforces the page budget and stops new requests once the crawl
// is cancelled. It runs before the request waits for its host's turn.
func (w *webCrawl) onRequest(r *colly.Request) {
	if w.ctx.Err() != nil {
		r.Abort()
		return
	}
	w.mu.Lock()
	if w.requested >= w.cfg.MaxPages {
		w.mu.Unlock()
		r.Abort()
		return
	}
	w.requested++
	w.mu.Unlock()
	w.conditionalHeaders(r)
}

// onRequestHeaders runs when the request holds one of its host's
// Parallelism slots, just before it is sent: it waits for the host's
// delay.
func (w *webCrawl) onRequestHeaders(r *colly.Request) {
	if err := w.pacer.wait(w.ctx, r.URL.Host); err != nil {
		r.Abort()
	}
}

// onResponseHeaders counts the response and aborts the download of a
// successful response whose declared content type is not indexed.
func (w *webCrawl) onResponseHeaders(r *colly.Response) {
	w.mu.Lock()
	w.report.Fetched++
	w.progressLocked(r.Request.URL.String())
	w.mu.Unlock()
	if r.StatusCode < 200 || r.StatusCode > 299 {
		return
	}
	if ct := r.Headers.Get("Content-Type"); ct != "" && webPageKind(ct) == webKindOther {
		r.Request.Abort()
	}
}

// onError sorts failures: our own aborts and cancellation are not page
// errors, a redirect to a page already fetched is a duplicate, the rest
// is listed in the report.
func (w *webCrawl) onError(r *colly.Response, err error) {
	if w.notModified(r) {
		return
	}
	w.takeStoredLinks(r.Request)
	u := ""
	if r.Request != nil && r.Request.URL != nil {
		u = r.Request.URL.String()
	}
	var visited *colly.AlreadyVisitedError
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case errors.Is(err, colly.ErrAbortedAfterHeaders) && w.ctx.Err() == nil:
		w.report.Skipped++ // content type not indexed
	case errors.Is(err, colly.ErrAbortedAfterHeaders), errors.Is(err, colly.ErrAbortedBeforeRequest):
		// The crawl was cancelled.
	case errors.As(err, &visited):
		w.report.Duplicates++
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		w.report.Skipped++ // a redirect to a path robots.txt disallows
	case w.ctx.Err() != nil && errors.Is(err, w.ctx.Err()):
		// A request cut short by cancellation.
	default:
		w.report.Errors = append(w.report.Errors, PageError{URL: u, Status: r.StatusCode, Err: err})
	}
}

// onResponse handles a successful response: HTML and plain text are
// indexed, and HTML links followed.
func (w *webCrawl) onResponse(r *colly.Response) {
	w.takeStoredLinks(r.Request)
	page, doc := w.readResponse(r)
	for _, link := range page.links {
		w.follow(r.Request, link)
	}
	if doc != nil {
		w.index(*doc, page.final.String())
	}
}

// pageRead is what a crawl learns from one successful response.
type pageRead struct {
	// final is the URL the page was fetched from, after redirects.
	final *url.URL
	// links are the page's links to follow: none when the page says
	// nofollow (and robots directives are obeyed) or is not HTML.
	links []*url.URL
	// anchors holds the anchor text of each link (see pageInfo.anchors).
	anchors []string
	// title and text are the extracted text of the page; both are empty
	// when the page was not read for text (noindex, skipped, failed).
	title, text string
}

// readResponse reads a successful response: HTML and plain text are
// extracted into the document to index (nil when there is none: the page
// says noindex, has no text or failed, which is counted in the report),
// anything else is skipped; it also returns the page's links and text. It
// does nothing once the crawl is cancelled.
func (w *webCrawl) readResponse(r *colly.Response) (pageRead, *index.Document) {
	page := pageRead{final: r.Request.URL} // after redirects, the last URL
	if w.ctx.Err() != nil {
		return page, nil
	}
	final := page.final
	w.markSeen(final)
	ct := r.Headers.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(r.Body)
	}
	hdrNoindex, hdrNofollow := false, false
	if !w.cfg.IgnoreRobots {
		for _, v := range r.Headers.Values("X-Robots-Tag") {
			ni, nf := robotsDirectives(v)
			hdrNoindex, hdrNofollow = hdrNoindex || ni, hdrNofollow || nf
		}
	}

	var (
		res      textextract.Result
		declared *url.URL
		noindex  = hdrNoindex
	)
	switch webPageKind(ct) {
	case webKindHTML:
		info := parsePage(r.Body, final)
		if w.cfg.IgnoreRobots {
			info.noindex, info.nofollow = false, false
		}
		if !hdrNofollow && !info.nofollow {
			page.links, page.anchors = info.links, info.anchors
		}
		if info.canonical != nil {
			w.markSeen(info.canonical)
		}
		declared = info.canonical
		noindex = noindex || info.noindex
		if noindex {
			break
		}
		var err error
		res, err = textextract.HTML(bytes.NewReader(r.Body), final)
		if errors.Is(err, textextract.ErrBinary) {
			w.skip()
			return page, nil
		}
		if err != nil {
			w.pageFailed(final.String(), r.StatusCode, fmt.Errorf("extract text: %w", err))
			return page, nil
		}
	case webKindText:
		res = textextract.Plain(r.Body)
	default:
		w.skip()
		return page, nil
	}
	if noindex || (res.Title == "" && strings.TrimSpace(res.Text) == "") {
		w.skip()
		return page, nil
	}
	page.title, page.text = res.Title, res.Text

	canonical, err := pageCanonical(final, declared)
	if err != nil {
		w.pageFailed(final.String(), r.StatusCode, fmt.Errorf("canonical URL: %w", err))
		return page, nil
	}
	return page, &index.Document{
		ID:       index.DocID(canonical),
		URL:      canonical,
		Title:    res.Title,
		Body:     res.Text,
		Source:   index.SourceWeb,
		Modified: lastModified(r.Headers, time.Now()),
		Size:     int64(len(r.Body)),
		Hash:     index.ContentHash(res.Title, res.Text),
		ETag:     validETag(r.Headers),
		Links:    pageLinks(page.links),
	}
}

// follow queues link, found on the page of request from, unless it was
// seen before or is beyond the depth or page budget.
func (w *webCrawl) follow(from *colly.Request, link *url.URL) {
	if w.ctx.Err() != nil || from.Depth+1 > w.cfg.MaxDepth {
		return
	}
	w.mu.Lock()
	spent := w.requested >= w.cfg.MaxPages
	noRobots := w.noRobots[link.Host]
	w.mu.Unlock()
	if spent || !w.markSeen(link) {
		return
	}
	if noRobots {
		// colly does not remember a failed robots.txt fetch; asking again
		// for every link would cost a timeout each.
		w.skip()
		return
	}
	if err := from.Visit(link.String()); err != nil {
		w.visitFailed(link.String(), err, false)
	}
}

// visitFailed sorts the errors colly returns when it refuses to queue a
// URL. A robots.txt disallow is a skip; URLs outside the allowed domains,
// too deep, or already visited are silently not followed, except for seeds,
// which the person asked for.
func (w *webCrawl) visitFailed(u string, err error, seed bool) {
	var visited *colly.AlreadyVisitedError
	switch {
	case errors.Is(err, colly.ErrRobotsTxtBlocked):
		w.mu.Lock()
		w.report.Skipped++
		if seed {
			w.report.Errors = append(w.report.Errors, PageError{URL: u, Err: err})
		}
		w.mu.Unlock()
	case !seed && (errors.Is(err, colly.ErrForbiddenDomain) || errors.Is(err, colly.ErrMaxDepth) ||
		errors.As(err, &visited)):
	case w.ctx.Err() != nil:
	default:
		// A network error here can only come from fetching robots.txt: colly
		// refuses the URL then, and so will the crawl for that host. An
		// address the policy refuses says so itself.
		var netErr *url.Error
		if errors.As(err, &netErr) {
			if errors.Is(err, netguard.ErrRefused) {
				err = netErr.Err
			} else {
				err = fmt.Errorf("robots.txt unavailable, host not crawled: %w", err)
			}
			if pu, perr := url.Parse(u); perr == nil {
				w.mu.Lock()
				w.noRobots[pu.Host] = true
				w.mu.Unlock()
			}
		}
		w.pageFailed(u, 0, err)
	}
}

// markSeen records the canonurl.DedupKey of u and reports whether it is
// new.
func (w *webCrawl) markSeen(u *url.URL) bool {
	key := canonurl.DedupKey(u.String())
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.seen[key] {
		return false
	}
	w.seen[key] = true
	return true
}

// skip counts a page left out by policy.
func (w *webCrawl) skip() {
	w.mu.Lock()
	w.report.Skipped++
	w.mu.Unlock()
}

// pageFailed lists a page error in the report.
func (w *webCrawl) pageFailed(u string, status int, err error) {
	w.mu.Lock()
	w.report.Errors = append(w.report.Errors, PageError{URL: u, Status: status, Err: err})
	w.mu.Unlock()
}

// progressLocked reports progress; w.mu must be held, which keeps calls
// from overlapping.
func (w *webCrawl) progressLocked(current string) {
	if w.cfg.Progress != nil {
		w.cfg.Progress(w.report.Fetched, -1, current)
	}
}
