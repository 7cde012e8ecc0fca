package crawler

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/canonurl"
)

// TestCrawlObeysRobotsTxt checks that a page robots.txt disallows for our
// user agent is never requested, and that IgnoreRobots lifts the rule.
func TestCrawlObeysRobotsTxt(t *testing.T) {
	tests := []struct {
		name        string
		robots      string
		ignore      bool
		wantPrivate int // hits on the disallowed page
		wantSkipped int
	}{
		{"disallow for every agent", "User-agent: *\nDisallow: /private/\n", false, 0, 1},
		{"disallow for our agent by name", "User-agent: p2pir\nDisallow: /private/\n\nUser-agent: *\nAllow: /\n", false, 0, 1},
		{"disallow for another agent only", "User-agent: otherbot\nDisallow: /\n", false, 1, 0},
		{"IgnoreRobots fetches it", "User-agent: *\nDisallow: /private/\n", true, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newWebTestSite(t, map[string]webTestPage{
				"/robots.txt":     {contentType: "text/plain", body: tc.robots},
				"/":               webHTMLPage("Home", "home page", "/public", "/private/secret"),
				"/public":         webHTMLPage("Public", "a public page"),
				"/private/secret": webHTMLPage("Secret", "a private page"),
			})
			cfg := fastWebConfig()
			cfg.IgnoreRobots = tc.ignore
			rep := crawlWebSite(t, site, newWebMemSink(), cfg, "/")
			if got := site.hitsOf("/private/secret"); got != tc.wantPrivate {
				t.Errorf("disallowed page hits = %d, want %d", got, tc.wantPrivate)
			}
			if got := site.hitsOf("/public"); got != 1 {
				t.Errorf("allowed page hits = %d, want 1", got)
			}
			if rep.Skipped != tc.wantSkipped {
				t.Errorf("Skipped = %d, want %d", rep.Skipped, tc.wantSkipped)
			}
		})
	}
}

// TestCrawlDepthBudget checks that links are followed MaxDepth deep with
// the seed at depth 1, on a chain of pages.
func TestCrawlDepthBudget(t *testing.T) {
	pages := map[string]webTestPage{
		"/":   webHTMLPage("Level one", "first level text", "/d2"),
		"/d2": webHTMLPage("Level two", "second level text", "/d3"),
		"/d3": webHTMLPage("Level three", "third level text", "/d4"),
		"/d4": webHTMLPage("Level four", "fourth level text"),
	}
	tests := []struct {
		maxDepth int
		want     []string // paths fetched
	}{
		{1, []string{"/"}},
		{2, []string{"/", "/d2"}},
		{3, []string{"/", "/d2", "/d3"}},
		{10, []string{"/", "/d2", "/d3", "/d4"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("MaxDepth=%d", tc.maxDepth), func(t *testing.T) {
			site := newWebTestSite(t, pages)
			cfg := fastWebConfig()
			cfg.MaxDepth = tc.maxDepth
			sink := newWebMemSink()
			rep := crawlWebSite(t, site, sink, cfg, "/")
			for _, p := range []string{"/", "/d2", "/d3", "/d4"} {
				want := 0
				if slices.Contains(tc.want, p) {
					want = 1
				}
				if got := site.hitsOf(p); got != want {
					t.Errorf("hits on %s = %d, want %d", p, got, want)
				}
			}
			if rep.Indexed != len(tc.want) || len(sink.urls()) != len(tc.want) {
				t.Errorf("Indexed = %d, sink holds %d, want %d", rep.Indexed, len(sink.urls()), len(tc.want))
			}
		})
	}
}

// TestCrawlPageBudgetIsExact checks that exactly MaxPages pages are
// requested and indexed on a site with more pages than that, even with
// several requests in flight.
func TestCrawlPageBudgetIsExact(t *testing.T) {
	const n = 30
	pages := fullyLinkedSite(n, "")
	for _, budget := range []int{1, 3, 7, 20} {
		t.Run(fmt.Sprintf("MaxPages=%d", budget), func(t *testing.T) {
			site := newWebTestSite(t, pages)
			cfg := fastWebConfig()
			cfg.MaxPages = budget
			cfg.MaxDepth = 5
			cfg.Parallelism = 4
			sink := newWebMemSink()
			rep := crawlWebSite(t, site, sink, cfg, "/")
			if got := site.pageHits(); got != budget {
				t.Errorf("page requests = %d, want exactly %d", got, budget)
			}
			if rep.Fetched != budget || rep.Indexed != budget || len(sink.urls()) != budget {
				t.Errorf("Fetched = %d, Indexed = %d, sink holds %d; want %d each", rep.Fetched, rep.Indexed, len(sink.urls()), budget)
			}
		})
	}
}

// TestCrawlCollapsesDuplicates checks the three kinds of duplicate: the
// same content at two URLs, one page under URL variants (tracking
// parameters, fragment, trailing slash, parameter order), and a page
// naming its canonical URL.
func TestCrawlCollapsesDuplicates(t *testing.T) {
	t.Run("same content at two URLs is indexed once", func(t *testing.T) {
		same := webHTMLPage("Mirrored", "this exact text is served at two addresses")
		site := newWebTestSite(t, map[string]webTestPage{
			"/":       webHTMLPage("Home", "home", "/a", "/mirror"),
			"/a":      same,
			"/mirror": same,
		})
		sink := newWebMemSink()
		rep := crawlWebSite(t, site, sink, fastWebConfig(), "/")
		if rep.Indexed != 2 || rep.Duplicates != 1 {
			t.Errorf("Indexed = %d, Duplicates = %d; want 2 and 1", rep.Indexed, rep.Duplicates)
		}
		if site.hitsOf("/a")+site.hitsOf("/mirror") != 2 {
			t.Errorf("both addresses should be fetched once each")
		}
	})
	t.Run("URL variants of one page are fetched once", func(t *testing.T) {
		site := newWebTestSite(t, map[string]webTestPage{
			"/": webHTMLPage("Home", "home",
				"/b?utm_source=newsletter&utm_medium=email",
				"/b#part-two",
				"/b",
				"/b/",
				"/b?fbclid=XYZ",
				"/c?y=2&x=1",
				"/c?x=1&y=2&gclid=1",
			),
			"/b": webHTMLPage("Bee", "the page about bees"),
			"/c": webHTMLPage("Sea", "the page about the sea"),
		})
		sink := newWebMemSink()
		rep := crawlWebSite(t, site, sink, fastWebConfig(), "/")
		if got := site.hitsOf("/b"); got != 1 {
			t.Errorf("/b requested %d times, want 1", got)
		}
		if got := site.hitsOf("/c"); got != 1 {
			t.Errorf("/c requested %d times, want 1", got)
		}
		if rep.Indexed != 3 {
			t.Errorf("Indexed = %d, want 3", rep.Indexed)
		}
		want := canonurl.DedupKey(site.URL + "/b")
		found := false
		for _, u := range sink.urls() {
			if canonurl.DedupKey(u) == want {
				found = true
			}
		}
		if !found {
			t.Errorf("no document for /b among %v", sink.urls())
		}
	})
	t.Run("rel=canonical names the document", func(t *testing.T) {
		canonicalPage := func(text string) webTestPage {
			return webTestPage{body: `<html><head><title>Listing</title><link rel="canonical" href="/list"></head><body><p>` + text + `</p></body></html>`}
		}
		site := newWebTestSite(t, map[string]webTestPage{
			"/":             webHTMLPage("Home", "home", "/list-by-date", "/list-by-name"),
			"/list-by-date": canonicalPage("the listing sorted by date"),
			"/list-by-name": canonicalPage("the listing sorted by name"),
		})
		sink := newWebMemSink()
		rep := crawlWebSite(t, site, sink, fastWebConfig(), "/")
		want, _ := canonurl.Canonical(site.URL + "/list")
		if _, ok := sink.doc(want); !ok {
			t.Errorf("no document with canonical ID %q; have %v", want, sink.urls())
		}
		if rep.Indexed != 2 || rep.Duplicates != 1 {
			t.Errorf("Indexed = %d, Duplicates = %d; want 2 (home, listing) and 1", rep.Indexed, rep.Duplicates)
		}
	})
	t.Run("rel=canonical on another site is ignored", func(t *testing.T) {
		site := newWebTestSite(t, map[string]webTestPage{
			"/": {body: `<html><head><title>Copy</title><link rel="canonical" href="https://elsewhere.example/original"></head><body><p>copied text</p></body></html>`},
		})
		sink := newWebMemSink()
		crawlWebSite(t, site, sink, fastWebConfig(), "/")
		want, _ := canonurl.Canonical(site.URL + "/")
		if _, ok := sink.doc(want); !ok {
			t.Errorf("document should be under its own URL %q; have %v", want, sink.urls())
		}
	})
}

// TestCrawlSkipsNonHTML checks that only HTML and plain text are indexed:
// images, PDFs and other types are skipped and counted, without reading
// their body, and a response without Content-Type is sniffed.
func TestCrawlSkipsNonHTML(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	site := newWebTestSite(t, map[string]webTestPage{
		"/":            webHTMLPage("Home", "home", "/logo.png", "/paper.pdf", "/data.zip", "/notes.txt", "/untyped", "/untyped-png"),
		"/logo.png":    {contentType: "image/png", body: png + strings.Repeat("\x00", 4096), size: 64 << 20},
		"/paper.pdf":   {contentType: "application/pdf", body: "%PDF-1.4\n%µ¶\n1 0 obj\n"},
		"/data.zip":    {contentType: "application/zip", body: "PK\x03\x04"},
		"/notes.txt":   {contentType: "text/plain; charset=utf-8", body: "Shopping list\n\nbread, cheese and apples\n"},
		"/untyped":     {contentType: "-", body: "<html><head><title>Sniffed</title></head><body><p>served without a content type</p></body></html>"},
		"/untyped-png": {contentType: "-", body: png},
	})
	sink := newWebMemSink()
	cfg := fastWebConfig()
	cfg.MaxBodySize = 128 << 20
	rep := crawlWebSite(t, site, sink, cfg, "/")
	// Aborting after the headers closes the connection: the server can
	// only write what the socket buffers hold, far from the 64 MiB.
	if sent := site.sentOf("/logo.png"); sent > 16<<20 {
		t.Errorf("server wrote %d MiB of the image: its body was downloaded", sent>>20)
	}
	if rep.Skipped != 4 {
		t.Errorf("Skipped = %d, want 4 (png, pdf, zip, untyped png)", rep.Skipped)
	}
	if rep.Indexed != 3 {
		t.Errorf("Indexed = %d, want 3 (home, text, sniffed HTML): %v", rep.Indexed, sink.urls())
	}
	id, _ := canonurl.Canonical(site.URL + "/notes.txt")
	if d, ok := sink.doc(id); !ok || !strings.Contains(d.Body, "cheese") || d.Title != "Shopping list" {
		t.Errorf("plain text document = %+v, %v", d, ok)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("skipped content should not be errors: %v", rep.Errors)
	}
}

// TestCrawlReportsHTTPErrors checks that 404 and 5xx responses are listed
// with their status and the crawl goes on to the other pages.
func TestCrawlReportsHTTPErrors(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/":       webHTMLPage("Home", "home", "/missing", "/broken", "/busy", "/fine"),
		"/broken": {status: 500, body: "internal error"},
		"/busy":   {status: 503, body: "try later"},
		"/fine":   webHTMLPage("Fine", "a page that works"),
	})
	sink := newWebMemSink()
	rep := crawlWebSite(t, site, sink, fastWebConfig(), "/")
	want := map[string]int{"/missing": 404, "/broken": 500, "/busy": 503}
	if got := webErrorStatuses(t, rep); !reflect.DeepEqual(got, want) {
		t.Errorf("errors by path = %v, want %v", got, want)
	}
	if rep.Indexed != 2 {
		t.Errorf("Indexed = %d, want 2 (home and /fine)", rep.Indexed)
	}
	if rep.Fetched != 5 {
		t.Errorf("Fetched = %d, want 5 responses", rep.Fetched)
	}
}

// TestCrawlFollowsRedirects checks that a redirect is followed, the
// document is named by the final URL, and a page reached both directly and
// through a redirect is fetched once.
func TestCrawlFollowsRedirects(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/":     webHTMLPage("Home", "home", "/old", "/new"),
		"/old":  {redirect: "/new"},
		"/new":  webHTMLPage("New home of the page", "the content moved here"),
		"/loop": {redirect: "/loop"},
	})
	sink := newWebMemSink()
	rep := crawlWebSite(t, site, sink, fastWebConfig(), "/")
	if got := site.hitsOf("/new"); got != 1 {
		t.Errorf("/new requested %d times, want 1", got)
	}
	id, _ := canonurl.Canonical(site.URL + "/new")
	if _, ok := sink.doc(id); !ok {
		t.Errorf("no document under the final URL %q: %v", id, sink.urls())
	}
	old, _ := canonurl.Canonical(site.URL + "/old")
	if _, ok := sink.doc(old); ok {
		t.Errorf("document indexed under the redirecting URL %q", old)
	}
	if rep.Indexed != 2 {
		t.Errorf("Indexed = %d, want 2", rep.Indexed)
	}

	t.Run("redirect loop is an error", func(t *testing.T) {
		rep := crawlWebSite(t, site, newWebMemSink(), fastWebConfig(), "/loop")
		if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "loop") {
			t.Errorf("errors = %v, want one for /loop", rep.Errors)
		}
	})
}

// TestCrawlCapsHugeBody checks that a body longer than MaxBodySize is cut
// there: the part read is indexed, the rest never is.
func TestCrawlCapsHugeBody(t *testing.T) {
	const limit = 64 << 10
	head := "<html><head><title>Huge</title></head><body><p>START of the huge page.</p>"
	filler := "<p>filler filler filler filler filler filler filler filler filler</p>\n"
	site := newWebTestSite(t, map[string]webTestPage{
		"/":      webHTMLPage("Home", "home", "/huge", "/after"),
		"/huge":  {body: head + strings.Repeat(filler, (10<<20)/len(filler)) + "<p>ENDMARKER</p></body></html>"},
		"/after": webHTMLPage("After", "the crawl goes on after the huge page"),
	})
	cfg := fastWebConfig()
	cfg.MaxBodySize = limit
	sink := newWebMemSink()
	rep := crawlWebSite(t, site, sink, cfg, "/")
	id, _ := canonurl.Canonical(site.URL + "/huge")
	d, ok := sink.doc(id)
	if !ok {
		t.Fatalf("huge page not indexed: %v (errors %v)", sink.urls(), rep.Errors)
	}
	if d.Size != limit {
		t.Errorf("Size = %d, want the cap %d", d.Size, limit)
	}
	if !strings.Contains(d.Body, "START") || strings.Contains(d.Body, "ENDMARKER") {
		t.Errorf("body should hold the start and not the end of the page")
	}
	if rep.Indexed != 3 {
		t.Errorf("Indexed = %d, want 3", rep.Indexed)
	}
}

// TestCrawlHostileHTML checks that script, style and comment text is not
// indexed, links hidden in them or with other schemes are not followed,
// and the page's real text and links survive broken markup.
func TestCrawlHostileHTML(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/":              {body: webFixture(t, "hostile.html")},
		"/visible-link":  webHTMLPage("Visible", "reached through a link with spaces"),
		"/from-script":   webHTMLPage("Script", "must not be fetched"),
		"/from-comment":  webHTMLPage("Comment", "must not be fetched"),
		"/from-textarea": webHTMLPage("Textarea", "must not be fetched"),
	})
	sink := newWebMemSink()
	rep := crawlWebSite(t, site, sink, fastWebConfig(), "/")
	id, _ := canonurl.Canonical(site.URL + "/")
	d, ok := sink.doc(id)
	if !ok {
		t.Fatalf("hostile page not indexed: %v %v", sink.urls(), rep.Errors)
	}
	if !strings.Contains(d.Body, "lighthouses") {
		t.Errorf("visible text lost: %q", d.Body)
	}
	for _, bad := range []string{"SCRIPTTEXT", "SCRIPTLINK", "STYLETEXT", "JSONLDTEXT", "ONLOADTEXT", "COMMENTTEXT", "color: red"} {
		if strings.Contains(d.Body, bad) {
			t.Errorf("indexed text holds %q", bad)
		}
	}
	for _, p := range []string{"/from-script", "/from-comment", "/from-textarea"} {
		if got := site.hitsOf(p); got != 0 {
			t.Errorf("%s requested %d times, want 0", p, got)
		}
	}
	if got := site.hitsOf("/visible-link"); got != 1 {
		t.Errorf("/visible-link requested %d times, want 1", got)
	}
	if len(rep.Errors) != 0 {
		t.Errorf("errors = %v", rep.Errors)
	}
}

// TestCrawlSendsUserAgent checks that every request, robots.txt included,
// carries the configured user agent, and that the default is honest.
func TestCrawlSendsUserAgent(t *testing.T) {
	tests := []struct{ name, set, want string }{
		{"default", "", DefaultUserAgent},
		{"custom", "mybot/2.0 (+https://example.org/bot)", "mybot/2.0 (+https://example.org/bot)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newWebTestSite(t, map[string]webTestPage{
				"/robots.txt": {contentType: "text/plain", body: "User-agent: *\nAllow: /\n"},
				"/":           webHTMLPage("Home", "home", "/a"),
				"/a":          webHTMLPage("A", "page a"),
			})
			cfg := fastWebConfig()
			cfg.UserAgent = tc.set
			crawlWebSite(t, site, newWebMemSink(), cfg, "/")
			if got := site.userAgents(); !reflect.DeepEqual(got, []string{tc.want}) {
				t.Errorf("user agents seen = %q, want only %q", got, tc.want)
			}
			if site.hitsOf("/robots.txt") != 1 {
				t.Errorf("robots.txt fetched %d times, want 1", site.hitsOf("/robots.txt"))
			}
		})
	}
}

// TestCrawlCancellationIsPrompt checks that cancelling the context stops a
// crawl at once, even with requests queued behind a long per-host delay or
// hanging on a slow server, and that Crawl reports the cancellation.
func TestCrawlCancellationIsPrompt(t *testing.T) {
	var many []string
	pages := map[string]webTestPage{"/hang": {hang: true}}
	for i := range 40 {
		p := fmt.Sprintf("/q%d", i)
		many = append(many, p)
		pages[p] = webHTMLPage(fmt.Sprintf("Queued %d", i), fmt.Sprintf("queued page %d", i))
	}
	pages["/"] = webHTMLPage("Home", "home", many...)
	tests := []struct {
		name     string
		seed     string
		delay    time.Duration
		cancelAt func(fetched int) bool // when Progress sees this, cancel
		after    time.Duration          // or cancel after this long
	}{
		{"queued behind a 2s delay", "/", 2 * time.Second, func(n int) bool { return n >= 2 }, 0},
		{"waiting for the host's delay", "/", 2 * time.Second, nil, 700 * time.Millisecond},
		{"hanging request", "/hang", time.Millisecond, nil, 300 * time.Millisecond},
		{"hanging robots.txt", "/", time.Millisecond, nil, 300 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sitePages := maps.Clone(pages)
			if tc.name == "hanging robots.txt" {
				sitePages["/robots.txt"] = webTestPage{hang: true}
			}
			site := newWebTestSite(t, sitePages)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var (
				mu          sync.Mutex
				cancelledAt time.Time
			)
			markCancel := func() {
				mu.Lock()
				if cancelledAt.IsZero() {
					cancelledAt = time.Now()
				}
				mu.Unlock()
				cancel()
			}
			cfg := fastWebConfig()
			cfg.Delay = tc.delay
			cfg.Parallelism = 1
			cfg.RequestTimeout = 30 * time.Second
			cfg.Progress = func(done, total int, current string) {
				if tc.cancelAt != nil && tc.cancelAt(done) {
					markCancel()
				}
			}
			if tc.after > 0 {
				time.AfterFunc(tc.after, markCancel)
			}
			sink := newWebMemSink()
			rep, err := Crawl(ctx, sink, cfg, site.URL+tc.seed)
			returned := time.Now()
			if !errors.Is(err, context.Canceled) {
				t.Errorf("Crawl error = %v, want context.Canceled", err)
			}
			mu.Lock()
			took := returned.Sub(cancelledAt)
			mu.Unlock()
			if took > time.Second {
				t.Errorf("Crawl returned %v after cancellation, want well under 1s", took)
			}
			if site.pageHits() > 4 {
				t.Errorf("%d pages requested after cancelling early", site.pageHits())
			}
			if rep.Indexed != len(sink.urls()) {
				t.Errorf("report says %d indexed, sink holds %d: fetched pages lost", rep.Indexed, len(sink.urls()))
			}
		})
	}
}

// TestCrawlRespectsNofollowAndNoindex checks rel="nofollow" links, <meta
// name="robots"> and the X-Robots-Tag header.
func TestCrawlRespectsNofollowAndNoindex(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/": {body: `<html><head><title>Home</title></head><body><p>home</p>
			<a href="/followed">f</a> <a rel="nofollow" href="/nofollowed">n</a> <a rel="external NoFollow" href="/nofollowed2">n2</a>
			<a href="/meta-nofollow">m</a> <a href="/meta-noindex">i</a> <a href="/header-none">h</a></body></html>`},
		"/followed":        webHTMLPage("Followed", "a followed page"),
		"/nofollowed":      webHTMLPage("Nofollowed", "must not be fetched"),
		"/nofollowed2":     webHTMLPage("Nofollowed", "must not be fetched either"),
		"/meta-nofollow":   {body: `<html><head><title>MN</title><meta name="ROBOTS" content="index, nofollow"></head><body><p>links here are not followed</p><a href="/behind-nofollow">x</a></body></html>`},
		"/meta-noindex":    {body: `<html><head><title>MI</title><meta name="robots" content="noindex"></head><body><p>not to be indexed</p><a href="/behind-noindex">x</a></body></html>`},
		"/header-none":     {header: map[string]string{"X-Robots-Tag": "none"}, body: `<html><head><title>HN</title></head><body><p>header says none</p><a href="/behind-header">x</a></body></html>`},
		"/behind-nofollow": webHTMLPage("Behind", "must not be fetched"),
		"/behind-noindex":  webHTMLPage("Behind noindex", "links of a noindex page are followed"),
		"/behind-header":   webHTMLPage("Behind header", "must not be fetched"),
	})
	cfg := fastWebConfig()
	cfg.MaxDepth = 3
	sink := newWebMemSink()
	rep := crawlWebSite(t, site, sink, cfg, "/")
	wantHits := map[string]int{
		"/followed": 1, "/nofollowed": 0, "/nofollowed2": 0, "/meta-nofollow": 1, "/meta-noindex": 1,
		"/header-none": 1, "/behind-nofollow": 0, "/behind-noindex": 1, "/behind-header": 0,
	}
	for p, want := range wantHits {
		if got := site.hitsOf(p); got != want {
			t.Errorf("hits on %s = %d, want %d", p, got, want)
		}
	}
	for _, p := range []string{"/meta-noindex", "/header-none"} {
		id, _ := canonurl.Canonical(site.URL + p)
		if _, ok := sink.doc(id); ok {
			t.Errorf("%s indexed despite noindex", p)
		}
	}
	if rep.Skipped != 2 || rep.Indexed != 4 {
		t.Errorf("Skipped = %d, Indexed = %d; want 2 and 4", rep.Skipped, rep.Indexed)
	}
}

// TestCrawlDocumentFields checks every field of an indexed web document.
func TestCrawlDocumentFields(t *testing.T) {
	body := webFixture(t, "article.html")
	site := newWebTestSite(t, map[string]webTestPage{
		"/article": {body: body, header: map[string]string{"Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT"}},
		"/":        webHTMLPage("Home", "home"),
		"/about":   webHTMLPage("About", "about us"),
	})
	sink := newWebMemSink()
	crawlWebSite(t, site, sink, fastWebConfig(), "/article")
	u, _ := url.Parse(site.URL)
	id := "http://" + u.Host + "/article"
	d, ok := sink.doc(id)
	if !ok {
		t.Fatalf("no document %q: %v", id, sink.urls())
	}
	wantMod := time.Date(2015, 10, 21, 7, 28, 0, 0, time.UTC)
	checks := []struct {
		name string
		ok   bool
	}{
		{"ID is the canonical URL", d.ID == index.DocID(id) && d.URL == id},
		{"Source is web", d.Source == index.SourceWeb},
		{"Title from the page", d.Title == "Tide tables of the northern coast"},
		{"Body holds the article", strings.Contains(d.Body, "harmonic constants")},
		{"Modified from Last-Modified", d.Modified.Equal(wantMod)},
		{"Size is the body length", d.Size == int64(len(body))},
		{"Hash of title and text", d.Hash == index.ContentHash(d.Title, d.Body)},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: document %+v", c.name, d)
		}
	}
}

// TestCrawlBatchesToSink checks that documents reach the sink in batches
// of BatchSize and the rest is flushed at the end.
func TestCrawlBatchesToSink(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/":  webHTMLPage("Home", "home", "/a", "/b", "/c", "/d"),
		"/a": webHTMLPage("A", "page a"),
		"/b": webHTMLPage("B", "page b"),
		"/c": webHTMLPage("C", "page c"),
		"/d": webHTMLPage("D", "page d"),
	})
	cfg := fastWebConfig()
	cfg.BatchSize = 2
	sink := newWebMemSink()
	rep := crawlWebSite(t, site, sink, cfg, "/")
	if !reflect.DeepEqual(sink.batches, []int{2, 2, 1}) {
		t.Errorf("batch sizes = %v, want [2 2 1]", sink.batches)
	}
	if rep.Indexed != 5 {
		t.Errorf("Indexed = %d, want 5", rep.Indexed)
	}
}

// TestCrawlSinkInteraction checks the crawl's use of the sink: content the
// sink already holds under another ID is a duplicate, a failed lookup keeps
// the page, and a failed Index stops the crawl with an error.
func TestCrawlSinkInteraction(t *testing.T) {
	pages := map[string]webTestPage{
		"/":  webHTMLPage("Home", "home", "/a"),
		"/a": webHTMLPage("Known", "content the index already has"),
	}

	t.Run("hash known under another ID is a duplicate", func(t *testing.T) {
		site := newWebTestSite(t, pages)
		// Learn the exact hash the crawler computes for /a.
		probe := newWebMemSink()
		crawlWebSite(t, site, probe, fastWebConfig(), "/a")
		id, _ := canonurl.Canonical(site.URL + "/a")
		d, ok := probe.doc(id)
		if !ok {
			t.Fatal("probe crawl indexed nothing")
		}
		sink := newWebMemSink()
		sink.known[d.Hash] = "http://mirror.example/a"
		rep := crawlWebSite(t, newWebTestSite(t, pages), sink, fastWebConfig(), "/")
		if rep.Duplicates != 1 || rep.Indexed != 1 {
			t.Errorf("Duplicates = %d, Indexed = %d; want 1 and 1", rep.Duplicates, rep.Indexed)
		}
	})
	t.Run("failed lookup keeps the page", func(t *testing.T) {
		sink := newWebMemSink()
		sink.lookupErr = errors.New("lookup broke")
		rep := crawlWebSite(t, newWebTestSite(t, pages), sink, fastWebConfig(), "/")
		if rep.Indexed != 2 || len(rep.Errors) != 2 {
			t.Errorf("Indexed = %d, errors = %v; want 2 indexed and 2 lookup errors", rep.Indexed, rep.Errors)
		}
	})
	t.Run("failed Index stops the crawl", func(t *testing.T) {
		sink := newWebMemSink()
		sink.indexErr = errors.New("disk full")
		cfg := fastWebConfig()
		cfg.BatchSize = 1
		site := newWebTestSite(t, pages)
		rep, err := Crawl(context.Background(), sink, cfg, site.URL+"/")
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Errorf("Crawl error = %v, want the sink's", err)
		}
		if rep.Indexed != 0 {
			t.Errorf("Indexed = %d, want 0", rep.Indexed)
		}
	})
}

// TestCrawlStaysInAllowedDomains checks that links to other hosts are not
// followed unless AllowedDomains names them.
func TestCrawlStaysInAllowedDomains(t *testing.T) {
	other := newWebTestSite(t, map[string]webTestPage{"/": webHTMLPage("Other", "another site")})
	ou, _ := url.Parse(other.URL)
	otherURL := "http://localhost:" + ou.Port() + "/"
	tests := []struct {
		name    string
		allowed []string
		want    int
	}{
		{"default: the seed's host only", nil, 0},
		{"other host allowed", []string{"127.0.0.1", "LOCALHOST"}, 1},
		{"seed host not listed is still refused elsewhere", []string{"127.0.0.1"}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			site := newWebTestSite(t, map[string]webTestPage{"/": webHTMLPage("Home", "home", otherURL)})
			before := other.hitsOf("/")
			cfg := fastWebConfig()
			cfg.AllowedDomains = tc.allowed
			cfg.AllowPrivate = true // the other site stands for a public one
			crawlWebSite(t, site, newWebMemSink(), cfg, "/")
			if got := other.hitsOf("/") - before; got != tc.want {
				t.Errorf("other site requested %d times, want %d", got, tc.want)
			}
		})
	}
}

// TestCrawlProgress checks that Progress counts fetched pages one by one.
func TestCrawlProgress(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/":  webHTMLPage("Home", "home", "/a", "/b"),
		"/a": webHTMLPage("A", "page a"),
		"/b": webHTMLPage("B", "page b"),
	})
	var calls []int
	cfg := fastWebConfig()
	cfg.Progress = func(done, total int, current string) {
		if total != -1 || !strings.HasPrefix(current, site.URL) {
			t.Errorf("Progress(%d, %d, %q)", done, total, current)
		}
		calls = append(calls, done)
	}
	crawlWebSite(t, site, newWebMemSink(), cfg, "/")
	if !reflect.DeepEqual(calls, []int{1, 2, 3}) {
		t.Errorf("Progress done values = %v, want [1 2 3]", calls)
	}
}

// TestCrawlRejectsBadInput checks that bad arguments give a clear error
// before any request is made.
func TestCrawlRejectsBadInput(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{"/": webHTMLPage("Home", "home")})
	good := site.URL + "/"
	tests := []struct {
		name  string
		sink  Sink
		cfg   func(*WebConfig)
		seeds []string
		want  string
	}{
		{"nil sink", nil, nil, []string{good}, "nil sink"},
		{"no seed", newWebMemSink(), nil, nil, "no seed"},
		{"relative seed", newWebMemSink(), nil, []string{"/a"}, "not an absolute http"},
		{"ftp seed", newWebMemSink(), nil, []string{"ftp://example.org/"}, "not an absolute http"},
		{"unparseable seed", newWebMemSink(), nil, []string{"http://[::1"}, "seed"},
		{"negative MaxPages", newWebMemSink(), func(c *WebConfig) { c.MaxPages = -1 }, []string{good}, "MaxPages"},
		{"negative Delay", newWebMemSink(), func(c *WebConfig) { c.Delay = -time.Second }, []string{good}, "Delay"},
		{"negative BatchSize", newWebMemSink(), func(c *WebConfig) { c.BatchSize = -2 }, []string{good}, "BatchSize"},
		{"bad allowed domain", newWebMemSink(), func(c *WebConfig) { c.AllowedDomains = []string{"  "} }, []string{good}, "allowed domain"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := fastWebConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, err := Crawl(context.Background(), tc.sink, cfg, tc.seeds...)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Crawl error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if got := site.pageHits(); got != 0 {
		t.Errorf("%d requests made for bad input", got)
	}
}

// TestCrawlSeedErrors checks that seeds refused by robots.txt or the
// allowed domains are reported, not silently dropped.
func TestCrawlSeedErrors(t *testing.T) {
	site := newWebTestSite(t, map[string]webTestPage{
		"/robots.txt": {contentType: "text/plain", body: "User-agent: *\nDisallow: /closed\n"},
		"/closed":     webHTMLPage("Closed", "closed"),
	})
	cfg := fastWebConfig()
	rep := crawlWebSite(t, site, newWebMemSink(), cfg, "/closed")
	if len(rep.Errors) != 1 || rep.Skipped != 1 || site.hitsOf("/closed") != 0 {
		t.Errorf("robots-blocked seed: errors %v, skipped %d, hits %d", rep.Errors, rep.Skipped, site.hitsOf("/closed"))
	}
	cfg.AllowedDomains = []string{"example.org"}
	rep = crawlWebSite(t, site, newWebMemSink(), cfg, "/closed")
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "Forbidden domain") {
		t.Errorf("seed outside allowed domains: errors %v", rep.Errors)
	}
}

// TestCrawlUnreachableRobotsTxt checks that a host whose robots.txt cannot
// be fetched is not crawled (we cannot know what it forbids), that this is
// reported once, and that its other links do not each wait for a timeout.
func TestCrawlUnreachableRobotsTxt(t *testing.T) {
	other := newWebTestSite(t, map[string]webTestPage{"/robots.txt": {hang: true}})
	ou, _ := url.Parse(other.URL)
	var links []string
	for i := range 10 {
		p := fmt.Sprintf("/b%d", i)
		links = append(links, "http://localhost:"+ou.Port()+p)
		other.pages[p] = webHTMLPage("B", "page on the other host")
	}
	site := newWebTestSite(t, map[string]webTestPage{"/": webHTMLPage("Home", "home", links...)})
	cfg := fastWebConfig()
	cfg.AllowedDomains = []string{"127.0.0.1", "localhost"}
	cfg.AllowPrivate = true // the other site stands for a public one
	cfg.RequestTimeout = 200 * time.Millisecond
	start := time.Now()
	rep := crawlWebSite(t, site, newWebMemSink(), cfg, "/")
	if took := time.Since(start); took > 2*time.Second {
		t.Errorf("crawl took %v: each link waited for robots.txt", took)
	}
	if got := other.hitsOf("/robots.txt"); got != 1 {
		t.Errorf("robots.txt requested %d times, want 1", got)
	}
	if got := other.pageHits(); got != 0 {
		t.Errorf("%d pages fetched from a host whose robots.txt is unknown", got)
	}
	if len(rep.Errors) != 1 || !strings.Contains(rep.Errors[0].Error(), "robots.txt") {
		t.Errorf("errors = %v, want one about robots.txt", rep.Errors)
	}
	if rep.Skipped != 9 {
		t.Errorf("Skipped = %d, want 9", rep.Skipped)
	}
}
