package node

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
)

// searxngServer answers as a SearXNG instance does to p2pir's
// /search?format=json: one result whose URL names the instance.
func searxngServer(t *testing.T, name string) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"query": r.URL.Query().Get("q"), "number_of_results": 1,
			"results": []map[string]any{{"url": "https://" + name + ".example/moraine", "title": "Moraines, from " + name, "content": "a moraine is glacial debris", "engine": "wikipedia", "score": 1.0}},
		})
	}))
	t.Cleanup(s.Close)
	return s
}

// personConfig is a config.toml a person wrote: comments and settings
// the engine edits must keep.
const personConfig = `# Zoë's settings: keep this comment.
[search]
k = 7          # a short page

[network]
hops = 1

# Engines.
[[engine]]
name = "dead"  # an engine nobody answers at
kind = "yacy"
url = "http://127.0.0.1:1"
enabled = false
`

// startWithConfig starts a node on loopback whose data directory holds
// config.toml with text.
func startWithConfig(t *testing.T, text string) (*Node, string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	return n, dir
}

// post is a POST the CLI would send: JSON with the node's token.
func post(dir, path, body string) apiCall {
	return apiCall{method: "POST", path: path, body: body, header: map[string]string{"Content-Type": "application/json", TokenHeader: readToken(dir)}}
}

func readToken(dir string) string {
	ri, _ := ReadRunFile(dir)
	return ri.Token
}

// searchURLs is what GET /search?q= shows.
func searchURLs(t *testing.T, n *Node, q string) []string {
	t.Helper()
	code, body := apiCall{method: "GET", path: "/search?q=" + url.QueryEscape(q)}.do(t, n)
	if code != http.StatusOK {
		t.Fatalf("search: %d %s", code, body)
	}
	var resp struct {
		Results []struct{ URL string } `json:"results"`
	}
	if err := json.Unmarshal([]byte(body), &resp); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range resp.Results {
		out = append(out, r.URL)
	}
	return out
}

// sourceRows is GET /sources by name.
func sourceRows(t *testing.T, n *Node) map[string]map[string]any {
	t.Helper()
	code, body := apiCall{method: "GET", path: "/sources"}.do(t, n)
	if code != http.StatusOK {
		t.Fatalf("sources: %d %s", code, body)
	}
	var rows []map[string]any
	if err := json.Unmarshal([]byte(body), &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range rows {
		out[r["name"].(string)] = r
	}
	return out
}

// TestEnginesAddedDisabledAndRemovedThroughTheAPI: an engine added
// through the API is written to config.toml and asked by the next
// search; disabled it is not asked, enabled again it is, removed it is
// gone from searches, from GET /sources and from the file, and the
// person's comments and other settings survive every step.
func TestEnginesAddedDisabledAndRemovedThroughTheAPI(t *testing.T) {
	n, dir := startWithConfig(t, personConfig)
	glacier := searxngServer(t, "glacier")
	const hit = "https://glacier.example/moraine"
	if got := searchURLs(t, n, "moraine"); slices.Contains(got, hit) {
		t.Fatalf("before the engine is added a search shows its result: %v", got)
	}

	code, body := post(dir, "/sources/engines", `{"kind": "searxng", "url": "`+glacier.URL+`", "name": "glacier"}`).do(t, n)
	if code != http.StatusCreated {
		t.Fatalf("add: %d %s", code, body)
	}
	var added struct {
		Engine struct {
			Name, Kind, URL string
			Enabled         bool
			TimeoutMS       float64 `json:"timeout_ms"`
		}
	}
	if err := json.Unmarshal([]byte(body), &added); err != nil || added.Engine.Name != "glacier" || added.Engine.Kind != "searxng" || added.Engine.URL != glacier.URL || !added.Engine.Enabled || added.Engine.TimeoutMS != 3000 {
		t.Fatalf("add answered %s (%v)", body, err)
	}
	steps := []struct {
		name     string
		call     apiCall
		wantCode int
		asked    bool // a search shows the engine's result
		listed   bool // GET /sources lists it
		enabled  bool
	}{
		{"added", apiCall{}, 0, true, true, true},
		{"disabled", post(dir, "/sources/engines/update", `{"id": "glacier", "enabled": false}`), http.StatusOK, false, true, false},
		{"enabled again", post(dir, "/sources/engines/update", `{"id": "glacier", "enabled": true}`), http.StatusOK, true, true, true},
		{"removed", post(dir, "/sources/engines/remove", `{"id": "glacier"}`), http.StatusOK, false, false, false},
	}
	for _, s := range steps {
		if s.call.method != "" {
			if code, body := s.call.do(t, n); code != s.wantCode {
				t.Fatalf("%s: %d %s", s.name, code, body)
			}
		}
		if got := searchURLs(t, n, "moraine"); slices.Contains(got, hit) != s.asked {
			t.Errorf("%s: a search shows %v; want the engine's result: %v", s.name, got, s.asked)
		}
		rows := sourceRows(t, n)
		row, listed := rows["glacier"]
		if listed != s.listed {
			t.Fatalf("%s: GET /sources lists the engine: %v, want %v: %v", s.name, listed, s.listed, rows)
		}
		if listed && (row["enabled"] != s.enabled || row["kind"] != "searxng" || row["url"] != glacier.URL) {
			t.Errorf("%s: GET /sources row %v, want enabled=%v, kind searxng, its URL", s.name, row, s.enabled)
		}
		raw, _ := os.ReadFile(filepath.Join(dir, "config.toml"))
		text := string(raw)
		for _, keep := range []string{"# Zoë's settings: keep this comment.", "k = 7          # a short page", "hops = 1", `name = "dead"  # an engine nobody answers at`} {
			if !strings.Contains(text, keep) {
				t.Errorf("%s: config.toml lost %q:\n%s", s.name, keep, text)
			}
		}
		if strings.Contains(text, glacier.URL) != s.listed {
			t.Errorf("%s: config.toml holds the engine: %v, want %v:\n%s", s.name, !s.listed, s.listed, text)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "config.toml.bak")); err != nil {
		t.Errorf("no .bak of the previous config.toml: %v", err)
	}
	if dead := sourceRows(t, n)["dead"]; dead["enabled"] != false || dead["state"] != "disabled: asked only when a search names it" {
		t.Errorf("the disabled engine's row %v", dead)
	}
}

// TestEngineEditsRefusedWithTheRightStatus: each refused edit answers
// the status that fits, with a JSON error saying what is wrong, and
// changes neither config.toml nor the sources asked.
func TestEngineEditsRefusedWithTheRightStatus(t *testing.T) {
	n, dir := startWithConfig(t, personConfig)
	for _, tc := range []struct {
		name     string
		call     apiCall
		want     int
		wantText string
	}{
		{"an unknown kind", post(dir, "/sources/engines", `{"kind": "google", "url": "https://google.com"}`), http.StatusBadRequest, "want one of searxng"},
		{"no URL", post(dir, "/sources/engines", `{"kind": "searxng"}`), http.StatusBadRequest, "needs a kind"},
		{"a URL that is not http", post(dir, "/sources/engines", `{"kind": "searxng", "url": "file:///etc/passwd"}`), http.StatusBadRequest, "absolute http(s) URL"},
		{"the local index's name", post(dir, "/sources/engines", `{"kind": "searxng", "url": "https://a.example", "name": "local"}`), http.StatusBadRequest, "node's own source"},
		{"a name configured already", post(dir, "/sources/engines", `{"kind": "searxng", "url": "https://a.example", "name": "dead"}`), http.StatusConflict, "configured already"},
		{"a timeout out of range", post(dir, "/sources/engines", `{"kind": "searxng", "url": "https://a.example", "timeout_ms": -1}`), http.StatusBadRequest, "timeout_ms"},
		{"an unknown field", post(dir, "/sources/engines", `{"kind": "searxng", "url": "https://a.example", "enabled": "yes"}`), http.StatusBadRequest, "want JSON"},
		{"enable an unknown engine", post(dir, "/sources/engines/update", `{"id": "nope", "enabled": true}`), http.StatusNotFound, `"nope" (the engines are dead)`},
		{"update without enabled", post(dir, "/sources/engines/update", `{"id": "dead"}`), http.StatusBadRequest, "enabled"},
		{"remove an unknown engine", post(dir, "/sources/engines/remove", `{"id": "nope"}`), http.StatusNotFound, "nope"},
		{"remove without an id", post(dir, "/sources/engines/remove", `{}`), http.StatusBadRequest, "id"},
		{"remove without the token", apiCall{method: "POST", path: "/sources/engines/remove", header: map[string]string{"Content-Type": "application/json"}, body: `{"id": "dead"}`}, http.StatusForbidden, "token"},
		{"add from another site", apiCall{method: "POST", path: "/sources/engines", header: map[string]string{"Content-Type": "application/json", TokenHeader: readToken(dir), "Sec-Fetch-Site": "cross-site"}, body: `{"kind": "searxng", "url": "https://a.example"}`}, http.StatusForbidden, "other sites"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := n.Agent().SourceNames()
			code, body := tc.call.do(t, n)
			var e struct {
				Error string `json:"error"`
			}
			if code != tc.want || json.Unmarshal([]byte(body), &e) != nil || !strings.Contains(e.Error, tc.wantText) {
				t.Fatalf("got %d %s, want %d with an error mentioning %q", code, body, tc.want, tc.wantText)
			}
			if raw, _ := os.ReadFile(filepath.Join(dir, "config.toml")); string(raw) != personConfig {
				t.Errorf("a refused edit changed config.toml:\n%s", raw)
			}
			if after := n.Agent().SourceNames(); !slices.Equal(before, after) {
				t.Errorf("a refused edit changed the sources: %v, then %v", before, after)
			}
		})
	}
}

// TestEveryRouteAnswersErrorsInJSON walks every route of the API: a
// method the route does not take is a 405 naming the methods it takes
// (Allow header), a malformed body on a POST route a 400 and a body over
// 64 KiB a 413, an unknown path a 404; each with a JSON {"error": ...}.
func TestEveryRouteAnswersErrorsInJSON(t *testing.T) {
	n, dir := startWithConfig(t, personConfig)
	if len(n.apiRoutes) < 15 {
		t.Fatalf("the node lists %d API routes: %v", len(n.apiRoutes), n.apiRoutes)
	}
	big := `{"q": "` + strings.Repeat("a", maxBodyBytes) + `"}`
	type check struct {
		name      string
		call      apiCall
		want      int
		wantAllow string
	}
	var checks []check
	for _, pattern := range n.apiRoutes {
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.ReplaceAll(path, "{id}", "1") // a job that does not exist
		if strings.Contains(path, "{") {
			t.Fatalf("route %q has a wildcard: give the walk a path for it", pattern)
		}
		// PUT: no route takes it, so it is refused by method whatever
		// other routes share the path.
		wrong := post(dir, path, `{}`)
		wrong.method = "PUT"
		checks = append(checks, check{pattern + ": PUT", wrong, http.StatusMethodNotAllowed, method})
		if method == "POST" {
			checks = append(checks,
				check{pattern + ": malformed body", post(dir, path, `{"q": `), http.StatusBadRequest, ""},
				check{pattern + ": a JSON array", post(dir, path, `[1, 2]`), http.StatusBadRequest, ""},
				check{pattern + ": body too large", post(dir, path, big), http.StatusRequestEntityTooLarge, ""},
			)
		}
	}
	checks = append(checks,
		check{"unknown GET path", apiCall{method: "GET", path: "/no/such/route"}, http.StatusNotFound, ""},
		check{"unknown POST path", post(dir, "/no/such/route", `{}`), http.StatusNotFound, ""},
	)
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.call.method, "http://"+n.HTTPAddr()+c.call.path, strings.NewReader(c.call.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range c.call.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var e map[string]any
			decErr := json.NewDecoder(resp.Body).Decode(&e)
			if resp.StatusCode != c.want {
				t.Fatalf("status %d (%v), want %d", resp.StatusCode, e, c.want)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" || decErr != nil || len(e) != 1 || e["error"] == "" || e["error"] == nil {
				t.Fatalf("answer %v (%s, %v), want JSON {\"error\": ...} alone", e, ct, decErr)
			}
			msg := fmt.Sprint(e["error"])
			if strings.Contains(msg, "json:") || strings.Contains(msg, "struct") || strings.Contains(msg, "http:") || strings.HasPrefix(msg, "bad input") {
				t.Errorf("the error speaks Go, not to people: %q", msg)
			}
			if c.wantAllow != "" && !strings.Contains(resp.Header.Get("Allow"), c.wantAllow) {
				t.Errorf("Allow %q, want it to name %s", resp.Header.Get("Allow"), c.wantAllow)
			}
		})
	}
}

// TestOpenSearchDescriptionAddsTheNode: /opensearch.xml is an OpenSearch
// 1.1 description (its media type, its namespace, ShortName, UTF-8) whose
// templates point at the host the request named: the web UI's search
// page and the JSON search, which answers when the template is filled.
func TestOpenSearchDescriptionAddsTheNode(t *testing.T) {
	n, _ := startWithConfig(t, "name = \"Zoë's desk\"\n")
	_, port, _ := strings.Cut(n.HTTPAddr(), ":")
	for _, host := range []string{n.HTTPAddr(), "localhost:" + port} {
		t.Run(host, func(t *testing.T) {
			req, _ := http.NewRequest("GET", "http://"+n.HTTPAddr()+OpenSearchPath, nil)
			req.Host = host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/opensearchdescription+xml") {
				t.Fatalf("%d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			var doc struct {
				XMLName       xml.Name
				ShortName     string `xml:"ShortName"`
				InputEncoding string `xml:"InputEncoding"`
				URLs          []struct {
					Type     string `xml:"type,attr"`
					Template string `xml:"template,attr"`
				} `xml:"Url"`
			}
			if err := xml.NewDecoder(resp.Body).Decode(&doc); err != nil {
				t.Fatalf("not XML: %v", err)
			}
			if doc.XMLName.Space != "http://a9.com/-/spec/opensearch/1.1/" || doc.XMLName.Local != "OpenSearchDescription" {
				t.Errorf("root %v", doc.XMLName)
			}
			if doc.ShortName != "p2pir Zoë's desk" || len([]rune(doc.ShortName)) > 16 || doc.InputEncoding != "UTF-8" {
				t.Errorf("ShortName %q, InputEncoding %q", doc.ShortName, doc.InputEncoding)
			}
			templates := map[string]string{}
			for _, u := range doc.URLs {
				templates[u.Type] = u.Template
			}
			if want := "http://" + host + "/?q={searchTerms}"; templates["text/html"] != want {
				t.Errorf("HTML template %q, want %q", templates["text/html"], want)
			}
			jsonURL := strings.Replace(templates["application/json"], "{searchTerms}", url.QueryEscape("moraine ice"), 1)
			u, err := url.Parse(jsonURL)
			if err != nil || u.Host != host || u.Path != "/search" {
				t.Fatalf("JSON template %q", templates["application/json"])
			}
			code, body := apiCall{method: "GET", path: u.RequestURI(), host: host}.do(t, n)
			var answer struct {
				Query   string `json:"query"`
				Results []any  `json:"results"`
			}
			if code != http.StatusOK || json.Unmarshal([]byte(body), &answer) != nil || answer.Query != "moraine ice" || answer.Results == nil {
				t.Errorf("the filled JSON template answered %d %s", code, body)
			}
		})
	}
}

// TestAnswersHaveNoNullsOrZeroTimes: every GET route that answers JSON,
// and a mark and its undoing, give empty lists as [] and leave out times
// they do not know, rather than null or year 1, which a page would show.
func TestAnswersHaveNoNullsOrZeroTimes(t *testing.T) {
	n, dir, qid, u := startPopulated(t)
	mark := `{"query_id": "` + qid + `", "url": "` + u + `", "interested": false}`
	for _, c := range []apiCall{post(dir, "/mark", mark), post(dir, "/mark/undo", `{}`)} {
		code, body := c.do(t, n)
		var v any
		if code != http.StatusOK || json.Unmarshal([]byte(body), &v) != nil {
			t.Fatalf("%s: %d %s", c.path, code, body)
		}
		if bad := nullsAndZeroTimes(v, ""); len(bad) > 0 {
			t.Errorf("%s: null or year-1 values at %v:\n%s", c.path, bad, body)
		}
	}
	query := map[string]string{"/search": "?q=galaxy", "/recommend": "?k=3"}
	for _, pattern := range n.apiRoutes {
		method, path, _ := strings.Cut(pattern, " ")
		if method != "GET" || path == "/metrics" || path == OpenSearchPath || path == "/peer-doc" || strings.Contains(path, "{") {
			continue // not JSON, needs a peer's document, or names a job (a job's answer: internal/jobs' tests)
		}
		t.Run(path, func(t *testing.T) {
			code, body := apiCall{method: "GET", path: path + query[path]}.do(t, n)
			if code != http.StatusOK {
				t.Fatalf("%d %s", code, body)
			}
			var v any
			if err := json.Unmarshal([]byte(body), &v); err != nil {
				t.Fatal(err)
			}
			if bad := nullsAndZeroTimes(v, ""); len(bad) > 0 {
				t.Errorf("null or year-1 values at %v:\n%s", bad, body)
			}
		})
	}
}

// nullsAndZeroTimes lists the paths in v holding null or a zero time.
func nullsAndZeroTimes(v any, at string) []string {
	switch x := v.(type) {
	case nil:
		return []string{at}
	case string:
		if strings.HasPrefix(x, "0001-01-01") {
			return []string{at}
		}
	case []any:
		var out []string
		for i, e := range x {
			out = append(out, nullsAndZeroTimes(e, fmt.Sprintf("%s[%d]", at, i))...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range x {
			out = append(out, nullsAndZeroTimes(e, at+"."+k)...)
		}
		return out
	}
	return nil
}

// TestEveryRouteIsDocumented: every route of the API has its section,
// "### METHOD /path", in docs/API.md or another docs/API*.md.
func TestEveryRouteIsDocumented(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "docs", "API*.md"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no docs/API*.md: %v", err)
	}
	var docs strings.Builder
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs.Write(raw)
	}
	n, _ := startWithConfig(t, "")
	for _, pattern := range n.apiRoutes {
		if !strings.Contains(docs.String(), "\n### "+pattern+"\n") {
			t.Errorf("%s has no section (### %s) in %v", pattern, pattern, files)
		}
	}
}

// TestSourceStateInWords: GET /sources' state says whether a source is
// asked and why not, without the package and engine names an engine's
// error starts with.
func TestSourceStateInWords(t *testing.T) {
	now := time.Date(2026, 12, 6, 21, 0, 0, 0, time.Local)
	failed := clientagent.SourceStats{Name: "old-yacy", Consecutive: 3, LastError: "metasearch: old-yacy: GET http://127.0.0.1:1: connection refused"}
	for _, tc := range []struct {
		name string
		row  sourceRow
		want string
	}{
		{"asked", sourceRow{Configured: true, Enabled: true}, "asked for every search"},
		{"disabled", sourceRow{Configured: true}, "disabled: asked only when a search names it"},
		{"failed once", sourceRow{SourceStats: clientagent.SourceStats{Name: "e", Consecutive: 1, LastError: "metasearch: e: status 500"}, Configured: true, Enabled: true}, "asked; failed the last time; last error: status 500"},
		{"failed twice", sourceRow{SourceStats: clientagent.SourceStats{Name: "e", Consecutive: 2, LastError: "metasearch: e: status 500"}, Configured: true, Enabled: true}, "asked; failed the last 2 times in a row; last error: status 500"},
		{"suspended", sourceRow{SourceStats: func() clientagent.SourceStats { s := failed; s.SuspendedUntil = now.Add(90 * time.Second); return s }(), Configured: true, Enabled: true, Suspended: true},
			"suspended until 21:01:30 (for 1m30s more) after 3 failures in a row; last error: GET http://127.0.0.1:1: connection refused"},
		{"a terminal escape in the error", sourceRow{SourceStats: clientagent.SourceStats{Name: "e", Consecutive: 1, LastError: "bad \x1b[31mred"}, Configured: true, Enabled: true}, "asked; failed the last time; last error: bad [31mred"},
		{"no longer configured", sourceRow{SourceStats: failed}, "no longer configured: only what was learned of it remains"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := sourceState(tc.row, now); got != tc.want {
				t.Errorf("state %q, want %q", got, tc.want)
			}
		})
	}
}

// TestAnEngineThatCannotBeBuiltIsSaidAndRetried: an OpenSearch
// description engine whose document cannot be fetched is added (the
// person's configuration is kept) with the problem in the answer, and
// searches name it unresponsive; once the document is there, enabling it
// again builds it and searches get its results.
func TestAnEngineThatCannotBeBuiltIsSaidAndRetried(t *testing.T) {
	var up atomic.Bool
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/opensearch.xml" && up.Load():
			w.Header().Set("Content-Type", OpenSearchType)
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/"><ShortName>Wiki</ShortName><Description>A wiki</Description><Url type="application/rss+xml" template="%s/rss?q={searchTerms}"/></OpenSearchDescription>`, srv.URL)
		case r.URL.Path == "/rss" && up.Load():
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Wiki search</title><item><title>Moraine</title><link>https://wiki.example/Moraine</link><description>glacial debris</description></item></channel></rss>`)
		default:
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	n, dir := startWithConfig(t, personConfig)

	code, body := post(dir, "/sources/engines", `{"kind": "opensearch-description", "url": "`+srv.URL+`/opensearch.xml", "name": "wiki"}`).do(t, n)
	var added struct {
		Engine  struct{ Name string }
		Problem string
	}
	if code != http.StatusCreated || json.Unmarshal([]byte(body), &added) != nil || added.Engine.Name != "wiki" || !strings.Contains(added.Problem, "503") || strings.Contains(added.Problem, "clientagent") || strings.Contains(added.Problem, "metasearch") || strings.Contains(added.Problem, "engine wiki") {
		t.Fatalf("add answered %d %s; want 201 with the problem (503) in words", code, body)
	}
	t.Logf("the problem, as the person reads it: %s", added.Problem)
	code, body = apiCall{method: "GET", path: "/search?q=moraine"}.do(t, n)
	if code != http.StatusOK || !strings.Contains(body, `"engine":"wiki"`) || strings.Contains(body, "https://wiki.example/Moraine") {
		t.Fatalf("search with the broken engine: %d %s; want it unresponsive", code, body)
	}

	up.Store(true)
	for _, on := range []string{"false", "true"} {
		if code, body := post(dir, "/sources/engines/update", `{"id": "wiki", "enabled": `+on+`}`).do(t, n); code != http.StatusOK || strings.Contains(body, "problem") {
			t.Fatalf("enabled=%s: %d %s", on, code, body)
		}
	}
	if got := searchURLs(t, n, "moraine"); !slices.Contains(got, "https://wiki.example/Moraine") {
		t.Errorf("after the description came back and the engine was enabled again, a search shows %v", got)
	}
}

// TestOpenSearchInPublicModeIgnoresTheHost: in public mode the guard does
// not check Host, so the description's templates name the listen
// address, never a Host a request made up.
func TestOpenSearchInPublicModeIgnoresTheHost(t *testing.T) {
	const access = "correct-horse-battery-staple"
	n, err := Start(context.Background(), Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
		HTTPPublic: true, HTTPAccessToken: access, MembershipProfile: "local"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(context.Background())
	code, body := apiCall{method: "GET", path: OpenSearchPath, host: "evil.example", header: map[string]string{"Authorization": "Bearer " + access}}.do(t, n)
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	if strings.Contains(body, "evil.example") || !strings.Contains(body, `template="http://`+n.HTTPAddr()+`/?q={searchTerms}"`) {
		t.Errorf("the description names a Host the guard did not check:\n%s", body)
	}
}

// TestEnginesChangeWhileTheAPISearches: searches through the API keep
// answering while engines are added, disabled, enabled and removed
// through it (the race detector checks the swap under the real server).
func TestEnginesChangeWhileTheAPISearches(t *testing.T) {
	n, dir := startWithConfig(t, personConfig)
	glacier := searxngServer(t, "glacier")
	stop := make(chan struct{})
	failures := make(chan string, 64)
	var searches atomic.Int64
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("GET", "http://"+n.HTTPAddr()+"/search?q=moraine", nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					failures <- err.Error()
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failures <- resp.Status
					return
				}
				searches.Add(1)
			}
		})
	}
	edits := []apiCall{
		post(dir, "/sources/engines", `{"kind": "searxng", "url": "`+glacier.URL+`", "name": "glacier"}`),
		post(dir, "/sources/engines/update", `{"id": "glacier", "enabled": false}`),
		post(dir, "/sources/engines/update", `{"id": "glacier", "enabled": true}`),
		post(dir, "/sources/engines/remove", `{"id": "glacier"}`),
	}
	for range 5 {
		for _, e := range edits {
			if code, body := e.do(t, n); code != http.StatusOK && code != http.StatusCreated {
				t.Fatalf("%s: %d %s", e.path, code, body)
			}
			// Let at least one search run on this set of engines.
			for before := searches.Load(); searches.Load() == before && len(failures) == 0; {
				time.Sleep(time.Millisecond)
			}
		}
	}
	close(stop)
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Errorf("a search failed while the engines changed: %s", f)
	}
}
