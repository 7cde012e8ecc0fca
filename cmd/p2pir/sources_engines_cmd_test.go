package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// handWritten is a config.toml with a person's comments and settings.
const handWritten = `# My settings: this comment must survive.
[search]
k = 8   # a short page

[[engine]]
name = "dead"   # nobody answers here
kind = "yacy"
url = "http://127.0.0.1:1"
enabled = false
`

// sourceRowsJSON is "p2pir sources --json" by name.
func sourceRowsJSON(t *testing.T, dir string) map[string]map[string]any {
	t.Helper()
	var rows []map[string]any
	if err := json.Unmarshal([]byte(mustRunCLI(t, dir, "sources", "--json").stdout), &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range rows {
		out[r["name"].(string)] = r
	}
	return out
}

// TestSourcesEngineCommands: "p2pir sources add", "disable", "enable" and
// "remove" change config.toml, keeping the person's comments and
// settings; searches ask the engine while it is enabled and not after;
// the commands work the same on the file alone and through a running
// node (which applies each change at once).
func TestSourcesEngineCommands(t *testing.T) {
	for _, through := range []string{"the file", "a running node"} {
		t.Run(through, func(t *testing.T) {
			if through == "a running node" && testing.Short() {
				t.Skip("a real node: skipped in -short mode")
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(handWritten), 0o600); err != nil {
				t.Fatal(err)
			}
			stub := searxngStub(t, "https://moraine.example/till")
			if through == "a running node" {
				startCLINode(t, dir)
			}
			asked := func() bool {
				return slices.Contains(searchJSONOut(t, dir, "glaciers").urls(), "https://moraine.example/till")
			}
			add := mustRunCLI(t, dir, "sources", "add", "--name", "moraine", "searxng="+stub.URL)
			where := "the previous file is config.toml.bak"
			if through == "a running node" {
				where = "the running node"
			}
			if !strings.Contains(add.stdout, "added moraine (searxng "+stub.URL+"), enabled") || !strings.Contains(add.stdout, where) {
				t.Errorf("add printed %q, want the engine and %q", add.stdout, where)
			}
			steps := []struct {
				name    string
				args    []string
				asked   bool
				listed  bool
				printed string
			}{
				{"added", nil, true, true, ""},
				{"disabled", []string{"sources", "disable", "moraine"}, false, true, "disabled moraine"},
				{"enabled", []string{"sources", "enable", "moraine"}, true, true, "enabled moraine"},
				{"removed", []string{"sources", "remove", "moraine"}, false, false, "removed moraine"},
			}
			for _, s := range steps {
				if s.args != nil {
					if r := mustRunCLI(t, dir, s.args...); !strings.Contains(r.stdout, s.printed) {
						t.Errorf("%s: printed %q, want %q", s.name, r.stdout, s.printed)
					}
				}
				if got := asked(); got != s.asked {
					t.Errorf("%s: a search asks the engine: %v, want %v", s.name, got, s.asked)
				}
				if text := mustRunCLI(t, dir, "sources").stdout; strings.Contains(text, "disabled: asked only with --source moraine") != (s.name == "disabled") {
					t.Errorf("%s: p2pir sources says:\n%s", s.name, text)
				}
				if _, listed := sourceRowsJSON(t, dir)["moraine"]; listed != s.listed {
					t.Errorf("%s: p2pir sources lists it: %v, want %v", s.name, listed, s.listed)
				}
				raw, _ := os.ReadFile(filepath.Join(dir, "config.toml"))
				for _, keep := range []string{"# My settings: this comment must survive.", "k = 8   # a short page", `name = "dead"   # nobody answers here`} {
					if !strings.Contains(string(raw), keep) {
						t.Fatalf("%s: config.toml lost %q:\n%s", s.name, keep, raw)
					}
				}
			}
		})
	}
}

// TestSourcesEngineCommandsRefuseBadInput: a bad engine is a usage error
// (exit 2) saying what is wrong, an unknown or a taken name an error
// (exit 1) naming the engines there are; config.toml stays as it was.
func TestSourcesEngineCommandsRefuseBadInput(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(handWritten), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args     []string
		code     int
		wantText string
	}{
		{[]string{"sources", "add", "google=https://google.com"}, 2, "want one of searxng"},
		{[]string{"sources", "add", "https://searx.example"}, 2, "KIND=URL"},
		{[]string{"sources", "add", "searxng=searx.example"}, 2, "absolute http(s) URL"},
		{[]string{"sources", "add", "--name", "dead", "searxng=https://searx.example"}, 1, "configured already"},
		{[]string{"sources", "disable", "nope"}, 1, "the engines are dead"},
		{[]string{"sources", "remove"}, 2, "one engine name"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := runCLI(t, dir, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.wantText) {
				t.Fatalf("exit %d, stderr %q; want %d mentioning %q", r.code, r.stderr, tc.code, tc.wantText)
			}
			if raw, _ := os.ReadFile(filepath.Join(dir, "config.toml")); string(raw) != handWritten {
				t.Errorf("config.toml changed:\n%s", raw)
			}
		})
	}
}
