package clientagent

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
)

// topicSite serves a small site: a portal linking to a page about
// glaciers, which links to two more, and to unrelated pages.
func topicSite(t *testing.T) *httptest.Server {
	pages := map[string]string{
		"/":          `<title>Portal</title><a href="/glaciers">Glacier research</a> <a href="/recipes">Recipes</a> <a href="/football">Football</a>`,
		"/glaciers":  `<title>Glaciers</title><p>Glaciers retreat as ice melts; glacier mass balance.</p><a href="/moraines">Glacial moraines</a> <a href="/icefields">Icefields and glacier flow</a>`,
		"/moraines":  `<title>Moraines</title><p>Moraines are ridges a glacier leaves behind; glacial till.</p>`,
		"/icefields": `<title>Icefields</title><p>Icefields feed outlet glaciers; glacier ice flow.</p>`,
		"/recipes":   `<title>Recipes</title><p>Bread, soup and cake.</p>`,
		"/football":  `<title>Football</title><p>Goals and matches.</p>`,
	}
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body>%s</body></html>", body)
	}))
}

func crawlOptions(seeds ...string) CrawlOptions {
	fc := crawler.DefaultFocusedConfig()
	fc.MaxPages, fc.MaxTime, fc.Delay = 10, 5*time.Second, time.Millisecond
	return CrawlOptions{Focused: fc, Seeds: seeds}
}

// TestForcedCrawlFindsAndIndexesPages: naming the crawl runs it from the
// configured seeds; the pages it finds that match come back as results
// from source "crawl" and stay in the local index.
func TestForcedCrawlFindsAndIndexesPages(t *testing.T) {
	site := topicSite(t)
	defer site.Close()
	a := newTestAgent(t)
	a.EnableCrawl(crawlOptions(site.URL + "/"))
	resp, err := a.Search(context.Background(), Request{Query: "glacier ice", Sources: []string{LocalName, CrawlName}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range resp.Results {
		if r.Engine != CrawlName {
			t.Errorf("result %s from %s, want crawl", r.URL, r.Engine)
		}
		got = append(got, r.URL[len(site.URL):])
	}
	for _, want := range []string{"/glaciers", "/moraines", "/icefields"} {
		if !strings.Contains(strings.Join(got, " "), want) {
			t.Errorf("results %v lack %s", got, want)
		}
	}
	for _, off := range []string{"/recipes", "/football"} {
		if strings.Contains(strings.Join(got, " "), off) {
			t.Errorf("results %v include the unrelated %s", got, off)
		}
	}
	// The crawl indexed the pages: the local index alone now finds them.
	res, err := a.ix.Search(context.Background(), mustParse(t, a.ix, "moraines"), index.SearchOptions{K: 5})
	if err != nil || len(res.Hits) == 0 || !strings.HasSuffix(res.Hits[0].URL, "/moraines") {
		t.Fatalf("local index after the crawl: %v %v", res, err)
	}
}

// TestCrawlSeedsFromOtherSources: with no configured seed, the crawl
// starts from the first round's web results (here an engine's), and a
// crawl with nothing to start from is reported, not fatal.
func TestCrawlSeedsFromOtherSources(t *testing.T) {
	site := topicSite(t)
	defer site.Close()
	a := newTestAgent(t)
	o := crawlOptions()
	o.Focused.AllowPrivate = true // the site on loopback stands for a public one
	a.EnableCrawl(o)
	a.AddSource("engine", SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) {
		return []Hit{{URL: site.URL + "/glaciers", Title: "Glaciers", Content: "glacier", Rank: 1}}, nil
	}), SourceOptions{})
	resp, err := a.Search(context.Background(), Request{Query: "glacier moraines", Sources: []string{"engine", CrawlName}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range resp.Results {
		found = found || strings.HasSuffix(r.URL, "/moraines")
	}
	if !found {
		t.Fatalf("the crawl from the engine's result did not bring /moraines: %+v", resp.Results)
	}

	b := newTestAgent(t)
	b.EnableCrawl(crawlOptions())
	resp, err = b.Search(context.Background(), Request{Query: "glacier", Sources: []string{LocalName, CrawlName}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Unresponsive) != 1 || resp.Unresponsive[0].Engine != CrawlName || !strings.Contains(resp.Unresponsive[0].Error, "no seeds") {
		t.Fatalf("unresponsive = %+v, want the crawl reporting no seeds", resp.Unresponsive)
	}
}

func mustParse(t *testing.T, ix *index.Index, s string) index.Query {
	t.Helper()
	q, err := ix.ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestCrawlRefusesPrivateURLsFromEnginesAndPeers performs the server-side
// request forgery of issue 14 on a search with the crawl: an engine and a
// peer answer with URLs of a service on loopback (by address and by
// name) and of the cloud metadata address; the crawl must not request
// any of them, while the seed the person configured, also on loopback, is
// crawled as before.
func TestCrawlRefusesPrivateURLsFromEnginesAndPeers(t *testing.T) {
	var privateHits atomic.Int64
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		privateHits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, "<html><title>Router admin</title><body>glacier admin password</body></html>")
	}))
	defer private.Close()
	port := private.URL[strings.LastIndex(private.URL, ":")+1:]
	site := topicSite(t)
	defer site.Close()

	a := newTestAgent(t)
	a.EnableCrawl(crawlOptions(site.URL + "/"))
	a.AddSource("engine", SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) {
		return []Hit{
			{URL: private.URL + "/admin", Title: "Glacier admin", Content: "glacier", Rank: 1},
			{URL: "http://169.254.169.254/latest/meta-data/", Title: "Glacier metadata", Content: "glacier", Rank: 2},
		}, nil
	}), SourceOptions{})
	a.AddSource("peer", SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) {
		return []Hit{{URL: "http://localhost:" + port + "/glacier", Title: "Glacier", Content: "glacier", Rank: 1}}, nil
	}), SourceOptions{})
	resp, err := a.Search(context.Background(), Request{Query: "glacier moraines", Sources: []string{"engine", "peer", CrawlName}})
	if err != nil {
		t.Fatal(err)
	}
	if n := privateHits.Load(); n != 0 {
		t.Errorf("the crawl sent %d requests to the private service the engine and peer pointed at", n)
	}
	found := false
	for _, r := range resp.Results {
		found = found || (r.Engine == CrawlName && strings.HasSuffix(r.URL, "/moraines"))
	}
	if !found {
		t.Errorf("the configured seed on loopback was not crawled: results %+v", resp.Results)
	}
}
