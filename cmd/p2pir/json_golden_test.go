package main

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/p2pir/p2pir/internal/testenv"
	"github.com/p2pir/p2pir/node"
)

// updateJSONGolden rewrites the --json goldens instead of comparing:
// go test ./cmd/p2pir/ -run TestEveryJSONCommandPrintsItsGolden -update
var updateJSONGolden = flag.Bool("update", false, "rewrite testdata/golden/json/*.json from the commands' output")

// jsonRun is one run of a --json command as its golden keeps it.
type jsonRun struct {
	Args   []string `json:"args"`
	Exit   int      `json:"exit"`
	Stdout any      `json:"stdout"`
	Stderr string   `json:"stderr,omitempty"`
}

// jsonCommands lists the commands of the tree that take --json, by their
// path without "p2pir" ("sources add").
func jsonCommands(root *cobra.Command) []string {
	var out []string
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Flags().Lookup("json") != nil {
			out = append(out, strings.TrimPrefix(strings.TrimPrefix(c.CommandPath(), "p2pir"), " "))
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	slices.Sort(out)
	return out
}

// TestEveryJSONCommandPrintsItsGolden runs every command that takes
// --json against a fixture data directory (testdata/notes indexed, a
// search and a mark, an engine added, then a node running on it, which
// shares the notes with a second node that opens one) and
// compares what it prints with its golden in testdata/golden/json, with
// the data directory, the notes folder, the node's ID, ports, query IDs,
// times and durations replaced by placeholders. Every output follows the
// JSON conventions (snake_case keys, durations in milliseconds, no null);
// a command of the tree with --json and no run here fails the test.
func TestEveryJSONCommandPrintsItsGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a real node: skipped in -short mode")
	}
	notes, dir := indexedNotes(t)
	var sr struct {
		QueryID string `json:"query_id"`
		Results []struct {
			URL string `json:"url"`
		} `json:"results"`
	}
	r := mustRunCLI(t, dir, "search", "--json", "platypus", "eggs")
	if err := json.Unmarshal([]byte(r.stdout), &sr); err != nil || len(sr.Results) == 0 {
		t.Fatalf("search: %v %s", err, r.stdout)
	}
	offline := map[string][][]string{
		"search":          {{"search", "--json", "platypus", "eggs"}, {"search", "--json", "zzyzx"}},
		"mark":            {{"mark", "--json", sr.QueryID, sr.Results[0].URL, "+"}},
		"profile":         {{"profile", "--json"}},
		"sources add":     {{"sources", "add", "--json", "--name", "moraine", "--disabled", "searxng=http://127.0.0.1:9/"}},
		"sources enable":  {{"sources", "enable", "--json", "moraine"}},
		"sources disable": {{"sources", "disable", "--json", "moraine"}},
		"sources":         {{"sources", "--json"}},
		"sources remove":  {{"sources", "remove", "--json", "moraine"}},
		"status":          {{"status", "--json"}},
		"eval":            {{"eval", "--json", "--collection", tinyADI}, {"eval", "--json", "--returning-person", "--collection", tinyADI}},
	}
	// Through a running node (the commands that need one, and status
	// again, which then shows it).
	withNode := map[string][][]string{
		"peers":     {{"peers", "--json"}},
		"recommend": {{"recommend", "--json", "--k", "3"}},
		"status":    {{"status", "--json"}},
	}

	runs := map[string][]jsonRun{}
	subs := [][2]string{{notes, "NOTES"}, {sr.QueryID, "QUERY_ID"}}
	order := []string{"search", "mark", "profile", "sources add", "sources enable", "sources disable", "sources", "sources remove", "status", "eval"}
	for _, name := range order {
		for _, args := range offline[name] {
			runs[name] = append(runs[name], runJSON(t, dir, subs, args))
		}
	}
	startCLINode(t, dir)
	ri, ok := node.ReadRunFile(dir)
	if !ok {
		t.Fatal("no run file for the node")
	}
	for _, name := range []string{"peers", "recommend", "status"} {
		for _, args := range withNode[name] {
			runs[name] = append(runs[name], runJSON(t, dir, append(subs, [2]string{ri.NodeID, "NODE_ID"}), args))
		}
	}
	// open: a second person's node opens a note the first one shares, and
	// a link to a node it does not know.
	mustRunCLI(t, dir, "index", "--share", notes)
	asker := t.TempDir()
	startCLINode(t, asker, "--join", ri.Gossip)
	var link string
	testenv.WaitFor(t, "the asker's search to find a shared note", time.Minute, func() bool {
		for _, u := range searchJSONOut(t, asker, "--source", "peers", "kangaroo", "joey").urls() {
			if strings.HasPrefix(u, "p2pir://"+ri.NodeID+"/doc/") {
				link = u
				return true
			}
		}
		return false
	})
	docID := strings.TrimPrefix(link, "p2pir://"+ri.NodeID+"/doc/")
	askerSubs := [][2]string{{notes, "NOTES"}, {ri.NodeID, "NODE_ID"}, {docID, "DOC_ID"}, {asker, "ASKER_DATA_DIR"}}
	for _, args := range [][]string{
		{"open", "--json", link},
		{"open", "--json", "p2pir://p2p1abcdefghijklmnopqrstuvwx/doc/k3v9q0x7m2c4r8t1w6y5z0a9b8c7d6e5"},
	} {
		runs["open"] = append(runs["open"], runJSON(t, asker, askerSubs, args))
	}

	for _, name := range jsonCommands(newRootCmd(nil, nil, nil)) {
		rs, ok := runs[name]
		if !ok {
			t.Errorf("p2pir %s takes --json but has no golden: add a run of it to TestEveryJSONCommandPrintsItsGolden", name)
			continue
		}
		testenv.CheckGolden(t, filepath.Join("testdata", "golden", "json", strings.ReplaceAll(name, " ", "_")+".json"), rs, *updateJSONGolden)
	}
}

// runJSON runs one --json command and returns it normalised (each
// subs[i][0] in it replaced by subs[i][1]), failing
// the test when its output breaks the JSON conventions.
func runJSON(t *testing.T, dir string, subs [][2]string, args []string) jsonRun {
	t.Helper()
	r := runCLI(t, dir, args...)
	replace := func(s string, escape bool) string {
		for _, p := range append(subs, [2]string{dir, "DATA_DIR"}) {
			if p[0] == "" {
				continue
			}
			if escape {
				p[0] = testenv.JSONEscaped(p[0])
			}
			s = strings.ReplaceAll(s, p[0], p[1])
		}
		return testenv.PortRE.ReplaceAllString(s, "$1:PORT")
	}
	run := jsonRun{Exit: r.code, Stderr: replace(r.stderr, false)}
	for _, a := range args {
		run.Args = append(run.Args, replace(a, false))
	}
	if r.code == 0 {
		var v any
		if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
			t.Fatalf("p2pir %s: not JSON (%v):\n%s", strings.Join(args, " "), err, r.stdout)
		}
		for _, bad := range testenv.StyleProblems(v, "assign") {
			t.Errorf("p2pir %s: %s", strings.Join(args, " "), bad)
		}
		if err := json.Unmarshal([]byte(replace(r.stdout, true)), &v); err != nil {
			t.Fatal(err)
		}
		run.Stdout = testenv.Normalise(v, "pid", "index_bytes", "state_bytes")
	} else {
		run.Stdout = replace(r.stdout, false)
	}
	return run
}
