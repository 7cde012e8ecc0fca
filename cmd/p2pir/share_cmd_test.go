package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestIndexShareUnshareAndList: --share shares a folder and indexes it,
// --list says what is shared and from where, --unshare stops it; bad
// folders are clear errors that change nothing, and a folder of
// config.toml is unshared there.
func TestIndexShareUnshareAndList(t *testing.T) {
	t.Parallel()
	notes := copyNotes(t)
	real, err := filepath.EvalSymlinks(notes)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()

	r := mustRunCLI(t, data, "index", "--list")
	if !strings.Contains(r.stdout, "No folder is shared") {
		t.Fatalf("a new data directory: want nothing shared, got\n%v", r)
	}

	r = mustRunCLI(t, data, "index", "--share", notes)
	if !strings.Contains(r.stdout, "shared "+real+": peers can find its files") {
		t.Fatalf("--share: want it to say the folder is shared, got\n%v", r)
	}
	if got := parseIndexCounts(t, r.stdout); got != (indexCounts{added: 4}) {
		t.Fatalf("--share indexes the folder: got %+v\n%v", got, r)
	}
	r = mustRunCLI(t, data, "index", "--share", notes+"/")
	if !strings.Contains(r.stdout, "is shared already") || parseIndexCounts(t, r.stdout) != (indexCounts{unchanged: 4}) {
		t.Fatalf("--share again: want already shared and nothing re-read, got\n%v", r)
	}
	r = mustRunCLI(t, data, "index", "--list")
	if !strings.Contains(r.stdout, real+"  (p2pir index --share)") || !strings.Contains(r.stdout, "every other file stays private") {
		t.Fatalf("--list: want the folder and where it is shared from, got\n%v", r)
	}

	for name, dir := range map[string]string{
		"a file":           filepath.Join(notes, "kangaroo.txt"),
		"a missing folder": filepath.Join(notes, "nowhere"),
	} {
		r := runCLI(t, data, "index", "--share", dir)
		if r.code != 1 || !strings.Contains(r.stderr, "shared folders:") {
			t.Errorf("--share %s: want exit 1 and a clear error, got %v", name, r)
		}
	}

	cfgDir := filepath.Join(t.TempDir(), "papers")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, "config.toml"), []byte("[index]\nshared = [\""+filepath.ToSlash(cfgDir)+"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r = mustRunCLI(t, data, "index", "--list")
	if !strings.Contains(r.stdout, cfgDir+"  (config.toml)") {
		t.Fatalf("--list: want config.toml's folder, got\n%v", r)
	}
	r = runCLI(t, data, "index", "--unshare", cfgDir)
	if r.code != 1 || !strings.Contains(r.stderr, "remove it there") {
		t.Fatalf("--unshare of a config.toml folder: want exit 1 pointing at config.toml, got %v", r)
	}
	os.Remove(filepath.Join(data, "config.toml"))

	r = mustRunCLI(t, data, "index", "--unshare", notes, "--list")
	if !strings.Contains(r.stdout, "unshared "+real) || !strings.Contains(r.stdout, "No folder is shared") {
		t.Fatalf("--unshare: want it unshared and nothing left, got\n%v", r)
	}
	r = mustRunCLI(t, data, "index", "--unshare", notes)
	if !strings.Contains(r.stdout, "was not shared") {
		t.Fatalf("--unshare again: got\n%v", r)
	}

	r = runCLI(t, data, "index")
	if r.code != 2 || !strings.Contains(r.stderr, "--share DIR") {
		t.Fatalf("index with nothing to do: want a usage error naming --share, got %v", r)
	}
}

// TestSharingWorksWhileANodeRuns: with a node running, --share and
// --unshare still change what is shared (the node reads the list at
// every peer request), --share indexes through the node, and "p2pir
// peers" says what is shared.
func TestSharingWorksWhileANodeRuns(t *testing.T) {
	notes := copyNotes(t)
	real, err := filepath.EvalSymlinks(notes)
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	mustRunCLI(t, data, "index", notes)
	startCLINode(t, data)

	r := mustRunCLI(t, data, "peers")
	if !strings.Contains(r.stdout, "No folder is shared") {
		t.Fatalf("peers: want it to say nothing is shared, got\n%v", r)
	}
	r = mustRunCLI(t, data, "index", "--share", notes)
	if !strings.Contains(r.stdout, "shared "+real) || !strings.Contains(r.stdout, "4 unchanged") || !strings.Contains(r.stderr, "a node is running") {
		t.Fatalf("--share with a node running: want it shared and indexed through the node, got\n%v", r)
	}
	r = mustRunCLI(t, data, "peers")
	if !strings.Contains(r.stdout, real+"  (p2pir index --share)") {
		t.Fatalf("peers: want the shared folder listed, got\n%v", r)
	}
	mustRunCLI(t, data, "index", "--unshare", notes)
	if r := mustRunCLI(t, data, "peers"); !strings.Contains(r.stdout, "No folder is shared") {
		t.Fatalf("peers after --unshare: got\n%v", r)
	}
	if r := runCLI(t, data, "index", notes); r.code != 0 || !strings.Contains(r.stdout, "4 unchanged") {
		t.Fatalf("indexing a PATH with a node running: want the node to index it, got %v", r)
	}
}

// TestOpenAPeersSharedFile: two "p2pir node"s on loopback; the owner
// shares its notes, the other person's search through their node finds a
// note as a p2pir:// link, says how to open it, and "p2pir open" prints
// its text, fetched from the owner. Unshared, it no longer opens.
func TestOpenAPeersSharedFile(t *testing.T) {
	if testing.Short() {
		t.Skip("two real nodes: skipped in -short mode")
	}
	notes := copyNotes(t)
	owner, asker := t.TempDir(), t.TempDir()
	mustRunCLI(t, owner, "index", "--share", notes)
	startCLINode(t, owner)
	ri, _ := (&app{dataDir: owner}).runningNode()
	startCLINode(t, asker, "--join", ri.Gossip)

	var link string
	for link == "" { // until membership has told the asker of the owner
		for _, u := range searchJSONOut(t, asker, "--source", "peers", "kangaroo", "joey").urls() {
			if strings.HasPrefix(u, "p2pir://"+ri.NodeID+"/doc/") {
				link = u
			}
		}
		if link == "" {
			time.Sleep(50 * time.Millisecond)
		}
	}
	r := mustRunCLI(t, asker, "search", "--source", "peers", "kangaroo", "joey")
	if !strings.Contains(r.stdout, "a file a peer shares: p2pir open "+link) {
		t.Fatalf("search: want a hint on how to open %s, got\n%v", link, r)
	}
	kangaroo, err := os.ReadFile(filepath.Join(notes, "kangaroo.txt"))
	if err != nil {
		t.Fatal(err)
	}
	r = mustRunCLI(t, asker, "open", link)
	if !strings.Contains(r.stdout, "shared by node "+ri.NodeID) || !strings.Contains(r.stdout, "joey") || !strings.Contains(r.stdout, fmt.Sprintf("%d bytes", len(kangaroo))) {
		t.Fatalf("open: want the note's text from the owner, got\n%v", r)
	}

	mustRunCLI(t, owner, "index", "--unshare", notes)
	r = runCLI(t, asker, "open", link)
	if r.code != 1 || !strings.Contains(r.stderr, "shares no document") {
		t.Fatalf("open after unsharing: want exit 1 saying it is not shared, got %v", r)
	}
	if r := runCLI(t, asker, "open", "https://example.org/"); r.code != 2 {
		t.Fatalf("open of a web page: want a usage error, got %v", r)
	}
}
