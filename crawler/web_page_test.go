package crawler

import (
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

// TestParsePage checks link, canonical and robots extraction from HTML,
// including markup meant to mislead a crawler.
func TestParsePage(t *testing.T) {
	page, _ := url.Parse("http://site.example/dir/page.html?x=1")
	tests := []struct {
		name      string
		html      string
		links     []string
		canonical string
		noindex   bool
		nofollow  bool
	}{
		{"relative, absolute and root links resolved",
			`<a href="other.html">1</a><a href="/top">2</a><a href="https://b.example/x">3</a><a href="../up">4</a>`,
			[]string{"http://site.example/dir/other.html", "http://site.example/top", "https://b.example/x", "http://site.example/up"}, "", false, false},
		{"fragments removed and duplicates dropped",
			`<a href="/a#one">1</a><a href="/a#two">2</a><a href="/a">3</a>`,
			[]string{"http://site.example/a"}, "", false, false},
		{"links to the page itself dropped",
			`<a href="#top">1</a><a href="">2</a><a href="page.html?x=1#frag">3</a><a href="page.html">4</a>`,
			[]string{"http://site.example/dir/page.html"}, "", false, false},
		{"other schemes dropped",
			`<a href="javascript:void(0)">1</a><a href="mailto:a@b.example">2</a><a href="ftp://f.example/">3</a><a href="data:text/plain,x">4</a><a href="tel:+1">5</a>`,
			nil, "", false, false},
		{"area links kept, other tags ignored",
			`<map><area href="/area"></map><img src="/img.png"><iframe src="/frame"></iframe><link href="/style.css" rel="stylesheet">`,
			[]string{"http://site.example/area"}, "", false, false},
		{"rel=nofollow links dropped, case-insensitive",
			`<a href="/keep">1</a><a rel="nofollow" href="/no1">2</a><a rel="noopener NOFOLLOW" href="/no2">3</a>`,
			[]string{"http://site.example/keep"}, "", false, false},
		{"base href changes resolution",
			`<head><base href="http://cdn.example/base/"></head><a href="rel">1</a><a href="/abs">2</a>`,
			[]string{"http://cdn.example/base/rel", "http://cdn.example/abs"}, "", false, false},
		{"javascript base ignored",
			`<base href="javascript:alert(1)"><a href="rel">1</a>`,
			[]string{"http://site.example/dir/rel"}, "", false, false},
		{"first canonical wins and is resolved",
			`<link rel="canonical" href="/canon"><link rel="canonical" href="/second">`,
			nil, "http://site.example/canon", false, false},
		{"canonical among other rel tokens",
			`<link rel="alternate Canonical" href="https://site.example/c">`,
			nil, "https://site.example/c", false, false},
		{"non-http canonical ignored",
			`<link rel="canonical" href="mailto:x@y.example">`,
			nil, "", false, false},
		{"meta robots noindex",
			`<meta name="robots" content="noindex">`, nil, "", true, false},
		{"meta robots nofollow, upper case",
			`<meta name="ROBOTS" content="INDEX, NOFOLLOW">`, nil, "", false, true},
		{"meta robots none",
			`<meta name="robots" content="none">`, nil, "", true, true},
		{"other meta names ignored",
			`<meta name="googlebot" content="noindex"><meta name="description" content="nofollow">`, nil, "", false, false},
		{"markup inside script, style, comment and textarea is not markup",
			`<script>var s = '<a href="/s">x</a><meta name="robots" content="noindex">';</script>` +
				`<style>/* <a href="/st"> */</style><!-- <a href="/c"> --><textarea><a href="/t"></textarea><title><a href="/ti"></title><a href="/real">r</a>`,
			[]string{"http://site.example/real"}, "", false, false},
		{"entities in href decoded",
			`<a href="/q?a=1&amp;b=2">1</a>`,
			[]string{"http://site.example/q?a=1&b=2"}, "", false, false},
		{"spaces and odd characters survive",
			`<a href="  /with space/ä?q=ü  ">1</a><a href="/100%">2</a>`,
			[]string{"http://site.example/with%20space/%C3%A4?q=%C3%BC", "http://site.example/100%25"}, "", false, false},
		{"broken markup still yields links",
			`<div><a href="/one"><p><a href=/two>unquoted<a href='/three'`,
			[]string{"http://site.example/one", "http://site.example/two"}, "", false, false},
		{"repeated attribute: first wins",
			`<a href="/first" href="/second">x</a>`,
			[]string{"http://site.example/first"}, "", false, false},
		{"no markup at all", "just some text", nil, "", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info := parsePage([]byte(tc.html), page)
			var got []string
			for _, l := range info.links {
				got = append(got, l.String())
			}
			if !reflect.DeepEqual(got, tc.links) {
				t.Errorf("links = %q, want %q", got, tc.links)
			}
			canon := ""
			if info.canonical != nil {
				canon = info.canonical.String()
			}
			if canon != tc.canonical {
				t.Errorf("canonical = %q, want %q", canon, tc.canonical)
			}
			if info.noindex != tc.noindex || info.nofollow != tc.nofollow {
				t.Errorf("noindex, nofollow = %v, %v; want %v, %v", info.noindex, info.nofollow, tc.noindex, tc.nofollow)
			}
		})
	}
}

// TestParsePageBounds checks that a page with a huge number of links or
// deep nesting is handled with bounded output and no failure.
func TestParsePageBounds(t *testing.T) {
	page, _ := url.Parse("http://site.example/")
	var b strings.Builder
	for i := range maxLinksPerPage + 500 {
		fmt.Fprintf(&b, `<a href="/l%d">x</a>`, i)
	}
	if got := len(parsePage([]byte(b.String()), page).links); got != maxLinksPerPage {
		t.Errorf("links from a huge page = %d, want the cap %d", got, maxLinksPerPage)
	}
	deep := strings.Repeat("<div>", 100000) + `<a href="/deep">x</a>` + strings.Repeat("</div>", 100000)
	if got := parsePage([]byte(deep), page).links; len(got) != 1 || got[0].Path != "/deep" {
		t.Errorf("links from a deeply nested page = %v, want [/deep]", got)
	}
}

// TestRobotsDirectives checks the parsing of robots directive lists.
func TestRobotsDirectives(t *testing.T) {
	tests := []struct {
		in                string
		noindex, nofollow bool
	}{
		{"", false, false},
		{"index, follow", false, false},
		{"noindex", true, false},
		{" NoFollow ", false, true},
		{"noindex,nofollow", true, true},
		{"none", true, true},
		{"noarchive, nosnippet", false, false},
		{"noindexing", false, false},
	}
	for _, tc := range tests {
		ni, nf := robotsDirectives(tc.in)
		if ni != tc.noindex || nf != tc.nofollow {
			t.Errorf("robotsDirectives(%q) = %v, %v; want %v, %v", tc.in, ni, nf, tc.noindex, tc.nofollow)
		}
	}
}
