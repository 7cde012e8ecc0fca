package config

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// FuzzParse checks, for any contents of config.toml, that parsing does
// not panic, that an error names the file, and that a configuration it
// accepts is complete and consistent: checking and filling it again
// changes nothing, its settings are within their ranges, and engine names
// are distinct and not the built-in sources'.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		"[search]\nk = 20\nmerge = \"combmnz\"\ntimeout = \"3s\"\n",
		"[crawl]\nseeds = [\"http://localhost:8080/\"]\nmax_pages = 5\nmax_time = \"2s\"\nauto = true\n",
		"[network]\nhops = 3\nfanout = 2\nscoring = \"rrf\"\npeer_timeout = \"500ms\"\n",
		"[[engines]]\nkind = \"searxng\"\nurl = \"http://localhost:8888\"\n\n[[engines]]\nkind = \"yacy\"\nurl = \"http://localhost:8090\"\nresource = \"local\"\n",
		"[[engines]]\nkind = \"opensearch\"\nurl = \"https://example.org/search?q={searchTerms}\"\nweight = 0.5\n",
		"[[engines]]\nname = \"local\"\nkind = \"p2pir\"\nurl = \"http://x\"\n",
		"[search]\nk = -1\n[network]\nhops = 17\n",
		"[search]\ntimeout = \"forever\"\n",
		"[index]\nshared = [\"~/papers\", \"relative\"]\n",
		"unknown = 1\n",
		"[[engines]\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := parse("config.toml", raw)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config: config.toml: ") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		again := c
		again.Engines = slices.Clone(c.Engines)
		again.Index.Shared = slices.Clone(c.Index.Shared)
		if err := again.fill(); err != nil {
			t.Fatalf("a configuration parse accepted fails its own check: %v", err)
		}
		if !reflect.DeepEqual(again, c) {
			t.Fatalf("filling again changed the configuration:\n%+v\n%+v", c, again)
		}
		if c.Search.K <= 0 || c.Search.Timeout.Duration <= 0 || c.Crawl.MaxPages <= 0 || c.Crawl.MaxTime.Duration <= 0 {
			t.Fatalf("a default was not filled in: %+v", c)
		}
		if n := c.Network; n.Hops < 1 || n.Hops > 16 || n.Fanout < 1 || n.Fanout > 16 || n.PeerTimeout.Duration <= 0 || n.Timeout.Duration <= 0 {
			t.Fatalf("network settings out of range: %+v", n)
		}
		names := map[string]bool{"local": true, "crawl": true, "peers": true}
		for _, e := range c.Engines {
			if e.Name == "" || names[e.Name] || strings.HasPrefix(e.Name, "peer:") {
				t.Fatalf("engine name %q is empty, taken or a peer's", e.Name)
			}
			names[e.Name] = true
			if e.Weight <= 0 || e.Timeout.Duration <= 0 {
				t.Fatalf("engine %q: weight %v, timeout %v", e.Name, e.Weight, e.Timeout.Duration)
			}
		}
	})
}

// FuzzParseEngineFlag checks that any --engine value gives an engine of a
// known kind with a name, or an error that quotes the flag.
func FuzzParseEngineFlag(f *testing.F) {
	for _, seed := range []string{
		"searxng=http://localhost:8888", "YACY=http://localhost:8090/", "opensearch=https://e.org/s?q={searchTerms}",
		"description=https://e.org/osd.xml", "p2pir=http://[::1]:7070", "nokind", "ftp=ftp://x", "searxng=", "=http://x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, v string) {
		e, err := ParseEngineFlag(v)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--engine ") {
				t.Fatalf("error %q does not name the flag", err)
			}
			return
		}
		known := false
		for _, k := range Kinds() {
			known = known || e.Kind == k
		}
		if !known || e.Name == "" || e.Weight <= 0 {
			t.Fatalf("ParseEngineFlag(%q) = %+v", v, e)
		}
	})
}
