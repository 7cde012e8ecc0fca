package crawler

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/internal/netguard"
)

// totalHits returns every request the site received, robots.txt included.
func (s *webTestSite) totalHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		n += h
	}
	return n
}

// refusedPaths returns the sorted URL paths of the report errors that the
// address policy caused, and fails the test if one of them does not say
// in words what was refused.
func refusedPaths(t *testing.T, errs []PageError) []string {
	t.Helper()
	var out []string
	for _, e := range errs {
		if !errors.Is(e, netguard.ErrRefused) {
			continue
		}
		if msg := e.Error(); !strings.Contains(msg, "address; links found on the web") {
			t.Errorf("refusal %q does not say what was refused and why", msg)
		}
		u, err := url.Parse(e.URL)
		if err != nil {
			t.Fatalf("error URL %q: %v", e.URL, err)
		}
		out = append(out, u.Path)
	}
	sort.Strings(out)
	return out
}

// privateSite is a site on loopback standing for a service on the person's
// machine or network, which no link may reach: it answers everything.
func privateSite(t *testing.T) (*webTestSite, string) {
	t.Helper()
	s := newWebTestSite(t, map[string]webTestPage{
		"/robots.txt":  {contentType: "text/plain", body: "User-agent: *\nAllow: /\n"},
		"/secret":      webHTMLPage("Secret", "retrieval secrets of the intranet"),
		"/named":       webHTMLPage("Named", "retrieval reached by name"),
		"/redirected":  webHTMLPage("Redirected", "retrieval reached by a redirect"),
		"/seed-secret": webHTMLPage("Seed secret", "retrieval from a seed a peer gave"),
	})
	u, _ := url.Parse(s.URL)
	return s, u.Port()
}

// TestCrawlRefusesPrivateAddresses performs server-side request forgery
// on a web crawl: the person's seed, on loopback, is crawled, but its
// links and redirects to another port of loopback, and to a name that
// resolves to loopback, are refused before any connection is made, with
// robots.txt obeyed or not; AllowPrivate lets them through.
func TestCrawlRefusesPrivateAddresses(t *testing.T) {
	private, pp := privateSite(t)
	tests := []struct {
		name         string
		ignoreRobots bool
		allowPrivate bool
		wantRefused  []string // paths of the errors the policy caused
	}{
		{"robots.txt obeyed", false, false, []string{"/go", "/named", "/secret"}},
		{"robots.txt ignored", true, false, []string{"/go", "/named", "/secret"}},
		{"AllowPrivate", false, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			private.mu.Lock()
			clear(private.hits)
			private.mu.Unlock()
			site := newWebTestSite(t, map[string]webTestPage{
				"/": webHTMLPage("Home", "home", "/page",
					"http://127.0.0.1:"+pp+"/secret", "http://localhost:"+pp+"/named", "/go"),
				"/page": webHTMLPage("Page", "a page of the seed's site"),
				"/go":   {redirect: "http://127.0.0.1:" + pp + "/redirected", status: http.StatusFound},
			})
			cfg := fastWebConfig()
			// The domain filter lets every link through: the address policy
			// alone must stop them.
			cfg.AllowedDomains = []string{"127.0.0.1", "localhost"}
			cfg.IgnoreRobots = tc.ignoreRobots
			cfg.AllowPrivate = tc.allowPrivate
			sink := newWebMemSink()
			rep := crawlWebSite(t, site, sink, cfg, "/")
			if got := site.hitsOf("/page"); got != 1 {
				t.Errorf("the seed's own page was requested %d times, want 1: the person's seed must work on loopback", got)
			}
			if got := refusedPaths(t, rep.Errors); !slices.Equal(got, tc.wantRefused) {
				t.Errorf("refused %v, want %v (errors %v)", got, tc.wantRefused, rep.Errors)
			}
			if tc.allowPrivate {
				for _, p := range []string{"/secret", "/named", "/redirected"} {
					if private.hitsOf(p) != 1 {
						t.Errorf("with AllowPrivate, %s was requested %d times, want 1", p, private.hitsOf(p))
					}
				}
				return
			}
			if n := private.totalHits(); n != 0 {
				t.Errorf("the private site received %d requests, want none", n)
			}
			for _, u := range sink.urls() {
				if strings.Contains(u, ":"+pp+"/") {
					t.Errorf("indexed %s from the private site", u)
				}
			}
		})
	}
}

// TestFocusedCrawlRefusesPrivateAddresses performs the attack of issue 14
// on the crawl a search runs: links on a crawled page to loopback (by
// address, by name, in hexadecimal and as an IPv4-mapped IPv6 address), to
// the cloud metadata address 169.254.169.254 and to a private 10.x
// address, a redirect to loopback, and a seed that an
// engine or a peer supplied on loopback, are all refused; only the
// person's own seed may be on loopback.
func TestFocusedCrawlRefusesPrivateAddresses(t *testing.T) {
	private, pp := privateSite(t)
	ix := tempIndex(t)
	tests := []struct {
		name         string
		peerSeed     bool // a seed on the private site, as a peer's result
		allowPrivate bool
		wantRefused  []string
	}{
		{"links from the person's seed", false, false,
			[]string{"/admin", "/go", "/hex", "/latest/meta-data/", "/mapped", "/named", "/secret"}},
		// The seed is refused first, and the private host's other links
		// are then skipped without a try.
		{"a seed an engine or peer gave", true, false,
			[]string{"/admin", "/go", "/hex", "/latest/meta-data/", "/mapped", "/named", "/seed-secret"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			private.mu.Lock()
			clear(private.hits)
			private.mu.Unlock()
			site := newWebTestSite(t, map[string]webTestPage{
				"/robots.txt": {contentType: "text/plain", body: "User-agent: *\nAllow: /\n"},
				"/": webHTMLPage("Retrieval home", "retrieval", "/page",
					"http://127.0.0.1:"+pp+"/secret", "http://localhost:"+pp+"/named",
					"http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/admin", "/go",
					// Loopback in disguise: hexadecimal IPv4 (127.0.0.2, as
					// browsers read it) and IPv4-mapped IPv6 (127.0.0.3).
					"http://0x7f000002:"+pp+"/hex", "http://[::ffff:7f00:3]:"+pp+"/mapped"),
				"/page": webHTMLPage("Retrieval page", "a retrieval page of the seed's site"),
				"/go":   {redirect: "http://127.0.0.1:" + pp + "/redirected", status: http.StatusFound},
			})
			cfg := fastFocusedConfig()
			cfg.AllowPrivate = tc.allowPrivate
			cfg.TrustedSeeds = []string{site.URL + "/"}
			seeds := []string{site.URL + "/"}
			if tc.peerSeed {
				seeds = append(seeds, "http://127.0.0.1:"+pp+"/seed-secret")
			}
			rep, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, focusQuery(ix, "retrieval"), seeds...)
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			if got := site.hitsOf("/page"); got != 1 {
				t.Errorf("the seed's own page was requested %d times, want 1", got)
			}
			if got := refusedPaths(t, rep.Errors); !slices.Equal(got, tc.wantRefused) {
				t.Errorf("refused %v, want %v (errors %v)", got, tc.wantRefused, rep.Errors)
			}
			if n := private.totalHits(); n != 0 {
				t.Errorf("the private site received %d requests, want none", n)
			}
		})
	}
}

// TestFocusedCrawlRejectsBadTrustedSeed checks that a trusted seed that is
// not a URL is an error, not silently ignored.
func TestFocusedCrawlRejectsBadTrustedSeed(t *testing.T) {
	cfg := fastFocusedConfig()
	cfg.TrustedSeeds = []string{"localhost:8080"}
	_, err := FocusedCrawl(context.Background(), newWebMemSink(), cfg, focusQuery(tempIndex(t), "x"), "http://example.org/")
	if err == nil || !strings.Contains(err.Error(), "trusted seed") {
		t.Fatalf("FocusedCrawl = %v, want an error about the trusted seed", err)
	}
}

// TestCrawlChecksRobotsOnEveryRedirect performs the robots.txt bypass of
// issue 14: links that redirect (once, twice, or to another host) to a
// path robots.txt disallows must not fetch it, in a web crawl and in a
// focused crawl alike, while a redirect to an allowed page is followed.
func TestCrawlChecksRobotsOnEveryRedirect(t *testing.T) {
	other := newWebTestSite(t, map[string]webTestPage{
		"/robots.txt":    {contentType: "text/plain", body: "User-agent: *\nDisallow: /private-there\n"},
		"/private-there": webHTMLPage("Private there", "retrieval disallowed on the other host"),
	})
	ou, _ := url.Parse(other.URL)
	newSite := func(t *testing.T) *webTestSite {
		return newWebTestSite(t, map[string]webTestPage{
			"/robots.txt": {contentType: "text/plain", body: "User-agent: *\nDisallow: /private\n"},
			"/": webHTMLPage("Retrieval home", "retrieval",
				"/redir-private", "/redir-twice", "/redir-other", "/public-via-redirect"),
			"/redir-private":       {redirect: "/private", status: http.StatusFound},
			"/redir-twice":         {redirect: "/hop", status: http.StatusFound},
			"/hop":                 {redirect: "/private2", status: http.StatusFound},
			"/redir-other":         {redirect: "http://localhost:" + ou.Port() + "/private-there", status: http.StatusFound},
			"/public-via-redirect": {redirect: "/public", status: http.StatusFound},
			"/private":             webHTMLPage("Private", "retrieval disallowed"),
			"/private2":            webHTMLPage("Private 2", "retrieval disallowed too"),
			"/public":              webHTMLPage("Public", "retrieval allowed"),
		})
	}
	ix := tempIndex(t)
	tests := []struct {
		name  string
		crawl func(t *testing.T, site *webTestSite, sink *webMemSink) []PageError
	}{
		{"web crawl", func(t *testing.T, site *webTestSite, sink *webMemSink) []PageError {
			cfg := fastWebConfig()
			cfg.AllowedDomains = []string{"127.0.0.1", "localhost"}
			cfg.AllowPrivate = true // the other site stands for a public one
			return crawlWebSite(t, site, sink, cfg, "/").Errors
		}},
		{"focused crawl", func(t *testing.T, site *webTestSite, sink *webMemSink) []PageError {
			rep, err := FocusedCrawl(context.Background(), sink, fastFocusedConfig(), focusQuery(ix, "retrieval"), site.URL+"/")
			if err != nil {
				t.Fatalf("FocusedCrawl: %v", err)
			}
			return rep.Errors
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			other.mu.Lock()
			clear(other.hits)
			other.mu.Unlock()
			site := newSite(t)
			sink := newWebMemSink()
			errs := tc.crawl(t, site, sink)
			for _, p := range []string{"/private", "/private2"} {
				if got := site.hitsOf(p); got != 0 {
					t.Errorf("%s, which robots.txt disallows, was requested %d times through a redirect", p, got)
				}
			}
			if got := other.hitsOf("/private-there"); got != 0 {
				t.Errorf("the other host's disallowed page was requested %d times through a redirect", got)
			}
			if got := site.hitsOf("/public"); got != 1 {
				t.Errorf("/public, reached by an allowed redirect, was requested %d times, want 1", got)
			}
			for _, u := range sink.urls() {
				if strings.Contains(u, "private") {
					t.Errorf("indexed %s, which robots.txt disallows", u)
				}
			}
			if len(errs) != 0 {
				t.Errorf("errors %v: a disallowed redirect is a skip, not an error", errs)
			}
		})
	}
}
