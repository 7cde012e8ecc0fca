package metasearch

import (
	"context"
	"net/url"
	"reflect"
	"testing"
)

func TestYaCyMapsItsJSONAnswer(t *testing.T) {
	srv, seen := serveBody(t, "application/json; charset=UTF-8", fixture(t, "yacy.json"))
	e, err := NewYaCy("yacy", srv.URL, "", testOptions())
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.SearchPage(context.Background(), Request{Query: "peer to peer", Count: 10, Start: 0, Language: "en-GB"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Result{
		{URL: "https://en.wikipedia.org/wiki/Peer-to-peer", Title: "Peer-to-peer - Wikipedia",
			Content: "Peer-to-peer (P2P) computing or networking is a distributed application architecture that partitions tasks or workloads between peers.",
			Score:   6.3241728e7, Rank: 1, Published: utc(2024, 1, 16, 13, 45, 12)},
		{URL: "https://yacy.net/", Title: "YaCy - The Peer to Peer Search Engine: Home",
			Content: "YaCy is free software for your own search engine. Decentralized & peer-to-peer.",
			Score:   5.1e7, Rank: 2, Published: utc(2024, 3, 4, 9, 0, 0)},
		// The ftp:// item and the empty {} that ends older answers are dropped.
		{URL: "http://www.cs.example.edu/~alice/p2p-survey.html", Title: "BitTorrent & friends: a survey",
			Content: "A survey of peer to peer file sharing systems", Score: 3948211, Rank: 3,
			Published: utc(2006, 4, 12, 10, 20, 30)},
	}
	sameResults(t, p.Results, want)
	if p.Total != 1234 {
		t.Errorf("Total = %d, want 1234 (from \"1,234\")", p.Total)
	}
	r := seen.last(t)
	wantQ := url.Values{
		"query": {"peer to peer"}, "maximumRecords": {"10"}, "startRecord": {"0"},
		"resource": {"global"}, "contentdom": {"text"}, "lr": {"lang_en"},
	}
	if r.URL.Path != "/yacysearch.json" || !reflect.DeepEqual(r.URL.Query(), wantQ) {
		t.Errorf("request %s, want /yacysearch.json?%s", r.URL, wantQ.Encode())
	}
	if got := r.Header.Get("Accept-Language"); got != "en-GB" {
		t.Errorf("Accept-Language = %q, want en-GB", got)
	}
}

func TestYaCyPagingAndResource(t *testing.T) {
	srv, seen := serveBody(t, "application/json", fixture(t, "yacy.json"))
	tests := []struct {
		name, resource string
		req            Request
		wantQ          url.Values
		wantN          int
	}{
		{"local resource, second page of 2", "local", Request{Query: "p2p", Count: 2, Start: 2},
			url.Values{"query": {"p2p"}, "maximumRecords": {"2"}, "startRecord": {"2"}, "resource": {"local"}, "contentdom": {"text"}}, 2},
		{"global resource, count above the maximum", "global", Request{Query: "p2p", Count: 1000},
			url.Values{"query": {"p2p"}, "maximumRecords": {"100"}, "startRecord": {"0"}, "resource": {"global"}, "contentdom": {"text"}}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := NewYaCy("yacy", srv.URL+"/", tt.resource, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			res, err := e.Search(context.Background(), tt.req)
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != tt.wantN {
				t.Errorf("%d results, want %d", len(res), tt.wantN)
			}
			if got := seen.last(t).URL.Query(); !reflect.DeepEqual(got, tt.wantQ) {
				t.Errorf("query %v, want %v", got, tt.wantQ)
			}
		})
	}
}

func TestParseYaCyShapes(t *testing.T) {
	tests := []struct {
		name      string
		body      string
		wantErr   bool
		wantN     int
		wantTotal int64
	}{
		{"no channels", `{"channels":[]}`, false, 0, 0},
		{"channel without items", `{"channels":[{"title":"x","totalResults":"0"}]}`, false, 0, 0},
		{"numbers as numbers", `{"channels":[{"totalResults":7,"items":[{"link":"https://a.example/","ranking":12.5}]}]}`, false, 1, 7},
		{"unreadable total", `{"channels":[{"totalResults":"many","items":[{"link":"https://a.example/"}]}]}`, false, 1, -1},
		{"items not objects", `{"channels":[{"items":["x",1,null,{"link":"https://a.example/"}]}]}`, false, 1, -1},
		{"missing channels", `{"items":[]}`, true, 0, 0},
		{"channel not an object", `{"channels":["x"]}`, true, 0, 0},
		{"items not an array", `{"channels":[{"items":{}}]}`, true, 0, 0},
		{"JSONP wrapper", `callback({"channels":[]})`, true, 0, 0},
		{"trailing comma (malformed)", `{"channels":[{"items":[{"link":"https://a.example/"},]}]}`, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := parseYaCy([]byte(tt.body), "application/json", nil, 10)
			if tt.wantErr {
				if !errorIsBadResponse(err) {
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
