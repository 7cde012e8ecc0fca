package serveragent

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	grpcpeer "google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/logx"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/cluster"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/routing"
	"github.com/p2pir/p2pir/usermodel"
)

// NodeInfo names a node and where to reach it (the Go form of
// p2pirv1.NodeInfo).
type NodeInfo struct {
	// ID is the node ID (identity.NodeIDFromPublicKey).
	ID string
	// Addr is the gRPC address "host:port"; empty if the node takes no
	// inbound connections.
	Addr string
	// Version is the software version, for diagnostics.
	Version string
	// Name is the name the node announces for people in its gossip
	// metadata (membership.Meta.Name, validated there); "" when none.
	// It is a claim, shown, never used to route or identify.
	Name string
}

func (i NodeInfo) proto() *p2pirv1.NodeInfo {
	return &p2pirv1.NodeInfo{NodeId: i.ID, GrpcAddr: i.Addr, Version: i.Version}
}

// Node is one node's server agent. Create it with New, serve it with
// NewServer (or Register on a server of your own), feed its peer table with
// UpsertPeer and RemovePeer, and Close it when done. Safe for concurrent use.
type Node struct {
	p2pirv1.UnimplementedPeerServer

	cfg    Config
	id     *identity.Identity
	ix     *index.Index
	st     *usermodel.Store
	dialer Dialer
	self   NodeInfo
	seen   *routing.Seen
	docs   *sharedDocs // doc IDs of shared files
	health *health.Server
	limits *callLimits
	// inbound counts the incoming connections (Listener).
	inbound *inboundCounts
	conns   *connPool // client connections to peers
	// rpcClient and rpcServer count the calls this node makes and
	// receives (RPCStats).
	rpcClient, rpcServer *rpcCounters

	// sumMu guards this node's own collection summary: ownSum made from
	// index version ownSumIndex and shared folders ownSumShared (ownSumMade
	// once made; nil when the node shares nothing), ownSumVersion the last
	// version given out.
	sumMu          sync.Mutex
	ownSum         *collection
	ownSumIndex    uint64
	ownSumShared   string
	ownSumBuilding bool // a background rebuild is under way
	ownSumMade     bool
	ownSumVersion  uint64

	mu    sync.Mutex // guards everything below
	peers map[string]*peer
	// claims are what peers' answers bore out of their collection
	// summaries (claims.go), kept apart from the table so that leaving
	// and coming back does not reset them; claimFactors the peers whose
	// summaries routing discounts, by their factor (< 1).
	claims       map[string]claimRecord
	claimFactors map[string]float64
	// unproven are the candidates: nodes only others told us about, not
	// in peers until a probe proves them (candidate); candLimits are the
	// budgets of such entries.
	unproven   map[string]*candidate
	candLimits candidateLimits
	clusters   cluster.Result
	ownClust   int // own cluster in clusters, -1 if none
	// snaps is the peer table as snapshots() returns it (cands as
	// candidates() does), sorted by ID and
	// shared by every caller (never modified once made); nil when a change
	// to the table made it stale (see staleLocked). snapsOldest is the
	// oldest fingerprint time in it, to know without a pass over the table
	// when one has expired.
	snaps       []snapshot
	cands       []routing.Peer // the routing candidates of snaps
	nbrs        []routing.Peer // this node's neighbours among cands (see neighbours)
	snapsOldest time.Time
	rng         *rand.Rand
	decoded     *Decoded // peers' fingerprints and summaries, decoded (Config.Decoded)
	queries     uint64   // queries this node originated, for seeded query IDs
	closed      bool

	log  *slog.Logger  // Config.Logger, or a discarding one
	warn *logx.Limiter // one warning a minute per event and peer
}

// New returns the server agent of a node. self.ID must be id's node ID; ix
// and st are the node's index and user store (owned by the caller, not
// closed by Close); d reaches the peers.
func New(cfg Config, id *identity.Identity, ix *index.Index, st *usermodel.Store, d Dialer, self NodeInfo) (*Node, error) {
	cfg, err := cfg.resolve()
	if err != nil {
		return nil, err
	}
	switch {
	case id == nil || ix == nil || st == nil || d == nil:
		return nil, errors.New("serveragent: New needs an identity, an index, a store and a dialer")
	case self.ID != id.NodeID():
		return nil, fmt.Errorf("serveragent: self ID %q is not the identity's %q", self.ID, id.NodeID())
	}
	if err := self.proto().Validate(); err != nil {
		return nil, fmt.Errorf("serveragent: self: %w", err)
	}
	h := fnv.New64a()
	h.Write([]byte(self.ID))
	n := &Node{
		cfg: cfg, id: id, ix: ix, st: st, dialer: d, self: self,
		seen:         routing.NewSeen(cfg.SeenTTL, cfg.SeenMax),
		docs:         newSharedDocs(id.LocalKey(sharedDocsPurpose)),
		health:       health.NewServer(),
		limits:       newCallLimits(cfg),
		inbound:      newInboundCounts(),
		rpcClient:    newRPCCounters(),
		rpcServer:    newRPCCounters(),
		peers:        map[string]*peer{},
		claims:       map[string]claimRecord{},
		claimFactors: map[string]float64{},
		unproven:     map[string]*candidate{},
		candLimits:   newCandidateLimits(cfg),
		conns:        newConnPool(d, cfg.MaxConns, cfg.ConnIdleTimeout),
		ownClust:     -1,
		rng:          rand.New(rand.NewPCG(cfg.Seed, h.Sum64())),
		decoded:      cfg.Decoded,
		log:          logx.OrDiscard(cfg.Logger),
		warn:         logx.NewLimiter(logx.DefaultInterval),
	}
	if n.decoded == nil {
		n.decoded = NewDecoded()
	}
	n.health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	n.health.SetServingStatus(p2pirv1.Peer_ServiceDesc.ServiceName, healthpb.HealthCheckResponse_SERVING)
	return n, nil
}

// Self returns this node's NodeInfo.
func (n *Node) Self() NodeInfo { return n.self }

// Config returns the configuration in force (defaults filled in).
func (n *Node) Config() Config { return n.cfg }

// Register registers the Peer service and the gRPC health service on s.
// s should be built with p2pirv1.ServerOptions and the node's server
// credentials, as NewServer does: handlers rely on the contract's
// validation and on TLS node identities.
func (n *Node) Register(s *grpc.Server) {
	p2pirv1.RegisterPeerServer(s, n)
	healthpb.RegisterHealthServer(s, n.health)
}

// NewServer returns a gRPC server with this node's TLS credentials
// (network secret optional), the call counters of RPCStats, the contract's
// size caps and validation, a deadline on each new connection's
// handshakes (Config.HandshakeTimeout), keepalive enforcement (idle
// connections closed after Config.InboundIdleTimeout, clients pinging
// more often than Config.KeepaliveMinTime cut off), and opts after them, with the
// node registered on it. Serve it on a listener wrapped by Listener.
func (n *Node) NewServer(secret []byte, opts ...grpc.ServerOption) (*grpc.Server, error) {
	creds, err := n.id.ServerCredentials(secret)
	if err != nil {
		return nil, fmt.Errorf("serveragent: server credentials: %w", err)
	}
	all := append([]grpc.ServerOption{
		grpc.Creds(loggedCreds{TransportCredentials: creds, n: n}),
		grpc.ChainUnaryInterceptor(n.countServer),
		grpc.ConnectionTimeout(n.cfg.HandshakeTimeout),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: n.cfg.KeepaliveMinTime, PermitWithoutStream: true}),
		grpc.KeepaliveParams(keepalive.ServerParameters{MaxConnectionIdle: n.cfg.InboundIdleTimeout}),
	}, p2pirv1.ServerOptions()...)
	s := grpc.NewServer(append(all, opts...)...)
	n.Register(s)
	return s, nil
}

// Close reports the node as not serving and closes its connections to
// peers. The index and store are left open.
func (n *Node) Close() error {
	n.health.Shutdown()
	n.mu.Lock()
	n.closed = true
	n.mu.Unlock()
	return n.conns.close()
}

// caller admits an incoming call: it returns the caller's TLS node ID, or
// UNAUTHENTICATED without one, or RESOURCE_EXHAUSTED over one of the
// budgets of incoming calls (callLimits: per node, per address, of new
// nodes, in all).
func (n *Node) caller(ctx context.Context) (string, error) {
	id, err := identity.PeerNodeID(ctx)
	if err != nil {
		return "", status.Errorf(codes.Unauthenticated, "serveragent: %v", err)
	}
	var addr string
	if p, ok := grpcpeer.FromContext(ctx); ok {
		addr = remoteIP(p.Addr)
	}
	now := time.Now()
	n.mu.Lock()
	established := n.establishedLocked(n.peers[id], now)
	n.mu.Unlock()
	if why := n.limits.admit(id, addr, established, now); why != "" {
		n.warn.Warn(ctx, n.log, logx.EventRateLimited, id, "refused a peer's call over a rate budget", logx.KeyPeer, id, logx.KeyAddr, addr, logx.KeyReason, why)
		return "", status.Error(codes.ResourceExhausted, why)
	}
	return id, nil
}

// conn returns the pooled client connection to a peer (see
// Config.MaxConns and Config.ConnIdleTimeout).
func (n *Node) conn(ctx context.Context, id, addr string) (peerConn, error) {
	return n.conns.get(ctx, id, addr)
}

// dropConnsLocked closes the connections to peer id (all addresses), as
// soon as no call runs on them; n.mu must be held.
func (n *Node) dropConnsLocked(id string) {
	n.conns.drop(id)
}

// OpenConns reports how many client connections to peers the node holds
// open (at most Config.MaxConns while no more calls run at once).
func (n *Node) OpenConns() int { return n.conns.open() }

// CloseIdleConns closes the connections to peers idle for longer than
// Config.ConnIdleTimeout now, rather than at the next call to a peer.
func (n *Node) CloseIdleConns() { n.conns.closeIdle() }

// callTimeout is the deadline of one call to a peer under ctx: the
// remaining time less ForwardMargin, at most PerPeerTimeout; ok is false
// when no time is left.
func (n *Node) callTimeout(ctx context.Context) (time.Duration, bool) {
	d := n.cfg.PerPeerTimeout
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl)-n.cfg.ForwardMargin)
	}
	return d, d > 0
}

// ownFingerprint returns this node's fingerprint (shared: the caller must
// not modify it), and whether sharing is on.
func (n *Node) ownFingerprint(ctx context.Context) (usermodel.Fingerprint, bool, error) {
	// Made once per stored profile and shared: read-only here.
	fp, on, err := n.st.SharedFingerprint(ctx, p2pirv1.FingerprintDim)
	if err != nil {
		return usermodel.Fingerprint{}, false, fmt.Errorf("serveragent: own fingerprint: %w", err)
	}
	return fp, on, nil
}

// queryRand is the random source of this node's routing choices for
// one query: derived from the node's seed, its ID and the query ID, so
// what the node picks for a query does not depend on which other
// queries it routed before or alongside it.
func (n *Node) queryRand(queryID string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(n.self.ID))
	h.Write([]byte{0})
	h.Write([]byte(queryID))
	return rand.New(rand.NewPCG(n.cfg.Seed, h.Sum64()))
}

// newQueryID names a query this node originates: random
// (usermodel.NewQueryID) without a seed; with Config.Seed, derived from
// the seed, the node ID and how many queries the node sent before, in
// the same form (26 characters of base32).
func (n *Node) newQueryID() string {
	if n.cfg.Seed == 0 {
		return usermodel.NewQueryID()
	}
	n.mu.Lock()
	n.queries++
	count := n.queries
	n.mu.Unlock()
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], n.cfg.Seed)
	binary.BigEndian.PutUint64(b[8:], count)
	sum := sha256.Sum256(append([]byte("p2pir query id\x00"+n.self.ID+"\x00"), b[:]...))
	return base32.StdEncoding.EncodeToString(sum[:16])[:26]
}

// randPerm is a random permutation from the node's generator.
func (n *Node) randPerm(k int) []int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.rng.Perm(k)
}
