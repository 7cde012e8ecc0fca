package serveragent

import (
	"fmt"
	"time"

	"golang.org/x/time/rate"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/cluster"
	"github.com/p2pir/p2pir/serveragent/recommend"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// Config tunes a Node. Start from DefaultConfig; New fills zero fields
// with the defaults below.
type Config struct {
	// Strategy is the routing strategy for forwarded queries:
	// routing.Interest, routing.Flood or routing.Walk. Default Interest.
	Strategy string
	// Routing tunes the strategy. Default routing.DefaultConfig().
	Routing routing.Config
	// Cluster tunes Recluster. Default cluster.DefaultConfig(); a zero
	// Cluster.Seed takes Config.Seed.
	Cluster cluster.Config
	// Recommend tunes Node.RecommendFromPeers. Default recommend.DefaultConfig().
	Recommend recommend.Config
	// K is how many results SearchPeers asks for when the query gives
	// none. Default 10.
	K int
	// PerPeerTimeout caps each call to a peer. Default 800ms.
	PerPeerTimeout time.Duration
	// ForwardMargin is the time a forwarder keeps for itself (merging,
	// answering) out of its own deadline before passing the rest on.
	// Default 50ms.
	ForwardMargin time.Duration
	// MaxPeers caps the peer table. Default 1024.
	MaxPeers int
	// Neighbours is how many peers make this node's neighbours in the
	// overlay that flooding and random walks follow: the peers of the
	// highest rendezvous weights with this node (see overlay.go), so
	// they stay the same query after query, as Gnutella's neighbours
	// do, and a peer joining or leaving changes at most one of them.
	// Those connections are then reused rather than made afresh for
	// nearly every forwarded query. Interest routing may ask any peer.
	// Default DefaultNeighbours (16: routing's MaxFanout, so a flood
	// asks the same peers it asked before).
	Neighbours int
	// MaxConns caps the client connections to peers the node keeps open;
	// beyond it the least recently used idle one is closed (and dialled
	// again when needed). Calls in flight are never cut: while more than
	// MaxConns are busy at once the node holds more and closes the surplus
	// as they end. -1 means no cap. Default DefaultMaxConns (64).
	MaxConns int
	// ConnIdleTimeout closes a connection to a peer once no call used it
	// for this long (checked at each call to a peer, or by
	// Node.CloseIdleConns). -1 means never. Default
	// DefaultConnIdleTimeout (5 minutes).
	ConnIdleTimeout time.Duration
	// RatePerPeer is how many calls per second one peer may make to this
	// node, on average. Default 20.
	RatePerPeer rate.Limit
	// Burst is how many calls one peer may make at once. Default 40.
	Burst int
	// GossipFanout is how many peers one Gossip round talks to. Default 3.
	GossipFanout int
	// GossipSummaries is how many collection summaries of other nodes one
	// gossip message carries besides the sender's own (each signed by its
	// node). Default 8; at most 16.
	GossipSummaries int
	// SummaryTerms caps the terms of this node's collection summary; a
	// node with more distinct terms in its shared documents keeps those
	// that tell them apart best (index.Summarize). Default 8192 (about 50
	// KiB on the wire).
	SummaryTerms int
	// RankFusion merges peers' answers by rank alone (RRF), as before
	// pooled statistics: no corpus statistics travel with queries. For
	// experiments comparing the two. Default false: every receiver scores
	// with the statistics the origin pooled from the collection summaries,
	// and answers merge by score.
	RankFusion bool
	// GossipEntries is how many known profiles one gossip message carries,
	// at most p2pirv1.MaxProfileEntries. Default 16.
	GossipEntries int
	// ProfileTTL drops fingerprints not refreshed for this long. Default 1h.
	ProfileTTL time.Duration
	// ReclusterEvery is how often Run re-clusters. Default 1m.
	ReclusterEvery time.Duration
	// GossipEvery is how often Run gossips. Default 10s.
	GossipEvery time.Duration
	// RecommendPeers caps the peers Node.RecommendFromPeers asks. Default 8.
	RecommendPeers int
	// SeenTTL is how long a query ID is remembered. Default 2m.
	SeenTTL time.Duration
	// SeenMax caps the query IDs remembered. Default 100,000.
	SeenMax int
	// Seed makes routing, gossip and clustering reproducible. Default 0.
	// A nonzero Seed also derives the IDs of this node's queries from
	// the seed, this node's ID and a count of its queries, so the same
	// queries get the same IDs (and the same per-query routing choices)
	// run after run; a node that restarts with the same Seed repeats
	// its IDs, which peers that still remember them refuse: set it for
	// experiments, not for a node that serves people.
	Seed uint64
	// SharedFolders returns the folders whose files peers may find (in
	// Search, as p2pir:// links) and open (FetchDocument). It is asked at
	// every peer request that may return a file, so unsharing a folder
	// takes effect at once; an error shares nothing. A file is shared when
	// its real path (links resolved) lies inside one of them (see package
	// internal/share). Default nil: no file is shared, peers are answered
	// with web pages only.
	SharedFolders func() ([]string, error)
	// FetchTimeout caps one FetchPeerDocument call (a document of up to
	// p2pirv1.MaxDocumentTextBytes). Default 5s.
	FetchTimeout time.Duration
	// OrderedForwarding sends a forwarded query to the chosen peers one
	// at a time, in the order routing chose them, instead of all at once.
	// A node processes a query only the first time it arrives (later
	// arrivals are refused as loops), so with concurrent calls which path
	// reaches a node first, and with it where the query goes next and
	// which list carries that node's results, depends on timing; ordered,
	// it does not. For reproducible experiments: a query's latency
	// becomes the sum of its calls rather than the slowest. Default false.
	OrderedForwarding bool
	// Decoded keeps the fingerprints and collection summaries peers sent,
	// decoded and checked, by their bytes (see Decoded). Nodes of one
	// process (a simulation) may share one, so each peer's data is
	// decoded and its signature checked once, not once per node, and held
	// once. Default nil: the node keeps its own.
	Decoded *Decoded
}

// Defaults of the connection pool (Config.MaxConns,
// Config.ConnIdleTimeout): a node keeps the peers it talks to often, its
// interest cluster and its routing neighbours, connected, without
// holding a connection to every peer it ever asked.
const (
	DefaultMaxConns        = 64
	DefaultNeighbours      = 16
	DefaultConnIdleTimeout = 5 * time.Minute
)

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	cc := cluster.DefaultConfig()
	return Config{
		Strategy:        routing.Interest,
		Routing:         routing.DefaultConfig(),
		Cluster:         cc,
		Recommend:       recommend.DefaultConfig(),
		K:               10,
		PerPeerTimeout:  800 * time.Millisecond,
		ForwardMargin:   50 * time.Millisecond,
		MaxPeers:        1024,
		MaxConns:        DefaultMaxConns,
		Neighbours:      DefaultNeighbours,
		ConnIdleTimeout: DefaultConnIdleTimeout,
		RatePerPeer:     20,
		Burst:           40,
		GossipFanout:    3,
		GossipEntries:   16,
		GossipSummaries: 8,
		SummaryTerms:    8192,
		ProfileTTL:      time.Hour,
		ReclusterEvery:  time.Minute,
		GossipEvery:     10 * time.Second,
		RecommendPeers:  8,
		SeenTTL:         2 * time.Minute,
		SeenMax:         100_000,
		FetchTimeout:    5 * time.Second,
	}
}

// resolve fills zero fields with defaults and refuses unusable values.
func (c Config) resolve() (Config, error) {
	d := DefaultConfig()
	if c.Strategy == "" {
		c.Strategy = d.Strategy
	}
	if c.Routing == (routing.Config{}) {
		c.Routing = d.Routing
	}
	if c.Cluster == (cluster.Config{}) {
		c.Cluster = d.Cluster
	}
	if c.Cluster.Seed == 0 {
		c.Cluster.Seed = c.Seed
	}
	if c.Recommend == (recommend.Config{}) {
		c.Recommend = d.Recommend
	}
	setInt := func(p *int, v int) {
		if *p == 0 {
			*p = v
		}
	}
	setDur := func(p *time.Duration, v time.Duration) {
		if *p == 0 {
			*p = v
		}
	}
	setInt(&c.K, d.K)
	setInt(&c.MaxPeers, d.MaxPeers)
	setInt(&c.MaxConns, d.MaxConns)
	setInt(&c.Neighbours, d.Neighbours)
	setDur(&c.ConnIdleTimeout, d.ConnIdleTimeout)
	setInt(&c.Burst, d.Burst)
	setInt(&c.GossipFanout, d.GossipFanout)
	setInt(&c.GossipEntries, d.GossipEntries)
	setInt(&c.GossipSummaries, d.GossipSummaries)
	setInt(&c.SummaryTerms, d.SummaryTerms)
	setInt(&c.RecommendPeers, d.RecommendPeers)
	setInt(&c.SeenMax, d.SeenMax)
	setDur(&c.PerPeerTimeout, d.PerPeerTimeout)
	setDur(&c.ForwardMargin, d.ForwardMargin)
	setDur(&c.ProfileTTL, d.ProfileTTL)
	setDur(&c.ReclusterEvery, d.ReclusterEvery)
	setDur(&c.GossipEvery, d.GossipEvery)
	setDur(&c.SeenTTL, d.SeenTTL)
	setDur(&c.FetchTimeout, d.FetchTimeout)
	if c.RatePerPeer == 0 {
		c.RatePerPeer = d.RatePerPeer
	}
	switch {
	case c.Strategy != "interest" && c.Strategy != "flood" && c.Strategy != "walk":
		return c, fmt.Errorf("serveragent: unknown routing strategy %q", c.Strategy)
	case c.K < 1 || c.K > 100:
		return c, fmt.Errorf("serveragent: K %d, want 1 to 100", c.K)
	case c.GossipSummaries < 0 || c.GossipSummaries > p2pirv1.MaxGossipSummaries:
		return c, fmt.Errorf("serveragent: GossipSummaries %d, want 0 to %d", c.GossipSummaries, p2pirv1.MaxGossipSummaries)
	case c.SummaryTerms < 0 || c.SummaryTerms > p2pirv1.MaxSummaryTerms:
		return c, fmt.Errorf("serveragent: SummaryTerms %d, want 0 to %d", c.SummaryTerms, p2pirv1.MaxSummaryTerms)
	case c.GossipEntries < 0 || c.GossipEntries > 64:
		return c, fmt.Errorf("serveragent: GossipEntries %d, want 0 to 64", c.GossipEntries)
	case c.PerPeerTimeout < 0 || c.ForwardMargin < 0 || c.ProfileTTL < 0 || c.SeenTTL < 0 || c.FetchTimeout < 0:
		return c, fmt.Errorf("serveragent: negative duration in config")
	case c.MaxConns < -1 || c.ConnIdleTimeout < -1:
		return c, fmt.Errorf("serveragent: MaxConns %d or ConnIdleTimeout %v below -1 (no cap, never)", c.MaxConns, c.ConnIdleTimeout)
	case c.Neighbours < 0:
		return c, fmt.Errorf("serveragent: Neighbours %d, want at least 1 (0: the default)", c.Neighbours)
	case c.MaxPeers < 0 || c.Burst < 0 || c.GossipFanout < 0 || c.RecommendPeers < 0 || c.SeenMax < 0 || c.RatePerPeer < 0:
		return c, fmt.Errorf("serveragent: negative count in config")
	}
	return c, nil
}
