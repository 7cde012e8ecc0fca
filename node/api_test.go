package node

import (
	"context"
	"encoding/json"
	"github.com/p2pir/p2pir/internal/testenv"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestAPIBadInputIs400: input a person can fix (an unknown merge method,
// bytes after the /mark JSON) is a 400 with the reason, not a 500 or a
// success.
func TestAPIBadInputIs400(t *testing.T) {
	n, dir, qid, url := startPopulated(t)
	post := map[string]string{"Content-Type": "application/json", "X-P2PIR-Token": runToken(t, dir)}
	mark := `{"query_id": "` + qid + `", "url": "` + url + `", "interested": true}`
	for _, tc := range []struct {
		name     string
		call     apiCall
		wantText string
	}{
		{"unknown merge on GET /search", apiCall{method: "GET", path: "/search?q=galaxy&merge=borda"}, "merge"},
		{"unknown merge on POST /search", apiCall{method: "POST", path: "/search", header: post, body: `{"q": "galaxy", "merge": "borda"}`}, "merge"},
		{"bytes after the /mark JSON", apiCall{method: "POST", path: "/mark", header: post, body: mark + `garbage`}, "interested"},
		{"a second JSON value after the /mark JSON", apiCall{method: "POST", path: "/mark", header: post, body: mark + mark}, "interested"},
		{"bytes after the POST /search JSON", apiCall{method: "POST", path: "/search", header: post, body: `{"q": "galaxy"} {}`}, "after the JSON"},
		{"timeout_ms 0 on GET /search", apiCall{method: "GET", path: "/search?q=galaxy&timeout_ms=0"}, "timeout_ms must be"},
		{"negative timeout_ms on POST /search", apiCall{method: "POST", path: "/search", header: post, body: `{"q": "galaxy", "timeout_ms": -5}`}, "timeout_ms must be"},
		{"k out of range on POST /search", apiCall{method: "POST", path: "/search", header: post, body: `{"q": "galaxy", "k": 0}`}, "k must be"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := markCount(t, n)
			code, body := tc.call.do(t, n)
			if code != http.StatusBadRequest || !strings.Contains(body, tc.wantText) {
				t.Fatalf("got %d %s, want 400 mentioning %q", code, body, tc.wantText)
			}
			if markCount(t, n) != before {
				t.Errorf("a refused request changed the marks")
			}
		})
	}
}

// TestRecommendAnswersInSnakeCase: /recommend's keys are snake_case like
// every other route's.
func TestRecommendAnswersInSnakeCase(t *testing.T) {
	n, _, _, _ := startPopulated(t)
	code, body := apiCall{method: "GET", path: "/recommend?k=5"}.do(t, n)
	if code != http.StatusOK {
		t.Fatalf("got %d %s", code, body)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if strings.Join(keys, ",") != "items,unresponsive" {
		t.Fatalf("keys %v, want items and unresponsive: %s", keys, body)
	}
}

// TestPeersAnswersInSnakeCase: /peers names every field in snake_case and
// gives the round-trip time in milliseconds, as every other route does.
func TestPeersAnswersInSnakeCase(t *testing.T) {
	if testing.Short() {
		t.Skip("two real nodes: skipped in -short mode")
	}
	root := t.TempDir()
	a := startNode(t, filepath.Join(root, "a"), "127.0.0.1:0", nil)
	defer a.Close(context.Background())
	b := startNode(t, filepath.Join(root, "b"), "127.0.0.1:0", []string{a.GossipAddr()})
	defer b.Close(context.Background())
	testenv.WaitFor(t, "a to see b", 60*time.Second, func() bool { return len(a.Server().Peers()) == 1 })

	code, body := apiCall{method: "GET", path: "/peers"}.do(t, a)
	if code != http.StatusOK {
		t.Fatalf("got %d %s", code, body)
	}
	var rows []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &rows); err != nil || len(rows) != 1 {
		t.Fatalf("want one peer: %v %s", err, body)
	}
	var keys []string
	for k := range rows[0] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := "addr,cluster,fingerprint_version,firsthand,has_fingerprint,last_seen,name,node_id,rtt_ms,similarity,state,trust,version"
	if strings.Join(keys, ",") != want {
		t.Fatalf("keys %s, want %s", strings.Join(keys, ","), want)
	}
	var id string
	if err := json.Unmarshal(rows[0]["node_id"], &id); err != nil || id != b.ID() {
		t.Errorf("node_id %s, want %s", rows[0]["node_id"], b.ID())
	}
}
