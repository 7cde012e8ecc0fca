package sim

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// Strategy names. Local, Flood, Walk and Interest are routed by the
// network; Central is answered by the harness's own index over every
// document (the upper bound).
const (
	StrategyLocal    = "local"
	StrategyFlood    = "flood"
	StrategyWalk     = "walk"
	StrategyInterest = "interest"
	StrategyCentral  = "central"
)

// AllStrategies returns every strategy in the order tables and plots show
// them.
func AllStrategies() []string {
	return []string{StrategyLocal, StrategyFlood, StrategyWalk, StrategyInterest, StrategyCentral}
}

// Placement names.
const (
	// PlacementCluster splits a domain's documents by content cluster
	// (spherical k-means on tf-idf vectors), one cluster per node.
	PlacementCluster = "cluster"
	// PlacementRandom deals a domain's documents to its nodes at random.
	PlacementRandom = "random"
)

// CollectionConfig names one test collection, an interest domain.
type CollectionConfig struct {
	// Path is the folder of the collection (any format eval.Load reads).
	// A relative path is taken from the configuration file's folder.
	Path string `toml:"path"`
	// Domain names the interest domain; default: the collection's format
	// name ("cranfield", "med", ...). It appears in document URLs, so it is
	// lower-cased letters, digits and '-'.
	Domain string `toml:"domain"`
}

// Config is one experiment. Zero fields take the defaults of
// DefaultConfig when loaded with LoadConfig or resolved with Resolve.
type Config struct {
	// Collections are the interest domains. Required.
	Collections []CollectionConfig `toml:"collections"`
	// Nodes is the number of nodes (one person each). Default 30; at least
	// the number of domains.
	Nodes int `toml:"nodes"`
	// Rounds is the number of rounds of training queries and gossip after
	// the initial measurement (round 0). Default 5 (DefaultConfig; 0 is
	// kept: round 0 only).
	Rounds int `toml:"rounds"`
	// Strategies are the strategies compared. Default all five.
	Strategies []string `toml:"strategies"`
	// Seed seeds every random choice (placement, people, noise, walks).
	// Default 1; every value, zero included, is valid once set in a file.
	Seed uint64 `toml:"seed"`
	// Mode is how nodes run: "memory", "loopback", "processes", or
	// "reference" (this package's reference network). Default "memory".
	Mode string `toml:"mode"`
	// Placement is "cluster" (default) or "random".
	Placement string `toml:"placement"`
	// Replication is how many nodes of its domain hold each document.
	// Default 1.
	Replication int `toml:"replication"`
	// TwoDomainShare is the share of people interested in a second domain
	// (chosen at random), in [0, 1]. Default 0.
	TwoDomainShare float64 `toml:"two_domain_share"`
	// TestShare is the share of each domain's judged queries held out for
	// testing, in (0, 1). Default 0.5.
	TestShare float64 `toml:"test_share"`
	// TrainQueries is how many training queries each person issues per
	// round. Default 3 (DefaultConfig; 0 is kept: nobody marks anything).
	TrainQueries int `toml:"train_queries"`
	// TestQueries is how many held-out queries each person is measured on
	// (the same ones every round). Default 5.
	TestQueries int `toml:"test_queries"`
	// TrainStrategy is the strategy people search with when training.
	// Default "interest".
	TrainStrategy string `toml:"train_strategy"`
	// JudgeDepth is how many of the top results a person judges. Default 10.
	JudgeDepth int `toml:"judge_depth"`
	// Noise is the share of judgments marked wrongly, in [0, 1). Default 0.
	Noise float64 `toml:"noise"`
	// K is the cut-off of the quality and recommendation measures. Default 10.
	K int `toml:"k"`
	// Depth is how many results a search asks for (recall is measured at
	// 100). Default 100.
	Depth int `toml:"depth"`
	// TTL is the hop limit of flooding. Default 3.
	TTL int `toml:"ttl"`
	// WalkHops is the hop limit of each random walker. Default 4.
	WalkHops int `toml:"walk_hops"`
	// Walkers is the number of random walkers per query. Default 2.
	Walkers int `toml:"walkers"`
	// FanOut is the most peers interest routing asks (it asks fewer when
	// the matches fall off; see routing.Config.Threshold). Default 4.
	FanOut int `toml:"fan_out"`
	// GossipRounds is how many gossip rounds every node runs between two
	// rounds of searches (in a live network gossip runs every few seconds,
	// far more often than a person searches). Default 3.
	GossipRounds int `toml:"gossip_rounds"`
	// Scoring is how peers' answers merge: "pooled" (every node scores
	// with statistics pooled from the collection summaries, answers merge
	// by score) or "rrf" (each node scores with its own statistics,
	// answers merge by rank: the baseline). Default "pooled".
	Scoring string `toml:"scoring"`
	// OverlayDegree is the number of neighbours of each node in the
	// overlay flooding and walks follow (a ring lattice in the reference
	// network; real nodes may choose their own). Default 4.
	OverlayDegree int `toml:"overlay_degree"`
	// PeerTimeoutMS is the per-peer deadline of a search, in milliseconds,
	// for networks of real nodes (the reference network makes no calls).
	// Default 2000.
	PeerTimeoutMS int `toml:"peer_timeout_ms"`
	// Parallel is how many people search at once (each person's own
	// searches stay in order); 1 runs everyone one after another. The
	// results are the same whatever the value. Networks that are not safe
	// for concurrent calls (reference, processes) run with 1. Default 4.
	Parallel int `toml:"parallel"`

	// dir is the configuration file's folder, for relative paths.
	dir string
}

// Values of Config.Scoring.
const (
	// ScoringPooled: nodes score with statistics pooled from the
	// collection summaries; answers merge by score.
	ScoringPooled = "pooled"
	// ScoringRRF: each node scores with its own statistics; answers merge
	// by rank (reciprocal rank fusion).
	ScoringRRF = "rrf"
)

// pooled reports whether the network's nodes score with pooled statistics:
// real nodes with Scoring "pooled" (the reference network fuses by rank).
func (c Config) pooled() bool { return c.Scoring == ScoringPooled && c.Mode != "reference" }

// Modes returns the accepted values of Config.Mode.
func Modes() []string { return []string{"memory", "loopback", "processes", "reference"} }

// DefaultConfig returns the defaults (no collections).
func DefaultConfig() Config {
	return Config{
		Nodes: 30, Rounds: 5, Strategies: AllStrategies(), Seed: 1, Mode: "memory",
		Placement: PlacementCluster, Replication: 1, TestShare: 0.5, TrainQueries: 3, TestQueries: 5,
		TrainStrategy: StrategyInterest, JudgeDepth: 10, K: 10, Depth: 100, TTL: 3, WalkHops: 4,
		Walkers: 2, FanOut: 4, OverlayDegree: 4, PeerTimeoutMS: 2000, Parallel: 4, GossipRounds: 3,
		Scoring: ScoringPooled,
	}
}

// ErrBadConfig is returned (wrapped) for a configuration that cannot run.
var ErrBadConfig = errors.New("bad sim configuration")

// LoadConfig reads a TOML configuration. Unknown keys are an error; keys
// left out take their defaults.
func LoadConfig(path string) (Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("read sim configuration: %w", err)
	}
	cfg, err := ParseConfig(b)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", path, err)
	}
	cfg.dir = filepath.Dir(path)
	return cfg, nil
}

// ParseConfig parses TOML text into a configuration with defaults filled
// in and checked. Unknown keys are an error.
func ParseConfig(b []byte) (Config, error) {
	cfg := DefaultConfig()
	cfg.Strategies = nil
	md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&cfg)
	if err != nil {
		return Config{}, fmt.Errorf("%w: %w", ErrBadConfig, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		sort.Strings(keys)
		return Config{}, fmt.Errorf("%w: unknown setting %s", ErrBadConfig, strings.Join(keys, ", "))
	}
	if !md.IsDefined("seed") {
		cfg.Seed = DefaultConfig().Seed
	}
	return cfg.Resolve()
}

// Resolve fills zero fields with their defaults (Seed, Rounds and
// TrainQueries, for which 0 is a setting, are kept as they are) and checks
// the configuration.
func (c Config) Resolve() (Config, error) {
	d := DefaultConfig()
	setInt := func(p *int, def int) {
		if *p == 0 {
			*p = def
		}
	}
	setInt(&c.Nodes, d.Nodes)
	setInt(&c.Replication, d.Replication)
	setInt(&c.TestQueries, d.TestQueries)
	setInt(&c.JudgeDepth, d.JudgeDepth)
	setInt(&c.K, d.K)
	setInt(&c.Depth, d.Depth)
	setInt(&c.TTL, d.TTL)
	setInt(&c.WalkHops, d.WalkHops)
	setInt(&c.Walkers, d.Walkers)
	setInt(&c.FanOut, d.FanOut)
	setInt(&c.OverlayDegree, d.OverlayDegree)
	setInt(&c.PeerTimeoutMS, d.PeerTimeoutMS)
	setInt(&c.Parallel, d.Parallel)
	setInt(&c.GossipRounds, d.GossipRounds)
	if c.Scoring == "" {
		c.Scoring = d.Scoring
	}
	if len(c.Strategies) == 0 {
		c.Strategies = d.Strategies
	}
	if c.Mode == "" {
		c.Mode = d.Mode
	}
	if c.Placement == "" {
		c.Placement = d.Placement
	}
	if c.TrainStrategy == "" {
		c.TrainStrategy = d.TrainStrategy
	}
	if c.TestShare == 0 {
		c.TestShare = d.TestShare
	}
	bad := func(format string, args ...any) (Config, error) {
		return Config{}, fmt.Errorf("%w: "+format, append([]any{ErrBadConfig}, args...)...)
	}
	switch {
	case len(c.Collections) == 0:
		return bad("no collections (add [[collections]] with a path)")
	case c.Nodes < len(c.Collections):
		return bad("%d nodes cannot hold %d domains (at least one node each)", c.Nodes, len(c.Collections))
	case c.Rounds < 0, c.Replication < 1, c.TrainQueries < 0, c.TestQueries < 1, c.JudgeDepth < 1,
		c.K < 1, c.TTL < 1, c.WalkHops < 1, c.Walkers < 1, c.FanOut < 1, c.OverlayDegree < 2, c.PeerTimeoutMS < 1, c.Parallel < 1:
		return bad("counts must be positive (rounds, train_queries may be 0; overlay_degree at least 2)")
	case c.Scoring != ScoringPooled && c.Scoring != ScoringRRF:
		return bad("scoring %q: use %q or %q", c.Scoring, ScoringPooled, ScoringRRF)
	case c.Depth < 100 || c.Depth < c.K:
		return bad("depth %d is below 100 (recall is measured at 100) or below k", c.Depth)
	case c.TwoDomainShare < 0 || c.TwoDomainShare > 1:
		return bad("two_domain_share %g is not between 0 and 1", c.TwoDomainShare)
	case c.TestShare <= 0 || c.TestShare >= 1:
		return bad("test_share %g is not strictly between 0 and 1", c.TestShare)
	case c.Noise < 0 || c.Noise >= 1:
		return bad("noise %g is not in [0, 1)", c.Noise)
	case c.Placement != PlacementCluster && c.Placement != PlacementRandom:
		return bad("placement %q is neither cluster nor random", c.Placement)
	case !slices.Contains(Modes(), c.Mode):
		return bad("mode %q is not one of %s", c.Mode, strings.Join(Modes(), ", "))
	}
	seen := map[string]bool{}
	for _, s := range c.Strategies {
		if !slices.Contains(AllStrategies(), s) {
			return bad("unknown strategy %q (known: %s)", s, strings.Join(AllStrategies(), ", "))
		}
		if seen[s] {
			return bad("strategy %q listed twice", s)
		}
		seen[s] = true
	}
	if c.TrainStrategy == StrategyCentral || !slices.Contains(AllStrategies(), c.TrainStrategy) {
		return bad("train_strategy %q must be local, flood, walk or interest", c.TrainStrategy)
	}
	domains := map[string]bool{}
	for i, col := range c.Collections {
		if col.Path == "" {
			return bad("collection %d has no path", i+1)
		}
		if col.Domain != "" {
			if !validDomain(col.Domain) {
				return bad("domain %q: use lower-case letters, digits and '-'", col.Domain)
			}
			if domains[col.Domain] {
				return bad("domain %q given twice", col.Domain)
			}
			domains[col.Domain] = true
		}
	}
	return c, nil
}

// CollectionPath returns the path of collection i, relative paths taken
// from the configuration file's folder.
func (c Config) CollectionPath(i int) string {
	p := c.Collections[i].Path
	if c.dir != "" && !filepath.IsAbs(p) {
		return filepath.Join(c.dir, p)
	}
	return p
}

func validDomain(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return s != ""
}
