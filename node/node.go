// Package node assembles one p2pir node: its identity, local index, user
// model store, client agent (with engines, the focused crawl and the
// peers as sources), server agent (gRPC for peers), membership (gossip
// over memberlist) and the HTTP API on loopback. cmd/p2pir's "node"
// command runs one; simulations and integration tests run many in one
// process.
package node

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/share"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/cluster"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/membership"
	"github.com/p2pir/p2pir/serveragent/routing"
	"github.com/p2pir/p2pir/usermodel"
	"google.golang.org/grpc"
)

// Version is the node software version announced to peers.
const Version = "0.1.0"

// Config describes a node. Zero fields take the documented defaults.
type Config struct {
	// DataDir holds the index, state.db, node.key and config.toml. Required.
	DataDir string
	// HTTPAddr is the HTTP API's address. Default "127.0.0.1:8080". It
	// must be on loopback (the API acts for the person) unless HTTPPublic
	// is set.
	HTTPAddr string
	// GRPCAddr is where peers reach the server agent. Default ":7070".
	GRPCAddr string
	// GossipAddr is memberlist's bind address. Default ":7946".
	GossipAddr string
	// AdvertiseHost is the host peers should use for this node's gRPC and
	// gossip addresses; default: the bind host, or 127.0.0.1 when the bind
	// host is empty or unspecified.
	AdvertiseHost string
	// Join lists gossip addresses of nodes to join (any member's).
	Join []string
	// Secret, if set, closes the network to nodes that do not know it
	// (memberlist encryption and a proof in the TLS handshake).
	Secret []byte
	// Server tunes the server agent. Default serveragent.DefaultConfig().
	Server *serveragent.Config
	// MembershipProfile is "lan" (default), "wan", "local" (fast failure
	// detection, for tests and small simulations on one machine) or "sim"
	// (hundreds to thousands of nodes on one machine); see the profiles
	// of package membership.
	MembershipProfile string
	// HTTPPublic allows an HTTPAddr that is not on loopback. It needs
	// HTTPAccessToken: the API then skips its Host check and every request
	// must carry the token (see the HTTP API's documentation in api.go).
	HTTPPublic bool
	// HTTPAccessToken, if set, is required on every HTTP API request as
	// "Authorization: Bearer <token>" (the node's own token in TokenHeader,
	// which the CLI sends, is accepted too). At least MinAccessTokenLen
	// characters.
	HTTPAccessToken string
	// NoHTTP leaves the HTTP API out, and with it the run file the CLI
	// finds a node by: a simulation of many nodes in one process talks to
	// them through their methods. HTTPAddr is then ignored.
	NoHTTP bool

	// Transport supplies the gRPC listener, the dialer to peers and the
	// gossip transport. The zero value is TCPTransport(): real sockets on
	// GRPCAddr and GossipAddr. MemNetwork.Transport() runs the node in
	// memory.
	Transport Transport
	// ManualRounds leaves out the background loop (a gossip round every
	// Server.GossipEvery, re-clustering every Server.ReclusterEvery): the
	// caller drives rounds with GossipRound and Recluster, e.g. a
	// simulation that wants them deterministic. Membership keeps
	// memberlist's own timers either way.
	ManualRounds bool
	// Shared, when set, is shared with the other nodes of this process
	// (see NewShared). Default nil: the node keeps its own.
	Shared *Shared

	// Hops is how many forwarding steps a search's query to the peers may
	// take (1: only direct peers). 0: config.toml's network.hops (default
	// 2).
	Hops int
	// FanOut is the most peers a query is forwarded to. 0:
	// Server.Routing.Fanout if set, else config.toml's network.fanout
	// (default 4).
	FanOut int
	// Neighbours is how many peers make the node's neighbours, the
	// overlay flooding and random walks follow (see
	// serveragent.Config.Neighbours). 0: Server.Neighbours if set, else
	// config.toml's network.neighbours (default 16).
	Neighbours int
	// Scoring is "pooled" or "rrf" (see config.toml's network.scoring);
	// "" for the file's setting (default "pooled").
	Scoring string
	// PerPeerTimeout caps each call to one peer. 0: Server.PerPeerTimeout
	// if set, else config.toml's network.peer_timeout (default 800ms).
	PerPeerTimeout time.Duration
	// PeersTimeout is the deadline of the peers as one source of a search.
	// 0: config.toml's network.timeout (default 3s).
	PeersTimeout time.Duration

	// Name is the name the node announces to its peers in its gossip
	// metadata, for people (membership.ValidateName: at most 48 bytes of
	// readable UTF-8). "": config.toml's name, else none (peers show the
	// node's short ID).
	Name string

	// Local tunes the local parts (index, store, engines, crawl); the zero
	// value opens them as the CLI does. See OpenLocal.
	Local LocalOptions

	// Logger receives the node's log lines: the server agent's, the
	// client agent's (unless Local.Logger is set) and membership's (with
	// memberlist's bridged at their levels), and the node's start and
	// stop at info. At info and above no line carries a person's query
	// text or result URLs; at debug a search's lifecycle does. "p2pir
	// node" builds it from --log and --log-format (or config.toml's
	// [log]). Default nil: discarded.
	Logger *slog.Logger
}

// Node is a running p2pir node.
type Node struct {
	cfg     Config
	id      *identity.Identity
	ix      *index.Index
	store   *usermodel.Store
	agent   *clientagent.Agent
	server  *serveragent.Node
	grpc    *grpc.Server
	grpcLis net.Listener
	members *membership.Membership
	http    *http.Server
	httpLis net.Listener
	cancel  context.CancelFunc
	done    chan struct{}
	// apiToken is this run's token for state-changing API requests; it is
	// written to the run file for the CLI.
	apiToken string
	// wroteRunFile is set once the run file is ours to remove.
	wroteRunFile bool
	// hops is the Hops of the peers' queries.
	hops int
	// searchTimeout is config.toml's search.timeout: the deadline of an
	// API or web page search that names none.
	searchTimeout time.Duration
	// engMu makes edits of config.toml's engines one at a time.
	engMu sync.Mutex
	// apiRoutes are the HTTP API's route patterns ("GET /search").
	apiRoutes []string
	// jobs runs the index and crawl jobs of the HTTP API (nil with
	// NoHTTP: nothing could submit one).
	jobs *jobs.Manager
	// log is Config.Logger, or a discarding one.
	log *slog.Logger
}

// Start opens the node's data and starts serving: gRPC for peers, gossip,
// the background loop (gossip rounds, re-clustering; not with
// ManualRounds) and the HTTP API (not with NoHTTP), over cfg.Transport.
//
// If Start fails, whatever it opened is closed again: ports, store and
// index are free for another try.
func Start(ctx context.Context, cfg Config) (_ *Node, err error) {
	if cfg.DataDir == "" {
		return nil, errors.New("node: DataDir is required")
	}
	if cfg.HTTPAddr == "" {
		cfg.HTTPAddr = "127.0.0.1:8080"
	}
	if !cfg.NoHTTP {
		if err := checkHTTPExposure(cfg); err != nil {
			return nil, err
		}
	}
	if cfg.GRPCAddr == "" {
		cfg.GRPCAddr = ":7070"
	}
	if cfg.GossipAddr == "" {
		cfg.GossipAddr = ":7946"
	}
	tr := cfg.Transport.withDefaults()
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: data directory: %w", err)
	}
	n := &Node{cfg: cfg, done: make(chan struct{}), apiToken: rand.Text(), log: logx.OrDiscard(cfg.Logger)}
	defer func() {
		if err != nil {
			n.Kill()
		}
	}()
	if n.id, err = identity.LoadOrCreate(filepath.Join(cfg.DataDir, "node.key")); err != nil {
		return nil, err
	}
	if cfg.Shared != nil && cfg.Local.TextTerms == nil {
		cfg.Local.TextTerms = cfg.Shared.text
	}
	logger := n.log
	if cfg.Local.Logger == nil {
		cfg.Local.Logger = logger
	}
	local, err := OpenLocal(ctx, cfg.DataDir, cfg.Local)
	if err != nil {
		return nil, err
	}
	n.ix, n.store, n.agent = local.Index, local.Store, local.Agent
	n.searchTimeout = local.Config.Search.Timeout.Duration
	nw, err := networkSettings(cfg, local.Config.Network)
	if err != nil {
		return nil, err
	}
	n.hops = nw.Hops
	name := cfg.Name
	if name == "" {
		name = local.Config.Name
	}
	if err := membership.ValidateName(name); err != nil {
		return nil, fmt.Errorf("node name (--name or config.toml's name): %w", err)
	}

	// gRPC listener first: its real port goes into the membership metadata.
	if n.grpcLis, err = tr.Listen(cfg.GRPCAddr); err != nil {
		return nil, listenError("gRPC", cfg.GRPCAddr, err)
	}
	host := advertiseHost(cfg.AdvertiseHost, cfg.GRPCAddr)
	self := serveragent.NodeInfo{ID: n.id.NodeID(), Addr: advertisedAddr(host, n.grpcLis.Addr()), Version: Version, Name: name}
	scfg := serveragent.DefaultConfig()
	if cfg.Server != nil {
		scfg = *cfg.Server
	}
	if scfg.Routing == (routing.Config{}) {
		scfg.Routing = routing.DefaultConfig()
	}
	scfg.Routing.Fanout, scfg.PerPeerTimeout, scfg.Neighbours = nw.Fanout, nw.PeerTimeout.Duration, nw.Neighbours
	scfg.RankFusion = scfg.RankFusion || nw.Scoring == "rrf"
	if cfg.Shared != nil && scfg.Decoded == nil {
		scfg.Decoded = cfg.Shared.server
	}
	if scfg.Logger == nil {
		scfg.Logger = logger
	}
	if scfg.SharedFolders == nil {
		// Read at every peer request: "p2pir index --share/--unshare" and
		// config.toml's [index] shared take effect at once.
		dataDir := cfg.DataDir
		scfg.SharedFolders = func() ([]string, error) {
			fs, err := share.Current(dataDir)
			return share.Paths(fs), err
		}
	}
	n.server, err = serveragent.New(scfg, n.id, n.ix, n.store, tr.Dialer(n.id, cfg.Secret), self)
	if err != nil {
		return nil, err
	}
	if n.grpc, err = n.server.NewServer(cfg.Secret, tr.ServerOptions...); err != nil {
		return nil, err
	}
	go n.grpc.Serve(n.server.Listener(n.grpcLis)) // caps on incoming connections

	// Membership feeds the server agent's peer table.
	mcfg := membership.DefaultConfig()
	mcfg.NodeID, mcfg.GRPCAddr, mcfg.Version, mcfg.Name = self.ID, self.Addr, Version, name
	if mcfg.Transport, err = tr.Gossip(); err != nil {
		return nil, fmt.Errorf("node: gossip transport: %w", err)
	}
	if mcfg.Transport == nil {
		gossipHost, gossipPort, err := splitPort(cfg.GossipAddr)
		if err != nil {
			return nil, fmt.Errorf("node: gossip address: %w", err)
		}
		mcfg.BindAddr, mcfg.BindPort = orDefault(gossipHost, "0.0.0.0"), gossipPort
		mcfg.AdvertiseAddr = host
	}
	mcfg.Join, mcfg.AllowLone = cfg.Join, true
	mcfg.Logger = logger
	if cfg.Shared != nil {
		mcfg.Decoded = cfg.Shared.members
	}
	if cfg.MembershipProfile != "" {
		mcfg.Profile = cfg.MembershipProfile
	}
	if len(cfg.Secret) > 0 {
		if mcfg.SecretKey, err = identity.MemberlistKey(cfg.Secret); err != nil {
			if mcfg.Transport != nil {
				_ = mcfg.Transport.Shutdown()
			}
			return nil, err
		}
	}
	mcfg.OnChange = func(m membership.Member) {
		if m.State == membership.StateAlive {
			_ = n.server.UpsertPeer(serveragent.NodeInfo{ID: m.NodeID, Addr: m.GRPCAddr, Version: m.Version, Name: m.Name})
		} else {
			n.server.RemovePeer(m.NodeID)
		}
	}
	if n.members, err = membership.Start(mcfg); err != nil {
		if inUse(err) {
			return nil, &addressInUseError{"gossip", cfg.GossipAddr, err}
		}
		return nil, err
	}
	for _, m := range n.members.Members() { // joined before OnChange could see them
		_ = n.server.UpsertPeer(serveragent.NodeInfo{ID: m.NodeID, Addr: m.GRPCAddr, Version: m.Version, Name: m.Name})
	}

	// The client agent (local index, engines, focused crawl) gets the
	// peers as a source, each peer fused and trusted on its own.
	if err := n.agent.AddSource(PeersSource, peerSource{n}, clientagent.SourceOptions{Timeout: nw.Timeout.Duration, PerPeer: true}); err != nil {
		return nil, err
	}

	if cfg.ManualRounds {
		close(n.done)
	} else {
		runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		n.cancel = cancel
		go func() {
			defer close(n.done)
			_ = n.server.Run(runCtx, nil)
		}()
	}

	defer func() {
		if err == nil {
			logger.Info("node started", "node_id", n.id.NodeID(), "grpc_addr", n.GRPCAddr(), "gossip_addr", n.members.GossipAddr(), "http_addr", n.HTTPAddr())
		}
	}()
	if cfg.NoHTTP {
		return n, nil
	}
	// Index and crawl jobs, on the index this node holds open (and with it
	// the lock "p2pir index" and "p2pir crawl" take): the node is the
	// index's one writer while it runs.
	if n.jobs, err = jobs.New(jobs.Config{DataDir: cfg.DataDir, Index: n.ix, OnChange: n.indexChanged, Logger: logger}); err != nil {
		return nil, err
	}
	if n.httpLis, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		return nil, listenError("HTTP API", cfg.HTTPAddr, err)
	}
	g := newGuard(n.httpLis.Addr().String(), n.apiToken, cfg.HTTPPublic, cfg.HTTPAccessToken)
	n.http = &http.Server{Handler: prettyJSON(g.wrap(n.routes())), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second}
	go n.http.Serve(n.httpLis)
	if err := n.writeRunFile(); err != nil {
		return nil, err
	}
	return n, nil
}

// networkSettings is the file's [network] section with the node's own
// settings (Config.Hops, FanOut, Neighbours, PerPeerTimeout, PeersTimeout) in place
// of the file's where set.
func networkSettings(cfg Config, file config.Network) (config.Network, error) {
	switch {
	case cfg.Hops < 0 || cfg.Hops > 16:
		return file, fmt.Errorf("hops %d: want 1 to 16", cfg.Hops)
	case cfg.FanOut < 0 || cfg.FanOut > 16:
		return file, fmt.Errorf("fan-out %d: want 1 to 16", cfg.FanOut)
	case cfg.Neighbours < 0 || cfg.Neighbours > 1024:
		return file, fmt.Errorf("neighbours %d: want 1 to 1024", cfg.Neighbours)
	case cfg.PerPeerTimeout < 0 || cfg.PeersTimeout < 0:
		return file, errors.New("a peer timeout must not be negative")
	}
	if cfg.Neighbours != 0 {
		file.Neighbours = cfg.Neighbours
	} else if cfg.Server != nil && cfg.Server.Neighbours != 0 {
		file.Neighbours = cfg.Server.Neighbours
	}
	if cfg.Hops != 0 {
		file.Hops = cfg.Hops
	}
	if cfg.FanOut != 0 {
		file.Fanout = cfg.FanOut
	} else if cfg.Server != nil && cfg.Server.Routing.Fanout != 0 {
		file.Fanout = cfg.Server.Routing.Fanout
	}
	switch cfg.Scoring {
	case "":
	case "pooled", "rrf":
		file.Scoring = cfg.Scoring
	default:
		return file, fmt.Errorf("scoring %q: want pooled or rrf", cfg.Scoring)
	}
	if cfg.PerPeerTimeout != 0 {
		file.PeerTimeout.Duration = cfg.PerPeerTimeout
	} else if cfg.Server != nil && cfg.Server.PerPeerTimeout != 0 {
		file.PeerTimeout.Duration = cfg.Server.PerPeerTimeout
	}
	if cfg.PeersTimeout != 0 {
		file.Timeout.Duration = cfg.PeersTimeout
	}
	return file, nil
}

// advertisedAddr is the gRPC address peers dial: the advertise host and
// the bound port on TCP, the listener's own address otherwise (in
// memory).
func advertisedAddr(host string, a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return net.JoinHostPort(host, strconv.Itoa(t.Port))
	}
	return a.String()
}

// PeersSource is the name of the peers among the client agent's sources:
// it asks the network in one call per search; the agent fuses each peer's
// hits as a list of its own, "peer:ID" (clientagent.SourceOptions.PerPeer).
const PeersSource = "peers"

// peerSource asks the network through the server agent, one call per
// search (the server agent forwards). Peers receive only the terms the
// person typed (parsed from q.Text, as the local index analyses them),
// never q.Query's reformulation: its expansion terms come from the
// documents the person marked, which stay on the node; the client agent
// re-ranks the peers' answers with the profile locally. (The server agent
// adds a fingerprint of these terms only while the person shares.) A
// query with no term to search for is not sent. The answer carries the
// query's network trace and the peers that failed, by name
// (clientagent.ReportingSource); each hit names the peer that found it
// (Origin "peer:ID"), so the agent splits the answer by peer.
type peerSource struct{ n *Node }

// Search implements clientagent.Source.
func (p peerSource) Search(ctx context.Context, q *clientagent.SourceQuery) ([]clientagent.Hit, error) {
	a, err := p.SearchReport(ctx, q)
	return a.Hits, err
}

// peerChoices are what the person taught the node about its peers, for
// routing (serveragent.PeerQuery; clientagent.Agent.PeerChoices):
// shortcuts are the peers whose results the person marked interested, by
// node ID, each with the share of its marked results that were liked
// (decayed as its trust is): interest routing asks them first among the
// peers that can answer; avoid are the peers the person kept rejecting
// (clientagent.PeerTrust.Ignored), which are not asked. Both nil when
// nothing is known.
func (n *Node) peerChoices(ctx context.Context) (shortcuts map[string]float64, avoid []string) {
	shortcuts, avoid, err := n.agent.PeerChoices(ctx)
	if err != nil {
		return nil, nil
	}
	return shortcuts, avoid
}

// Pool implements clientagent.PoolingSource: the statistics pooled from
// the peers' collection summaries for the typed query's terms, which the
// peers then score with (PeerQuery.Corpus) as the local index does.
func (p peerSource) Pool(ctx context.Context, typed index.Query) *index.CorpusStats {
	return p.n.server.PooledStats(ctx, typed.Terms)
}

// SearchReport implements clientagent.ReportingSource.
func (p peerSource) SearchReport(ctx context.Context, q *clientagent.SourceQuery) (clientagent.SourceAnswer, error) {
	n := p.n
	typed, err := n.ix.ParseQuery(q.Text)
	if err != nil {
		return clientagent.SourceAnswer{}, fmt.Errorf("typed query: %w", err)
	}
	if len(typed.Terms) == 0 {
		return clientagent.SourceAnswer{}, nil // only filters: nothing a peer can search for
	}
	hops := n.hops
	if q.Hops > 0 {
		hops = q.Hops
	}
	var shortcuts map[string]float64
	var avoid []string
	if n.server.CanRoute() { // no peer to ask: no need to read what the person taught
		shortcuts, avoid = n.peerChoices(ctx)
	}
	res, err := n.server.SearchPeers(ctx, serveragent.PeerQuery{Terms: typed.Terms, K: min(q.K, 100), Hops: hops, Strategy: q.Routing, FanOut: q.FanOut,
		Corpus: q.Corpus, Shortcuts: shortcuts, Avoid: avoid})
	if err != nil {
		return clientagent.SourceAnswer{}, err
	}
	pooled := res.Corpus != nil && q.Corpus != nil // scored as the local index scores q.Typed
	out := clientagent.SourceAnswer{Hits: make([]clientagent.Hit, 0, len(res.Hits)), Network: networkTrace(res.Trace)}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, clientagent.Hit{URL: h.URL, Title: h.Title, Content: h.Content, Score: h.Score, Rank: h.Rank,
			Origin: clientagent.PeerName(h.NodeID), Lang: h.Lang, Pooled: pooled})
	}
	for _, u := range res.Unresponsive {
		out.Unresponsive = append(out.Unresponsive, clientagent.Unresponsive{
			Engine: clientagent.PeerName(u.NodeID), Name: n.server.PeerName(u.NodeID), Error: peerFailure(u.Reason),
		})
	}
	return out, nil
}

// peerFailure is why a peer did not answer, for people: the reason the
// server agent gives (its own call's, or one a peer reported, which may
// be a lie), without characters that could garble a terminal, at most
// maxFailureLen bytes.
func peerFailure(reason string) string {
	const maxFailureLen = 200
	reason = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return ' '
		}
		return r
	}, reason)
	reason = strings.Join(strings.Fields(reason), " ")
	if len(reason) > maxFailureLen {
		cut := maxFailureLen
		for cut > 0 && !utf8.RuneStart(reason[cut]) {
			cut--
		}
		reason = reason[:cut] + "…"
	}
	if reason == "" {
		return "failed, giving no reason"
	}
	code, _, _ := strings.Cut(reason, ":")
	var plain string
	switch code {
	case "deadline exceeded":
		plain = "did not answer in time"
	case "unavailable":
		plain = "could not be reached"
	case "resource exhausted":
		plain = "turned the query away (busy, or too many queries from us)"
	case "permission denied", "unauthenticated":
		plain = "refused the connection"
	case "invalid response":
		plain = "answered against the protocol; the answer was refused"
	case "canceled":
		plain = "the search ended before it answered"
	default:
		return reason
	}
	return plain + " (" + reason + ")"
}

// ID is the node ID.
func (n *Node) ID() string { return n.id.NodeID() }

// HTTPAddr is the HTTP API's address, "" with Config.NoHTTP.
func (n *Node) HTTPAddr() string {
	if n.httpLis == nil {
		return ""
	}
	return n.httpLis.Addr().String()
}

// Hops is how many forwarding steps the node's searches give their
// queries to the peers (Config.Hops).
func (n *Node) Hops() int { return n.hops }

// Store is the node's state store (user model, feedback log).
func (n *Node) Store() *usermodel.Store { return n.store }

// GossipRound runs one gossip round of the server agent now (see
// serveragent.Node.Gossip), for callers that drive rounds themselves
// (Config.ManualRounds).
func (n *Node) GossipRound(ctx context.Context) error { return n.server.Gossip(ctx) }

// PlanGossip and RunGossip are GossipRound in two steps (see
// serveragent.Node.PlanGossip), for callers that run several nodes'
// rounds at once without changing their outcome.
func (n *Node) PlanGossip(ctx context.Context) (serveragent.GossipPlan, error) {
	return n.server.PlanGossip(ctx)
}

// RunGossip sends a round planned by PlanGossip (see
// serveragent.Node.RunGossip).
func (n *Node) RunGossip(ctx context.Context, plan serveragent.GossipPlan) error {
	return n.server.RunGossip(ctx, plan)
}

// Recluster re-clusters the known fingerprints now (see
// serveragent.Node.Recluster), for callers that drive rounds themselves
// (Config.ManualRounds).
func (n *Node) Recluster(ctx context.Context) (cluster.Result, error) { return n.server.Recluster(ctx) }

// GRPCAddr is the advertised gRPC address.
func (n *Node) GRPCAddr() string { return n.server.Self().Addr }

// GossipAddr is the gossip address other nodes can join.
func (n *Node) GossipAddr() string { return n.members.GossipAddr() }

// SyncMembers exchanges the full member list with the members at addrs
// (gossip addresses), as a join does (see membership.Membership.Join):
// what gossip would bring in time, at once. It returns how many answered.
func (n *Node) SyncMembers(addrs ...string) (int, error) { return n.members.Join(addrs...) }

// JoinWarning says, in words, why the node could not join the network
// through its seeds (Config.Join) and how often it tries again; "" when it
// joined or was given none.
func (n *Node) JoinWarning() string {
	j := n.joinReply()
	if j == nil || j.Joined || j.Error == "" {
		return ""
	}
	return fmt.Sprintf("%s; the node runs alone and tries again every %v", j.Error, time.Duration(j.RetryEveryMS)*time.Millisecond)
}

// Agent is the node's client agent.
func (n *Node) Agent() *clientagent.Agent { return n.agent }

// Server is the node's server agent.
func (n *Node) Server() *serveragent.Node { return n.server }

// Index is the node's local index.
func (n *Node) Index() *index.Index { return n.ix }

// Close shuts the node down gracefully: leaves the gossip group (peers
// stop routing to it at once), stops the HTTP API and gRPC (in-flight
// calls finish, within ctx), and closes the store and index.
func (n *Node) Close(ctx context.Context) error {
	n.log.Info("node stopping: leaving the network, finishing calls in flight")
	if n.members != nil {
		if err := n.members.Leave(2 * time.Second); err != nil {
			// Peers will find out by failure detection instead.
			n.log.Warn("leaving the network did not finish", logx.KeyReason, err.Error())
		}
	}
	if n.http != nil {
		_ = n.http.Shutdown(ctx)
	}
	if n.grpc != nil {
		stopped := make(chan struct{})
		go func() { n.grpc.GracefulStop(); close(stopped) }()
		select {
		case <-stopped:
		case <-ctx.Done():
			n.grpc.Stop()
		}
	}
	return n.closeAll()
}

// Kill stops the node abruptly, as a crash would (for tests): no leave
// message, connections cut.
func (n *Node) Kill() {
	if n.members != nil {
		_ = n.members.Shutdown()
	}
	if n.grpc != nil {
		n.grpc.Stop()
	}
	if n.http != nil {
		_ = n.http.Close()
	}
	_ = n.closeAll()
}

func (n *Node) closeAll() error {
	if n.jobs != nil {
		// The running job lets go of the index; queued ones are recorded
		// as interrupted. n.jobs stays: a late API call gets ErrClosed.
		_ = n.jobs.Close()
	}
	if n.cancel != nil {
		n.cancel()
		<-n.done
		n.cancel = nil
	}
	if n.wroteRunFile { // before that, the file may be another node's
		os.Remove(filepath.Join(n.cfg.DataDir, RunFile))
		n.wroteRunFile = false
	}
	var errs []error
	if n.members != nil {
		errs = append(errs, n.members.Shutdown())
		n.members = nil
	}
	if n.grpc != nil {
		n.grpc.Stop()
	}
	if n.grpcLis != nil {
		n.grpcLis.Close()
	}
	if n.httpLis != nil {
		n.httpLis.Close()
	}
	if n.server != nil {
		errs = append(errs, n.server.Close())
		n.server = nil
	}
	if n.store != nil {
		errs = append(errs, n.store.Close())
		n.store = nil
	}
	if n.ix != nil {
		errs = append(errs, n.ix.Close())
		n.ix = nil
	}
	return errors.Join(errs...)
}

// ErrAddressInUse is in the chain of Start's error when one of the node's
// addresses (HTTP API, gRPC or gossip) is taken by another program.
var ErrAddressInUse = errors.New("address in use")

// addressInUseError says which address is taken, without the listener's
// internals (they stay in the chain).
type addressInUseError struct {
	what, addr string
	err        error
}

func (e *addressInUseError) Error() string {
	return fmt.Sprintf("the %s address %s is in use: another node or program listens there", e.what, e.addr)
}

func (e *addressInUseError) Unwrap() []error { return []error{ErrAddressInUse, e.err} }

// listenError says which of the node's addresses could not be opened,
// plainly when another program holds it.
func listenError(what, addr string, err error) error {
	if inUse(err) {
		return &addressInUseError{what, addr, err}
	}
	return fmt.Errorf("cannot open the %s address %s: %w", what, addr, err)
}

// inUse reports whether err says an address is taken; memberlist's
// errors keep only the text.
func inUse(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use")
}

func advertiseHost(explicit, bind string) string {
	if explicit != "" {
		return explicit
	}
	h, _, err := net.SplitHostPort(bind)
	if err != nil || h == "" {
		return "127.0.0.1"
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsUnspecified() {
		return "127.0.0.1"
	}
	return h
}

func splitPort(addr string) (string, int, error) {
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		return "", 0, err
	}
	port, err := strconv.Atoi(p)
	if err != nil {
		return "", 0, fmt.Errorf("port %q: %w", p, err)
	}
	return h, port, nil
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
