package metasearch

import (
	"net/url"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// checkPage fails t unless p keeps the package's promises about results:
// at most limit, ranks 1..n, unique absolute http(s) URLs, clean capped
// plain text.
func checkPage(t *testing.T, p *Page, limit int) {
	t.Helper()
	if len(p.Results) > limit {
		t.Fatalf("%d results, limit %d", len(p.Results), limit)
	}
	seen := map[string]bool{}
	for i, r := range p.Results {
		if r.Rank != i+1 {
			t.Fatalf("result %d has rank %d", i, r.Rank)
		}
		u, err := url.Parse(r.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
			t.Fatalf("result %d: unusable URL %q", i, r.URL)
		}
		if seen[r.URL] {
			t.Fatalf("result %d: duplicate URL %q", i, r.URL)
		}
		seen[r.URL] = true
		checkText(t, r.Title, MaxTitleRunes)
		checkText(t, r.Content, MaxContentRunes)
	}
}

// checkText fails t unless s is plainText's output: valid UTF-8, at most
// limit runes, no controls or invisible characters, single inner spaces.
func checkText(t *testing.T, s string, limit int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Fatalf("invalid UTF-8: %q", s)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		t.Fatalf("%d runes, more than %d: %q", n, limit, s)
	}
	if s != strings.TrimSpace(s) || strings.Contains(s, "  ") {
		t.Fatalf("white space not collapsed: %q", s)
	}
	for _, r := range s {
		if invisible(r) || (unicode.IsSpace(r) && r != ' ') {
			t.Fatalf("character %U kept in %q", r, s)
		}
	}
}

func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"rss.xml", "atom.xml", "osdd.xml"} {
		f.Add(fixture(f, name), "application/xml")
	}
	f.Add([]byte(`<rss><channel><item><title>&lt;b&gt;x</title><link>/rel</link></item></channel></rss>`), "text/xml; charset=iso-8859-1")
	f.Add([]byte("<?xml version=\"1.0\" encoding=\"UTF-16\"?><feed><entry><link href=\"javascript:x\"/></entry></feed>"), "")
	f.Add([]byte(`<feed xml:base="javascript:alert(1)//"><entry xml:base="../"><link href="x"/></entry></feed>`), "")
	base, _ := url.Parse("https://feed.example.org/search?q=x")
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		p, err := parseFeed(body, contentType, base, 20)
		if err != nil {
			if !errorIsBadResponse(err) {
				t.Fatalf("error %v does not wrap ErrBadResponse", err)
			}
			return
		}
		checkPage(t, p, 20)
		if _, err := parseOSDD(body, contentType); err != nil && !errorIsBadResponse(err) {
			t.Fatalf("parseOSDD error %v does not wrap ErrBadResponse", err)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, name := range []string{"searxng.json", "searxng_quirks.json", "yacy.json", "p2pir.json"} {
		f.Add(fixture(f, name))
	}
	f.Add([]byte(`{"results":[{"url":"/x","title":{"a":1},"score":"NaN","publishedDate":"Tue, 05 Mar 2024 14:30:00 GMT"}]}`))
	f.Add([]byte(`{"channels":[{"items":[{"link":"https://a/","ranking":"Inf"}],"totalResults":"99999999999999999999"}]}`))
	base, _ := url.Parse("https://engine.example.org/search")
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, parse := range []func() (*Page, error){
			func() (*Page, error) { return parseSearXNG(body, "application/json", base, 15, 2) },
			func() (*Page, error) { return parseYaCy(body, "application/json", base, 15) },
		} {
			p, err := parse()
			if err != nil {
				if !errorIsBadResponse(err) {
					t.Fatalf("error %v does not wrap ErrBadResponse", err)
				}
				continue
			}
			checkPage(t, p, 15)
		}
	})
}

func FuzzPlainText(f *testing.F) {
	f.Add("<script>alert(1)</script>Title &amp; more", 300)
	f.Add("<img src=x onerror=alert(1)>\u202e\x00", 5)
	f.Add("<svg><svg><math></svg>text", 10)
	f.Fuzz(func(t *testing.T, s string, limit int) {
		if limit < 1 || limit > 2000 {
			return
		}
		checkText(t, plainText(s, limit), limit)
	})
}

func FuzzTemplate(f *testing.F) {
	f.Add("https://example.com/?q={searchTerms}&c={count?}&s={startIndex}&p={startPage?}&l={language}", "new york", 2)
	f.Add("https://example.com/{searchTerms}/{time:start?}", "a/../../b?c#d", 0)
	f.Add("/rel/{searchTerms}", "@evil.example", 1)
	base, _ := url.Parse("https://osd.example.org/dir/osd.xml")
	f.Fuzz(func(t *testing.T, template, query string, start int) {
		tmpl, err := parseTemplate(template, base)
		if err != nil {
			return
		}
		r, err := Request{Query: query, Start: start}.normalize()
		if err != nil {
			return
		}
		u, err := tmpl.expand(r)
		if err != nil {
			return
		}
		// Whatever the query, the request goes to the template's host.
		want, err := url.Parse(strings.SplitN(tmpl.raw, "{", 2)[0])
		if err != nil {
			t.Fatalf("resolved template %q does not parse: %v", tmpl.raw, err)
		}
		if u.Host != want.Host || (u.Scheme != "http" && u.Scheme != "https") {
			t.Fatalf("query %q sent the request to %s://%s, template host %s", query, u.Scheme, u.Host, want.Host)
		}
	})
}
