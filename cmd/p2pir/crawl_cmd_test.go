package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// testSite is a small web site served by httptest: a home page linking to
// two pages and to a page robots.txt disallows; one of the pages links one
// level deeper. It records every path requested.
type testSite struct {
	srv *httptest.Server

	mu        sync.Mutex
	requested []string
}

// sitePages maps each path of the test site to its HTML.
var sitePages = map[string]string{
	"/": `<html><head><title>Marsupial atlas</title></head><body>
<p>An atlas of marsupials: the bilby and the numbat.</p>
<a href="/bilby.html">bilby</a> <a href="numbat.html">numbat</a>
<a href="/private/quokka.html">quokka (members only)</a></body></html>`,
	"/bilby.html": `<html><head><title>The bilby</title></head><body>
<p>The bilby digs spiral burrows in the desert sand.</p>
<a href="/">home</a> <a href="/deep/dunnart.html">dunnart</a></body></html>`,
	"/numbat.html": `<html><head><title>The numbat</title></head><body>
<p>The numbat eats termites by day in eucalypt woodland.</p>
<a href="/">home</a></body></html>`,
	"/private/quokka.html": `<html><head><title>Quokka secrets</title></head><body>
<p>Hidden quokka colony coordinates.</p></body></html>`,
	"/deep/dunnart.html": `<html><head><title>The dunnart</title></head><body>
<p>The dunnart is a tiny carnivorous marsupial.</p></body></html>`,
}

func newTestSite(t *testing.T) *testSite {
	t.Helper()
	s := &testSite{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.requested = append(s.requested, r.URL.Path)
		s.mu.Unlock()
		if r.URL.Path == "/robots.txt" {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
			return
		}
		page, ok := sitePages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// fetched reports whether path was requested.
func (s *testSite) fetched(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Contains(s.requested, path)
}

func TestCrawlIndexesTheSiteObeyingRobotsAndDepth(t *testing.T) {
	t.Parallel()
	site := newTestSite(t)
	data := t.TempDir()
	r := mustRunCLI(t, data, "crawl", "--delay", "1ms", "--depth", "2", "--timeout", "10s", site.srv.URL+"/")
	if !strings.Contains(r.stdout, "3 fetched, 3 indexed") {
		t.Errorf("want \"3 fetched, 3 indexed\" (home, bilby, numbat), got\n%v", r)
	}
	for _, p := range []string{"/robots.txt", "/", "/bilby.html", "/numbat.html"} {
		if !site.fetched(p) {
			t.Errorf("%s was not requested", p)
		}
	}
	if site.fetched("/private/quokka.html") {
		t.Errorf("the crawl requested /private/quokka.html, which robots.txt disallows")
	}
	if site.fetched("/deep/dunnart.html") {
		t.Errorf("the crawl requested /deep/dunnart.html, at depth 3 with --depth 2")
	}

	tests := []struct {
		name  string
		query string
		want  string // URL of the first result; "" for none
	}{
		{"seed page", "atlas", site.srv.URL + "/"},
		{"absolute link", "spiral burrows", site.srv.URL + "/bilby.html"},
		{"relative link", "termites eucalypt", site.srv.URL + "/numbat.html"},
		{"page disallowed by robots.txt", "colony coordinates", ""},
		{"page beyond --depth", "carnivorous", ""},
		{"source:web filter", "source:web numbat", site.srv.URL + "/numbat.html"},
		{"site: filter", "site:127.0.0.1 bilby", site.srv.URL + "/bilby.html"},
		{"source:file excludes web pages", "source:file numbat", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := searchJSONOut(t, data, tt.query)
			if tt.want == "" {
				if len(got.Results) != 0 {
					t.Fatalf("want no result, got %v", got.urls())
				}
				return
			}
			if len(got.Results) == 0 || got.Results[0].URL != tt.want {
				t.Fatalf("want %s first, got %v", tt.want, got.urls())
			}
			if got.Results[0].Source != "web" {
				t.Errorf("source: want web, got %q", got.Results[0].Source)
			}
		})
	}
}

func TestCrawlBadArgumentsAreUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		args    []string
		wantMsg string
	}{
		{"missing URL", []string{"crawl"}, "missing URL"},
		{"bad --delay", []string{"crawl", "--delay", "soon", "http://127.0.0.1:1/"}, "--delay"},
		{"bad --depth", []string{"crawl", "--depth", "deep", "http://127.0.0.1:1/"}, "--depth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, t.TempDir(), tt.args...)
			if r.code != 2 {
				t.Fatalf("want exit 2, got %v", r)
			}
			if !strings.Contains(r.stderr, tt.wantMsg) {
				t.Errorf("stderr does not say %q:\n%s", tt.wantMsg, r.stderr)
			}
		})
	}
}

func TestCrawlOfAnUnreachableSeedReportsIt(t *testing.T) {
	t.Parallel()
	// A server that is closed at once: its address refuses connections.
	srv := httptest.NewServer(http.NotFoundHandler())
	seed := srv.URL + "/"
	srv.Close()
	r := runCLI(t, t.TempDir(), "crawl", "--delay", "1ms", "--timeout", "5s", seed)
	if !strings.Contains(r.stdout, "0 indexed") {
		t.Errorf("want \"0 indexed\", got\n%v", r)
	}
	if !strings.Contains(r.stderr, seed) {
		t.Errorf("stderr does not name the seed %s that failed:\n%s", seed, r.stderr)
	}
}

// TestCrawlAndIndexRefuseNonsenseNumbers: a depth, page budget or size
// of 0 or less is a usage error (exit 2) that names the flag, not a
// silent default or an error about Go fields.
func TestCrawlAndIndexRefuseNonsenseNumbers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"crawl", "--depth", "0", "http://127.0.0.1:1/"}, "p2pir: --depth must be more than 0, not 0"},
		{[]string{"crawl", "--max-pages", "-1", "http://127.0.0.1:1/"}, "p2pir: --max-pages must be more than 0, not -1"},
		{[]string{"crawl", "--timeout", "0s", "http://127.0.0.1:1/"}, "p2pir: --timeout must be more than 0"},
		{[]string{"index", "--max-size", "0", "testdata/notes"}, "p2pir: --max-size must be more than 0 bytes"},
	} {
		r := runCLI(t, dir, tc.args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, tc.want) {
			t.Errorf("p2pir %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.want)
		}
	}
}

// TestCrawlRefusesLinksIntoThePrivateNetwork performs server-side request
// forgery on "p2pir crawl", offline and through a running node: the seed
// the person typed is on loopback and is crawled, but its link to another
// port of loopback (a service of this machine) is refused with a reason
// on stderr and exit status 3, and the service receives nothing; with
// --allow-private the link is followed.
func TestCrawlRefusesLinksIntoThePrivateNetwork(t *testing.T) {
	var mu sync.Mutex
	var internal []string
	service := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		internal = append(internal, r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Router admin</title></head><body><p>Wallaby admin settings.</p></body></html>`)
	}))
	t.Cleanup(service.Close)
	seed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Wallaby notes</title></head><body><p>Wallabies hop.</p><a href="%s/admin">admin</a></body></html>`, service.URL)
	}))
	t.Cleanup(seed.Close)
	withNode := t.TempDir()
	startCLINode(t, withNode)
	for _, tc := range []struct {
		name     string
		data     string
		args     []string
		wantCode int
		wantHits bool // the service's /admin requested
	}{
		{"offline", t.TempDir(), nil, 3, false},
		{"offline with --allow-private", t.TempDir(), []string{"--allow-private"}, 0, true},
		{"through a node", withNode, nil, 3, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mu.Lock()
			internal = nil
			mu.Unlock()
			args := append([]string{"crawl", "--delay", "1ms"}, tc.args...)
			r := runCLI(t, tc.data, append(args, seed.URL+"/")...)
			if r.code != tc.wantCode {
				t.Fatalf("want exit %d, got %v", tc.wantCode, r)
			}
			if !strings.Contains(r.stdout, "1 indexed") && !strings.Contains(r.stdout, "2 indexed") {
				t.Errorf("the seed on loopback was not indexed: %v", r)
			}
			mu.Lock()
			got := slices.Clone(internal)
			mu.Unlock()
			if hit := slices.Contains(got, "/admin"); hit != tc.wantHits {
				t.Errorf("the service's /admin requested: %v, want %v (requests %v)", hit, tc.wantHits, got)
			}
			if !tc.wantHits {
				if len(got) != 0 {
					t.Errorf("the service received %v, want nothing", got)
				}
				want := "p2pir: crawl: " + service.URL + "/admin: "
				if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "is a loopback address") {
					t.Errorf("stderr does not name the refused link and why:\n%s", r.stderr)
				}
			}
		})
	}
}
