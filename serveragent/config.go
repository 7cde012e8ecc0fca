package serveragent

import (
	"fmt"
	"log/slog"
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
	// MaxCandidates caps the candidates: nodes the node only heard of in
	// other peers' gossip, kept apart from the peer table (they never
	// displace a peer) until a probe proves them; when full, the oldest
	// makes way. -1: none are kept, the node learns of peers only through
	// membership and the nodes that call it. Default 64.
	MaxCandidates int
	// CandidateRate is how many new candidates per second one peer's
	// gossip may add, on average, with a burst of GossipEntries (one
	// message's worth). Default 0.2 (12 a minute); rate.Inf when
	// RatePerPeer is rate.Inf.
	CandidateRate rate.Limit
	// CandidateRateTotal is how many new candidates per second the gossip
	// of all peers together may add, with a burst of MaxCandidates.
	// Default 1; rate.Inf when RatePerPeer is rate.Inf.
	CandidateRateTotal rate.Limit
	// CandidateProbes is how many candidates one gossip round dials (a
	// gossip exchange over a connection pinned to the candidate's node
	// ID): the only calls ever made to an address only others reported,
	// at most CandidateProbes per GossipEvery. -1: none. Default 2.
	CandidateProbes int
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
	// RatePerPeer is how many calls per second one peer (one node ID) may
	// make to this node, on average. Default 20. rate.Inf turns off every
	// limit on incoming calls, connections and gossip entries that is
	// left zero (RatePerAddress, RateNew, RateTotal, MaxConnsPerAddress,
	// CandidateRate, CandidateRateTotal): "the peers trust each other",
	// for experiments that run every node on one machine, and so on one
	// address.
	RatePerPeer rate.Limit
	// Burst is how many calls one peer may make at once. Default 40.
	Burst int
	// RatePerAddress is how many calls per second all the nodes calling
	// from one IP address (for IPv6, one /64 network) may make together,
	// whatever their keys, so that making up new node IDs does not reset
	// the limit. Default 3 × RatePerPeer (60). Established peers (see
	// EstablishedAfter) do not draw on it. rate.Inf: no limit. This
	// budget, RateNew's and RateTotal's have bursts of as many seconds'
	// worth as Burst is of RatePerPeer (2 s by default), at least Burst.
	RatePerAddress rate.Limit
	// RateNew is how many calls per second the nodes that are not yet
	// established (see EstablishedAfter) may make together, from all
	// addresses: new keys share one budget, a fifth of RateTotal, so a
	// flood of fresh identities cannot crowd out the peers the node has
	// known for long. Default 5 × RatePerPeer (100). rate.Inf: no limit.
	RateNew rate.Limit
	// RateTotal is how many calls per second the node serves in all;
	// established peers draw on it alone, new ones on RateNew as well.
	// Default 25 × RatePerPeer (500). rate.Inf: no limit.
	RateTotal rate.Limit
	// EstablishedAfter is how long a node must have been in the peer
	// table, and proved its node ID in a TLS handshake with this node,
	// before its calls count as an established peer's rather than a new
	// identity's (RateNew). Default 10 minutes.
	EstablishedAfter time.Duration
	// HandshakeTimeout closes an incoming connection that has not
	// finished its TLS and HTTP/2 handshakes in this time. Default 10s.
	HandshakeTimeout time.Duration
	// MaxInboundConns caps the incoming connections open at once (on the
	// listener Node.Listener wraps); beyond it new ones are closed at
	// once. -1 means no cap. Default 1024.
	MaxInboundConns int
	// MaxConnsPerAddress caps the incoming connections open at once from
	// one IP address (for IPv6, one /64 network); beyond it new ones from
	// that address are closed at once. Connections without an IP address
	// (in memory) are not counted. -1 means no cap. Default
	// DefaultMaxConnsPerAddress (32).
	MaxConnsPerAddress int
	// InboundIdleTimeout closes an incoming connection on which no call
	// ran for this long (gRPC's keepalive MaxConnectionIdle; the caller
	// dials again when it needs to). Default 10 minutes, longer than
	// ConnIdleTimeout so that callers running this code close first.
	InboundIdleTimeout time.Duration
	// KeepaliveMinTime is the least time between two keepalive pings a
	// peer may send, with calls in flight or not (gRPC's keepalive
	// enforcement policy, PermitWithoutStream on: a peer keeping an idle
	// connection alive is welcome at this pace); a peer pinging more often
	// is sent GOAWAY ENHANCE_YOUR_CALM ("too_many_pings") after its third
	// early ping and cut off. Default 1 minute.
	KeepaliveMinTime time.Duration
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
	// ClaimFloor is the share of its collection summary's promise a peer's
	// answers must bear out on average for interest routing to take the
	// summary at its word: a peer's best answer must score what the
	// summary's best term for the query promises (routing.Promise); below
	// ClaimFloor on average its collection score is scaled down in
	// proportion, so a peer claiming every term cannot capture routing
	// (see claims.go). Default 0.2, with room for honest peers whose
	// answers fall somewhat short of the promise (the pooled average
	// length differs from their own); the 30-node simulation's figures
	// are the same with it as without; negative: never discounted.
	ClaimFloor float64
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
	// Logger receives the node's log lines: at warn, what it refused or
	// what failed (TLS handshakes, connections over a cap, calls over a
	// rate budget, invalid messages, gossip entries over their budget,
	// failed gossip, candidates and peers dropped), each peer's repeats
	// of one event at most once a minute with a count of those held
	// back; at debug, the peer queries it serves (with their terms, which
	// never appear at info or above). Default nil: discarded.
	Logger *slog.Logger
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

// DefaultMaxConnsPerAddress is Config.MaxConnsPerAddress's default: room
// for a few nodes behind one address, each with a connection or two.
const DefaultMaxConnsPerAddress = 32

// DefaultConfig returns the documented defaults, except those derived
// from RatePerPeer (RatePerAddress, RateNew, RateTotal,
// MaxConnsPerAddress, CandidateRate and CandidateRateTotal), which it
// leaves zero for New to work out from the RatePerPeer in force: a caller
// that sets RatePerPeer to rate.Inf on a DefaultConfig turns them off
// with it.
func DefaultConfig() Config {
	cc := cluster.DefaultConfig()
	return Config{
		Strategy:           routing.Interest,
		Routing:            routing.DefaultConfig(),
		Cluster:            cc,
		Recommend:          recommend.DefaultConfig(),
		K:                  10,
		PerPeerTimeout:     800 * time.Millisecond,
		ForwardMargin:      50 * time.Millisecond,
		MaxPeers:           1024,
		MaxConns:           DefaultMaxConns,
		Neighbours:         DefaultNeighbours,
		MaxCandidates:      64,
		CandidateProbes:    2,
		ConnIdleTimeout:    DefaultConnIdleTimeout,
		RatePerPeer:        20,
		Burst:              40,
		EstablishedAfter:   10 * time.Minute,
		HandshakeTimeout:   10 * time.Second,
		MaxInboundConns:    1024,
		InboundIdleTimeout: 10 * time.Minute,
		KeepaliveMinTime:   time.Minute,
		GossipFanout:       3,
		GossipEntries:      16,
		GossipSummaries:    8,
		SummaryTerms:       8192,
		ProfileTTL:         time.Hour,
		ReclusterEvery:     time.Minute,
		GossipEvery:        10 * time.Second,
		RecommendPeers:     8,
		SeenTTL:            2 * time.Minute,
		SeenMax:            100_000,
		FetchTimeout:       5 * time.Second,
		ClaimFloor:         0.2,
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
	if c.ClaimFloor == 0 {
		c.ClaimFloor = d.ClaimFloor
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
	setRate := func(p *rate.Limit, times float64) {
		switch {
		case *p != 0:
		case c.RatePerPeer == rate.Inf:
			*p = rate.Inf
		default:
			*p = rate.Limit(times) * c.RatePerPeer
		}
	}
	setRate(&c.RatePerAddress, 3)
	setRate(&c.RateNew, 5)
	setRate(&c.RateTotal, 25)
	if c.CandidateRate == 0 {
		c.CandidateRate = 0.2
		if c.RatePerPeer == rate.Inf {
			c.CandidateRate = rate.Inf
		}
	}
	if c.CandidateRateTotal == 0 {
		c.CandidateRateTotal = 1
		if c.RatePerPeer == rate.Inf {
			c.CandidateRateTotal = rate.Inf
		}
	}
	setInt(&c.MaxCandidates, d.MaxCandidates)
	setInt(&c.CandidateProbes, d.CandidateProbes)
	if c.MaxConnsPerAddress == 0 && c.RatePerPeer == rate.Inf {
		c.MaxConnsPerAddress = -1
	}
	setInt(&c.MaxConnsPerAddress, DefaultMaxConnsPerAddress)
	setInt(&c.MaxInboundConns, d.MaxInboundConns)
	setDur(&c.EstablishedAfter, d.EstablishedAfter)
	setDur(&c.HandshakeTimeout, d.HandshakeTimeout)
	setDur(&c.InboundIdleTimeout, d.InboundIdleTimeout)
	setDur(&c.KeepaliveMinTime, d.KeepaliveMinTime)
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
	case c.MaxInboundConns < -1 || c.MaxConnsPerAddress < -1:
		return c, fmt.Errorf("serveragent: MaxInboundConns %d or MaxConnsPerAddress %d below -1 (no cap)", c.MaxInboundConns, c.MaxConnsPerAddress)
	case c.EstablishedAfter < 0 || c.HandshakeTimeout < 0 || c.InboundIdleTimeout < 0 || c.KeepaliveMinTime < 0:
		return c, fmt.Errorf("serveragent: negative duration in config")
	case c.MaxCandidates < -1 || c.CandidateProbes < -1:
		return c, fmt.Errorf("serveragent: MaxCandidates %d or CandidateProbes %d below -1 (none)", c.MaxCandidates, c.CandidateProbes)
	case c.RatePerAddress < 0 || c.RateNew < 0 || c.RateTotal < 0 || c.CandidateRate < 0 || c.CandidateRateTotal < 0:
		return c, fmt.Errorf("serveragent: negative rate in config")
	case c.MaxConns < -1 || c.ConnIdleTimeout < -1:
		return c, fmt.Errorf("serveragent: MaxConns %d or ConnIdleTimeout %v below -1 (no cap, never)", c.MaxConns, c.ConnIdleTimeout)
	case c.Neighbours < 0:
		return c, fmt.Errorf("serveragent: Neighbours %d, want at least 1 (0: the default)", c.Neighbours)
	case c.MaxPeers < 0 || c.Burst < 0 || c.GossipFanout < 0 || c.RecommendPeers < 0 || c.SeenMax < 0 || c.RatePerPeer < 0:
		return c, fmt.Errorf("serveragent: negative count in config")
	}
	return c, nil
}
