package crawler

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/p2pir/p2pir/internal/canonurl"
	"github.com/p2pir/p2pir/internal/netguard"
)

// Keys of the colly.Context of one focused-crawl request.
const (
	focusKeyRequested = "p2pir.focused.requested" // set when the request is sent
	focusKeyItem      = "p2pir.focused.item"      // the *frontierItem fetched
)

// FocusedCrawl runs a best-first crawl for query q, at query time: it
// fetches the seeds (configured start pages, the top URLs other sources
// returned for the query), then always the waiting link with the highest
// priority, so pages near the query's topic are reached within a small
// budget. Pages are handed to sink as they arrive (Source index.SourceWeb,
// in batches of cfg.BatchSize), so they can be searched while the crawl
// goes on.
//
// Priority: a link's priority combines the similarity to q of its anchor
// text, of the words of its URL and of the page it was found on, whose
// relevance also passes, fading, to the links of its children ("shark
// search"); a small bonus favours shallow links and a penalty hosts
// already much visited. FocusScoring gives the formula, FocusQuery the
// similarity.
//
// Parallel fetches: up to cfg.Parallelism requests are in flight, but
// while a promising link is on its way, much worse links wait for it
// (cfg.LeadRatio, for cfg.LeadWait at most), so parallelism does not spend
// the page budget on links the lead's page would have outranked.
//
// Budgets: at most cfg.MaxPages page requests, cfg.MaxDepth links deep
// from the seeds, within cfg.MaxTime: when the time is up, requests in
// flight are stopped and the crawl returns what it has, without error.
// Each request, robots.txt included, has cfg.RequestTimeout.
//
// Addresses: the seeds come from the query's other sources as much as
// from the person, so only those listed in cfg.TrustedSeeds (the person's
// own) may be on a loopback, private or link-local address; a connection
// to any other host, seed, link, redirect or robots.txt alike, is refused
// when the address it resolves to at dial time is not public (see
// netguard), unless cfg.AllowPrivate.
//
// Politeness and pages are as for Crawl, whose fetching, page reading and
// de-duplication it shares: robots.txt, robots meta tags, X-Robots-Tag and
// rel="nofollow" are obeyed unless cfg.IgnoreRobots; at most
// cfg.HostParallelism requests are in flight to one host (cfg.Parallelism
// over all), started at least cfg.Delay apart; a request is started only
// when its host may be visited at once, so the link picked is the best
// one known at that moment. Links to any host are followed unless
// cfg.SameHostOnly.
//
// Errors on single pages are listed in the report and the crawl goes on.
// FocusedCrawl returns an error for bad arguments, when the sink fails
// (the crawl then stops), and when ctx is done; the report is filled in up
// to that point in every case, and pages already read are still handed to
// the sink.
func FocusedCrawl(ctx context.Context, sink Sink, cfg FocusedConfig, q FocusQuery, seeds ...string) (FocusedReport, error) {
	if sink == nil {
		return FocusedReport{}, errors.New("crawler: FocusedCrawl: nil sink")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return FocusedReport{}, err
	}
	scorer, err := newFocusScorer(q, cfg.Scoring)
	if err != nil {
		return FocusedReport{}, err
	}
	seedURLs, err := parseSeeds("FocusedCrawl", seeds)
	if err != nil {
		return FocusedReport{}, err
	}
	var (
		hosts   []string
		allowed map[string]bool
	)
	if cfg.SameHostOnly {
		if hosts, err = allowedHosts(nil, seedURLs); err != nil {
			return FocusedReport{}, err
		}
		allowed = make(map[string]bool, len(hosts))
		for _, h := range hosts {
			allowed[h] = true
		}
	}

	trusted := make([]*url.URL, 0, len(cfg.TrustedSeeds))
	for _, s := range cfg.TrustedSeeds {
		u, err := parseSeed(s)
		if err != nil {
			return FocusedReport{}, fmt.Errorf("%w (one of the trusted seeds)", err)
		}
		trusted = append(trusted, u)
	}

	crawlCtx, cancel := context.WithTimeout(ctx, cfg.MaxTime)
	defer cancel()
	w := newWebCrawl(cfg.webConfig(), sink, crawlCtx, cancel)
	transport := newCrawlTransport(crawlCtx, netguard.Policy{AllowPrivate: cfg.AllowPrivate, Trusted: hostPorts(trusted)})
	defer transport.close()
	f := &focusedCrawl{
		cfg:           cfg,
		w:             w,
		scorer:        scorer,
		allowed:       allowed,
		ctx:           crawlCtx,
		frontier:      newFrontier(maxFrontier),
		hostInflight:  make(map[string]int),
		hostRequested: make(map[string]int),
		hostAnswered:  make(map[string]bool),
		leads:         make(map[*frontierItem]time.Time),
		results:       make(chan fetchResult, 2*cfg.Parallelism),
	}
	f.c = f.collector(hosts, transport)
	f.run(seedURLs)
	w.flush(w.takeAll())

	report := f.report()
	w.mu.Lock()
	sinkErr := w.sinkErr
	w.mu.Unlock()
	if sinkErr != nil {
		return report, fmt.Errorf("crawler: focused crawl stopped: sink: %w", sinkErr)
	}
	if err := ctx.Err(); err != nil {
		return report, fmt.Errorf("crawler: focused crawl stopped: %w", err)
	}
	return report, nil
}

// focusedCrawl is the state of one FocusedCrawl call. The web crawler's
// state w does the fetching, page reading, de-duplication and batching;
// the fields after ctx belong to the goroutine running run, the
// dispatcher, and the fetches it starts report to it on results.
type focusedCrawl struct {
	cfg     FocusedConfig
	w       *webCrawl
	c       *colly.Collector
	scorer  *focusScorer
	allowed map[string]bool // host names that may be visited; nil: any
	ctx     context.Context // ends with the time budget or the caller's ctx

	frontier      *frontier
	reserved      int                         // requests made or in flight: the page budget
	inflight      int                         // fetches running
	hostInflight  map[string]int              // fetches running, by url.Host
	hostRequested map[string]int              // requests made or in flight, by url.Host
	hostAnswered  map[string]bool             // hosts a fetch has ended for
	leads         map[*frontierItem]time.Time // links in flight (not seeds), by start
	pages         []FocusedPage
	relevant      int
	skipped       int // links dropped for their host's missing robots.txt
	results       chan fetchResult

	mu    sync.Mutex // guards order, appended to by the fetches
	order []string
}

// fetchResult is what a fetch tells the dispatcher: first, if a page was
// read, the page and its links, as soon as they are known (before the page
// is indexed); then, when the fetch is over, that it is done.
type fetchResult struct {
	item        *frontierItem
	done        bool         // the fetch is over: its slot is free
	requested   bool         // (done) a request was sent, counting in the budget
	blockedHost bool         // (done) the host's robots.txt could not be fetched
	page        *FocusedPage // the page read
	links       []scoredLink // its links within the depth budget and allowed hosts
}

// scoredLink is a link found on a page, with its priority.
type scoredLink struct {
	url                 *url.URL
	priority, inherited float64
}

// collector builds the synchronous colly collector of the crawl: each
// fetch goroutine runs its own request to the end.
func (f *focusedCrawl) collector(hosts []string, transport http.RoundTripper) *colly.Collector {
	c := f.w.baseCollector(hosts, transport)
	c.OnRequest(f.onRequest)
	c.OnResponseHeaders(f.w.onResponseHeaders)
	c.OnResponse(f.onResponse)
	c.OnError(f.w.onError)
	return c
}

// onRequest records a request about to be sent. The dispatcher keeps the
// page budget; this check only guards it.
func (f *focusedCrawl) onRequest(r *colly.Request) {
	if f.ctx.Err() != nil {
		r.Abort()
		return
	}
	f.w.mu.Lock()
	over := f.w.requested >= f.cfg.MaxPages
	if !over {
		f.w.requested++
	}
	f.w.mu.Unlock()
	if over {
		r.Abort()
		return
	}
	f.mu.Lock()
	f.order = append(f.order, r.URL.String())
	f.mu.Unlock()
	r.Ctx.Put(focusKeyRequested, true)
}

// onResponse reads a successful response with the web crawler, hands the
// page and its scored links to the dispatcher, and then indexes the page,
// so a slow sink does not keep the page's links from the frontier.
func (f *focusedCrawl) onResponse(r *colly.Response) {
	it, ok := r.Ctx.GetAny(focusKeyItem).(*frontierItem)
	if !ok || f.ctx.Err() != nil {
		return
	}
	page, doc := f.w.readResponse(r)
	f.results <- f.score(it, page)
	if doc != nil {
		f.w.index(*doc, page.final.String())
	}
}

// score returns the result telling the dispatcher about page, fetched for
// it: its similarity to the query and its links with their priorities.
func (f *focusedCrawl) score(it *frontierItem, page pageRead) fetchResult {
	sim := f.scorer.similarity(page.title + "\n" + page.text)
	res := fetchResult{item: it, page: &FocusedPage{
		URL:        page.final.String(),
		Depth:      it.depth,
		Priority:   it.priority,
		Similarity: sim,
		Relevant:   sim >= f.cfg.RelevantThreshold,
	}}
	if it.seed {
		res.page.Priority = 0
	}
	if it.depth >= f.cfg.MaxDepth {
		return res
	}
	for i, link := range page.links {
		if f.allowed != nil && !f.allowed[strings.ToLower(link.Hostname())] {
			continue
		}
		p, inh := f.scorer.linkScore(page.anchors[i], link, sim, it.inherited, it.depth+1)
		res.links = append(res.links, scoredLink{url: link, priority: p, inherited: inh})
	}
	return res
}

// run is the dispatcher: it starts the best link whenever a fetch slot,
// the page budget and the link's host allow, and takes in the pages
// fetched, until the budget is spent, no link is left, or the crawl's
// context ends; then it waits for the fetches in flight.
func (f *focusedCrawl) run(seeds []*url.URL) {
	for _, u := range seeds {
		if f.w.markSeen(u) {
			f.frontier.add(&frontierItem{url: u, key: canonurl.DedupKey(u.String()), host: u.Host, depth: 1, seed: true})
		}
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for f.ctx.Err() == nil {
		wait := f.dispatch()
		if f.inflight == 0 && (f.frontier.len() == 0 || f.reserved >= f.cfg.MaxPages || wait <= 0) {
			break // done, or nothing could ever start
		}
		var tick <-chan time.Time
		if wait > 0 {
			timer.Reset(wait)
			tick = timer.C
		}
		select {
		case res := <-f.results:
			f.handle(res)
		case <-tick:
		case <-f.ctx.Done():
		}
		timer.Stop()
	}
	for f.inflight > 0 {
		f.handle(<-f.results)
	}
}

// dispatch starts fetches while slots, budget and links allow. It returns
// how long until a host with waiting links may be visited or a lead stops
// holding links back, when that is what stops it, else 0.
func (f *focusedCrawl) dispatch() time.Duration {
	for f.inflight < f.cfg.Parallelism && f.reserved < f.cfg.MaxPages && f.frontier.len() > 0 {
		now := time.Now()
		least, leadWait := f.leadGate(now)
		it, wait := f.frontier.pop(func(host string) (bool, time.Duration) { return f.hostReady(host, now) }, f.hostPenalty, least)
		if it == nil {
			if leadWait > 0 && (wait <= 0 || leadWait < wait) {
				wait = leadWait
			}
			return wait
		}
		if err := f.w.pacer.wait(f.ctx, it.host); err != nil {
			return 0 // the crawl is over
		}
		f.reserved++
		f.inflight++
		f.hostInflight[it.host]++
		f.hostRequested[it.host]++
		if !it.seed {
			f.leads[it] = now
		}
		go f.fetch(it)
	}
	return 0
}

// leadGate returns the least priority a link needs to start now
// (FocusedConfig.LeadRatio times the best priority in flight for less
// than LeadWait), and how long until the first of those leads stops
// counting (0 when none counts).
func (f *focusedCrawl) leadGate(now time.Time) (least float64, wait time.Duration) {
	for it, start := range f.leads {
		left := start.Add(f.cfg.LeadWait).Sub(now)
		if left <= 0 {
			continue
		}
		least = max(least, f.cfg.LeadRatio*it.priority)
		if wait == 0 || left < wait {
			wait = left
		}
	}
	return least, wait
}

// hostReady reports whether a request to host may start now, else how
// long until its delay has passed (0 when it waits for a fetch to end). A
// host gets one fetch at a time until the first has ended, so its
// robots.txt is fetched once, and a host that does not answer costs one
// timeout.
func (f *focusedCrawl) hostReady(host string, now time.Time) (bool, time.Duration) {
	limit := f.cfg.HostParallelism
	if !f.hostAnswered[host] {
		limit = 1
	}
	if f.hostInflight[host] >= limit {
		return false, 0
	}
	if d := f.w.pacer.readyIn(host, now); d > 0 {
		return false, d
	}
	return true, 0
}

// hostPenalty is the priority taken off links to host (see FocusScoring).
func (f *focusedCrawl) hostPenalty(host string) float64 {
	return f.cfg.Scoring.HostPenalty * float64(f.hostRequested[host])
}

// fetch requests the URL of it; the page is read, reported and indexed by
// onResponse; then it tells the dispatcher the fetch is done. It runs in a
// goroutine of its own.
func (f *focusedCrawl) fetch(it *frontierItem) {
	res := fetchResult{item: it, done: true}
	defer func() { f.results <- res }()
	cctx := colly.NewContext()
	cctx.Put(focusKeyItem, it)
	err := f.c.Request(http.MethodGet, it.url.String(), nil, cctx, nil)
	_, res.requested = cctx.GetAny(focusKeyRequested).(bool)
	if err != nil && !res.requested {
		// colly refused the URL before any request: robots.txt disallows
		// it, or robots.txt could not be fetched. Errors of requests sent
		// were handled by onError.
		f.w.visitFailed(it.url.String(), err, it.seed)
		res.blockedHost = f.hostBlocked(it.host)
	}
}

// hostBlocked reports whether host's robots.txt could not be fetched, so
// the host is not crawled.
func (f *focusedCrawl) hostBlocked(host string) bool {
	f.w.mu.Lock()
	defer f.w.mu.Unlock()
	return f.w.noRobots[host]
}

// handle takes in what a fetch tells: a page is recorded and its links
// queued; a fetch done frees its slot, and returns its budget if no
// request was made.
func (f *focusedCrawl) handle(res fetchResult) {
	host := res.item.host
	if res.done {
		f.inflight--
		f.hostInflight[host]--
		f.hostAnswered[host] = true
		delete(f.leads, res.item)
		if !res.requested {
			f.reserved--
			f.hostRequested[host]--
		}
		if res.blockedHost {
			f.skipped += f.frontier.dropHost(host)
		}
		return
	}
	f.pages = append(f.pages, *res.page)
	if res.page.Relevant {
		f.relevant++
	}
	for _, l := range res.links {
		item := &frontierItem{
			url:       l.url,
			key:       canonurl.DedupKey(l.url.String()),
			host:      l.url.Host,
			depth:     res.item.depth + 1,
			priority:  l.priority,
			inherited: l.inherited,
		}
		if f.frontier.has(item.key) {
			f.frontier.add(item) // keeps the better priority
			continue
		}
		if f.frontier.full() || !f.w.markSeen(l.url) {
			continue
		}
		if f.hostBlocked(item.host) {
			f.skipped++
			continue
		}
		f.frontier.add(item)
	}
}

// report assembles the report from the web crawler's counters and the
// focused crawl's own.
func (f *focusedCrawl) report() FocusedReport {
	f.w.mu.Lock()
	wr := f.w.report
	f.w.mu.Unlock()
	f.mu.Lock()
	order := append([]string(nil), f.order...)
	f.mu.Unlock()
	return FocusedReport{
		Fetched:    wr.Fetched,
		Indexed:    wr.Indexed,
		Relevant:   f.relevant,
		Duplicates: wr.Duplicates,
		Skipped:    wr.Skipped + f.skipped,
		Errors:     wr.Errors,
		Order:      order,
		Pages:      f.pages,
	}
}
