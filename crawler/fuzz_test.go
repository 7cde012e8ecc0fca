package crawler

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/temoto/robotstxt"
)

// FuzzParsePage checks, for any bytes a server could send as an HTML page,
// that parsePage does not panic and keeps its promises: as many anchor
// texts as links, at most maxLinksPerPage links, each an absolute http(s)
// URL with a host and no fragment that parses again as itself, named once,
// anchor texts within maxAnchorBytes, and a canonical link, when there is
// one, also an absolute http(s) URL.
func FuzzParsePage(f *testing.F) {
	f.Add([]byte(`<html><head><base href="/dir/"><link rel="canonical" href="https://Example.org/a"><meta name="robots" content="noindex, NOFOLLOW"></head>` +
		`<body><a href="b">B <img alt="pic"></a><a href="//other.example/x#frag" rel="nofollow">x</a><map><area href="/c" alt="C"></map></body></html>`))
	f.Add([]byte(`<a href="javascript:alert(1)">js</a><a href="mailto:a@b">m</a><a href="http://[::1]:80/">v6</a><a href="http://%zz/">bad</a>`))
	f.Add([]byte(`<a href="/x"><a href="/x">twice</a><script><a href="/not-a-link"></script><a href="  HTTP://EXAMPLE.ORG:8080/./y/../z?q=1 ">`))
	f.Add([]byte("<a href=\"/\xff\xfe\">\xff invalid utf-8</a><a href=\"http://a b/\">space</a><a href=\"http://[::%%]/\">zone</a>"))
	f.Add([]byte(`<base href="ftp://x/"><a href="y">rel to ftp</a><link rel="canonical" href="file:///etc/passwd">`))
	page, _ := url.Parse("http://example.org/dir/page.html")
	f.Fuzz(func(t *testing.T, body []byte) {
		info := parsePage(body, page)
		if len(info.anchors) != len(info.links) {
			t.Fatalf("%d anchor texts for %d links", len(info.anchors), len(info.links))
		}
		if len(info.links) > maxLinksPerPage {
			t.Fatalf("%d links, over the cap %d", len(info.links), maxLinksPerPage)
		}
		seen := map[string]bool{}
		for i, l := range info.links {
			checkWebURL(t, "link", l)
			if seen[l.String()] {
				t.Fatalf("link %s named twice", l)
			}
			seen[l.String()] = true
			if a := info.anchors[i]; len(a) > maxAnchorBytes {
				t.Fatalf("anchor text of %s is %d bytes, over the cap %d", l, len(a), maxAnchorBytes)
			}
		}
		if info.canonical != nil {
			checkWebURL(t, "canonical link", info.canonical)
		}
	})
}

// checkWebURL fails the test unless u is an absolute http(s) URL with a
// host and no fragment whose string parses back to the same string.
func checkWebURL(t *testing.T, what string, u *url.URL) {
	t.Helper()
	if !isWebScheme(u.Scheme) || u.Host == "" || u.Fragment != "" {
		t.Fatalf("%s %q is not an absolute http(s) URL without fragment", what, u)
	}
	back, err := url.Parse(u.String())
	if err != nil {
		t.Fatalf("%s %q does not parse again: %v", what, u, err)
	}
	if back.String() != u.String() {
		t.Fatalf("%s %q parses again as %q", what, u, back)
	}
}

// FuzzRobotsTxt checks, for any robots.txt a server could send and any
// path a redirect could lead to, that reading it and deciding a redirect
// (robotsAllow) does not panic, and that a file without a Disallow line
// forbids nothing.
func FuzzRobotsTxt(f *testing.F) {
	f.Add([]byte("User-agent: *\nDisallow: /private\n"), "/private/x")
	f.Add([]byte("User-agent: p2pir\nDisallow: /\n\nUser-agent: *\nAllow: /\n"), "/a?b=c")
	f.Add([]byte("User-agent: *\nAllow: /$\nDisallow: /*.pdf$\nCrawl-delay: 10\nSitemap: http://x/s.xml\n"), "/doc.pdf")
	f.Add([]byte("\xef\xbb\xbfUser-agent:*\r\nDisallow:/%7E\r\n"), "/~user")
	f.Add([]byte("Disallow: /no-agent-line\n"), "/no-agent-line")
	f.Fuzz(func(t *testing.T, body []byte, path string) {
		robots, err := robotstxt.FromStatusAndBytes(200, body)
		if err != nil {
			return
		}
		u, err := url.Parse("http://example.org" + path)
		if err != nil || u.Host != "example.org" {
			return
		}
		allowed := robotsAllow(robots, DefaultUserAgent, u)
		lower := strings.ToLower(string(body))
		if !allowed && !strings.Contains(lower, "disallow") && utf8.Valid(body) {
			t.Fatalf("robots.txt %q without a Disallow line forbids %q", body, u.EscapedPath())
		}
	})
}
