package metasearch

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// serveOpenSearchSite starts a site with a description document at
// /opensearch.xml and an RSS and an Atom search endpoint at /search
// (format=atom for Atom); it records the search requests.
func serveOpenSearchSite(t *testing.T, description string) (*httptest.Server, *seen) {
	t.Helper()
	rss, atom := fixture(t, "rss.xml"), fixture(t, "atom.xml")
	s := &seen{}
	mux := http.NewServeMux()
	mux.HandleFunc("/opensearch.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/opensearchdescription+xml")
		_, _ = w.Write([]byte(description))
	})
	mux.HandleFunc("/osd", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/opensearch.xml", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/search", func(w http.ResponseWriter, r *http.Request) {
		s.add(r)
		if r.URL.Query().Get("format") == "atom" {
			w.Header().Set("Content-Type", "application/atom+xml")
			_, _ = w.Write(atom)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		_, _ = w.Write(rss)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, s
}

func TestDiscoverOpenSearchPrefersRSSAndHonoursOffsets(t *testing.T) {
	srv, seen := serveOpenSearchSite(t, string(fixture(t, "osdd.xml")))
	// Through a redirect: relative templates resolve against the URL that
	// answered.
	e, err := DiscoverOpenSearch(context.Background(), "", srv.URL+"/osd", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if e.Name() != "Example & Co Search" {
		t.Errorf("Name() = %q, want the ShortName", e.Name())
	}
	tmpl, index, page := e.Template()
	wantTmpl := srv.URL + "/search?q={searchTerms}&n={count?}&start={startIndex}&page={startPage?}&hl={language?}&ie={inputEncoding?}&from={time:start?}&format=rss"
	if tmpl != wantTmpl || index != 0 || page != 0 {
		t.Errorf("Template() = %q, %d, %d; want %q, 0, 0", tmpl, index, page, wantTmpl)
	}
	res, err := e.Search(context.Background(), Request{Query: "new york", Count: 10, Start: 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 || res[0].Title != "New York History" {
		t.Errorf("got %d results (first %+v), want the 4 of rss.xml", len(res), res)
	}
	got := seen.last(t).URL.RawQuery
	want := "q=new%20york&n=10&start=20&page=2&hl=&ie=UTF-8&from=&format=rss"
	if got != want {
		t.Errorf("search query\n  %q\nwant\n  %q", got, want)
	}
}

func TestDiscoverOpenSearchChoice(t *testing.T) {
	const head = `<?xml version="1.0" encoding="UTF-8"?><OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/"><ShortName>S</ShortName>`
	const tail = `</OpenSearchDescription>`
	tests := []struct {
		name     string
		urls     string
		wantFmt  string // "" means discovery fails with ErrBadResponse
		wantName string
	}{
		{"Atom when there is no usable RSS",
			`<Url type="application/rss+xml" rel="suggestions" template="/search?q={searchTerms}"/>
			 <Url type="application/rss+xml" method="post" template="/search?q={searchTerms}"/>
			 <Url type="application/rss+xml" template="/search?q={searchTerms}&amp;x={unknown}"/>
			 <Url type="application/atom+xml; charset=UTF-8" rel="results collection" template="/search?q={searchTerms}&amp;format=atom"/>`,
			"atom", "named"},
		{"only HTML and suggestions",
			`<Url type="text/html" template="/search?q={searchTerms}"/>
			 <Url type="application/x-suggestions+json" template="/suggest?q={searchTerms}"/>`,
			"", ""},
		{"bad indexOffset",
			`<Url type="application/rss+xml" indexOffset="one" template="/search?q={searchTerms}"/>`,
			"", ""},
		{"javascript template",
			`<Url type="application/rss+xml" template="javascript:alert('{searchTerms}')"/>`,
			"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, seen := serveOpenSearchSite(t, head+tt.urls+tail)
			e, err := DiscoverOpenSearch(context.Background(), "named", srv.URL+"/opensearch.xml", testOptions())
			if tt.wantFmt == "" {
				if !errorIsBadResponse(err) {
					t.Errorf("error = %v, want ErrBadResponse", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() != tt.wantName {
				t.Errorf("Name() = %q, want %q", e.Name(), tt.wantName)
			}
			if _, err := e.Search(context.Background(), Request{Query: "q"}); err != nil {
				t.Fatal(err)
			}
			if got := seen.last(t).URL.Query().Get("format"); got != tt.wantFmt {
				t.Errorf("format=%q asked, want %q", got, tt.wantFmt)
			}
		})
	}
}

func TestDiscoverOpenSearchRejectsOtherDocuments(t *testing.T) {
	tests := []struct{ name, doc string }{
		{"an RSS feed", string(fixture(t, "rss.xml"))},
		{"HTML", "<!DOCTYPE html><html><body>hi</body></html>"},
		{"malformed", `<OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/"><Url type="application/rss+xml" template="/s?q={searchTerms}">`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := serveOpenSearchSite(t, tt.doc)
			_, err := DiscoverOpenSearch(context.Background(), "", srv.URL+"/opensearch.xml", testOptions())
			if !errorIsBadResponse(err) {
				t.Errorf("error = %v, want ErrBadResponse", err)
			}
			if err != nil && !strings.Contains(err.Error(), srv.Listener.Addr().String()) {
				t.Errorf("error %q does not name the engine (its host)", err)
			}
		})
	}
}
