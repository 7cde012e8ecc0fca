// Package config reads p2pir's configuration file, config.toml in the data
// directory: the search engines to ask, how results are merged, the
// focused crawl's seeds and budgets, and how a running node asks its peers. Every setting has a documented
// default, so the file is optional; docs/config.example.toml shows them all.
package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// FileName is the configuration file's name in the data directory.
const FileName = "config.toml"

// Engine kinds.
const (
	KindSearXNG     = "searxng"                // a SearXNG instance: URL is its base URL
	KindYaCy        = "yacy"                   // a YaCy peer: URL is its base URL
	KindOpenSearch  = "opensearch"             // an OpenSearch 1.1 URL template with {searchTerms}
	KindDescription = "opensearch-description" // an OpenSearch description document's URL
	KindP2PIR       = "p2pir"                  // another p2pir node's HTTP API base URL
)

// Kinds lists the engine kinds, for help texts.
func Kinds() []string {
	return []string{KindSearXNG, KindYaCy, KindOpenSearch, KindDescription, KindP2PIR}
}

// Duration is a time.Duration written as "3s", "500ms" in the file.
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return err
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Engine is one external search engine.
type Engine struct {
	// Name identifies the engine in results and in --source/--exclude.
	// Default: the kind and the endpoint (host, port and path of the URL),
	// e.g. "searxng-search.example.org", "searxng-127.0.0.1:8888" or
	// "opensearch-search.example.com/rss": engines on different ports or
	// paths of one host are different engines, each with its own health
	// record.
	Name string `toml:"name"`
	// Kind is one of Kinds().
	Kind string `toml:"kind"`
	// URL is the base URL, template or description URL (see the kinds).
	URL string `toml:"url"`
	// Weight is the engine's weight in fusion before learning. Default 1.
	Weight float64 `toml:"weight"`
	// Timeout is the engine's deadline within a query. Default 3s.
	Timeout Duration `toml:"timeout"`
	// Enabled engines are asked for every query; disabled ones only when a
	// search names them. Default true.
	Enabled *bool `toml:"enabled"`
	// Resource is YaCy's search scope, "global" (the YaCy network) or
	// "local" (that peer's index). Default "global".
	Resource string `toml:"resource"`
}

// IsEnabled reports Enabled with its default.
func (e Engine) IsEnabled() bool { return e.Enabled == nil || *e.Enabled }

// Search holds search settings.
type Search struct {
	// K is the number of results shown. Default 10.
	K int `toml:"k"`
	// Merge is "rrf" (default), "combmnz", "combsum" or "roundrobin".
	Merge string `toml:"merge"`
	// Timeout is the whole search's deadline: the sources asked at once
	// (engines 3s, the peers 3s by default), then a focused crawl when
	// asked (crawl.max_time, 10s). "p2pir search --timeout" and the node's
	// API and web page searches that name no deadline take it. Default
	// 20s.
	Timeout Duration `toml:"timeout"`
}

// Crawl holds the focused crawl's settings.
type Crawl struct {
	// Seeds are URLs a focused crawl may start from besides the top
	// results of the other sources.
	Seeds []string `toml:"seeds"`
	// MaxPages is the page budget of one focused crawl. Default 30.
	MaxPages int `toml:"max_pages"`
	// MaxTime is the time budget of one focused crawl. Default 10s.
	MaxTime Duration `toml:"max_time"`
	// Auto lets the agent crawl when the other sources answer poorly
	// (fewer than half the wanted results). Default false: only when asked.
	Auto bool `toml:"auto"`
}

// Network holds how a running node (p2pir node) asks its peers.
type Network struct {
	// Hops is how many forwarding steps a query sent to the peers may
	// take: 1 asks only the direct peers, 2 also their peers. 1 to 16.
	// Default 2.
	Hops int `toml:"hops"`
	// Fanout is the most peers each node forwards a query to (interest
	// routing asks fewer when the peers' matches fall off). 1 to 16.
	// Default 4.
	Fanout int `toml:"fanout"`
	// Neighbours is how many peers make the node's neighbours, the
	// overlay that flooding and random walks follow (interest routing
	// may ask any peer). 1 to 1024. Default 16.
	Neighbours int `toml:"neighbours"`
	// Scoring is how peers' answers merge: "pooled" (every peer scores
	// with collection statistics pooled from the peers' summaries, so
	// answers merge by score) or "rrf" (each peer scores with its own,
	// answers merge by rank). Default "pooled".
	Scoring string `toml:"scoring"`
	// PeerTimeout caps each call to one peer. Default 800ms.
	PeerTimeout Duration `toml:"peer_timeout"`
	// Timeout is the deadline of the peers as one source of a search.
	// Default 3s.
	Timeout Duration `toml:"timeout"`
}

// Index holds what the person's index offers to peers.
type Index struct {
	// Shared lists folders whose files peers may find and open through
	// this node (besides those shared with "p2pir index --share"). A
	// leading "~/" is the home directory; other paths must be absolute.
	// Files elsewhere stay private: peers are answered only with web
	// pages and files under these folders. Default: none (nothing shared).
	Shared []string `toml:"shared"`
}

// Log holds what a running node (p2pir node) logs, to its standard
// error; "p2pir node --log" and "--log-format" override them.
type Log struct {
	// Level is the least severity logged: "debug", "info", "warn" or
	// "error". At info and above a person's query text and result URLs
	// never appear; at debug each search's lifecycle does, with its text.
	// Default "info".
	Level string `toml:"level"`
	// Format is "text" (key=value lines) or "json" (one object a line).
	// Default "text".
	Format string `toml:"format"`
}

// Config is the whole file.
type Config struct {
	// Name is the name a running node (p2pir node) announces to its peers
	// for people to tell nodes apart; "p2pir node --name" overrides it.
	// At most 48 bytes of readable UTF-8 (checked when the node starts).
	// Default: none (peers show the node's short ID). In the file it goes
	// before the first [section].
	Name    string   `toml:"name"`
	Search  Search   `toml:"search"`
	Crawl   Crawl    `toml:"crawl"`
	Network Network  `toml:"network"`
	Index   Index    `toml:"index"`
	Log     Log      `toml:"log"`
	Engines []Engine `toml:"engine"`
}

// DefaultNetwork returns the network settings used when the file sets none.
func DefaultNetwork() Network {
	return Network{Hops: 2, Fanout: 4, Neighbours: 16, Scoring: "pooled", PeerTimeout: Duration{800 * time.Millisecond}, Timeout: Duration{3 * time.Second}}
}

// Default returns the configuration used when there is no file.
func Default() Config {
	return Config{
		Search:  Search{K: 10, Merge: "rrf", Timeout: Duration{20 * time.Second}},
		Crawl:   Crawl{MaxPages: 30, MaxTime: Duration{10 * time.Second}},
		Network: DefaultNetwork(),
		Log:     Log{Level: "info", Format: "text"},
	}
}

// Load reads path; a missing file gives Default(). Unknown keys, unknown
// engine kinds, bad URLs and duplicate names are errors that name the
// problem, so a typo never silently drops a setting.
func Load(path string) (Config, error) {
	c := Default()
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	return parse(path, raw)
}

// parse reads a configuration file's contents; path names it in errors.
func parse(path string, raw []byte) (Config, error) {
	c := Default()
	md, err := toml.Decode(string(raw), &c)
	if err != nil {
		return c, fmt.Errorf("config: %s: %w", path, err)
	}
	if und := md.Undecoded(); len(und) > 0 {
		keys := make([]string, len(und))
		for i, k := range und {
			keys[i] = k.String()
		}
		return c, fmt.Errorf("config: %s: unknown settings: %s", path, strings.Join(keys, ", "))
	}
	if err := c.fill(); err != nil {
		return c, fmt.Errorf("config: %s: %w", path, err)
	}
	return c, nil
}

// fill checks the configuration and fills defaults.
func (c *Config) fill() error {
	d := Default()
	if c.Search.K <= 0 {
		c.Search.K = d.Search.K
	}
	if c.Search.Merge == "" {
		c.Search.Merge = d.Search.Merge
	}
	switch c.Search.Merge {
	case "rrf", "combmnz", "combsum", "roundrobin":
	default:
		return fmt.Errorf("search.merge %q: want rrf, combmnz, combsum or roundrobin", c.Search.Merge)
	}
	if c.Search.Timeout.Duration <= 0 {
		c.Search.Timeout = d.Search.Timeout
	}
	if c.Crawl.MaxPages <= 0 {
		c.Crawl.MaxPages = d.Crawl.MaxPages
	}
	if c.Crawl.MaxTime.Duration <= 0 {
		c.Crawl.MaxTime = d.Crawl.MaxTime
	}
	if err := c.Network.fill(); err != nil {
		return err
	}
	if err := c.Log.fill(); err != nil {
		return err
	}
	for i, dir := range c.Index.Shared {
		abs, err := ExpandHome(dir)
		if err != nil {
			return fmt.Errorf("index.shared: %w", err)
		}
		c.Index.Shared[i] = abs
	}
	for _, s := range c.Crawl.Seeds {
		if err := checkURL(s); err != nil {
			return fmt.Errorf("crawl.seeds: %w", err)
		}
	}
	names := map[string]bool{"local": true, "crawl": true, "peers": true}
	for i := range c.Engines {
		e := &c.Engines[i]
		if err := e.fill(); err != nil {
			return fmt.Errorf("engine %d (%s): %w", i+1, e.Name, err)
		}
		if strings.HasPrefix(e.Name, "peer:") {
			return fmt.Errorf("engine %d: the name %q is taken: names starting with \"peer:\" are the peers'", i+1, e.Name)
		}
		if names[e.Name] {
			return fmt.Errorf("engine %d: the name %q is taken", i+1, e.Name)
		}
		names[e.Name] = true
	}
	return nil
}

// fill checks the log settings and fills defaults.
func (l *Log) fill() error {
	d := Default().Log
	if l.Level == "" {
		l.Level = d.Level
	}
	if l.Format == "" {
		l.Format = d.Format
	}
	switch l.Level {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log.level %q: want debug, info, warn or error", l.Level)
	}
	switch l.Format {
	case "text", "json":
	default:
		return fmt.Errorf("log.format %q: want text or json", l.Format)
	}
	return nil
}

// fill checks the network settings and fills defaults.
func (n *Network) fill() error {
	d := DefaultNetwork()
	switch {
	case n.Hops < 0 || n.Hops > 16:
		return fmt.Errorf("network.hops %d: want 1 to 16", n.Hops)
	case n.Fanout < 0 || n.Fanout > 16:
		return fmt.Errorf("network.fanout %d: want 1 to 16", n.Fanout)
	case n.Neighbours < 0 || n.Neighbours > 1024:
		return fmt.Errorf("network.neighbours %d: want 1 to 1024", n.Neighbours)
	case n.PeerTimeout.Duration < 0:
		return fmt.Errorf("network.peer_timeout %v: must not be negative", n.PeerTimeout.Duration)
	case n.Timeout.Duration < 0:
		return fmt.Errorf("network.timeout %v: must not be negative", n.Timeout.Duration)
	case n.Scoring != "" && n.Scoring != "pooled" && n.Scoring != "rrf":
		return fmt.Errorf("network.scoring %q: want \"pooled\" or \"rrf\"", n.Scoring)
	}
	if n.Scoring == "" {
		n.Scoring = d.Scoring
	}
	if n.Hops == 0 {
		n.Hops = d.Hops
	}
	if n.Fanout == 0 {
		n.Fanout = d.Fanout
	}
	if n.Neighbours == 0 {
		n.Neighbours = d.Neighbours
	}
	if n.PeerTimeout.Duration == 0 {
		n.PeerTimeout = d.PeerTimeout
	}
	if n.Timeout.Duration == 0 {
		n.Timeout = d.Timeout
	}
	return nil
}

// fill checks one engine and fills its defaults.
func (e *Engine) fill() error {
	switch e.Kind {
	case KindSearXNG, KindYaCy, KindOpenSearch, KindDescription, KindP2PIR:
	default:
		return fmt.Errorf("kind %q: want one of %s", e.Kind, strings.Join(Kinds(), ", "))
	}
	probe := e.URL
	if e.Kind == KindOpenSearch {
		if !strings.Contains(e.URL, "{searchTerms}") {
			return fmt.Errorf("an OpenSearch template needs {searchTerms}: %q", e.URL)
		}
		probe = strings.NewReplacer("{", "", "}", "", "?", "").Replace(e.URL)
	}
	if err := checkURL(probe); err != nil {
		return err
	}
	if e.Name == "" {
		e.Name = e.Kind + "-" + endpoint(e.URL)
	}
	if e.Weight < 0 {
		return fmt.Errorf("weight %v must be >= 0", e.Weight)
	}
	if e.Weight == 0 {
		e.Weight = 1
	}
	if e.Timeout.Duration <= 0 {
		e.Timeout = Duration{defaultEngineTimeout}
	}
	if e.Kind == KindYaCy {
		switch e.Resource {
		case "":
			e.Resource = "global"
		case "global", "local":
		default:
			return fmt.Errorf("resource %q: want global or local", e.Resource)
		}
	}
	return nil
}

// endpoint is where an engine answers: its URL's host, port and path,
// without scheme, query and trailing slash (a template's path up to its
// first parameter), so that engines on two ports of one host, or two
// paths of one port, have different names (and health records).
func endpoint(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		rest = raw
	}
	if i := strings.IndexAny(rest, "?#{"); i >= 0 {
		rest = rest[:i]
	}
	return strings.TrimSuffix(rest, "/")
}

func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("URL %q: %w", s, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("URL %q: want an absolute http(s) URL", s)
	}
	return nil
}

// ParseEngineFlag reads a --engine KIND=URL flag value into an engine.
func ParseEngineFlag(v string) (Engine, error) {
	kind, u, ok := strings.Cut(v, "=")
	if !ok {
		return Engine{}, fmt.Errorf("--engine %q: want KIND=URL with KIND one of %s", v, strings.Join(Kinds(), ", "))
	}
	e := Engine{Kind: strings.ToLower(kind), URL: u}
	if err := e.fill(); err != nil {
		return Engine{}, fmt.Errorf("--engine %q: %w", v, err)
	}
	return e, nil
}

// ExpandHome returns path with a leading "~" or "~/" replaced by the home
// directory, cleaned; a path that is then not absolute is an error, as
// config.toml does not say what it would be relative to.
func ExpandHome(path string) (string, error) {
	p := path
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("%q: no home directory: %w", path, err)
		}
		p = filepath.Join(home, p[1:])
	}
	if !filepath.IsAbs(p) {
		return "", fmt.Errorf("%q: want an absolute path or one starting with ~/", path)
	}
	return filepath.Clean(p), nil
}
