package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestForgetTakesThingsOutOfTheIndex: a file forgotten offline leaves the
// search; through a running node the folder goes with its record; what
// the index does not hold is said, with exit 1, and the rest is still
// done.
func TestForgetTakesThingsOutOfTheIndex(t *testing.T) {
	notes, dir := indexedNotes(t)
	r := mustRunCLI(t, dir, "forget", filepath.Join(notes, "wombat.md"))
	if r.stdout != "forgot "+filepath.Join(notes, "wombat.md")+"\n" {
		t.Errorf("forget a file: %q", r.stdout)
	}
	if s := mustRunCLI(t, dir, "search", "wombat").stdout; strings.Contains(s, "wombat.md") {
		t.Errorf("the forgotten file is still found:\n%s", s)
	}

	startCLINode(t, dir)
	r = runCLI(t, dir, "forget", "nowhere.example", notes)
	if r.code != 1 || !strings.Contains(r.stderr, "p2pir: forget nowhere.example: https://nowhere.example/ is not in the index") ||
		!strings.Contains(r.stdout, notes+": 3 documents left the index") {
		t.Errorf("forget through the node: %v", r)
	}
	if st := statusOf(t, dir); st.Documents != 0 || len(st.Roots) != 0 {
		t.Errorf("status after forgetting the folder: %+v", st)
	}
}
