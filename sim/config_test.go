package sim

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// TestParseConfigDefaults checks that keys left out take the documented
// defaults.
func TestParseConfigDefaults(t *testing.T) {
	cfg, err := ParseConfig([]byte("[[collections]]\npath = \"x\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultConfig()
	if cfg.Nodes != 30 || cfg.Rounds != 5 || cfg.Seed != 1 || cfg.Mode != "memory" || cfg.Placement != PlacementCluster ||
		cfg.K != 10 || cfg.Depth != 100 || cfg.TTL != d.TTL || len(cfg.Strategies) != 5 || cfg.TestShare != 0.5 || cfg.Parallel != 4 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

// TestParseConfigRejects checks that unknown keys and impossible values
// are errors wrapping ErrBadConfig, with a message naming the problem.
func TestParseConfigRejects(t *testing.T) {
	for _, tc := range []struct {
		name, toml, want string
	}{
		{"unknown key", "nodez = 3\n[[collections]]\npath = \"x\"\n", "nodez"},
		{"unknown key in a collection", "[[collections]]\npath = \"x\"\nweight = 2\n", "collections.weight"},
		{"no collections", "nodes = 3\n", "no collections"},
		{"fewer nodes than domains", "nodes = 1\n[[collections]]\npath = \"a\"\n[[collections]]\npath = \"b\"\n", "cannot hold"},
		{"unknown strategy", "strategies = [\"gossip\"]\n[[collections]]\npath = \"x\"\n", "gossip"},
		{"central as training", "train_strategy = \"central\"\n[[collections]]\npath = \"x\"\n", "train_strategy"},
		{"bad mode", "mode = \"cloud\"\n[[collections]]\npath = \"x\"\n", "cloud"},
		{"bad placement", "placement = \"alpha\"\n[[collections]]\npath = \"x\"\n", "alpha"},
		{"noise of 1", "noise = 1.0\n[[collections]]\npath = \"x\"\n", "noise"},
		{"negative parallel", "parallel = -1\n[[collections]]\npath = \"x\"\n", "counts must be positive"},
		{"depth under 100", "depth = 50\n[[collections]]\npath = \"x\"\n", "depth"},
		{"bad domain", "[[collections]]\npath = \"x\"\ndomain = \"Med Line\"\n", "Med Line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.toml))
			if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want ErrBadConfig mentioning %q", err, tc.want)
			}
		})
	}
}

// TestExampleConfigParses checks that docs/sim.example.toml is valid and
// is the headline experiment (CRAN, MED, CISI, 30 nodes, 5 rounds, all
// strategies, memory mode), with paths relative to its folder.
func TestExampleConfigParses(t *testing.T) {
	path := filepath.Join("..", "docs", "sim.example.toml")
	cfg, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Nodes != 30 || cfg.Rounds != 5 || cfg.Mode != "memory" || len(cfg.Strategies) != 5 || len(cfg.Collections) != 3 {
		t.Errorf("example is not the headline experiment: %+v", cfg)
	}
	if got, want := cfg.CollectionPath(1), filepath.Join("..", "docs", "..", "..", "shared", "data", "med"); got != want {
		t.Errorf("collection path %q, want %q", got, want)
	}
}

// TestConfigTOMLRoundTrip checks that the configuration echoed in
// summary.md reads back as the same configuration.
func TestConfigTOMLRoundTrip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Collections = []CollectionConfig{{Path: "a/b", Domain: "aero"}}
	cfg.Seed, cfg.Noise, cfg.Strategies = 0, 0.1, []string{"flood", "central"}
	cfg, err := cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig([]byte(ConfigTOML(cfg)))
	if err != nil {
		t.Fatal(err)
	}
	if ConfigTOML(back) != ConfigTOML(cfg) {
		t.Errorf("round trip changed the configuration:\n%s\n---\n%s", ConfigTOML(cfg), ConfigTOML(back))
	}
}

// TestZeroRoundsAndTrainingAreKept: rounds = 0 (round 0 only) and
// train_queries = 0 (nobody marks) are settings, not "use the default",
// in a file and through Resolve; left out, they take their defaults.
func TestZeroRoundsAndTrainingAreKept(t *testing.T) {
	cfg, err := ParseConfig([]byte("rounds = 0\ntrain_queries = 0\n[[collections]]\npath = \"testdata/tiny\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Rounds != 0 || cfg.TrainQueries != 0 {
		t.Errorf("rounds %d, train_queries %d: want 0 and 0 as written", cfg.Rounds, cfg.TrainQueries)
	}
	cfg, err = ParseConfig([]byte("[[collections]]\npath = \"testdata/tiny\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d := DefaultConfig(); cfg.Rounds != d.Rounds || cfg.TrainQueries != d.TrainQueries {
		t.Errorf("left out: rounds %d, train_queries %d, want the defaults %d and %d", cfg.Rounds, cfg.TrainQueries, d.Rounds, d.TrainQueries)
	}
}
