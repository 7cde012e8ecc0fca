package metasearch

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestResultURLKeepsOnlyHTTP(t *testing.T) {
	base := mustURL(t, "https://feed.example.org/dir/search?q=x")
	tests := []struct {
		name, in string
		base     bool
		want     string // "" means dropped
	}{
		{"absolute https", "https://example.org/a?b=c#d", true, "https://example.org/a?b=c#d"},
		{"absolute http, upper-case scheme", "HTTP://example.org/", true, "http://example.org/"},
		{"surrounding space trimmed", "  https://example.org/x \n", true, "https://example.org/x"},
		{"relative path resolved", "page.html", true, "https://feed.example.org/dir/page.html"},
		{"root-relative resolved", "/top", true, "https://feed.example.org/top"},
		{"scheme-relative resolved", "//cdn.example.net/x", true, "https://cdn.example.net/x"},
		{"relative without a base dropped", "page.html", false, ""},
		{"javascript dropped", "javascript:alert(1)", true, ""},
		{"mixed-case javascript dropped", "JaVaScRiPt:alert(1)", true, ""},
		{"javascript with a tab dropped", "java\tscript:alert(1)", true, ""},
		{"data dropped", "data:text/html,<script>alert(1)</script>", true, ""},
		{"mailto dropped", "mailto:a@example.org", true, ""},
		{"ftp dropped", "ftp://ftp.example.org/pub/", true, ""},
		{"file dropped", "file:///etc/passwd", true, ""},
		{"no host dropped", "https:///path", true, ""},
		{"opaque http dropped", "http:example.org", true, ""},
		{"empty dropped", "", true, ""},
		{"bad escape dropped", "https://example.org/%zz", true, ""},
		{"invalid UTF-8 dropped", "https://example.org/\xff", true, ""},
		{"too long dropped", "https://example.org/" + strings.Repeat("a", maxURLBytes), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := base
			if !tt.base {
				b = nil
			}
			got, ok := resultURL(tt.in, b)
			if ok != (tt.want != "") || got != tt.want {
				t.Errorf("resultURL(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
			}
		})
	}
}

func TestCollectorDropsExactDuplicatesOnlyAndNumbersRanks(t *testing.T) {
	c := newCollector(nil, 10)
	when := utc(2024, 1, 2, 3, 4, 5)
	c.add("https://example.org/a", "first", "", 3, when)
	c.add("javascript:void(0)", "unusable", "", 2, time.Time{})
	c.add("https://example.org/a", "exact duplicate", "", 1, time.Time{})
	c.add("http://example.org/a", "scheme differs", "", math.NaN(), time.Time{})
	c.add("https://www.example.org/a", "www differs", "", math.Inf(1), time.Time{})
	c.add("https://example.org/a?utm_source=x", "tracking parameter", "", 0, time.Time{})
	want := []Result{
		{URL: "https://example.org/a", Title: "first", Score: 3, Rank: 1, Published: when},
		{URL: "http://example.org/a", Title: "scheme differs", Rank: 2},
		{URL: "https://www.example.org/a", Title: "www differs", Rank: 3},
		{URL: "https://example.org/a?utm_source=x", Title: "tracking parameter", Rank: 4},
	}
	sameResults(t, c.results, want)
}

func TestCollectorStopsAtLimit(t *testing.T) {
	c := newCollector(nil, 2)
	for _, u := range []string{"https://a.example/", "https://b.example/", "https://c.example/"} {
		c.add(u, "", "", 0, time.Time{})
	}
	if len(c.results) != 2 || c.results[1].URL != "https://b.example/" || !c.full() {
		t.Errorf("got %+v, want the first two", c.results)
	}
}
