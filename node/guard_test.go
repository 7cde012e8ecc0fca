package node

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/clientagent"
)

// apiCall is one request to a node's HTTP API.
type apiCall struct {
	method, path string
	host         string // "" keeps the node's address
	header       map[string]string
	body         string
}

func (c apiCall) do(t *testing.T, n *Node) (int, string) {
	t.Helper()
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, "http://"+n.HTTPAddr()+c.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if c.host != "" {
		req.Host = c.host
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw)
}

// runToken is the token the node wrote to its run file for the CLI.
func runToken(t *testing.T, dir string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, RunFile))
	if err != nil {
		t.Fatal(err)
	}
	var ri map[string]any
	if err := json.Unmarshal(raw, &ri); err != nil {
		t.Fatal(err)
	}
	tok, _ := ri["token"].(string)
	return tok
}

// markCount is the number of marks in the node's store.
func markCount(t *testing.T, n *Node) int {
	t.Helper()
	p, err := n.store.Profile(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return p.Marks
}

// startPopulated starts a node with astronomy documents and marks, and
// returns it with a query ID and a URL that query showed, for /mark.
func startPopulated(t *testing.T) (n *Node, dir, queryID, url string) {
	n, dir, queryID, urls := startPopulatedN(t, 1)
	return n, dir, queryID, urls[0]
}

// startPopulatedN is startPopulated with the first k results' URLs.
func startPopulatedN(t *testing.T, k int) (n *Node, dir, queryID string, urls []string) {
	t.Helper()
	dir = t.TempDir()
	n = startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	populate(t, n, 0)
	resp, err := n.Agent().Search(context.Background(), clientagent.Request{Query: "galaxy", Sources: []string{clientagent.LocalName}})
	if err != nil || len(resp.Results) < k {
		t.Fatalf("search: %v, %d results, want %d", err, len(resp.Results), k)
	}
	for _, r := range resp.Results[:k] {
		urls = append(urls, r.URL)
	}
	return n, dir, resp.QueryID, urls
}

// TestAPIRefusesWhatWebPagesCanSend: requests a page in the person's
// browser can make (cross-site POSTs, forms, text/plain bodies, DNS
// rebinding, a GET that crawls) are refused and change nothing, and a
// POST without the node's token is refused too.
func TestAPIRefusesWhatWebPagesCanSend(t *testing.T) {
	n, dir, qid, url := startPopulated(t)
	tok := runToken(t, dir)
	markBody := `{"query_id": "` + qid + `", "url": "` + url + `", "interested": false}`
	jsonTok := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": tok}
	with := func(extra map[string]string) map[string]string {
		h := map[string]string{}
		for k, v := range jsonTok {
			h[k] = v
		}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	_, port, _ := strings.Cut(n.HTTPAddr(), ":")
	before := markCount(t, n)
	for _, tc := range []struct {
		name string
		call apiCall
		want int
	}{
		{"cross-site Origin on POST /mark", apiCall{method: "POST", path: "/mark", header: with(map[string]string{"Origin": "http://evil.example"}), body: markBody}, http.StatusForbidden},
		{"cross-site Origin on POST /mark/undo", apiCall{method: "POST", path: "/mark/undo", header: with(map[string]string{"Origin": "http://evil.example"}), body: "{}"}, http.StatusForbidden},
		{"Origin on another loopback port", apiCall{method: "POST", path: "/mark/undo", header: with(map[string]string{"Origin": "http://127.0.0.1:1"}), body: "{}"}, http.StatusForbidden},
		{"Sec-Fetch-Site cross-site on POST /mark/undo", apiCall{method: "POST", path: "/mark/undo", header: with(map[string]string{"Sec-Fetch-Site": "cross-site"}), body: "{}"}, http.StatusForbidden},
		{"Sec-Fetch-Site same-site on POST /mark", apiCall{method: "POST", path: "/mark", header: with(map[string]string{"Sec-Fetch-Site": "same-site"}), body: markBody}, http.StatusForbidden},
		{"text/plain POST /mark", apiCall{method: "POST", path: "/mark", header: with(map[string]string{"Content-Type": "text/plain"}), body: markBody}, http.StatusUnsupportedMediaType},
		{"form-encoded POST /mark/undo", apiCall{method: "POST", path: "/mark/undo", header: with(map[string]string{"Content-Type": "application/x-www-form-urlencoded"}), body: "a=b"}, http.StatusUnsupportedMediaType},
		{"POST /mark/undo without a content type", apiCall{method: "POST", path: "/mark/undo", header: map[string]string{"X-P2PIR-Token": tok}}, http.StatusUnsupportedMediaType},
		{"POST /mark without the token", apiCall{method: "POST", path: "/mark", header: map[string]string{"Content-Type": "application/json"}, body: markBody}, http.StatusForbidden},
		{"POST /mark/undo with a wrong token", apiCall{method: "POST", path: "/mark/undo", header: with(map[string]string{"X-P2PIR-Token": "guess"}), body: "{}"}, http.StatusForbidden},
		{"rebinding Host on GET /profile", apiCall{method: "GET", path: "/profile", host: "evil.example:" + port}, http.StatusForbidden},
		{"rebinding Host on GET /search", apiCall{method: "GET", path: "/search?q=galaxy", host: "evil.example:" + port}, http.StatusForbidden},
		{"rebinding Host without a port", apiCall{method: "GET", path: "/sources", host: "evil.example"}, http.StatusForbidden},
		{"rebinding Host with the token", apiCall{method: "POST", path: "/mark/undo", host: "evil.example:" + port, header: jsonTok, body: "{}"}, http.StatusForbidden},
		{"GET /search with crawl=1", apiCall{method: "GET", path: "/search?q=galaxy&crawl=1"}, http.StatusBadRequest},
		{"GET /search with source=crawl", apiCall{method: "GET", path: "/search?q=galaxy&source=crawl"}, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := tc.call.do(t, n)
			if code != tc.want {
				t.Fatalf("got %d %s, want %d", code, body, tc.want)
			}
			var e struct {
				Error string `json:"error"`
			}
			if json.Unmarshal([]byte(body), &e) != nil || e.Error == "" {
				t.Errorf("refusal without a JSON error: %s", body)
			}
		})
	}
	if after := markCount(t, n); after != before {
		t.Errorf("refused requests changed the marks: %d, then %d", before, after)
	}
}

// TestAPIServesTheCLIAndSameOriginPages: what the CLI sends (JSON, the
// token, no Origin) and what a page served by the node itself sends
// (same Origin, Sec-Fetch-Site same-origin) still work, under any
// loopback name of the API.
func TestAPIServesTheCLIAndSameOriginPages(t *testing.T) {
	n, dir, qid, urls := startPopulatedN(t, 2)
	tok := runToken(t, dir)
	addr := n.HTTPAddr()
	_, port, _ := strings.Cut(addr, ":")
	// Two results: a second mark on the same result would replace the first.
	markBody := `{"query_id": "` + qid + `", "url": "` + urls[0] + `", "interested": true}`
	markBody2 := `{"query_id": "` + qid + `", "url": "` + urls[1] + `", "interested": true}`
	for _, tc := range []struct {
		name      string
		call      apiCall
		wantMarks int // change in the number of marks
	}{
		{"CLI POST /mark", apiCall{method: "POST", path: "/mark", header: map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": tok}, body: markBody}, 1},
		{"same-origin page POST /mark, JSON with charset", apiCall{method: "POST", path: "/mark", header: map[string]string{"Content-Type": "application/json; charset=utf-8", "X-P2PIR-Token": tok, "Origin": "http://" + addr, "Sec-Fetch-Site": "same-origin"}, body: markBody2}, 1},
		{"CLI POST /mark/undo", apiCall{method: "POST", path: "/mark/undo", header: map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": tok}, body: "{}"}, -1},
		{"localhost Origin and Host", apiCall{method: "POST", path: "/mark/undo", host: "localhost:" + port, header: map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": tok, "Origin": "http://localhost:" + port}, body: "{}"}, -1},
		{"CLI POST /search", apiCall{method: "POST", path: "/search", header: map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": tok}, body: `{"q": "galaxy", "sources": ["local"]}`}, 0},
		{"GET /search", apiCall{method: "GET", path: "/search?q=galaxy&source=local"}, 0},
		{"Host localhost without a port", apiCall{method: "GET", path: "/profile", host: "localhost"}, 0},
		{"Host [::1] with a port", apiCall{method: "GET", path: "/profile", host: "[::1]:" + port}, 0},
		{"Host [::1] without a port", apiCall{method: "GET", path: "/profile", host: "[::1]"}, 0},
		{"Host 127.0.0.1 without a port", apiCall{method: "GET", path: "/healthz", host: "127.0.0.1"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := markCount(t, n)
			code, body := tc.call.do(t, n)
			if code != http.StatusOK {
				t.Fatalf("got %d %s, want 200", code, body)
			}
			if got := markCount(t, n) - before; got != tc.wantMarks {
				t.Errorf("marks changed by %d, want %d", got, tc.wantMarks)
			}
		})
	}
}

// TestHTTPBeyondLoopbackNeedsPublicModeAndToken: an HTTP address off
// loopback is refused unless public mode and an access token are both
// given; then every request needs the token, whatever its Host.
func TestHTTPBeyondLoopbackNeedsPublicModeAndToken(t *testing.T) {
	const access = "correct-horse-battery-staple"
	for _, tc := range []struct {
		name    string
		addr    string
		public  bool
		token   string
		wantErr error
	}{
		{"all interfaces without public mode", "0.0.0.0:0", false, "", ErrHTTPNotLoopback},
		{"all interfaces, no host, without public mode", ":0", false, access, ErrHTTPNotLoopback},
		{"a host name without public mode", "example.org:0", false, "", ErrHTTPNotLoopback},
		{"public mode without a token", "0.0.0.0:0", true, "", ErrAccessTokenNeeded},
		{"public mode with a short token", "0.0.0.0:0", true, "short", ErrAccessTokenNeeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			n, err := Start(context.Background(), Config{DataDir: dir, HTTPAddr: tc.addr, GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
				HTTPPublic: tc.public, HTTPAccessToken: tc.token, MembershipProfile: "local"})
			if err == nil {
				n.Close(context.Background())
				t.Fatalf("started with HTTP on %s", tc.addr)
			}
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %q, want %q", err, tc.wantErr)
			}
		})
	}

	dir := t.TempDir()
	n, err := Start(context.Background(), Config{DataDir: dir, HTTPAddr: "0.0.0.0:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
		HTTPPublic: true, HTTPAccessToken: access, MembershipProfile: "local"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(context.Background())
	tok := runToken(t, dir)
	for _, tc := range []struct {
		name string
		call apiCall
		want int
	}{
		{"GET without the token", apiCall{method: "GET", path: "/healthz"}, http.StatusUnauthorized},
		{"GET with a wrong token", apiCall{method: "GET", path: "/profile", header: map[string]string{"Authorization": "Bearer " + access + "x"}}, http.StatusUnauthorized},
		{"GET with the token", apiCall{method: "GET", path: "/profile", header: map[string]string{"Authorization": "Bearer " + access}}, http.StatusOK},
		{"GET under another host name with the token", apiCall{method: "GET", path: "/profile", host: "search.example:8080", header: map[string]string{"Authorization": "Bearer " + access}}, http.StatusOK},
		{"GET with the node's token (the CLI)", apiCall{method: "GET", path: "/profile", header: map[string]string{"X-P2PIR-Token": tok}}, http.StatusOK},
		{"POST with the access token", apiCall{method: "POST", path: "/search", header: map[string]string{"Authorization": "Bearer " + access, "Content-Type": "application/json"}, body: `{"q": "x", "sources": ["local"]}`}, http.StatusOK},
		{"POST with the token from another site", apiCall{method: "POST", path: "/search", header: map[string]string{"Authorization": "Bearer " + access, "Content-Type": "application/json", "Origin": "http://evil.example"}, body: `{"q": "x"}`}, http.StatusForbidden},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := tc.call.do(t, n); code != tc.want {
				t.Fatalf("got %d %s, want %d", code, body, tc.want)
			}
		})
	}
}
