package node

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/jobs"
)

var tokenField = regexp.MustCompile(`name="token" value="([^"]+)"`)

// pageToken is the node's token as a page's forms carry it.
func pageToken(t *testing.T, page string) string {
	t.Helper()
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the page has no form token")
	}
	return htmlUnescape(m[1])
}

// waitForJob waits until job id of n has finished and returns it.
func waitForJob(t *testing.T, n *Node, id string) jobs.Job {
	t.Helper()
	for {
		j, err := n.jobs.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		if jobs.Finished(j.State) {
			return j
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestUIIndexPageAddsAFolderAndRemovesIt: on an empty node the index page
// says what to do; its folder form queues a job that indexes the folder
// (found by a search, listed with its count), its remove form takes the
// folder's documents out again; a relative path and a post without the
// token are refused, and nothing is queued.
func TestUIIndexPageAddsAFolderAndRemovesIt(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "axolotl.txt"), []byte("The axolotl regrows its limbs."), 0o600); err != nil {
		t.Fatal(err)
	}

	code, _, page := uiGet(t, n, "/ui/index")
	if code != http.StatusOK || !strings.Contains(page, "Nothing indexed yet: add a folder") {
		t.Fatalf("empty index page: %d\n%s", code, page)
	}
	tok := pageToken(t, page)

	for _, tc := range []struct {
		name   string
		form   url.Values
		status int
		says   string
	}{
		{"a relative path", url.Values{"token": {tok}, "path": {"notes"}}, http.StatusBadRequest, "full path"},
		{"a folder that does not exist", url.Values{"token": {tok}, "path": {filepath.Join(folder, "nope")}}, http.StatusBadRequest, "nope"},
		{"no token", url.Values{"path": {folder}}, http.StatusForbidden, ""},
	} {
		resp, body := uiPost(t, n, "/ui/index/folder", tc.form, nil)
		if resp.StatusCode != tc.status || !strings.Contains(body, tc.says) {
			t.Errorf("%s: %d, want %d saying %q:\n%s", tc.name, resp.StatusCode, tc.status, tc.says, body)
		}
	}
	if js := n.jobs.List(); len(js) != 0 {
		t.Fatalf("refused forms queued %d jobs", len(js))
	}

	resp, body := uiPost(t, n, "/ui/index/folder", url.Values{"token": {tok}, "path": {folder}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("folder form: %d\n%s", resp.StatusCode, body)
	}
	to, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || to.Path != "/ui/index" || to.Query().Get("done") != "queued" {
		t.Fatalf("folder form sent the person to %q", resp.Header.Get("Location"))
	}
	if j := waitForJob(t, n, to.Query().Get("job")); j.State != jobs.Done || j.Indexed != 1 {
		t.Fatalf("the job ended %s with %d indexed: %s", j.State, j.Indexed, j.Message)
	}
	if urls := searchURLs(t, n, "axolotl"); len(urls) != 1 || !strings.HasSuffix(urls[0], "axolotl.txt") {
		t.Fatalf("search after the job: %v", urls)
	}
	_, _, page = uiGet(t, n, to.RequestURI())
	for _, want := range []string{"is queued", folder, "<td>1</td>", "done"} {
		if !strings.Contains(page, want) {
			t.Errorf("the index page after the job lacks %q:\n%s", want, page)
		}
	}

	resp, body = uiPost(t, n, "/ui/index/remove", url.Values{"token": {tok}, "kind": {"folder"}, "target": {folder}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove form: %d\n%s", resp.StatusCode, body)
	}
	if urls := searchURLs(t, n, "axolotl"); len(urls) != 0 {
		t.Errorf("search after removing the folder: %v", urls)
	}
	_, _, page = uiGet(t, n, resp.Header.Get("Location"))
	if !strings.Contains(page, "Nothing indexed yet") {
		t.Errorf("the index page still lists the removed folder:\n%s", page)
	}
}

// TestUISourcesPageEditsEngines: the sources page lists the person's
// engines with their state; its forms add an engine (written to
// config.toml, the comments kept, asked by the next search), disable it
// (no longer asked), enable it and remove it; a bad kind is refused with
// a message and changes nothing.
func TestUISourcesPageEditsEngines(t *testing.T) {
	n, dir := startWithConfig(t, personConfig)
	engine := searxngServer(t, "zoe")
	code, _, page := uiGet(t, n, "/ui/sources")
	if code != http.StatusOK || !strings.Contains(page, "<strong>dead</strong>") || !strings.Contains(page, "disabled: asked only when a search names it") {
		t.Fatalf("sources page: %d\n%s", code, page)
	}
	tok := pageToken(t, page)
	before, err := os.ReadFile(filepath.Join(dir, "config.toml"))
	if err != nil {
		t.Fatal(err)
	}

	resp, body := uiPost(t, n, "/ui/sources/add", url.Values{"token": {tok}, "kind": {"gopher"}, "url": {engine.URL}}, nil)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "were not changed") {
		t.Errorf("a bad kind: %d\n%s", resp.StatusCode, body)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "config.toml")); string(after) != string(before) {
		t.Errorf("a refused engine changed config.toml:\n%s", after)
	}

	resp, body = uiPost(t, n, "/ui/sources/add", url.Values{"token": {tok}, "kind": {"searxng"}, "url": {engine.URL}, "name": {"zoe"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add form: %d\n%s", resp.StatusCode, body)
	}
	conf, _ := os.ReadFile(filepath.Join(dir, "config.toml"))
	if !strings.Contains(string(conf), "keep this comment") || !strings.Contains(string(conf), engine.URL) {
		t.Errorf("config.toml after adding:\n%s", conf)
	}
	if urls := searchURLs(t, n, "moraine"); !slices.Contains(urls, "https://zoe.example/moraine") {
		t.Errorf("a search after adding the engine: %v", urls)
	}
	_, _, page = uiGet(t, n, resp.Header.Get("Location"))
	if !strings.Contains(page, "Engine zoe is added") || !strings.Contains(page, "<strong>zoe</strong>") {
		t.Errorf("sources page after adding:\n%s", page)
	}

	steps := []struct {
		path  string
		form  url.Values
		asked bool
	}{
		{"/ui/sources/enable", url.Values{"token": {tok}, "name": {"zoe"}, "enabled": {"0"}}, false},
		{"/ui/sources/enable", url.Values{"token": {tok}, "name": {"zoe"}, "enabled": {"1"}}, true},
		{"/ui/sources/remove", url.Values{"token": {tok}, "name": {"zoe"}}, false},
	}
	for _, s := range steps {
		resp, body := uiPost(t, n, s.path, s.form, nil)
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s %v: %d\n%s", s.path, s.form, resp.StatusCode, body)
		}
		if urls := searchURLs(t, n, "moraine"); slices.Contains(urls, "https://zoe.example/moraine") != s.asked {
			t.Errorf("after %s %v the engine's result is there: %v, want %v", s.path, s.form.Get("enabled"), !s.asked, s.asked)
		}
	}
	if conf, _ := os.ReadFile(filepath.Join(dir, "config.toml")); strings.Contains(string(conf), engine.URL) || !strings.Contains(string(conf), "keep this comment") {
		t.Errorf("config.toml after removing:\n%s", conf)
	}
}

// TestUISiteFormAllowPrivate: the index page's site form has an "allow
// private addresses" checkbox, and the crawl it queues honours it. The
// site (on loopback: the start page's own host and port are trusted)
// links to a page on another loopback port; without the box ticked that
// link is refused and listed among the job's failures, and its page is
// never requested; ticked, it is crawled and found by a search.
func TestUISiteFormAllowPrivate(t *testing.T) {
	n := startNode(t, t.TempDir(), "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	var privateHits atomic.Int64
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		privateHits.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Intranet</title></head><body><p>The quetzalcoatlus intranet page.</p></body></html>`)
	}))
	defer private.Close()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Start</title></head><body><p>A start page.</p><a href="%s/intranet">the intranet</a></body></html>`, private.URL)
	}))
	defer site.Close()

	_, _, page := uiGet(t, n, "/ui/index")
	if !strings.Contains(page, `name="allow_private"`) {
		t.Fatalf("the site form has no allow_private checkbox:\n%s", page)
	}
	tok := pageToken(t, page)
	for _, tc := range []struct {
		name  string
		form  url.Values
		found bool
	}{
		{"box not ticked", url.Values{"token": {tok}, "url": {site.URL + "/"}, "depth": {"2"}}, false},
		{"box ticked", url.Values{"token": {tok}, "url": {site.URL + "/"}, "depth": {"2"}, "allow_private": {"on"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := uiPost(t, n, "/ui/index/site", tc.form, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("site form: %d\n%s", resp.StatusCode, body)
			}
			to, err := url.Parse(resp.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			j := waitForJob(t, n, to.Query().Get("job"))
			if j.State != jobs.Done {
				t.Fatalf("the crawl ended %s: %s", j.State, j.Message)
			}
			if j.Spec.AllowPrivate != tc.found {
				t.Errorf("the job's allow_private is %v, want %v", j.Spec.AllowPrivate, tc.found)
			}
			urls := searchURLs(t, n, "quetzalcoatlus")
			if got := len(urls) == 1; got != tc.found {
				t.Fatalf("the private page found: %v (%v), want %v; job %+v", got, urls, tc.found, j)
			}
			if !tc.found {
				if privateHits.Load() != 0 {
					t.Errorf("the private server got %d requests", privateHits.Load())
				}
				if len(j.Failures) == 0 || !strings.Contains(j.Failures[0].Error, "loopback") {
					t.Errorf("the refused link is not among the failures: %+v", j.Failures)
				}
			}
		})
	}
}
