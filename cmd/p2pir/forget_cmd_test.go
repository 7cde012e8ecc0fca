package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

	ctx, stop := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--data", dir, "node", "--http", loopbackAddr(t), "--grpc", loopbackAddr(t), "--gossip", loopbackAddr(t)}, strings.NewReader(""), &out, &errOut)
	}()
	for {
		if _, ok := (&app{dataDir: dir}).runningNode(); ok {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("node exited %d: %s", code, errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
	r = runCLI(t, dir, "forget", "nowhere.example", notes)
	if r.code != 1 || !strings.Contains(r.stderr, "p2pir: forget nowhere.example: https://nowhere.example/ is not in the index") ||
		!strings.Contains(r.stdout, notes+": 3 documents left the index") {
		t.Errorf("forget through the node: %v", r)
	}
	if st := statusOf(t, dir); st.Documents != 0 || len(st.Roots) != 0 {
		t.Errorf("status after forgetting the folder: %+v", st)
	}
	stop()
	if code := <-done; code != 0 {
		t.Fatalf("node exited %d: %s", code, errOut.String())
	}
}
