package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// statusOf runs p2pir status --json on dir.
func statusOf(t *testing.T, dir string) status {
	t.Helper()
	var st status
	r := mustRunCLI(t, dir, "status", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, r.stdout)
	}
	return st
}

// TestStatusSaysWhatIsThere: status reports the folder indexed with its
// count and last run, the marks and sharing, from the files; and the same
// through a running node, with the node's addresses; the text form says
// it in words.
func TestStatusSaysWhatIsThere(t *testing.T) {
	notes, dir := indexedNotes(t)
	r := mustRunCLI(t, dir, "search", "--json", "platypus")
	var resp struct {
		QueryID string `json:"query_id"`
		Results []struct {
			URL string `json:"url"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil || len(resp.Results) == 0 {
		t.Fatalf("search: %v %s", err, r.stdout)
	}
	mustRunCLI(t, dir, "mark", resp.QueryID, resp.Results[0].URL, "+")

	check := func(when string, st status, node bool) {
		t.Helper()
		if st.Documents != 4 || len(st.Roots) != 1 || st.Roots[0].Path != notes || st.Roots[0].Documents != 4 ||
			st.Roots[0].LastOutcome != "done" || st.Marks != 1 || !st.Sharing || st.IndexBytes == 0 {
			t.Errorf("%s: status %+v", when, st)
		}
		if (st.Node != nil) != node {
			t.Errorf("%s: node %+v, want running %v", when, st.Node, node)
		}
	}
	check("offline", statusOf(t, dir), false)
	text := mustRunCLI(t, dir, "status").stdout
	for _, want := range []string{"index     4 documents", "folder  " + notes + "  4 documents; last run", "profile   1 mark; sharing on", "node      not running"} {
		if !strings.Contains(text, want) {
			t.Errorf("status text lacks %q:\n%s", want, text)
		}
	}

	startCLINode(t, dir, "--name", "desk")
	st := statusOf(t, dir)
	check("through the node", st, true)
	if st.Node != nil && (st.Node.Name != "desk" || st.Node.HTTP == "" || st.Node.Peers != 0) {
		t.Errorf("node status %+v", st.Node)
	}
	if text := mustRunCLI(t, dir, "status").stdout; !strings.Contains(text, `node      running "desk"`) {
		t.Errorf("status text with a node:\n%s", text)
	}
}
