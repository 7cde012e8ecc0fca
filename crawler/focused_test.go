package crawler

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
)

// focusLink is a link of a generated test page: its href and anchor text.
type focusLink struct{ href, anchor string }

// focusPage builds an HTML page with a title, paragraphs of text and
// links with anchor texts.
func focusPage(title, text string, links ...focusLink) webTestPage {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html><html><head><title>%s</title></head><body><h1>%s</h1><p>%s</p><ul>",
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
	for _, l := range links {
		fmt.Fprintf(&b, `<li><a href="%s">%s</a></li>`, html.EscapeString(l.href), html.EscapeString(l.anchor))
	}
	b.WriteString("</ul></body></html>")
	return webTestPage{body: b.String()}
}

// tempIndex opens a real index in a temporary directory, closed when the
// test ends: a real Sink, whose analyser is the one a crawl is given in
// p2pir.
func tempIndex(t *testing.T) *index.Index {
	t.Helper()
	ix, err := index.Open(t.TempDir(), index.DefaultConfig())
	if err != nil {
		t.Fatalf("open index: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// focusQuery is the query text, analysed by ix, with term counts as
// weights.
func focusQuery(ix *index.Index, text string) FocusQuery {
	terms := make(map[string]float64)
	for _, t := range ix.Analyze(text) {
		terms[t]++
	}
	return FocusQuery{Terms: terms, Analyze: ix.Analyze}
}

// fastFocusedConfig is a FocusedConfig for tests: no real delay, short
// timeouts, and the test servers on loopback stand for public sites
// (AllowPrivate; the address policy has tests of its own in
// web_guard_test.go).
func fastFocusedConfig() FocusedConfig {
	cfg := DefaultFocusedConfig()
	cfg.AllowPrivate = true
	cfg.Delay = time.Millisecond
	cfg.RequestTimeout = 5 * time.Second
	return cfg
}

// The topic site: a portal whose eight links lead to seven hubs about
// other topics, each fanning out to six articles that fan out again, and
// to one lab page; the lab links to a projects page, which links to the
// three pages about the query's topic, three links from the portal.
const focusTopic = "information retrieval ranking"

// focusRelevantPaths are the three pages about focusTopic.
func focusRelevantPaths() []string {
	return []string{"/lab/projects/bm25", "/lab/projects/ltr", "/lab/projects/eval"}
}

// focusTopicSite generates the topic site.
func focusTopicSite() map[string]webTestPage {
	pages := map[string]webTestPage{}
	hubs := []struct{ path, name, words string }{
		{"/cooking", "Cooking", "recipes pasta sauce oven baking bread kitchen"},
		{"/sport", "Sport", "football match goals league players stadium"},
		{"/music", "Music", "album songs concert guitar band melody"},
		{"/travel", "Travel", "journey hotels beaches mountains trains luggage"},
		{"/garden", "Gardening", "flowers soil seeds watering roses hedges"},
		{"/movies", "Movies", "cinema actors film director screenplay popcorn"},
		{"/cars", "Cars", "engine wheels driving motorway fuel garage"},
	}
	var portal []focusLink
	for _, h := range hubs {
		portal = append(portal, focusLink{h.path, h.name + " section"})
		var arts []focusLink
		for i := 1; i <= 6; i++ {
			art := fmt.Sprintf("%s/%d", h.path, i)
			arts = append(arts, focusLink{art, fmt.Sprintf("%s story %d", h.name, i)})
			var subs []focusLink
			for j := 1; j <= 3; j++ {
				sub := fmt.Sprintf("%s/%d", art, j)
				subs = append(subs, focusLink{sub, fmt.Sprintf("More %s %d", strings.ToLower(h.name), j)})
				pages[sub] = focusPage(fmt.Sprintf("%s note %d.%d", h.name, i, j), strings.Repeat(h.words+". ", 5))
			}
			pages[art] = focusPage(fmt.Sprintf("%s story %d", h.name, i), strings.Repeat(h.words+". ", 8), subs...)
		}
		pages[h.path] = focusPage(h.name, "All about "+strings.ToLower(h.name)+": "+strings.Repeat(h.words+". ", 4), arts...)
	}
	// The path to the topic is the portal's last link.
	portal = append(portal, focusLink{"/lab", "Research lab: information retrieval"})
	pages["/"] = focusPage("Portal", "Welcome to the portal. Pick a section and read on.", portal...)
	pages["/lab"] = focusPage("The lab", "We study how people search for documents and how search engines retrieve and rank them.",
		focusLink{"/lab/people", "People"},
		focusLink{"/lab/contact", "Contact and directions"},
		focusLink{"/lab/projects", "Projects on retrieval and ranking"})
	pages["/lab/people"] = focusPage("People", "Our staff, students and visitors, with their offices and phone numbers.")
	pages["/lab/contact"] = focusPage("Contact", "Write to us or visit: the building is next to the railway station.")
	pages["/lab/projects"] = focusPage("Projects", "Our projects on information retrieval: ranking functions and the evaluation of retrieval systems.",
		focusLink{"/lab/projects/bm25", "BM25 ranking"},
		focusLink{"/lab/projects/ltr", "Learning to rank for information retrieval"},
		focusLink{"/lab/projects/eval", "Evaluating retrieval and ranking"})
	pages["/lab/projects/bm25"] = focusPage("BM25 ranking in information retrieval",
		"BM25 is a ranking function for information retrieval: it ranks documents by term frequency, inverse document frequency and document length. Retrieval systems use BM25 ranking as a baseline.")
	pages["/lab/projects/ltr"] = focusPage("Learning to rank",
		"Learning to rank trains a ranking model for information retrieval from relevance judgments; the ranking of retrieval results improves with features such as BM25 scores.")
	pages["/lab/projects/eval"] = focusPage("Evaluating retrieval",
		"The evaluation of information retrieval measures the ranking quality of a retrieval system with precision, recall, MAP and nDCG over test collections.")
	return pages
}

// pathsOf returns the paths of URLs (absolute or paths already).
func pathsOf(urls []string) []string {
	var out []string
	for _, u := range urls {
		p, err := url.Parse(u)
		if err != nil {
			continue
		}
		out = append(out, p.Path)
	}
	return out
}

// countRelevantFetched returns how many of the topic site's relevant pages
// site received a request for.
func countRelevantFetched(site *webTestSite) int {
	n := 0
	for _, p := range focusRelevantPaths() {
		if site.hitsOf(p) > 0 {
			n++
		}
	}
	return n
}

// TestFocusedCrawlFindsRelevantPagesSoonerThanBreadthFirst checks the
// point of a focused crawl: on a site where the pages about the query sit
// three links deep behind pages about other things, a budget of 12 pages
// finds all three, while a breadth-first crawl with the same budget finds
// strictly fewer, both as the same loop with breadth-first priorities and
// as the background web crawler.
func TestFocusedCrawlFindsRelevantPagesSoonerThanBreadthFirst(t *testing.T) {
	const budget = 12
	ix := tempIndex(t)
	q := focusQuery(ix, focusTopic)
	found := map[string]int{}
	strategies := []struct {
		name string
		run  func(t *testing.T, site *webTestSite)
		want func(n int) bool
		says string
	}{
		{"focused", func(t *testing.T, site *webTestSite) {
			cfg := fastFocusedConfig()
			cfg.MaxPages = budget
			rep, err := FocusedCrawl(context.Background(), ix, cfg, q, site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			t.Logf("focused order: %v", pathsOf(rep.Order))
			if rep.Relevant < 3 {
				t.Errorf("report counts %d relevant pages, want at least 3", rep.Relevant)
			}
			for _, p := range rep.Pages {
				path := pathsOf([]string{p.URL})[0]
				offTopic := path != "/" && !strings.HasPrefix(path, "/lab") // the portal names the topic in a link
				if offTopic && p.Relevant {
					t.Errorf("off-topic page %s counted relevant (similarity %.3f)", p.URL, p.Similarity)
				}
			}
			for _, p := range focusRelevantPaths() {
				doc, ok, err := ix.Get(context.Background(), index.DocID(site.URL+p))
				if err != nil || !ok || doc.Source != index.SourceWeb {
					t.Errorf("relevant page %s not in the index (ok=%v, err=%v)", p, ok, err)
				}
			}
		}, func(n int) bool { return n == 3 }, "all 3"},
		{"breadth-first, same loop", func(t *testing.T, site *webTestSite) {
			cfg := fastFocusedConfig()
			cfg.MaxPages = budget
			cfg.Scoring = FocusScoring{DepthBonus: 1} // shallowest first, then in order found
			rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, q, site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			t.Logf("breadth-first order: %v", pathsOf(rep.Order))
		}, func(n int) bool { return n < found["focused"] }, "fewer than focused"},
		{"web crawler, breadth-first", func(t *testing.T, site *webTestSite) {
			cfg := fastWebConfig()
			cfg.MaxPages = budget
			cfg.MaxDepth = 4
			crawlWebSite(t, site, newWebMemSink(), cfg, "/")
		}, func(n int) bool { return n < found["focused"] }, "fewer than focused"},
	}
	for _, s := range strategies {
		t.Run(s.name, func(t *testing.T) {
			site := newWebTestSite(t, focusTopicSite())
			s.run(t, site)
			if got := site.pageHits(); got > budget {
				t.Errorf("%d page requests, budget %d", got, budget)
			}
			n := countRelevantFetched(site)
			found[s.name] = n
			t.Logf("%s: %d of 3 relevant pages within %d pages", s.name, n, budget)
			if !s.want(n) {
				t.Errorf("%s found %d relevant pages, want %s", s.name, n, s.says)
			}
		})
	}
}

// TestFocusedCrawlOrderIsBestFirst checks the order of fetches with one
// request at a time: after the portal, each step takes the link whose
// anchor and parent are nearest the query, so the first six requests are
// the path to the topic and the three pages on it, and those three pages
// are the best-scored ones.
func TestFocusedCrawlOrderIsBestFirst(t *testing.T) {
	ix := tempIndex(t)
	site := newWebTestSite(t, focusTopicSite())
	cfg := fastFocusedConfig()
	cfg.MaxPages = 8
	cfg.Parallelism = 1
	rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, focusQuery(ix, focusTopic), site.URL+"/")
	if err != nil {
		t.Fatalf("FocusedCrawl: %v", err)
	}
	order := pathsOf(rep.Order)
	if len(order) != 8 {
		t.Fatalf("order = %v, want 8 requests", order)
	}
	if want := []string{"/", "/lab", "/lab/projects"}; !slices.Equal(order[:3], want) {
		t.Errorf("first requests = %v, want %v", order[:3], want)
	}
	got := slices.Sorted(slices.Values(order[3:6]))
	want := slices.Sorted(slices.Values(focusRelevantPaths()))
	if !slices.Equal(got, want) {
		t.Errorf("requests 4 to 6 = %v, want the relevant pages %v", order[3:6], want)
	}
	if len(rep.Pages) != 8 || rep.Pages[0].Depth != 1 || rep.Pages[0].Priority != 0 {
		t.Fatalf("pages = %+v, want 8 starting with the seed at depth 1", rep.Pages)
	}
	for i, p := range rep.Pages[3:6] {
		if p.Depth != 4 || !p.Relevant {
			t.Errorf("page %s: depth %d, relevant %v; want depth 4, relevant", p.URL, p.Depth, p.Relevant)
		}
		for _, other := range rep.Pages[6:] {
			if other.Priority >= p.Priority {
				t.Errorf("later page %s had priority %.3f, not below %.3f of %s", other.URL, other.Priority, p.Priority, rep.Pages[3+i].URL)
			}
		}
	}
}

// slowedSite serves pages like newWebTestSite (which counts the hits),
// through a front server that delays the paths in slow (until the client
// goes away); it returns the counting site and the front's URL.
func slowedSite(t *testing.T, pages map[string]webTestPage, slow map[string]time.Duration) (*webTestSite, string) {
	t.Helper()
	site := newWebTestSite(t, pages)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if d := slow[r.URL.Path]; d > 0 {
			select {
			case <-time.After(d):
			case <-r.Context().Done():
				return
			}
		}
		site.serve(w, r)
	}))
	t.Cleanup(front.Close)
	return site, front.URL
}

// TestFocusedCrawlFollowsLeadsBriefly checks LeadRatio and LeadWait with
// the default parallelism: while the projects page, the lead, is slow,
// much worse links wait, so the relevant pages come right after it; a
// lead that hangs longer than LeadWait does not keep the crawl idle; and
// without the rule, the parallel fetches spend the budget on worse links
// in the meantime.
func TestFocusedCrawlFollowsLeadsBriefly(t *testing.T) {
	ix := tempIndex(t)
	q := focusQuery(ix, focusTopic)
	tests := []struct {
		name      string
		slow      time.Duration // delay of /lab/projects
		leadRatio float64
		leadWait  time.Duration
		check     func(t *testing.T, order []string, site *webTestSite)
	}{
		{"slow lead is waited for", 300 * time.Millisecond, 0, 0, func(t *testing.T, order []string, site *webTestSite) {
			if len(order) < 6 || !slices.Equal(order[:3], []string{"/", "/lab", "/lab/projects"}) ||
				!slices.Equal(slices.Sorted(slices.Values(order[3:6])), slices.Sorted(slices.Values(focusRelevantPaths()))) {
				t.Errorf("order = %v, want the path to the topic and the three relevant pages first", order)
			}
		}},
		{"hanging lead holds the crawl for LeadWait only", time.Minute, 0, 100 * time.Millisecond, func(t *testing.T, order []string, site *webTestSite) {
			if len(order) < 8 {
				t.Errorf("order = %v: the crawl stayed idle behind a hanging page", order)
			}
		}},
		{"no lead rule: worse links spend the budget", 300 * time.Millisecond, 1e-9, 0, func(t *testing.T, order []string, site *webTestSite) {
			firstRelevant := len(order)
			for i, p := range order {
				if slices.Contains(focusRelevantPaths(), p) {
					firstRelevant = min(firstRelevant, i)
				}
			}
			hubs := 0
			for _, p := range order[:firstRelevant] {
				if !strings.HasPrefix(p, "/lab") && p != "/" {
					hubs++
				}
			}
			if hubs == 0 {
				t.Errorf("order = %v: no off-topic page fetched while the lead was slow", order)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site, base := slowedSite(t, focusTopicSite(), map[string]time.Duration{"/lab/projects": tc.slow})
			cfg := fastFocusedConfig()
			cfg.MaxPages = 12
			cfg.MaxTime = 700 * time.Millisecond
			cfg.LeadRatio = tc.leadRatio
			cfg.LeadWait = tc.leadWait
			start := time.Now()
			rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, q, base+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			if took := time.Since(start); took > cfg.MaxTime+time.Second {
				t.Errorf("crawl took %v", took)
			}
			order := pathsOf(rep.Order)
			t.Logf("order: %v", order)
			tc.check(t, order, site)
		})
	}
}

// TestFocusedCrawlPageBudgetIsExact checks that exactly MaxPages pages are
// requested, fetched and indexed on a site with more pages than that, with
// several requests in flight.
func TestFocusedCrawlPageBudgetIsExact(t *testing.T) {
	const n = 30
	pages := fullyLinkedSite(n, "retrieval")
	ix := tempIndex(t)
	for _, budget := range []int{1, 3, 7, 20} {
		t.Run(fmt.Sprintf("MaxPages=%d", budget), func(t *testing.T) {
			site := newWebTestSite(t, pages)
			cfg := fastFocusedConfig()
			cfg.MaxPages = budget
			cfg.Parallelism = 4
			cfg.HostParallelism = 4
			sink := newWebMemSink()
			rep, err := FocusedCrawl(context.Background(), sink, cfg, focusQuery(ix, "retrieval"), site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			if got := site.pageHits(); got != budget {
				t.Errorf("page requests = %d, want exactly %d", got, budget)
			}
			if rep.Fetched != budget || rep.Indexed != budget || len(sink.urls()) != budget || len(rep.Order) != budget {
				t.Errorf("Fetched = %d, Indexed = %d, sink holds %d, Order has %d; want %d each",
					rep.Fetched, rep.Indexed, len(sink.urls()), len(rep.Order), budget)
			}
		})
	}
}

// TestFocusedCrawlTimeBudget checks that a crawl of a site whose pages
// never answer stops promptly when its time budget is up (without error)
// or when the caller cancels (with the context's error), and that the
// page read before then is indexed.
func TestFocusedCrawlTimeBudget(t *testing.T) {
	var links []string
	pages := map[string]webTestPage{}
	for i := range 20 {
		p := fmt.Sprintf("/slow%d", i)
		links = append(links, p)
		pages[p] = webTestPage{hang: true}
	}
	pages["/"] = webHTMLPage("Home", "the home page about retrieval", links...)
	ix := tempIndex(t)
	tests := []struct {
		name    string
		maxTime time.Duration
		cancel  time.Duration // cancel the caller's context after this long; 0: never
		wantErr error
	}{
		{"time budget", 400 * time.Millisecond, 0, nil},
		{"caller cancels", 10 * time.Second, 400 * time.Millisecond, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newWebTestSite(t, pages)
			cfg := fastFocusedConfig()
			cfg.MaxTime = tc.maxTime
			cfg.RequestTimeout = 30 * time.Second
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tc.cancel > 0 {
				time.AfterFunc(tc.cancel, cancel)
			}
			sink := newWebMemSink()
			start := time.Now()
			rep, err := FocusedCrawl(ctx, sink, cfg, focusQuery(ix, "retrieval"), site.URL+"/")
			took := time.Since(start)
			if !errors.Is(err, tc.wantErr) || (tc.wantErr == nil && err != nil) {
				t.Errorf("FocusedCrawl error = %v, want %v", err, tc.wantErr)
			}
			if took > 400*time.Millisecond+time.Second {
				t.Errorf("FocusedCrawl returned after %v, want soon after 400ms", took)
			}
			if rep.Indexed != 1 || len(sink.urls()) != 1 {
				t.Errorf("Indexed = %d, sink holds %v; want the home page kept", rep.Indexed, sink.urls())
			}
			if len(rep.Errors) != 0 {
				t.Errorf("errors = %v, want none: stopping is not a page failure", rep.Errors)
			}
		})
	}
}

// TestFocusedCrawlObeysRobotsTxt checks that a relevant page robots.txt
// disallows is never requested, however good its link, and that
// IgnoreRobots lifts the rule.
func TestFocusedCrawlObeysRobotsTxt(t *testing.T) {
	ix := tempIndex(t)
	tests := []struct {
		name        string
		ignore      bool
		wantHits    int
		wantSkipped int
	}{
		{"disallowed page not fetched", false, 0, 1},
		{"IgnoreRobots fetches it", true, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pages := focusTopicSite()
			pages["/robots.txt"] = webTestPage{contentType: "text/plain", body: "User-agent: *\nDisallow: /lab/projects/ltr\n"}
			site := newWebTestSite(t, pages)
			cfg := fastFocusedConfig()
			cfg.MaxPages = 12
			cfg.IgnoreRobots = tc.ignore
			rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, focusQuery(ix, focusTopic), site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			if got := site.hitsOf("/lab/projects/ltr"); got != tc.wantHits {
				t.Errorf("disallowed page hits = %d, want %d", got, tc.wantHits)
			}
			if got := site.hitsOf("/lab/projects/bm25") + site.hitsOf("/lab/projects/eval"); got != 2 {
				t.Errorf("allowed relevant pages hit %d times, want 2 (order %v)", got, pathsOf(rep.Order))
			}
			if rep.Skipped != tc.wantSkipped {
				t.Errorf("Skipped = %d, want %d", rep.Skipped, tc.wantSkipped)
			}
			if got := site.hitsOf("/robots.txt"); tc.ignore == (got != 0) {
				t.Errorf("robots.txt requested %d times with IgnoreRobots=%v", got, tc.ignore)
			}
		})
	}
}

// batchWatchSink is a Sink that records, for each Index call, the batch
// size and how many pages the site had been asked for by then.
type batchWatchSink struct {
	*webMemSink
	site *webTestSite
	mu   sync.Mutex
	// calls holds {batch size, page requests so far} per Index call.
	calls [][2]int
}

func (s *batchWatchSink) Index(ctx context.Context, docs []index.Document) error {
	s.mu.Lock()
	s.calls = append(s.calls, [2]int{len(docs), s.site.pageHits()})
	s.mu.Unlock()
	return s.webMemSink.Index(ctx, docs)
}

// TestFocusedCrawlIndexesPagesAsTheyArrive checks that documents reach the
// sink in batches of BatchSize while the crawl goes on, not all at the
// end: the first batch arrives when only part of the pages have been
// requested.
func TestFocusedCrawlIndexesPagesAsTheyArrive(t *testing.T) {
	ix := tempIndex(t)
	for _, batch := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("BatchSize=%d", batch), func(t *testing.T) {
			site := newWebTestSite(t, focusTopicSite())
			sink := &batchWatchSink{webMemSink: newWebMemSink(), site: site}
			cfg := fastFocusedConfig()
			cfg.MaxPages = 10
			cfg.BatchSize = batch
			cfg.Parallelism = 1
			rep, err := FocusedCrawl(context.Background(), sink, cfg, focusQuery(ix, focusTopic), site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			sink.mu.Lock()
			defer sink.mu.Unlock()
			if len(sink.calls) < 2 {
				t.Fatalf("sink calls = %v, want several batches", sink.calls)
			}
			total := 0
			for i, c := range sink.calls {
				if c[0] > batch || (c[0] != batch && i != len(sink.calls)-1) {
					t.Errorf("batch %d has %d documents, want %d (only the last may be smaller)", i, c[0], batch)
				}
				total += c[0]
			}
			if total != rep.Indexed || rep.Indexed != 10 {
				t.Errorf("documents in batches = %d, Indexed = %d, want 10", total, rep.Indexed)
			}
			if first := sink.calls[0][1]; first > batch {
				t.Errorf("first batch arrived after %d page requests, want it after the first %d", first, batch)
			}
		})
	}
}

// TestFocusedCrawlDepthBudget checks that links are followed MaxDepth
// deep, seeds at depth 1, on a chain of pages.
func TestFocusedCrawlDepthBudget(t *testing.T) {
	pages := map[string]webTestPage{
		"/":   webHTMLPage("Level one", "first level retrieval", "/d2"),
		"/d2": webHTMLPage("Level two", "second level retrieval", "/d3"),
		"/d3": webHTMLPage("Level three", "third level retrieval", "/d4"),
		"/d4": webHTMLPage("Level four", "fourth level retrieval"),
	}
	ix := tempIndex(t)
	for _, depth := range []int{1, 2, 3, 10} {
		t.Run(fmt.Sprintf("MaxDepth=%d", depth), func(t *testing.T) {
			site := newWebTestSite(t, pages)
			cfg := fastFocusedConfig()
			cfg.MaxDepth = depth
			rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, focusQuery(ix, "retrieval"), site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			want := []string{"/", "/d2", "/d3", "/d4"}[:min(depth, 4)]
			if got := pathsOf(rep.Order); !slices.Equal(got, want) {
				t.Errorf("requests = %v, want %v", got, want)
			}
			for i, p := range rep.Pages {
				if p.Depth != i+1 {
					t.Errorf("page %s has depth %d, want %d", p.URL, p.Depth, i+1)
				}
			}
		})
	}
}

// TestFocusedCrawlHosts checks that links to other hosts are followed by
// default and not with SameHostOnly, and that a host whose robots.txt
// cannot be fetched costs one timeout and is then left alone.
func TestFocusedCrawlHosts(t *testing.T) {
	other := newWebTestSite(t, map[string]webTestPage{
		"/retrieval": webHTMLPage("Retrieval elsewhere", "retrieval on another host"),
	})
	dead := newWebTestSite(t, map[string]webTestPage{"/robots.txt": {hang: true}})
	ou, _ := url.Parse(other.URL)
	du, _ := url.Parse(dead.URL)
	// "localhost" and "127.0.0.1" are two host names for the crawler.
	otherLink := "http://localhost:" + ou.Port() + "/retrieval"
	links := []string{otherLink}
	for i := range 5 {
		links = append(links, fmt.Sprintf("http://localhost:%s/d%d", du.Port(), i))
	}
	ix := tempIndex(t)
	tests := []struct {
		name      string
		sameHost  bool
		wantOther int // requests to the other host's page
		wantDead  int // robots.txt requests to the dead host
	}{
		{"any host", false, 1, 1},
		{"SameHostOnly", true, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			other.mu.Lock()
			clear(other.hits)
			other.mu.Unlock()
			dead.mu.Lock()
			clear(dead.hits)
			dead.mu.Unlock()
			site := newWebTestSite(t, map[string]webTestPage{"/": webHTMLPage("Home", "retrieval home", links...)})
			cfg := fastFocusedConfig()
			cfg.SameHostOnly = tc.sameHost
			cfg.RequestTimeout = 300 * time.Millisecond
			start := time.Now()
			rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, focusQuery(ix, "retrieval"), site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("crawl took %v: links waited for the dead host's robots.txt", took)
			}
			if got := other.hitsOf("/retrieval"); got != tc.wantOther {
				t.Errorf("other host's page hits = %d, want %d", got, tc.wantOther)
			}
			if got := dead.hitsOf("/robots.txt"); got != tc.wantDead {
				t.Errorf("dead host's robots.txt requested %d times, want %d", got, tc.wantDead)
			}
			if dead.pageHits() != 0 {
				t.Errorf("%d pages fetched from a host whose robots.txt is unknown", dead.pageHits())
			}
			if tc.wantDead == 1 {
				if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "robots.txt") {
					t.Errorf("errors = %v, want one about robots.txt", rep.Errors)
				}
				if rep.Skipped != 4 {
					t.Errorf("Skipped = %d, want the 4 other links to the dead host", rep.Skipped)
				}
			}
		})
	}
}

// TestFocusedCrawlSinkFailure checks that a failing sink stops the crawl
// with an error that names the cause.
func TestFocusedCrawlSinkFailure(t *testing.T) {
	ix := tempIndex(t)
	site := newWebTestSite(t, focusTopicSite())
	sink := newWebMemSink()
	sink.indexErr = errors.New("disk full")
	cfg := fastFocusedConfig()
	cfg.BatchSize = 1
	rep, err := FocusedCrawl(context.Background(), sink, cfg, focusQuery(ix, focusTopic), site.URL+"/")
	if err == nil || !errors.Is(err, sink.indexErr) {
		t.Fatalf("FocusedCrawl error = %v, want the sink's error", err)
	}
	if rep.Indexed != 0 {
		t.Errorf("Indexed = %d, want 0", rep.Indexed)
	}
	if got := site.pageHits(); got > cfg.Parallelism+1 {
		t.Errorf("%d pages requested after the sink failed", got)
	}
}

// TestFocusedCrawlRejectsBadInput checks that bad arguments give a clear
// error before any request.
func TestFocusedCrawlRejectsBadInput(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{"/": webHTMLPage("Home", "home")})
	analyze := strings.Fields
	good := FocusQuery{Terms: map[string]float64{"home": 1}, Analyze: analyze}
	tests := []struct {
		name   string
		sink   Sink
		cfg    func(*FocusedConfig)
		q      FocusQuery
		seeds  []string
		errHas string
	}{
		{"nil sink", nil, nil, good, []string{site.URL}, "nil sink"},
		{"no seeds", newWebMemSink(), nil, good, nil, "no seed"},
		{"relative seed", newWebMemSink(), nil, good, []string{"/home"}, "not an absolute"},
		{"ftp seed", newWebMemSink(), nil, good, []string{"ftp://x.example/"}, "not an absolute"},
		{"negative MaxPages", newWebMemSink(), func(c *FocusedConfig) { c.MaxPages = -1 }, good, []string{site.URL}, "MaxPages is negative"},
		{"negative MaxTime", newWebMemSink(), func(c *FocusedConfig) { c.MaxTime = -time.Second }, good, []string{site.URL}, "MaxTime is negative"},
		{"threshold above 1", newWebMemSink(), func(c *FocusedConfig) { c.RelevantThreshold = 1.5 }, good, []string{site.URL}, "RelevantThreshold"},
		{"NaN weight", newWebMemSink(), func(c *FocusedConfig) { c.Scoring.Anchor = math.NaN() }, good, []string{site.URL}, "Scoring.Anchor"},
		{"negative weight", newWebMemSink(), func(c *FocusedConfig) { c.Scoring.HostPenalty = -1 }, good, []string{site.URL}, "Scoring.HostPenalty"},
		{"decay above 1", newWebMemSink(), func(c *FocusedConfig) { c.Scoring.Decay = 2 }, good, []string{site.URL}, "Decay"},
		{"no terms", newWebMemSink(), nil, FocusQuery{Analyze: analyze}, []string{site.URL}, "no usable terms"},
		{"only zero weights", newWebMemSink(), nil, FocusQuery{Terms: map[string]float64{"a": 0}, Analyze: analyze}, []string{site.URL}, "no usable terms"},
		{"infinite weight", newWebMemSink(), nil, FocusQuery{Terms: map[string]float64{"a": math.Inf(1)}, Analyze: analyze}, []string{site.URL}, "weight"},
		{"empty term", newWebMemSink(), nil, FocusQuery{Terms: map[string]float64{" ": 1}, Analyze: analyze}, []string{site.URL}, "empty term"},
		{"no analyser", newWebMemSink(), nil, FocusQuery{Terms: map[string]float64{"a": 1}}, []string{site.URL}, "no Analyze"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fastFocusedConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, err := FocusedCrawl(context.Background(), tc.sink, cfg, tc.q, tc.seeds...)
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("error = %v, want one containing %q", err, tc.errHas)
			}
		})
	}
	if got := site.pageHits(); got != 0 {
		t.Errorf("%d requests made for bad input", got)
	}
}
