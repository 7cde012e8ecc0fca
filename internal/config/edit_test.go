package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// commented is a configuration a person wrote by hand: comments
// everywhere, settings of every section, engines with and without names
// and "enabled" lines, a multi-line array, a multi-line string holding a
// line that looks like a table header.
const commented = `# My p2pir settings. Do not lose this line.
name = "desk" # the node's name

[search]
k = 20            # more results than the default
merge = "combmnz"

[crawl]
seeds = [
  "https://go.dev/doc/",   # Go docs
  "https://example.org/[not a table]",
]
max_pages = 12

# Engines I use.

# my own SearXNG
[[engine]]
name = "home"
kind = "searxng"
url = "https://searx.home.example"
enabled = true   # keep it on

[[engine]]
kind = "yacy"
url = "http://localhost:8090"
resource = "local"

# the last one
[[engine]]
name = "wiki"
kind = "opensearch"
url = "https://wiki.example/search?q={searchTerms}"

[network]
hops = 3
`

// writeConfig writes text to a config.toml in a new temporary directory.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte(text), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func readText(t *testing.T, p string) string {
	t.Helper()
	raw, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func engineNames(t *testing.T, p string) []string {
	t.Helper()
	c, err := Load(p)
	if err != nil {
		t.Fatalf("the edited file does not load: %v\n%s", err, readText(t, p))
	}
	var out []string
	for _, e := range c.Engines {
		s := e.Name
		if !e.IsEnabled() {
			s += "(off)"
		}
		out = append(out, s)
	}
	return out
}

// TestEditingEnginesKeepsTheRestOfTheFile: adding, disabling, enabling
// and removing engines changes the engine tables alone: every comment
// and every other setting survives, and a round trip that adds an engine
// and removes it again gives back the file as the person wrote it.
func TestEditingEnginesKeepsTheRestOfTheFile(t *testing.T) {
	p := writeConfig(t, commented)
	before, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name string
		do   func() (Engine, error)
		want string // the engines after the step
	}{
		{"add", func() (Engine, error) {
			return AddEngine(p, Engine{Kind: "searxng", URL: "https://searx.example.net", Name: "work \"team\" engine"})
		}, "home yacy-localhost:8090 wiki work \"team\" engine"},
		{"disable the one with an enabled line", func() (Engine, error) { return SetEngineEnabled(p, "home", false) }, "home(off) yacy-localhost:8090 wiki work \"team\" engine"},
		{"disable one without", func() (Engine, error) { return SetEngineEnabled(p, "yacy-localhost:8090", false) }, "home(off) yacy-localhost:8090(off) wiki work \"team\" engine"},
		{"enable again", func() (Engine, error) { return SetEngineEnabled(p, "home", true) }, "home yacy-localhost:8090(off) wiki work \"team\" engine"},
		{"enable again the one that had no line", func() (Engine, error) { return SetEngineEnabled(p, "yacy-localhost:8090", true) }, "home yacy-localhost:8090 wiki work \"team\" engine"},
		{"remove a middle one", func() (Engine, error) { return RemoveEngine(p, "wiki") }, "home yacy-localhost:8090 work \"team\" engine"},
		{"remove the added one", func() (Engine, error) { return RemoveEngine(p, "work \"team\" engine") }, "home yacy-localhost:8090"},
	}
	for _, s := range steps {
		if _, err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := strings.Join(engineNames(t, p), " "); got != s.want {
			t.Fatalf("%s: engines %s, want %s\n%s", s.name, got, s.want, readText(t, p))
		}
		after, err := Load(p)
		if err != nil {
			t.Fatal(err)
		}
		if !sameApartFromEngines(before, after) {
			t.Fatalf("%s changed other settings:\n%s", s.name, readText(t, p))
		}
	}
	text := readText(t, p)
	for _, line := range strings.Split(commented, "\n") {
		if strings.Contains(line, "#") && !strings.Contains(text, line) {
			t.Errorf("the comment line %q is gone:\n%s", line, text)
		}
	}
	// Everything is as the person wrote it, but for the removed wiki
	// table and the enabled line that disabling the YaCy engine added.
	wiki := "[[engine]]\nname = \"wiki\"\nkind = \"opensearch\"\nurl = \"https://wiki.example/search?q={searchTerms}\"\n"
	want := strings.Replace(commented, wiki, "", 1)
	want = strings.Replace(want, "resource = \"local\"\n", "resource = \"local\"\nenabled = true\n", 1)
	if text != want {
		t.Errorf("after the round trip the file is\n%s\nwant\n%s", text, want)
	}
	if st, err := os.Stat(p); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, %v: want the file's own 0640", st.Mode(), err)
	}
	if bak := readText(t, p+".bak"); !strings.Contains(bak, "team") {
		t.Errorf("the .bak is not the file before the last edit:\n%s", bak)
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(p), "*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// TestEditingEnginesRefusesWhatItCannotDoSafely: each refusal names the
// problem and leaves the file exactly as it was.
func TestEditingEnginesRefusesWhatItCannotDoSafely(t *testing.T) {
	inline := "engine = [{kind = \"searxng\", url = \"https://a.example\"}]\n"
	for _, tc := range []struct {
		name     string
		file     string
		do       func(p string) error
		want     error
		wantText string
	}{
		{"an unknown kind", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "google", URL: "https://google.com"})
			return err
		}, ErrBadEngine, "want one of searxng"},
		{"a relative URL", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "searxng", URL: "searx.example"})
			return err
		}, ErrBadEngine, "absolute http(s) URL"},
		{"a template without searchTerms", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "opensearch", URL: "https://a.example/?q="})
			return err
		}, ErrBadEngine, "{searchTerms}"},
		{"the local index's name", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "searxng", URL: "https://a.example", Name: "local"})
			return err
		}, ErrBadEngine, "node's own source"},
		{"a peer's name", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "searxng", URL: "https://a.example", Name: "peer:p2p1x"})
			return err
		}, ErrBadEngine, "peer:"},
		{"a name that exists", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "yacy", URL: "https://b.example", Name: "home"})
			return err
		}, ErrEngineExists, `"home" is configured already`},
		{"the same URL again", commented, func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "yacy", URL: "http://localhost:8090"})
			return err
		}, ErrEngineExists, "yacy-localhost:8090"},
		{"disabling an unknown engine", commented, func(p string) error {
			_, err := SetEngineEnabled(p, "nope", false)
			return err
		}, ErrNoEngine, "the engines are home, yacy-localhost:8090, wiki"},
		{"removing an unknown engine", commented, func(p string) error {
			_, err := RemoveEngine(p, "nope")
			return err
		}, ErrNoEngine, "nope"},
		{"engines in an inline array", inline, func(p string) error {
			_, err := RemoveEngine(p, "searxng-a.example")
			return err
		}, ErrNotEditable, "edit it by hand"},
		{"a file that does not load", "[search\nk = 1\n", func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "searxng", URL: "https://a.example"})
			return err
		}, ErrNotEditable, FileName},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeConfig(t, tc.file)
			err := tc.do(p)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.wantText) {
				t.Fatalf("error %v, want %v mentioning %q", err, tc.want, tc.wantText)
			}
			if got := readText(t, p); got != tc.file {
				t.Errorf("a refused edit changed the file:\n%s", got)
			}
			if _, err := os.Stat(p + ".bak"); !os.IsNotExist(err) {
				t.Errorf("a refused edit left a .bak: %v", err)
			}
		})
	}
}

// TestEditingEnginesInAwkwardFiles: files that are valid TOML but easy to
// misread line by line (a multi-line string holding "[[engine]]", CRLF
// line endings, nested arrays, a file without a final newline, no file
// at all) are edited correctly.
func TestEditingEnginesInAwkwardFiles(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string // "" for no file
		do   func(p string) error
		want string // the engines after the edit
	}{
		{"no file yet", "", func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "searxng", URL: "https://a.example", Enabled: new(false)})
			return err
		}, "searxng-a.example(off)"},
		{"no final newline", "[search]\nk = 5", func(p string) error {
			_, err := AddEngine(p, Engine{Kind: "searxng", URL: "https://a.example"})
			return err
		}, "searxng-a.example"},
		{"a multi-line string that looks like a table", "[[engine]]\nname = '''a\n[[engine]]\nenabled = true'''\nkind = \"searxng\"\nurl = \"https://a.example\"\n\n[[engine]]\nname = \"b\"\nkind = \"yacy\"\nurl = \"https://b.example\"\n", func(p string) error {
			_, err := SetEngineEnabled(p, "b", false)
			return err
		}, "a\n[[engine]]\nenabled = true b(off)"},
		{"CRLF line endings", "[[engine]]\r\nname = \"a\"\r\nkind = \"searxng\"\r\nurl = \"https://a.example\"\r\n\r\n[[engine]]\r\nname = \"b\"\r\nkind = \"searxng\"\r\nurl = \"https://b.example\"\r\n", func(p string) error {
			if _, err := SetEngineEnabled(p, "a", false); err != nil {
				return err
			}
			_, err := RemoveEngine(p, "b")
			return err
		}, "a(off)"},
		{"an engine table with a multi-line value holding brackets", "[[engine]]\nname = \"a\"\nkind = \"opensearch\"\nurl = \"\"\"https://a.example/[x]?q={searchTerms}\"\"\"\n[[engine]]\nname = \"b\"\nkind = \"searxng\"\nurl = \"https://b.example\"\n", func(p string) error {
			_, err := SetEngineEnabled(p, "a", false)
			return err
		}, "a(off) b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), FileName)
			if tc.file != "" {
				if err := os.WriteFile(p, []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if err := tc.do(p); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(engineNames(t, p), " "); got != tc.want {
				t.Fatalf("engines %s, want %s\n%s", got, tc.want, readText(t, p))
			}
			if strings.Contains(tc.file, "\r\n") && strings.Contains(strings.ReplaceAll(readText(t, p), "\r\n", ""), "\n") {
				t.Errorf("a CRLF file got bare line feeds:\n%q", readText(t, p))
			}
		})
	}
}
