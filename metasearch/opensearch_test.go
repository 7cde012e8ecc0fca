package metasearch

import (
	"context"
	"net/url"
	"reflect"
	"testing"
)

func TestOpenSearchRSSAnswer(t *testing.T) {
	srv, seen := serveBody(t, "application/rss+xml; charset=UTF-8", fixture(t, "rss.xml"))
	e, err := NewOpenSearch("example", srv.URL+"/search?q={searchTerms}&count={count}&start={startIndex?}&format=rss", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.SearchPage(context.Background(), Request{Query: "New York history", Count: 10, Start: 10})
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{URL: "http://www.columbia.edu/cu/lweb/eguids/amerihist/nyc.html", Title: "New York History",
			Content: "... Harlem.NYC - A virtual tour and information on businesses ... with historic photos of Columbia's own New York neighborhood ... Internet Resources for the City's History. ...",
			Score:   0.93, Rank: 1, Published: utc(2024, 3, 5, 14, 30, 0)},
		// A relative link resolves against the feed's URL; markup in a
		// CDATA title and description (a script included) becomes text.
		{URL: srv.URL + "/gotham/center.html", Title: "The Gotham Center & the city's past",
			Content: "Essays on New York history.", Score: 0.71, Rank: 2, Published: utc(2024, 3, 5, 14, 0, 0)},
		// No <link>: the permalink guid; dc:date stands in for pubDate.
		{URL: "https://archive.example.org/nyc/1898-consolidation", Title: "Only a permalink guid",
			Content: "Consolidation of the five boroughs in 1898.", Rank: 3, Published: utc(1998, 1, 1, 0, 0, 0)},
		// The javascript: link and the item with only an opaque guid are
		// dropped; a doubly escaped entity is decoded twice.
		{URL: "https://www.mcny.org/collections?utm_source=opensearch&ref=feed",
			Title:   "Museum of the City of New York – Collections",
			Content: "Photographs & prints from 1850 to today.", Rank: 4, Published: utc(2024, 3, 6, 13, 0, 0)},
	}
	sameResults(t, p.Results, want)
	if p.Total != 4230000 {
		t.Errorf("Total = %d, want 4230000", p.Total)
	}
	r := seen.last(t)
	wantQ := url.Values{"q": {"New York history"}, "count": {"10"}, "start": {"11"}, "format": {"rss"}}
	if r.URL.Path != "/search" || !reflect.DeepEqual(r.URL.Query(), wantQ) {
		t.Errorf("request %s, want /search?%s", r.URL, wantQ.Encode())
	}
	if got := r.URL.RawQuery; got != "q=New%20York%20history&count=10&start=11&format=rss" {
		t.Errorf("raw query %q keeps the template's order and escapes spaces as %%20", got)
	}
}

func TestOpenSearchAtomAnswer(t *testing.T) {
	srv, seen := serveBody(t, "application/atom+xml", fixture(t, "atom.xml"))
	e, err := NewOpenSearch("example", srv.URL+"/feed/{searchTerms}?pw={startPage}", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.SearchPage(context.Background(), Request{Query: "New York", Count: 10, Start: 20})
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{URL: "http://www.columbia.edu/cu/lweb/eguids/amerihist/nyc.html", Title: "New York History",
			Content: "... Harlem.NYC - A virtual tour and information on businesses ... with historic photos of Columbia's own New York neighborhood ... Internet Resources for the City's History. ...",
			Rank:    1, Published: utc(2003, 12, 13, 23, 30, 2)},
		// rel="alternate" wins over rel="edit"; the relative href resolves
		// against the feed's xml:base; an html title and an xhtml summary
		// become text; updated stands in for published.
		{URL: "https://search.example.com/results/five-points.html", Title: "Five Points & the Bowery",
			Content: "A neighbourhood history of lower Manhattan.", Rank: 2, Published: utc(2024, 2, 29, 9, 0, 0)},
		{URL: "https://other.example.net/page.html", Title: "Relative link under an entry xml:base",
			Content: "Resolved against the entry's own base.", Rank: 3, Published: utc(2024, 1, 15, 0, 0, 0)},
		// No link: an http id is the link; an unreadable date is unknown.
		{URL: "https://ids.example.org/item/4", Title: "The id is the link", Rank: 4},
		// The data: link is dropped.
	}
	sameResults(t, p.Results, want)
	if p.Total != 4230000 {
		t.Errorf("Total = %d, want 4230000", p.Total)
	}
	if got := seen.last(t).URL.String(); got != "/feed/New%20York?pw=3" {
		t.Errorf("request %q, want /feed/New%%20York?pw=3", got)
	}
}

func TestParseFeedEncodingsAndShapes(t *testing.T) {
	base := mustURL(t, "https://feed.example.org/s")
	tests := []struct {
		name        string
		contentType string
		body        string
		wantErr     bool
		wantTitles  []string
		wantTotal   int64
	}{
		{"ISO-8859-1 by XML declaration", "text/xml",
			"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><channel><item><title>caf\xe9</title><link>https://a.example/</link></item></channel></rss>",
			false, []string{"café"}, -1},
		{"windows-1252 by Content-Type beats the declaration", "application/rss+xml; charset=windows-1252",
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss><channel><item><title>\x93quoted\x94</title><link>https://a.example/</link></item></channel></rss>",
			false, []string{"“quoted”"}, -1},
		{"UTF-16 with a byte-order mark", "",
			utf16LE("<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss><channel><item><title>Zürich</title><link>https://a.example/</link></item></channel></rss>"),
			false, []string{"Zürich"}, -1},
		{"invalid UTF-8 repaired", "application/rss+xml",
			"<rss><channel><item><title>bad \xff byte</title><link>https://a.example/</link></item></channel></rss>",
			false, []string{"bad \uFFFD byte"}, -1},
		{"control characters XML forbids are dropped", "application/rss+xml",
			"<rss><channel><item><title>form\x0cfeed\x1b</title><link>https://a.example/</link></item></channel></rss>",
			false, []string{"formfeed"}, -1},
		{"HTML entities in XML", "application/rss+xml",
			"<rss><channel><item><title>a&nbsp;b &eacute;</title><link>https://a.example/</link></item></channel></rss>",
			false, []string{"a b é"}, -1},
		{"RSS 1.0 (RDF)", "application/rdf+xml",
			`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>c</title></channel><item><title>one</title><link>https://a.example/1</link></item><item><title>two</title><link>https://a.example/2</link></item></rdf:RDF>`,
			false, []string{"one", "two"}, -1},
		{"empty feed", "application/atom+xml",
			`<feed xmlns="http://www.w3.org/2005/Atom" xmlns:os="http://a9.com/-/spec/opensearch/1.1/"><os:totalResults>0</os:totalResults></feed>`,
			false, nil, 0},
		{"mismatched tags", "application/rss+xml",
			"<rss><channel><item><title>x</item></channel></rss>", true, nil, 0},
		{"truncated", "application/rss+xml",
			"<rss><channel><item><title>x</title>", true, nil, 0},
		{"undefined entity", "application/rss+xml",
			"<rss><channel><item><title>&bogus;</title></item></channel></rss>", true, nil, 0},
		{"HTML page", "text/html",
			"<!DOCTYPE html><html><head><title>Error</title></head><body>oops</body></html>", true, nil, 0},
		{"JSON", "application/json", `{"results":[]}`, true, nil, 0},
		{"empty", "application/rss+xml", "", true, nil, 0},
		{"unknown root", "application/xml", "<searchresults><hit/></searchresults>", true, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseFeed([]byte(tt.body), tt.contentType, base, 10)
			if tt.wantErr {
				if !errorIsBadResponse(err) {
					t.Errorf("error = %v, want ErrBadResponse", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, r := range p.Results {
				titles = append(titles, r.Title)
			}
			if !reflect.DeepEqual(titles, tt.wantTitles) || p.Total != tt.wantTotal {
				t.Errorf("titles %q total %d, want %q total %d", titles, p.Total, tt.wantTitles, tt.wantTotal)
			}
		})
	}
}

func TestOpenSearchWithOffsetsAndTemplateRoundTrip(t *testing.T) {
	srv, seen := serveBody(t, "application/rss+xml", fixture(t, "rss.xml"))
	e, err := NewOpenSearch("", srv.URL+"/s?q={searchTerms}&i={startIndex}&p={startPage}", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	zero := e.WithOffsets(0, 0)
	if _, err := zero.Search(context.Background(), Request{Query: "x", Count: 5, Start: 10}); err != nil {
		t.Fatal(err)
	}
	if got := seen.last(t).URL.RawQuery; got != "q=x&i=10&p=2" {
		t.Errorf("0-based offsets: query %q, want q=x&i=10&p=2", got)
	}
	// The original engine is unchanged.
	if _, err := e.Search(context.Background(), Request{Query: "x", Count: 5, Start: 10}); err != nil {
		t.Fatal(err)
	}
	if got := seen.last(t).URL.RawQuery; got != "q=x&i=11&p=3" {
		t.Errorf("1-based offsets: query %q, want q=x&i=11&p=3", got)
	}
	tmpl, index, page := zero.Template()
	again, err := NewOpenSearch(zero.Name(), tmpl, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	again = again.WithOffsets(index, page)
	if _, err := again.Search(context.Background(), Request{Query: "x", Count: 5, Start: 10}); err != nil {
		t.Fatal(err)
	}
	if got := seen.last(t).URL.RawQuery; got != "q=x&i=10&p=2" {
		t.Errorf("engine rebuilt from Template(): query %q, want q=x&i=10&p=2", got)
	}
}
