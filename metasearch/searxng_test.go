package metasearch

import (
	"context"
	"net/url"
	"reflect"
	"testing"
	"time"
)

func TestSearXNGMapsItsJSONAnswer(t *testing.T) {
	srv, seen := serveBody(t, "application/json", fixture(t, "searxng.json"))
	e, err := NewSearXNG("searx", srv.URL+"/searxng/", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.SearchPage(context.Background(), Request{Query: "python tutorial", Language: "en"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{URL: "https://www.python.org/", Title: "Welcome to Python.org",
			Content: "The official home of the Python Programming Language", Score: 7.5, Rank: 1},
		{URL: "https://docs.python.org/3/tutorial/index.html",
			Title:   "The Python Tutorial — Python 3.12.2 documentation",
			Content: "Python is an easy to learn, powerful programming language. It has efficient high-level data structures and a simple but effective approach to object-oriented programming.",
			Score:   3, Rank: 2, Published: utc(2024, 2, 6, 0, 0, 0)},
		{URL: "https://en.wikipedia.org/wiki/Python_(programming_language)",
			Title:   "Python (programming language) - Wikipedia",
			Content: "Python is a high-level, general-purpose programming language. Its design philosophy emphasizes code readability with the use of significant indentation.",
			Score:   2.5, Rank: 3, Published: utc(2024, 3, 1, 12, 30, 0)},
		{URL: "https://realpython.com/python-first-steps/",
			Title:   "How to Use Python: Your First Steps – Real Python",
			Content: "In this tutorial, you'll learn the basics of how to use Python.",
			Score:   0.5, Rank: 4, Published: time.Date(2024, 3, 5, 7, 15, 30, 123456000, time.UTC)},
	}
	sameResults(t, p.Results, want)
	if p.Total != 152000000 {
		t.Errorf("Total = %d, want 152000000", p.Total)
	}
	if wantU := []string{"qwant: access denied", "startpage: timeout"}; !reflect.DeepEqual(p.Unresponsive, wantU) {
		t.Errorf("Unresponsive = %q, want %q", p.Unresponsive, wantU)
	}

	r := seen.last(t)
	if r.URL.Path != "/searxng/search" {
		t.Errorf("path = %q, want /searxng/search", r.URL.Path)
	}
	wantQ := url.Values{"q": {"python tutorial"}, "format": {"json"}, "pageno": {"1"}, "language": {"en"}}
	if got := r.URL.Query(); !reflect.DeepEqual(got, wantQ) {
		t.Errorf("query = %v, want %v", got, wantQ)
	}
	if ua := r.Header.Get("User-Agent"); ua != DefaultUserAgent {
		t.Errorf("User-Agent = %q, want %q", ua, DefaultUserAgent)
	}
}

func TestSearXNGPagingAndCount(t *testing.T) {
	tests := []struct {
		name       string
		req        Request
		wantPageno string
		wantN      int
	}{
		{"first page, count caps the answer", Request{Query: "q", Count: 2}, "1", 2},
		{"start 20 with count 10 is page 3", Request{Query: "q", Count: 10, Start: 20}, "3", 4},
		{"start inside a page rounds down", Request{Query: "q", Count: 10, Start: 15}, "2", 4},
	}
	srv, seen := serveBody(t, "application/json", fixture(t, "searxng.json"))
	e, err := NewSearXNG("searx", srv.URL, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != tt.wantN {
				t.Errorf("%d results, want %d", len(res), tt.wantN)
			}
			q := seen.last(t).URL.Query()
			if q.Get("pageno") != tt.wantPageno || q.Has("language") {
				t.Errorf("query %v, want pageno=%s and no language", q, tt.wantPageno)
			}
		})
	}
}

func TestSearXNGQuirksAndHostileItems(t *testing.T) {
	srv, _ := serveBody(t, "application/json; charset=utf-8", fixture(t, "searxng_quirks.json"))
	e, err := NewSearXNG("searx", srv.URL, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.SearchPage(context.Background(), Request{Query: "quirks"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		// Null, javascript: and data: URLs and a non-object item are dropped;
		// the hostile title and snippet become plain text.
		{URL: "https://example.org/page?id=7", Title: "Title & more",
			Content: "Snippet bold text with txt.exe bell", Score: 1.5, Rank: 1},
		// The exact duplicate is dropped; scheme and tracking variants stay
		// for the merge to collapse.
		{URL: "http://example.org/page?id=7", Title: "Same page over http, kept", Score: 0.9, Rank: 2},
		{URL: "https://example.org/page?id=7&utm_source=newsletter", Title: "Same page with a tracking parameter, kept",
			Score: 0.8, Rank: 3},
		// A number as title, null content and score, the legacy pubdate field.
		{URL: "https://Example.org/upper", Title: "42", Rank: 4, Published: utc(2023, 12, 24, 18, 0, 0)},
		// Invalid UTF-8 is repaired.
		{URL: "https://example.org/invalid-utf8", Title: "caf\uFFFD \uFFFD", Content: "ok", Score: 0.1, Rank: 5},
	}
	sameResults(t, p.Results, want)
	if p.Total != -1 {
		t.Errorf("Total = %d, want -1 (SearXNG's 0 means no estimate)", p.Total)
	}
	if wantU := []string{"brave: too many requests", "google"}; !reflect.DeepEqual(p.Unresponsive, wantU) {
		t.Errorf("Unresponsive = %q, want %q", p.Unresponsive, wantU)
	}
}

func TestParseSearXNGShapes(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantErr   bool
		wantN     int
		wantTotal int64
	}{
		{"empty results", `{"query":"x","number_of_results":0,"results":[]}`, false, 0, 0},
		{"null results", `{"results":null}`, false, 0, 0},
		{"UTF-8 byte-order mark", "\xef\xbb\xbf{\"results\":[{\"url\":\"https://a.example/\"}]}", false, 1, -1},
		{"no results key", `{"query":"x"}`, true, 0, 0},
		{"results not an array", `{"results":{"url":"https://a.example/"}}`, true, 0, 0},
		{"top level array", `[{"url":"https://a.example/"}]`, true, 0, 0},
		{"HTML error page", `<!DOCTYPE html><title>Too many requests</title>`, true, 0, 0},
		{"truncated", `{"results":[{"url":"https://a.example/","title":"cut`, true, 0, 0},
		{"empty body", "  ", true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseSearXNG([]byte(tt.body), "application/json", nil, 10, 0)
			if tt.wantErr {
				if err == nil || !errorIsBadResponse(err) {
					t.Errorf("error = %v, want ErrBadResponse", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Results) != tt.wantN || p.Total != tt.wantTotal {
				t.Errorf("got %d results, total %d; want %d, %d", len(p.Results), p.Total, tt.wantN, tt.wantTotal)
			}
		})
	}
}

func TestP2PIRAsksForStartPlusCountAndSkipsStart(t *testing.T) {
	srv, seen := serveBody(t, "application/json", fixture(t, "p2pir.json"))
	e, err := NewP2PIR("node-a", srv.URL, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		req   Request
		wantK string
		want  []Result
	}{
		{"first page", Request{Query: "heat transfer", Count: 2}, "2", []Result{
			{URL: "https://node-a.example/docs/cran-0012", Title: "Experimental investigation of heat transfer in laminar flow",
				Content: "the heat transfer coefficient was measured for laminar flow over a flat plate",
				Score:   11.52, Rank: 1, Published: utc(2021, 6, 1, 10, 0, 0)},
			{URL: "https://node-a.example/docs/cran-0344", Title: "Boundary layer heat transfer at high speeds",
				Content: "compressible boundary layer with heat transfer", Score: 9.87, Rank: 2},
		}},
		{"second page", Request{Query: "heat transfer", Count: 2, Start: 2}, "4", []Result{
			{URL: "https://node-a.example/docs/cran-0997", Title: "Radiative heat transfer", Content: "radiation",
				Score: 4.2, Rank: 1},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := e.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			sameResults(t, res, tt.want)
			r := seen.last(t)
			wantQ := url.Values{"q": {"heat transfer"}, "format": {"json"}, "k": {tt.wantK}}
			if r.URL.Path != "/search" || !reflect.DeepEqual(r.URL.Query(), wantQ) {
				t.Errorf("request %s, want /search?%s", r.URL, wantQ.Encode())
			}
		})
	}
}
