package node

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
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
// lists [] rather than null; each key of a route's answer appears in the
// route's section of docs/API.md, so the documentation cannot drift from
// what the node sends. A route without a call here fails the test.
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
		{pattern: "POST /profile/sharing", call: post(dir, "/profile/sharing", `{"share": false}`)},
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
			reqBody = normaliseAnswer(normaliseJSON(t, c.call.body, n, dir, folder), "")
		}
		byRoute[c.pattern] = append(byRoute[c.pattern], goldenExchange{
			Request:  c.call.method + " " + normaliseText(c.call.path, n, dir, folder),
			Body:     reqBody,
			Status:   code,
			Response: normaliseAnswer(normaliseJSON(t, body, n, dir, folder), ""),
		})
		for _, bad := range styleProblems(v, "") {
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
		checkGolden(t, filepath.Join("testdata", "golden", "api", goldenName(pattern)), ex)
		for _, e := range ex {
			if e.Status >= 300 {
				continue // errors are {"error"}, documented once under Errors
			}
			doc := docWithReferences(docs, pattern)
			for _, k := range keysOf(e.Response) {
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

// checkGolden compares v, written as indented JSON, with the file at path
// (or writes it there with -update).
func checkGolden(t *testing.T, path string, v any) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%s: %v (run the test with -update to write it)", path, err)
		return
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("%s differs from the answer (if the change is meant, run with -update and review the diff):\n%s", path, lineDiff(string(want), buf.String()))
	}
}

// lineDiff lists the first lines that differ between want and got.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for i := 0; i < max(len(w), len(g)) && len(out) < 12; i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			out = append(out, fmt.Sprintf("line %d: want %s\n         got  %s", i+1, a, b))
		}
	}
	return strings.Join(out, "\n")
}

var (
	timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$`)
	portRE = regexp.MustCompile(`(127\.0\.0\.1|localhost|\[::1\]):\d+`)
	hexRE  = regexp.MustCompile(`^[0-9a-f]{16,}$`)
	keyRE  = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
)

// normaliseText replaces, in raw text, what differs from run to run: the
// node's ID, the data and fixture folders, loopback ports.
func normaliseText(s string, n *Node, dir, folder string) string {
	s = strings.ReplaceAll(s, n.ID(), "NODE_ID")
	s = strings.ReplaceAll(s, folder, "FOLDER")
	s = strings.ReplaceAll(s, dir, "DATA_DIR")
	return portRE.ReplaceAllString(s, "$1:PORT")
}

func normaliseJSON(t *testing.T, body string, n *Node, dir, folder string) any {
	t.Helper()
	// The paths are inside JSON strings: escape them as JSON does.
	esc := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
	body = strings.ReplaceAll(body, esc(folder), "FOLDER")
	body = strings.ReplaceAll(body, esc(dir), "DATA_DIR")
	var v any
	if err := json.Unmarshal([]byte(normaliseText(body, n, dir, folder)), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// normaliseAnswer replaces values that change from run to run: times,
// durations (keys ending in _ms), query IDs, hexadecimal IDs; floats are
// rounded to 4 decimals (trust decays with the clock in the 10th).
func normaliseAnswer(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normaliseAnswer(e, k)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = normaliseAnswer(e, key)
		}
		return x
	case string:
		switch {
		case timeRE.MatchString(x):
			return "TIME"
		case key == "query_id":
			return "QUERY_ID"
		case hexRE.MatchString(x):
			return "HEX_ID"
		}
		return x
	case float64:
		if strings.HasSuffix(key, "_ms") {
			return 0.0
		}
		return math.Round(x*1e4) / 1e4
	}
	return v
}

// styleProblems lists what in v breaks the JSON conventions of
// docs/API.md: a key not in snake_case, a duration not in milliseconds
// (a key naming a time span without _ms), null. Maps keyed by data
// (node IDs under "assign") are not keys.
func styleProblems(v any, at string) []string {
	var out []string
	switch x := v.(type) {
	case nil:
		out = append(out, fmt.Sprintf("null at %s: empty lists are [], unknown values left out", at))
	case []any:
		for i, e := range x {
			out = append(out, styleProblems(e, fmt.Sprintf("%s[%d]", at, i))...)
		}
	case map[string]any:
		for k, e := range x {
			path := at + "." + k
			if strings.HasSuffix(at, ".assign") {
				continue
			}
			if !keyRE.MatchString(k) {
				out = append(out, fmt.Sprintf("key %s is not snake_case", path))
			}
			for _, span := range []string{"took", "rtt", "latency", "elapsed", "timeout", "delay", "duration"} {
				if strings.Contains(k, span) && !strings.HasSuffix(k, "_ms") {
					out = append(out, fmt.Sprintf("key %s looks like a duration but does not say _ms", path))
				}
			}
			out = append(out, styleProblems(e, path)...)
		}
	}
	return out
}

// keysOf lists the distinct object keys in v, sorted; keys under
// "assign" are data (node IDs), not names.
func keysOf(v any) []string {
	seen := map[string]bool{}
	var walk func(v any, parent string)
	walk = func(v any, parent string) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e, parent)
			}
		case map[string]any:
			for k, e := range x {
				if parent != "assign" {
					seen[k] = true
				}
				walk(e, k)
			}
		}
	}
	walk(v, "")
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
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
