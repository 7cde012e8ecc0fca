package node

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// startUINode starts a node on loopback whose index holds the files of
// testdata/ui (crawler.IndexFiles, as p2pir index does), and returns it
// with its data directory.
func startUINode(t *testing.T) (*Node, string) {
	t.Helper()
	dir := t.TempDir()
	n := startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	folder, err := filepath.Abs(filepath.Join("testdata", "ui"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crawler.IndexFiles(context.Background(), n.Index(), crawler.DefaultFilesConfig(), folder); err != nil {
		t.Fatal(err)
	}
	return n, dir
}

// testdataURL is the URL under which the index holds testdata/ui/name.
func testdataURL(t *testing.T, name string) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "ui", name))
	if err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.ToSlash(p)
}

// uiGet fetches a page of the node and returns its status, headers and
// body.
func uiGet(t *testing.T, n *Node, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get("http://" + n.HTTPAddr() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(raw)
}

// noRedirect is a client that shows redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// uiPost posts a form to the node, with extra headers, without following
// a redirect.
func uiPost(t *testing.T, n *Node, path string, form url.Values, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+n.HTTPAddr()+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, string(raw)
}

var hiddenField = regexp.MustCompile(`<input type="hidden" name="(query_id|url|token)" value="([^"]*)">`)

// formFields are the hidden fields of the first mark form on a page whose
// url field is wantURL (any, when empty).
func markFields(t *testing.T, page, wantURL string) url.Values {
	t.Helper()
	for _, form := range strings.Split(page, `action="/ui/mark"`)[1:] {
		form, _, _ = strings.Cut(form, "</form>")
		f := url.Values{}
		for _, m := range hiddenField.FindAllStringSubmatch(form, -1) {
			f.Set(m[1], htmlUnescape(m[2]))
		}
		if wantURL == "" || f.Get("url") == wantURL {
			return f
		}
	}
	t.Fatalf("no mark form for %q in the page", wantURL)
	return nil
}

func htmlUnescape(s string) string {
	r := strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&quot;", `"`)
	return r.Replace(s)
}

// TestUIPagesRender: each page answers 200 with its title, the navigation
// to all five pages and the headers every HTML response must carry.
func TestUIPagesRender(t *testing.T) {
	n, _ := startUINode(t)
	for _, tc := range []struct {
		name, path string
		want       []string
	}{
		{"search box", "/", []string{"<title>Search · p2pir</title>", `<label for="q">`, "Query syntax", `site:example.org`}},
		{"search results", "/?q=galaxy", []string{"<title>galaxy · Search · p2pir</title>", "Galaxy rotation curves", "Found by:", "your files", "<mark>", `action="/ui/mark"`}},
		{"no results", "/?q=zyzzyva", []string{"No results for <q>zyzzyva</q>"}},
		{"without the profile", "/?q=galaxy&no_profile=1", []string{`Searched without your profile: <a href="/?q=galaxy">search with it</a>`}},
		{"profile", "/ui/profile", []string{"<title>Your profile · p2pir</title>", "No interests yet", "Sharing is on", "No folder is shared"}},
		{"network", "/ui/network", []string{"<title>Network · p2pir</title>", "No peers yet", n.ID()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := uiGet(t, n, tc.path)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %q", w)
				}
			}
			for _, nav := range []string{`href="/"`, `href="/ui/profile"`, `href="/ui/network"`, `href="/ui/sources"`, `href="/ui/index"`} {
				if !strings.Contains(body, nav) {
					t.Errorf("the navigation lacks %s", nav)
				}
			}
			if !strings.Contains(body, `<html lang="en">`) {
				t.Error("no lang attribute")
			}
			checkPageHeaders(t, h)
		})
	}
}

// checkPageHeaders: the headers every HTML response carries.
func checkPageHeaders(t *testing.T, h http.Header) {
	t.Helper()
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Content-Type":            "text/html; charset=utf-8",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
}

// TestUIRendersHostileTextAsText: a document titled
// <script>alert(1)</script> shows its title as text: escaped, never as
// markup.
func TestUIRendersHostileTextAsText(t *testing.T) {
	n, _ := startUINode(t)
	code, _, body := uiGet(t, n, "/?q=hostile")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
		t.Fatalf("hostile markup reached the page raw:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt; galaxy page") {
		t.Errorf("the hostile title is not shown as text:\n%s", body)
	}
	if n := strings.Count(body, "<script"); n != 1 {
		t.Errorf("%d <script> elements, want only the page's own", n)
	}
}

// TestUIMarkAndUndoWithForms: the mark and undo forms work without
// script (303 back to the search, the mark recorded, then taken back),
// and give JSON to the pages' script.
func TestUIMarkAndUndoWithForms(t *testing.T) {
	n, _ := startUINode(t)
	_, _, page := uiGet(t, n, "/?q=galaxy")
	f := markFields(t, page, testdataURL(t, "galaxy-rotation.txt"))
	if f.Get("token") != n.apiToken || f.Get("query_id") == "" || f.Get("url") == "" {
		t.Fatalf("mark form fields %v", f)
	}
	f.Set("back", "/?q=galaxy")
	f.Set("interested", "1")
	before := markCount(t, n)
	resp, body := uiPost(t, n, "/ui/mark", f, map[string]string{"Origin": "http://" + n.HTTPAddr(), "Sec-Fetch-Site": "same-origin"})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?done=marked&mark="+url.QueryEscape(f.Get("url"))+"&q=galaxy" {
		t.Fatalf("mark: %d to %q: %s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	if markCount(t, n) != before+1 {
		t.Fatalf("marks %d, want %d", markCount(t, n), before+1)
	}
	_, _, after := uiGet(t, n, resp.Header.Get("Location"))
	for _, want := range []string{"Your mark is recorded", `action="/ui/mark/undo"`, "You marked this interested."} {
		if !strings.Contains(after, want) {
			t.Errorf("the page after marking lacks %q", want)
		}
	}
	prof := getProfile(t, n)
	if len(prof.Interests) == 0 {
		t.Errorf("an interested mark left no interest in the profile")
	}

	// The script's way: Accept JSON, a not-interested mark on another result.
	_, _, page = uiGet(t, n, "/?q=sourdough")
	g := markFields(t, page, testdataURL(t, "sourdough.txt"))
	g.Set("interested", "0")
	resp, body = uiPost(t, n, "/ui/mark", g, map[string]string{"Accept": "application/json"})
	var reply struct {
		Message string `json:"message"`
		Marked  string `json:"marked"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(body), &reply) != nil || reply.Marked != "not" || reply.Message == "" {
		t.Fatalf("JSON mark: %d %s", resp.StatusCode, body)
	}
	if markCount(t, n) != before+2 {
		t.Fatalf("marks %d, want %d", markCount(t, n), before+2)
	}
	// The result marked not interested is hidden from the same search now,
	// and the page says so.
	if _, _, page = uiGet(t, n, "/?q=sourdough"); !strings.Contains(page, "Your profile hid 1 result close to what you marked not interested") ||
		strings.Contains(page, `<p class="url">`+testdataURL(t, "sourdough.txt")+`</p>`) {
		t.Errorf("the search after a not-interested mark still shows the result, or does not say it hid it:\n%s", page)
	}

	// The undo button of a result takes back only that result's mark: the
	// galaxy result's mark is not the latest now.
	resp, body = uiPost(t, n, "/ui/mark/undo", url.Values{"token": {n.apiToken}, "url": {f.Get("url")}}, map[string]string{"Accept": "application/json"})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Nothing was undone: undo takes back your latest mark, and that is on another result") {
		t.Errorf("undo of an earlier mark's result: %d %s", resp.StatusCode, body)
	}
	if markCount(t, n) != before+2 {
		t.Fatalf("a refused undo changed the marks: %d, want %d", markCount(t, n), before+2)
	}

	u := url.Values{"token": {n.apiToken}, "back": {"/?q=galaxy"}}
	for i, want := range []int{before + 1, before} {
		resp, body = uiPost(t, n, "/ui/mark/undo", u, nil)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/?done=undone&q=galaxy" {
			t.Fatalf("undo %d: %d to %q: %s", i, resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if got := markCount(t, n); got != want {
			t.Fatalf("after undo %d: %d marks, want %d", i, got, want)
		}
	}
	resp, body = uiPost(t, n, "/ui/mark/undo", u, nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Nothing was undone: there is no mark to undo.") {
		t.Errorf("undo with no mark left: %d %s", resp.StatusCode, body)
	}
}

type profileJSON struct {
	Interests []struct{ Term string } `json:"interests"`
	Sharing   bool                    `json:"sharing"`
}

func getProfile(t *testing.T, n *Node) profileJSON {
	t.Helper()
	code, _, body := uiGet(t, n, "/profile")
	var p profileJSON
	if code != http.StatusOK || json.Unmarshal([]byte(body), &p) != nil {
		t.Fatalf("GET /profile: %d %s", code, body)
	}
	return p
}

// TestUIGuardRefusesForeignForms: a form post to the pages' paths needs
// the node's token in its body and the same origin; what another site
// (or a page without the token) can send is refused, and changes nothing.
func TestUIGuardRefusesForeignForms(t *testing.T) {
	n, _ := startUINode(t)
	_, _, page := uiGet(t, n, "/?q=galaxy")
	good := markFields(t, page, "")
	good.Set("interested", "1")
	with := func(change func(url.Values)) url.Values {
		f := url.Values{}
		for k, v := range good {
			f[k] = append([]string(nil), v...)
		}
		change(f)
		return f
	}
	_, port, _ := strings.Cut(n.HTTPAddr(), ":")
	before := markCount(t, n)
	for _, tc := range []struct {
		name   string
		path   string
		form   url.Values
		header map[string]string
		host   string
		want   int
	}{
		{"no token", "/ui/mark", with(func(f url.Values) { f.Del("token") }), nil, "", http.StatusForbidden},
		{"a wrong token", "/ui/mark", with(func(f url.Values) { f.Set("token", n.apiToken+"x") }), nil, "", http.StatusForbidden},
		{"an empty token", "/ui/mark", with(func(f url.Values) { f.Set("token", "") }), nil, "", http.StatusForbidden},
		{"cross-site Origin", "/ui/mark", good, map[string]string{"Origin": "http://evil.example"}, "", http.StatusForbidden},
		{"Origin on another loopback port", "/ui/mark", good, map[string]string{"Origin": "http://127.0.0.1:1"}, "", http.StatusForbidden},
		{"Sec-Fetch-Site cross-site", "/ui/mark", good, map[string]string{"Sec-Fetch-Site": "cross-site"}, "", http.StatusForbidden},
		{"Sec-Fetch-Site same-site", "/ui/mark/undo", good, map[string]string{"Sec-Fetch-Site": "same-site"}, "", http.StatusForbidden},
		{"a rebinding Host", "/ui/mark", good, nil, "evil.example:" + port, http.StatusForbidden},
		{"a form to the JSON API", "/mark", good, nil, "", http.StatusUnsupportedMediaType},
		{"a form to the JSON API's undo", "/mark/undo", good, nil, "", http.StatusUnsupportedMediaType},
		{"text/plain to a page's path", "/ui/mark", good, map[string]string{"Content-Type": "text/plain"}, "", http.StatusUnsupportedMediaType},
		{"multipart to a page's path", "/ui/mark", good, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "", http.StatusUnsupportedMediaType},
		{"cross-site sharing off", "/ui/sharing", url.Values{"token": {n.apiToken}, "sharing": {"off"}}, map[string]string{"Sec-Fetch-Site": "cross-site"}, "", http.StatusForbidden},
		{"sharing off without the token", "/ui/sharing", url.Values{"sharing": {"off"}}, nil, "", http.StatusForbidden},
		{"the token in the address, not the body", "/ui/mark?token=" + n.apiToken, with(func(f url.Values) { f.Del("token") }), nil, "", http.StatusForbidden},
		{"a form too large to read", "/ui/mark", with(func(f url.Values) { f.Set("pad", strings.Repeat("x", 100<<10)) }), nil, "", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest("POST", "http://"+n.HTTPAddr()+tc.path, strings.NewReader(tc.form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			if tc.host != "" {
				req.Host = tc.host
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Fatalf("got %d %s, want %d", resp.StatusCode, raw, tc.want)
			}
			if strings.HasPrefix(tc.path, "/ui/") && tc.host == "" && !strings.HasPrefix(string(raw), "Refused: ") {
				t.Errorf("a refused form gets %q, want a sentence for the person", raw)
			}
		})
	}
	if after := markCount(t, n); after != before {
		t.Errorf("refused forms changed the marks: %d, then %d", before, after)
	}
	if !getProfile(t, n).Sharing {
		t.Error("a refused form turned sharing off")
	}
}

// TestUISharingToggleTakesEffectAtOnce: the profile page's form turns
// sharing off and on; the setting is what the node reads at its next use
// (GET /profile, the fingerprint it gossips).
func TestUISharingToggleTakesEffectAtOnce(t *testing.T) {
	n, _ := startUINode(t)
	for _, tc := range []struct {
		set, notice string
		want        bool
	}{
		{"off", "Sharing is off", false},
		{"on", "Sharing is on", true},
	} {
		resp, body := uiPost(t, n, "/ui/sharing", url.Values{"token": {n.apiToken}, "sharing": {tc.set}, "back": {"/ui/profile"}}, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("sharing %s: %d %s", tc.set, resp.StatusCode, body)
		}
		if got := getProfile(t, n).Sharing; got != tc.want {
			t.Errorf("after sharing %s, GET /profile says sharing %v", tc.set, got)
		}
		_, _, page := uiGet(t, n, resp.Header.Get("Location"))
		if !strings.Contains(page, tc.notice) {
			t.Errorf("the profile page after sharing %s lacks %q", tc.set, tc.notice)
		}
	}
	resp, body := uiPost(t, n, "/ui/sharing", url.Values{"token": {n.apiToken}, "sharing": {"maybe"}}, nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "on or off") {
		t.Errorf("sharing maybe: %d %s", resp.StatusCode, body)
	}
	if !getProfile(t, n).Sharing {
		t.Error("a bad form changed sharing")
	}
}

// TestSharingThroughTheJSONAPI: POST /profile/sharing is the form's twin
// for the CLI and scripts, behind the API's guard.
func TestSharingThroughTheJSONAPI(t *testing.T) {
	n, dir := startUINode(t)
	post := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": runToken(t, dir)}
	for _, tc := range []struct {
		name    string
		call    apiCall
		code    int
		sharing bool
	}{
		{"off", apiCall{method: "POST", path: "/profile/sharing", header: post, body: `{"sharing": false}`}, http.StatusOK, false},
		{"no value", apiCall{method: "POST", path: "/profile/sharing", header: post, body: `{}`}, http.StatusBadRequest, false},
		{"not a boolean", apiCall{method: "POST", path: "/profile/sharing", header: post, body: `{"sharing": "on"}`}, http.StatusBadRequest, false},
		{"without the token", apiCall{method: "POST", path: "/profile/sharing", header: map[string]string{"Content-Type": "application/json"}, body: `{"sharing": true}`}, http.StatusForbidden, false},
		{"as a form", apiCall{method: "POST", path: "/profile/sharing", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, body: "token=" + n.apiToken + "&sharing=true"}, http.StatusUnsupportedMediaType, false},
		{"on", apiCall{method: "POST", path: "/profile/sharing", header: post, body: `{"sharing": true}`}, http.StatusOK, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code, body := tc.call.do(t, n); code != tc.code {
				t.Fatalf("got %d %s, want %d", code, body, tc.code)
			}
			if got := getProfile(t, n).Sharing; got != tc.sharing {
				t.Errorf("sharing %v, want %v", got, tc.sharing)
			}
		})
	}
}

// TestUIBackNeverLeavesTheNode: a form's back field sends the person
// back to a page of this node, never to another site.
func TestUIBackNeverLeavesTheNode(t *testing.T) {
	for _, tc := range []struct{ back, want string }{
		{"/?q=galaxy", "/?q=galaxy"},
		{"/ui/profile", "/ui/profile"},
		{"", "/"},
		{"https://evil.example/", "/"},
		{"//evil.example/x", "/"},
		{"/\\evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"ui/profile", "/"},
	} {
		r := &http.Request{PostForm: url.Values{"back": {tc.back}}}
		if got := back(r, "/"); got != tc.want {
			t.Errorf("back %q: %q, want %q", tc.back, got, tc.want)
		}
	}
}

// TestUIEmptyIndexSaysWhatToDo: a node with nothing indexed says so and
// links the index page, with or without a query.
func TestUIEmptyIndexSaysWhatToDo(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	for _, path := range []string{"/", "/?q=galaxy"} {
		code, _, body := uiGet(t, n, path)
		if code != http.StatusOK || !strings.Contains(body, `Nothing indexed yet: <a href="/ui/index">add a folder</a>`) {
			t.Errorf("%s: %d, no empty-index message:\n%s", path, code, body)
		}
	}
}

// TestUISearchPages: paging by links; a page number out of range is the
// person's to fix.
func TestUISearchPages(t *testing.T) {
	n, _ := startUINode(t)
	var docs []index.Document
	for i := range 25 {
		u := fmt.Sprintf("https://notes.example/quasar/%d", i)
		docs = append(docs, index.Document{ID: u, URL: u, Title: fmt.Sprintf("Quasar note %d", i), Body: "a note on one quasar", Source: index.SourceWeb})
	}
	if err := n.Index().Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		code int
		want string
	}{
		{"/?q=galaxy&page=0", http.StatusBadRequest, "page must be a number from 1 to 20"},
		{"/?q=galaxy&page=x", http.StatusBadRequest, "page must be a number"},
		{"/?q=galaxy&page=21", http.StatusBadRequest, "page must be a number"},
		{"/?q=galaxy&page=2", http.StatusOK, `rel="prev" href="/?q=galaxy"`},
		{"/?q=galaxy&page=2", http.StatusOK, "No more results for <q>galaxy</q>"},
		{"/?q=quasar", http.StatusOK, `rel="next" href="/?page=2&amp;q=quasar"`},
		{"/?q=quasar&page=2", http.StatusOK, `<ol class="results" start="11">`},
		{"/?q=quasar&page=3", http.StatusOK, `rel="prev" href="/?page=2&amp;q=quasar"`},
		{`/?q="unclosed`, http.StatusBadRequest, "The search failed: bad query: unterminated quote"},
	} {
		code, _, body := uiGet(t, n, tc.path)
		if code != tc.code || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tc.path, code, tc.code, tc.want, body)
		}
	}
}

// TestUIShowsEnginesAsTextAndNamesTheFailing: an engine's results (a
// SearXNG server speaking its JSON, with markup in titles and snippets)
// show as text with our highlights, found by that engine; an engine that
// fails is named with its reason.
func TestUIShowsEnginesAsTextAndNamesTheFailing(t *testing.T) {
	stars := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"query": "galaxy", "number_of_results": 1, "results": [
			{"url": "https://stars.example/andromeda", "title": "The <b>Andromeda</b> galaxy &amp; its &lt;neighbours&gt;",
			 "content": "Andromeda is the nearest large <strong>galaxy</strong><script>alert(1)</script> to ours.", "engine": "x", "score": 1}]}`)
	}))
	defer stars.Close()
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer broken.Close()
	dir := t.TempDir()
	conf := fmt.Sprintf("[[engine]]\nname = \"stars\"\nkind = \"searxng\"\nurl = %q\n\n[[engine]]\nname = \"broken\"\nkind = \"searxng\"\nurl = %q\n", stars.URL, broken.URL)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })

	code, _, body := uiGet(t, n, "/?q=galaxy")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	for _, want := range []string{
		`<a href="https://stars.example/andromeda" rel="noreferrer noopener">The Andromeda galaxy &amp; its &lt;neighbours&gt;</a>`,
		`Andromeda is the nearest large <mark>galaxy</mark> to ours.`,
		`<span class="src src-engine">engine stars</span>`,
		`<li><strong>broken</strong>: `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	for _, bad := range []string{"<b>Andromeda", "<strong>galaxy", "alert(1)"} {
		if strings.Contains(body, bad) {
			t.Errorf("the engine's markup %q reached the page", bad)
		}
	}
	if t.Failed() {
		t.Logf("the page:\n%s", body)
	}
}

// TestUIDocumentPage: a file found by a search links to its text in the
// index, with the query's words marked; a hostile document stays text;
// an unknown or missing id says so.
func TestUIDocumentPage(t *testing.T) {
	n, _ := startUINode(t)
	rotation := docLink(testdataURL(t, "galaxy-rotation.txt"), "galaxy")
	_, _, page := uiGet(t, n, "/?q=galaxy")
	if want := `href="` + strings.ReplaceAll(rotation, "&", "&amp;") + `"`; !strings.Contains(page, want) {
		t.Errorf("the search page does not link the file's text: no %s", want)
	}
	for _, tc := range []struct {
		name, path string
		code       int
		want       []string
	}{
		{"a file, highlighted", rotation, http.StatusOK, []string{"<title>Galaxy rotation curves and dark matter · p2pir</title>", "one of your files", "<mark>galaxies</mark>", `<a href="/?q=galaxy">back to the search</a>`}},
		{"a hostile page", docLink(testdataURL(t, "hostile.html"), ""), http.StatusOK, []string{"<h1>&lt;script&gt;alert(1)&lt;/script&gt; galaxy page</h1>", "&lt;img src=x onerror=alert(2)&gt;"}},
		{"an unknown id", docLink("file:///nowhere.txt", ""), http.StatusNotFound, []string{"no document &#34;file:///nowhere.txt&#34; in the index"}},
		{"no id", "/ui/doc", http.StatusBadRequest, []string{"needs its id"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, h, body := uiGet(t, n, tc.path)
			if code != tc.code {
				t.Fatalf("%d, want %d: %s", code, tc.code, body)
			}
			checkPageHeaders(t, h)
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page lacks %s:\n%s", w, body)
				}
			}
			if strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
				t.Errorf("markup from a document reached the page raw")
			}
		})
	}
}

// TestUINamesAnUnresponsivePeer: a peer in the table that does not
// answer (nothing listens at its address) is named on the search page,
// by the name it announced, with the reason.
func TestUINamesAnUnresponsivePeer(t *testing.T) {
	n, _ := startUINode(t)
	ghost, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Server().UpsertPeer(serveragent.NodeInfo{ID: ghost.NodeID(), Addr: freePort(t), Version: Version, Name: "ghost"}); err != nil {
		t.Fatal(err)
	}
	code, _, body := uiGet(t, n, "/?q=galaxy")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	if !strings.Contains(body, `<h2 id="unresp-h">Did not answer</h2>`) || !strings.Contains(body, "<li><strong>peer ghost</strong>: ") {
		t.Errorf("the page does not name the peer that did not answer:\n%s", body)
	}
	if !strings.Contains(body, "Galaxy rotation curves") {
		t.Error("the local results are missing beside the failed peer")
	}
}

// TestUIShowsTheLanguageOfForeignDocuments: a result in another language
// than English says which after its title and marks its title and snippet
// with the lang attribute; an English result does neither.
func TestUIShowsTheLanguageOfForeignDocuments(t *testing.T) {
	n, _ := startUINode(t)
	err := n.Index().Index(context.Background(), []index.Document{{
		ID: "file:///notes/suche.txt", Title: "Über Suchmaschinen", Source: index.SourceFile,
		Body: "Suchmaschinen sind Programme, die Dokumente in einem Computer oder in einem Netz finden. " +
			"Die Suchmaschinen von heute lesen viele Seiten und speichern die Wörter in einem Index, " +
			"damit die Suche schnell ist und die besten Treffer oben stehen.",
	}})
	if err != nil {
		t.Fatal(err)
	}
	code, _, body := uiGet(t, n, "/?q=Suchmaschine")
	if code != http.StatusOK {
		t.Fatalf("status %d: %s", code, body)
	}
	for _, want := range []string{`<h3 class="title" lang="de">`, `Über Suchmaschinen</a> <span class="lang" title="the document's language">[de]</span></h3>`, `<p class="snippet" lang="de">`} {
		if !strings.Contains(body, want) {
			t.Errorf("the German result lacks %q:\n%s", want, body)
		}
	}
	_, _, body = uiGet(t, n, "/?q=galaxy")
	if !strings.Contains(body, "Galaxy rotation curves") || strings.Contains(body, `class="lang"`) || strings.Contains(body, `<h3 class="title" lang=`) {
		t.Errorf("an English result shows its language:\n%s", body)
	}
}
