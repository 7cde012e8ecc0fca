package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestExampleFileLoads keeps docs/config.example.toml honest: it parses,
// and its values arrive where the comments say.
func TestExampleFileLoads(t *testing.T) {
	c, err := Load(filepath.Join("..", "..", "docs", "config.example.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Search.K != 10 || c.Search.Merge != "rrf" || c.Search.Timeout.Duration != 20*time.Second {
		t.Errorf("search = %+v", c.Search)
	}
	if c.Crawl.MaxPages != 30 || c.Crawl.MaxTime.Duration != 10*time.Second || c.Crawl.Auto {
		t.Errorf("crawl = %+v", c.Crawl)
	}
	if c.Network != DefaultNetwork() || c.Network.Hops != 2 || c.Network.Fanout != 4 || c.Network.Scoring != "pooled" || c.Network.PeerTimeout.Duration != 800*time.Millisecond || c.Network.Timeout.Duration != 3*time.Second {
		t.Errorf("network = %+v", c.Network)
	}
	if c.Name != "" {
		t.Errorf("name = %q, want none by default", c.Name)
	}
	if len(c.Engines) != 4 {
		t.Fatalf("engines = %+v", c.Engines)
	}
	want := []struct {
		name, kind string
		enabled    bool
	}{{"searx", KindSearXNG, true}, {"yacy-localhost:8090", KindYaCy, true}, {"opensearch-search.example.com/rss", KindOpenSearch, true}, {"opensearch-description-wiki.example.org/opensearch.xml", KindDescription, false}}
	for i, w := range want {
		e := c.Engines[i]
		if e.Name != w.name || e.Kind != w.kind || e.IsEnabled() != w.enabled || e.Weight != 1 || e.Timeout.Duration != 3*time.Second {
			t.Errorf("engine %d = %+v, want %+v", i, e, w)
		}
	}
	if c.Engines[1].Resource != "global" {
		t.Errorf("yacy resource %q", c.Engines[1].Resource)
	}
}

// TestNodeNameIsRead: a top-level name is the node's name.
func TestNodeNameIsRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(p, []byte("name = \"Zoë's desk\"\n[network]\nhops = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(p)
	if err != nil || c.Name != "Zoë's desk" || c.Network.Hops != 1 {
		t.Fatalf("Load = %q, %+v, %v", c.Name, c.Network, err)
	}
}

func TestMissingFileIsDefault(t *testing.T) {
	c, err := Load(filepath.Join(t.TempDir(), "none.toml"))
	if err != nil || c.Search.K != 10 || len(c.Engines) != 0 {
		t.Fatalf("Load(missing) = %+v, %v", c, err)
	}
}

func TestBadFilesAreClearErrors(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"unknown key", "[search]\nkk = 3\n", "unknown settings: search.kk"},
		{"unknown kind", "[[engine]]\nkind = \"bing\"\nurl = \"https://x.org\"\n", `kind "bing"`},
		{"relative URL", "[[engine]]\nkind = \"searxng\"\nurl = \"/search\"\n", "absolute http(s) URL"},
		{"template without searchTerms", "[[engine]]\nkind = \"opensearch\"\nurl = \"https://x.org/?q=\"\n", "{searchTerms}"},
		{"duplicate names", "[[engine]]\nname = \"a\"\nkind = \"yacy\"\nurl = \"http://h\"\n[[engine]]\nname = \"a\"\nkind = \"yacy\"\nurl = \"http://h\"\n", `"a" is taken`},
		{"reserved name", "[[engine]]\nname = \"local\"\nkind = \"yacy\"\nurl = \"http://h\"\n", `"local" is taken`},
		{"a peer's name", "[[engine]]\nname = \"peer:p2p1x\"\nkind = \"yacy\"\nurl = \"http://h\"\n", `"peer:p2p1x" is taken`},
		{"bad merge", "[search]\nmerge = \"vote\"\n", "search.merge"},
		{"bad duration", "[search]\ntimeout = \"soon\"\n", "soon"},
		{"bad TOML", "[search\n", "config"},
		{"bad seed", "[crawl]\nseeds = [\"ftp://x\"]\n", "crawl.seeds"},
		{"unknown network key", "[network]\nhop = 1\n", "unknown settings: network.hop"},
		{"hops out of range", "[network]\nhops = 17\n", "network.hops 17"},
		{"negative fanout", "[network]\nfanout = -1\n", "network.fanout -1"},
		{"too many neighbours", "[network]\nneighbours = 5000\n", "network.neighbours 5000"},
		{"bad peer timeout", "[network]\npeer_timeout = \"soon\"\n", "soon"},
		{"relative shared folder", "[index]\nshared = [\"papers\"]\n", `index.shared: "papers": want an absolute path`},
		{"shared folder not a list", "[index]\nshared = \"/papers\"\n", "shared"},
		{"unknown index key", "[index]\nshare = [\"/papers\"]\n", "unknown settings: index.share"},
		{"bad log level", "[log]\nlevel = \"loud\"\n", `log.level "loud": want debug, info, warn or error`},
		{"bad log format", "[log]\nformat = \"xml\"\n", `log.format "xml": want text or json`},
		{"unknown log key", "[log]\nfile = \"/tmp/x\"\n", "unknown settings: log.file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), FileName)
			os.WriteFile(p, []byte(tc.body), 0o600)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Load = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

// TestEnginesAreNamedByTheirWholeEndpoint: engines that differ only in
// port or path get different default names (each name has its own
// failure count), and the same endpoint always gets the same one.
func TestEnginesAreNamedByTheirWholeEndpoint(t *testing.T) {
	tests := []struct {
		flag, want string
	}{
		{"searxng=http://127.0.0.1:8888", "searxng-127.0.0.1:8888"},
		{"searxng=http://127.0.0.1:8889/", "searxng-127.0.0.1:8889"},
		{"searxng=https://search.example.org", "searxng-search.example.org"},
		{"yacy=http://127.0.0.1:8090/yacy", "yacy-127.0.0.1:8090/yacy"},
		{"opensearch=http://127.0.0.1:80/rss?q={searchTerms}", "opensearch-127.0.0.1:80/rss"},
		{"opensearch=http://127.0.0.1:80/atom?q={searchTerms}", "opensearch-127.0.0.1:80/atom"},
		{"opensearch=http://127.0.0.1:80/s/{searchTerms}", "opensearch-127.0.0.1:80/s"},
	}
	for _, tc := range tests {
		t.Run(tc.flag, func(t *testing.T) {
			e, err := ParseEngineFlag(tc.flag)
			if err != nil {
				t.Fatal(err)
			}
			if e.Name != tc.want {
				t.Errorf("name %q, want %q", e.Name, tc.want)
			}
		})
	}
}

func TestParseEngineFlag(t *testing.T) {
	e, err := ParseEngineFlag("SearXNG=http://127.0.0.1:8888")
	if err != nil || e.Kind != KindSearXNG || e.Name != "searxng-127.0.0.1:8888" || e.Weight != 1 {
		t.Fatalf("ParseEngineFlag = %+v, %v", e, err)
	}
	for _, bad := range []string{"searxng", "gopher=http://x", "yacy=notaurl"} {
		if _, err := ParseEngineFlag(bad); err == nil {
			t.Errorf("ParseEngineFlag(%q) accepted", bad)
		}
	}
}

// TestNetworkSettingsAreRead: the [network] section's values arrive as
// written and unset ones take the defaults.
func TestNetworkSettingsAreRead(t *testing.T) {
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte("[network]\nhops = 1\nneighbours = 6\npeer_timeout = \"250ms\"\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := Network{Hops: 1, Fanout: 4, Neighbours: 6, Scoring: "pooled", PeerTimeout: Duration{250 * time.Millisecond}, Timeout: Duration{3 * time.Second}}
	if c.Network != want {
		t.Fatalf("network = %+v, want %+v", c.Network, want)
	}
}

// TestSharedFoldersAreReadAbsolute: [index] shared is empty by default,
// and "~/" is the home directory.
func TestSharedFoldersAreReadAbsolute(t *testing.T) {
	if c := Default(); len(c.Index.Shared) != 0 {
		t.Fatalf("default shares %q, want nothing", c.Index.Shared)
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	p := filepath.Join(t.TempDir(), FileName)
	os.WriteFile(p, []byte("[index]\nshared = [\"~/papers\", \"/srv/notes/../notes/\", \"~\"]\n"), 0o600)
	c, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(home, "papers"), "/srv/notes", home}
	if !slices.Equal(c.Index.Shared, want) {
		t.Fatalf("shared = %q, want %q", c.Index.Shared, want)
	}
}

// TestNetworkScoringIsCheckedAndRead: "rrf" arrives as written, an unknown
// value is an error naming the setting.
func TestNetworkScoringIsCheckedAndRead(t *testing.T) {
	for _, tc := range []struct{ value, want, err string }{
		{"rrf", "rrf", ""},
		{"pooled", "pooled", ""},
		{"bm25", "", "network.scoring"},
	} {
		p := filepath.Join(t.TempDir(), FileName)
		os.WriteFile(p, []byte("[network]\nscoring = \""+tc.value+"\"\n"), 0o600)
		c, err := Load(p)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("scoring %q: error %v, want one naming %s", tc.value, err, tc.err)
			}
			continue
		}
		if err != nil || c.Network.Scoring != tc.want {
			t.Errorf("scoring %q: read %q, %v", tc.value, c.Network.Scoring, err)
		}
	}
}
