package node

import (
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/testenv"
)

// updateGolden rewrites the golden answers instead of comparing with them:
// go test ./node/ -run TestEveryRouteAnswersItsGolden -update
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden/api/*.json from the node's answers")

// goldenExchange is one request to a route and the node's answer, as a
// golden file keeps it (normalised: see normaliseAnswer).
type goldenExchange struct {
	Request  string `json:"request"`
	Body     any    `json:"body,omitempty"`
	Status   int    `json:"status"`
	Response any    `json:"response"`
}

// goldenCall is a request of the walk: its route's pattern, and the call.
type goldenCall struct {
	pattern string
	call    apiCall
	// after runs after the call, before the next (waiting for a job).
	after func(t *testing.T, body string)
}

// notJSONRoutes answer in another format than JSON (documented in
// docs/API.md with their own examples).
var notJSONRoutes = []string{"GET /metrics", "GET " + OpenSearchPath}

// TestEveryRouteAnswersItsGolden walks every route of the API with a
// fixture node (a small index, a search, a mark, an indexed folder, an
// engine added and removed) and compares each answer with its golden file
// in testdata/golden/api, with the node's ID, query IDs, times, ports,
// paths and durations replaced by placeholders. Each answer's keys are
// snake_case, its durations in milliseconds (keys ending in _ms), its
// lists [] rather than null; each field of a request and each key of a
// route's answer appears in the route's section of docs/API.md, so the
// documentation cannot drift from what the node takes and sends. A route without a call here fails the test.
func TestEveryRouteAnswersItsGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("a real node: skipped in -short mode")
	}
	n, dir, qid, u := startPopulated(t)
	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "comet.txt"), []byte("Comet notes: the comet's tail points away from the sun."), 0o600); err != nil {
		t.Fatal(err)
	}
	folderJSON, _ := json.Marshal(folder)
	waitJob := func(t *testing.T, body string) {
		var reply struct {
			Job struct {
				ID string `json:"id"`
			} `json:"job"`
		}
		if err := json.Unmarshal([]byte(body), &reply); err != nil || reply.Job.ID == "" {
			t.Fatalf("no job in %s", body)
		}
		testenv.WaitFor(t, "the job to finish", time.Minute, func() bool {
			code, b := apiCall{method: "GET", path: "/index/jobs/" + reply.Job.ID}.do(t, n)
			return code == http.StatusOK && !strings.Contains(b, `"state": "queued"`) && !strings.Contains(b, `"state": "running"`) &&
				!strings.Contains(b, `"state":"queued"`) && !strings.Contains(b, `"state":"running"`)
		})
	}
	calls := []goldenCall{
		{pattern: "GET /healthz", call: apiCall{method: "GET", path: "/healthz"}},
		{pattern: "GET /search", call: apiCall{method: "GET", path: "/search?q=galaxy&k=3&source=local"}},
		{pattern: "GET /search", call: apiCall{method: "GET", path: "/search?q=source:ftp"}},
		{pattern: "POST /search", call: post(dir, "/search", `{"q": "telescope", "k": 2, "sources": ["local"]}`)},
		{pattern: "POST /mark", call: post(dir, "/mark", `{"query_id": "`+qid+`", "url": "`+u+`", "interested": true}`)},
		{pattern: "POST /mark/undo", call: post(dir, "/mark/undo", `{}`)},
		{pattern: "GET /profile", call: apiCall{method: "GET", path: "/profile"}},
		{pattern: "POST /profile/sharing", call: post(dir, "/profile/sharing", `{"sharing": false}`)},
		{pattern: "GET /peers", call: apiCall{method: "GET", path: "/peers"}},
		{pattern: "GET /node", call: apiCall{method: "GET", path: "/node"}},
		{pattern: "GET /shared", call: apiCall{method: "GET", path: "/shared"}},
		{pattern: "GET /peer-doc", call: apiCall{method: "GET", path: "/peer-doc?node=0123456789abcdef&doc=1"}},
		{pattern: "GET /recommend", call: apiCall{method: "GET", path: "/recommend?k=3"}},
		{pattern: "GET /network/clusters", call: apiCall{method: "GET", path: "/network/clusters"}},
		{pattern: "POST /network/round", call: post(dir, "/network/round", `{}`)},
		{pattern: "POST /index/jobs", call: post(dir, "/index/jobs", `{"kind": "folder", "path": `+string(folderJSON)+`}`), after: waitJob},
		{pattern: "GET /index/jobs", call: apiCall{method: "GET", path: "/index/jobs"}},
		{pattern: "GET /index/jobs/{id}", call: apiCall{method: "GET", path: "/index/jobs/1"}},
		{pattern: "POST /index/jobs/{id}/cancel", call: post(dir, "/index/jobs/1/cancel", `{}`)},
		{pattern: "GET /index/roots", call: apiCall{method: "GET", path: "/index/roots"}},
		{pattern: "POST /index/unwatch", call: post(dir, "/index/unwatch", `{"path": `+string(folderJSON)+`}`)},
		{pattern: "POST /index/forget", call: post(dir, "/index/forget", `{"target": `+string(folderJSON[:len(folderJSON)-1])+`/comet.txt"}`)},
		{pattern: "POST /index/remove", call: post(dir, "/index/remove", `{"kind": "folder", "path": `+string(folderJSON)+`}`)},
		{pattern: "GET /sources", call: apiCall{method: "GET", path: "/sources"}},
		{pattern: "POST /sources/engines", call: post(dir, "/sources/engines", `{"kind": "searxng", "url": "http://127.0.0.1:9/", "name": "my-searx", "enabled": false}`)},
		{pattern: "POST /sources/engines/update", call: post(dir, "/sources/engines/update", `{"id": "my-searx", "enabled": false}`)},
		{pattern: "POST /sources/engines/remove", call: post(dir, "/sources/engines/remove", `{"id": "my-searx"}`)},
	}
	byRoute := map[string][]goldenExchange{}
	for _, c := range calls {
		if !slices.Contains(n.apiRoutes, c.pattern) {
			t.Fatalf("the walk calls %s, which is not a route of the API: %v", c.pattern, n.apiRoutes)
		}
		code, body := c.call.do(t, n)
		if c.after != nil {
			c.after(t, body)
		}
		var v any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("%s %s: not JSON (%v): %s", c.call.method, c.call.path, err, body)
		}
		var reqBody any
		if c.call.body != "" {
			reqBody = testenv.Normalise(normaliseJSON(t, c.call.body, n, dir, folder))
		}
		byRoute[c.pattern] = append(byRoute[c.pattern], goldenExchange{
			Request:  c.call.method + " " + normaliseText(c.call.path, n, dir, folder),
			Body:     reqBody,
			Status:   code,
			Response: testenv.Normalise(normaliseJSON(t, body, n, dir, folder)),
		})
		for _, bad := range testenv.StyleProblems(v, "assign") {
			t.Errorf("%s %s: %s", c.call.method, c.call.path, bad)
		}
	}
	docs := apiDocSections(t)
	for _, pattern := range n.apiRoutes {
		if slices.Contains(notJSONRoutes, pattern) {
			continue
		}
		ex, ok := byRoute[pattern]
		if !ok {
			t.Errorf("%s has no golden: add a call for it to TestEveryRouteAnswersItsGolden", pattern)
			continue
		}
		testenv.CheckGolden(t, filepath.Join("testdata", "golden", "api", goldenName(pattern)), ex, *updateGolden)
		for _, e := range ex {
			doc := docWithReferences(docs, pattern)
			for _, k := range testenv.KeysOf(e.Body) {
				if !strings.Contains(doc, `"`+k+`"`) && !strings.Contains(doc, "`"+k+"`") {
					t.Errorf("docs/API.md, %s: the request's field %q is not documented", pattern, k)
				}
			}
			if e.Status >= 300 {
				continue // errors are {"error"}, documented once under Errors
			}
			for _, k := range testenv.KeysOf(e.Response, "assign") {
				if !strings.Contains(doc, `"`+k+`"`) && !strings.Contains(doc, "`"+k+"`") {
					t.Errorf("docs/API.md, %s: the answer's key %q is not documented (as \"%s\" or `%s`)", pattern, k, k, k)
				}
			}
		}
	}
}

// goldenName is the file name of a route's golden: "GET /index/jobs/{id}"
// is get_index_jobs_id.json.
func goldenName(pattern string) string {
	s := strings.ToLower(pattern)
	s = strings.NewReplacer(" ", "_", "/", "_", "{", "", "}", "", ".", "_", "-", "_").Replace(s)
	for strings.Contains(s, "__") {
		s = strings.ReplaceAll(s, "__", "_")
	}
	return strings.Trim(s, "_") + ".json"
}

// normaliseText replaces, in raw text, what differs from run to run: the
// node's ID, the data and fixture folders, loopback ports.
func normaliseText(s string, n *Node, dir, folder string) string {
	s = strings.ReplaceAll(s, n.ID(), "NODE_ID")
	s = strings.ReplaceAll(s, folder, "FOLDER")
	s = strings.ReplaceAll(s, dir, "DATA_DIR")
	return testenv.PortRE.ReplaceAllString(s, "$1:PORT")
}

func normaliseJSON(t *testing.T, body string, n *Node, dir, folder string) any {
	t.Helper()
	// The paths are inside JSON strings: escape them as JSON does.
	body = strings.ReplaceAll(body, testenv.JSONEscaped(folder), "FOLDER")
	body = strings.ReplaceAll(body, testenv.JSONEscaped(dir), "DATA_DIR")
	var v any
	if err := json.Unmarshal([]byte(normaliseText(body, n, dir, folder)), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// apiDocSections reads docs/API.md's route sections: "### METHOD /path"
// to the next heading, by pattern.
func apiDocSections(t *testing.T) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "docs", "API.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var cur string
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(line, "#") {
			cur = strings.TrimSpace(strings.TrimPrefix(line, "### "))
			if !strings.HasPrefix(line, "### ") {
				cur = ""
			}
			continue
		}
		if cur != "" {
			out[cur] += line + "\n"
		}
	}
	return out
}

// docWithReferences is a route's section of docs/API.md with the sections
// of the routes it names in backticks ("as in `GET /index/jobs/{id}`"), so
// that an answer documented once is not written out twice.
func docWithReferences(docs map[string]string, pattern string) string {
	doc := docs[pattern]
	for other, text := range docs {
		if other != pattern && strings.Contains(doc, "`"+other+"`") {
			doc += text
		}
	}
	return doc
}
