package sim

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/clientagent"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/node"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/membership"
)

// nodeNet is a network of real p2pir nodes (package node, the code
// "p2pir node" runs): a bleve index and a state store on disk each, the
// client agent with the person's user model, the server agent on gRPC
// with mutual TLS, and memberlist membership. In memory mode gRPC runs
// over in-process pipes and gossip over an in-process network; in
// loopback mode both use real sockets on 127.0.0.1. Gossip and
// re-clustering rounds are driven by Round, and forwarded searches call
// their peers one at a time with per-query random choices, so runs are
// reproducible; memberlist's failure detection keeps its own timers.
type nodeNet struct {
	cfg    Config
	dir    string
	nodes  []*node.Node
	index  map[string]int // node ID → node number
	shared *node.Shared   // decoded peer data, shared by the nodes of this process
}

// NewMemoryNet starts n real nodes in this process, connected by an
// in-memory network (gRPC over bufconn with TLS, memberlist over an
// in-process transport): the mode for large networks.
func NewMemoryNet(ctx context.Context, cfg Config, n int) (Net, error) {
	mem := node.NewMemNetwork()
	return startNodeNet(ctx, cfg, n, mem.Transport(), "")
}

// NewLoopbackNet starts n real nodes in this process on real sockets on
// 127.0.0.1 (gRPC over TCP with TLS, memberlist over UDP and TCP).
func NewLoopbackNet(ctx context.Context, cfg Config, n int) (Net, error) {
	return startNodeNet(ctx, cfg, n, node.TCPTransport(), "127.0.0.1")
}

// startNodeNet starts n nodes with transport t; host is the address
// nodes bind to ("" lets the transport make addresses up).
func startNodeNet(ctx context.Context, cfg Config, n int, t node.Transport, host string) (_ Net, err error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: a network needs at least one node", ErrBadConfig)
	}
	dir, err := os.MkdirTemp("", "p2pir-sim-")
	if err != nil {
		return nil, fmt.Errorf("sim: node directories: %w", err)
	}
	net := &nodeNet{cfg: cfg, dir: dir, index: map[string]int{}, shared: node.NewShared()}
	defer func() {
		if err != nil {
			net.Close()
		}
	}()
	if err := net.startNodes(ctx, n, t, host); err != nil {
		return nil, err
	}
	if err := net.waitMembership(ctx); err != nil {
		return nil, err
	}
	return net, nil
}

// startInFlight bounds the nodes starting at once.
const startInFlight = 8

// startNodes starts node 0, then the others, several at once, each
// joining through node 0. What a node is does not depend on when it
// started (its key, and with it its ID, comes from the seed and its
// number), and the experiment begins only once every node knows every
// other, so the order of the joins changes no number.
func (net *nodeNet) startNodes(ctx context.Context, n int, t node.Transport, host string) error {
	nodes := make([]*node.Node, n)
	errs := make([]error, n)
	defer func() {
		for i, nd := range nodes {
			if nd != nil {
				net.nodes = append(net.nodes, nd) // closed by the caller on error
				net.index[nd.ID()] = i
			}
		}
	}()
	var err error
	if nodes[0], err = net.startNode(ctx, 0, t, host, ""); err != nil {
		return fmt.Errorf("start node 1 of %d: %w", n, err)
	}
	seed := nodes[0].GossipAddr()
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(startInFlight, n-1) {
		wg.Go(func() {
			for i := range next {
				nodes[i], errs[i] = net.startNode(ctx, i, t, host, seed)
			}
		})
	}
	for i := 1; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return fmt.Errorf("start node %d of %d: %w", i+1, n, err)
		}
	}
	// Node 0 heard every join; the others know the nodes that joined
	// before them, and would learn of the later ones by gossip, a
	// thousand joins spreading through a thousand nodes. Each pulls the
	// full list from node 0 instead (a push-pull, as its join was).
	next = make(chan int)
	for range min(startInFlight, n-1) {
		wg.Go(func() {
			for i := range next {
				// On failure gossip still brings the list, and
				// waitMembership waits for it.
				_, _ = nodes[i].SyncMembers(seed)
			}
		})
	}
	for i := 1; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return nil
}

// simMaxConns caps each node's open connections to peers
// (serveragent.Config.MaxConns) in a simulation.
const simMaxConns = 16

// startNode starts node i, joining through the gossip address join (none
// for the first node). Its key is derived from the seed, so node IDs, and
// with them every choice ordered or seeded by ID, are the same from run
// to run.
func (net *nodeNet) startNode(ctx context.Context, i int, t node.Transport, host, join string) (*node.Node, error) {
	dir := filepath.Join(net.dir, fmt.Sprintf("node-%04d", i))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := writeSeededKey(filepath.Join(dir, "node.key"), net.cfg.Seed, i); err != nil {
		return nil, err
	}
	scfg := serveragent.DefaultConfig()
	scfg.Seed = net.cfg.Seed*1_000_003 + uint64(i) + 1
	scfg.PerPeerTimeout = time.Duration(net.cfg.PeerTimeoutMS) * time.Millisecond
	scfg.Routing.Fanout = net.cfg.FanOut
	scfg.Neighbours = net.cfg.OverlayDegree // the overlay flooding and walks follow
	scfg.RankFusion = net.cfg.Scoring == ScoringRRF
	// Forwarded calls one at a time, so which path reaches a node first
	// (and runs the query there) does not depend on timing: the same seed
	// gives the same numbers. Latencies are the sum of a query's calls.
	scfg.OrderedForwarding = true
	// The nodes trust each other, and a rate limiter's buckets refill by
	// the wall clock: a call refused for its rate would depend on how
	// fast the machine runs the experiment.
	scfg.RatePerPeer = rate.Inf
	// A network of up to Nodes members: the peer table must hold them all
	// and a walk or flood may ask as many as the overlay degree allows.
	scfg.MaxPeers = max(scfg.MaxPeers, net.cfg.Nodes)
	// Flooding and walks follow each node's OverlayDegree neighbours,
	// but interest routing asks the best peers for each query; a small
	// pool keeps a network of 1,000 nodes in one process to thousands of
	// connections, not tens of thousands.
	scfg.MaxConns = simMaxConns
	ncfg := node.Config{
		DataDir:           dir,
		NoHTTP:            true,
		Transport:         t,
		ManualRounds:      true,
		MembershipProfile: membership.ProfileSim, // converges at 1,000 nodes on one machine
		Server:            &scfg,
		FanOut:            net.cfg.FanOut,
		PerPeerTimeout:    scfg.PerPeerTimeout,
		// The peers source waits for the slowest hop of the deepest
		// strategy; the per-peer timeout bounds each call.
		PeersTimeout: time.Duration(net.cfg.PeerTimeoutMS*max(net.cfg.TTL, net.cfg.WalkHops, 2)) * time.Millisecond,
		// Marks do not decay: decayed by the wall clock, the peers'
		// trust, and the rankings it weighs, would depend on how fast
		// the machine runs the experiment.
		Local: node.LocalOptions{NoEngines: true, NoCrawl: true, Trust: &clientagent.TrustConfig{HalfLife: -1}},
		// The nodes of this process decode each peer's gossiped data
		// once and hold it once, not once per node.
		Shared: net.shared,
	}
	if host != "" {
		ncfg.GRPCAddr, ncfg.GossipAddr = host+":0", host+":0"
	}
	if join != "" {
		ncfg.Join = []string{join}
	}
	return node.Start(ctx, ncfg)
}

// writeSeededKey writes node i's Ed25519 key, derived from seed, in the
// PEM PKCS#8 form node keys are kept in.
func writeSeededKey(path string, seed uint64, i int) error {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], seed)
	binary.BigEndian.PutUint64(b[8:], uint64(i))
	s := sha256.Sum256(append([]byte("p2pir sim node key "), b[:]...))
	der, err := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(s[:]))
	if err != nil {
		return fmt.Errorf("sim: node key: %w", err)
	}
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
}

// waitMembership waits until every node knows every other (memberlist's
// join and gossip run on their own timers) or ctx ends.
func (net *nodeNet) waitMembership(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute+time.Duration(len(net.nodes))*200*time.Millisecond)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		members, _ := net.Members(ctx)
		full := true
		for _, m := range members {
			if m < len(net.nodes) {
				full = false
				break
			}
		}
		if full {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sim: waiting for every node to know the others: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// Nodes implements Net.
func (net *nodeNet) Nodes() int { return len(net.nodes) }

// AddDocuments implements Net: the documents go into node i's own index
// as web pages (http URLs), which the node answers to peers.
func (net *nodeNet) AddDocuments(ctx context.Context, i int, docs []Document) error {
	batch := make([]index.Document, len(docs))
	for j, d := range docs {
		batch[j] = index.Document{ID: d.URL, URL: d.URL, Title: d.Title, Body: d.Text, Source: index.SourceWeb}
	}
	if err := net.nodes[i].Index().Index(ctx, batch); err != nil {
		return fmt.Errorf("node %d: index documents: %w", i, err)
	}
	return nil
}

// Search implements Net: node i's client agent answers searchRequest,
// with the person's user model.
func (net *nodeNet) Search(ctx context.Context, i int, text, strategy string, k int) (SearchResult, error) {
	req, err := searchRequest(net.cfg, text, strategy, k)
	if err != nil {
		return SearchResult{}, err
	}
	start := time.Now()
	resp, err := net.nodes[i].Agent().Search(ctx, req)
	if err != nil {
		return SearchResult{}, fmt.Errorf("node %d: search %q: %w", i, text, err)
	}
	out := SearchResult{QueryID: resp.QueryID, Latency: time.Since(start)}
	for _, r := range resp.Results {
		out.URLs = append(out.URLs, r.URL)
		out.Finders = append(out.Finders, finders(r.Engines, i, net.index))
	}
	readTrace(&out, i, net.index, resp.Trace)
	return out, nil
}

// Mark implements Net through node i's client agent, as "p2pir mark" does.
func (net *nodeNet) Mark(ctx context.Context, i int, queryID, url string, interested bool) error {
	if _, _, err := net.nodes[i].Agent().Mark(ctx, queryID, url, interested); err != nil {
		return fmt.Errorf("node %d: mark: %w", i, err)
	}
	return nil
}

// ConcurrentNodes implements ConcurrentNet: each node's agent serves
// concurrent searches, net.index is fixed once the network is built, and
// a forwarded query is answered from the receiving node's shared index
// and routed on with its gossip-fed peer table, which only Round changes,
// and its own profile, which only its person's marks change (the harness
// never marks while searches run). Routing draws come from a source per
// (node, query ID), so they do not depend on the interleaving.
func (net *nodeNet) ConcurrentNodes() bool { return true }

// Round implements Net: every node gossips Config.GossipRounds times
// (push-pull of fingerprints and collection summaries with a few peers),
// then every node re-clusters what it knows. A gossip call to one peer that fails does not stop the round.
func (net *nodeNet) Round(ctx context.Context) error {
	if err := net.gossip(ctx); err != nil {
		return err
	}
	// Re-clustering reads and writes only the node's own state, so the
	// nodes re-cluster at once, one per core (a node's k-means over a
	// thousand fingerprints is a fifth of a second of CPU): the same
	// clusters as one after another, in a fraction of the time.
	errs := make([]error, len(net.nodes))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(net.nodes)) {
		wg.Go(func() {
			for i := range next {
				if _, err := net.nodes[i].Recluster(ctx); err != nil {
					errs[i] = fmt.Errorf("node %d: recluster: %w", i, err)
				}
			}
		})
	}
	for i := range net.nodes {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("re-clustering: %w", err)
	}
	for _, err := range errs {
		if err != nil {
			return err // the first node's, whatever the timing
		}
	}
	return nil
}

// gossipInFlight bounds the gossip rounds running at once.
const gossipInFlight = 8

// gossip runs cfg.GossipRounds gossip rounds of every node, node after
// node, with the outcome of running them one after another but several
// at once: a round is planned once no running round involves its node,
// and starts once none involves a node it calls (see
// serveragent.Node.PlanGossip), so rounds run at once only on disjoint
// sets of nodes, whose states they alone read and write. A failed
// round is skipped, as a node's failed round would be; the context
// ending stops it.
func (net *nodeNet) gossip(ctx context.Context) error {
	busy := make([]chan struct{}, len(net.nodes)) // the running round of each node, closed when done
	wait := func(i int) error {
		if busy[i] == nil {
			return nil
		}
		select {
		case <-busy[i]:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	slots := make(chan struct{}, gossipInFlight)
	var wg sync.WaitGroup
	defer wg.Wait()
	for range net.cfg.GossipRounds {
		for i, nd := range net.nodes {
			if err := wait(i); err != nil {
				return fmt.Errorf("gossip round: %w", err)
			}
			plan, err := nd.PlanGossip(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("gossip round: %w", ctx.Err())
				}
				continue
			}
			involved, alone := []int{i}, false
			for _, id := range plan.Peers() {
				j, ok := net.index[id]
				if !ok { // not one of ours: what it touches is unknown
					alone = true
					continue
				}
				if err := wait(j); err != nil {
					return fmt.Errorf("gossip round: %w", err)
				}
				involved = append(involved, j)
			}
			if alone { // after the running rounds, before the next
				wg.Wait()
				_ = nd.RunGossip(ctx, plan)
				continue
			}
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				return fmt.Errorf("gossip round: %w", ctx.Err())
			}
			done := make(chan struct{})
			for _, j := range involved {
				busy[j] = done
			}
			wg.Go(func() {
				defer func() { <-slots; close(done) }()
				_ = nd.RunGossip(ctx, plan)
			})
		}
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("gossip round: %w", err)
	}
	return nil
}

// Clusters implements Net with node 0's clustering, which covers every
// node whose fingerprint has reached it (labels of other nodes' own
// clusterings are not comparable across nodes); -1 for a node it has not
// clustered.
func (net *nodeNet) Clusters(ctx context.Context) ([]int, error) {
	res, _ := net.nodes[0].Server().Clusters()
	out := make([]int, len(net.nodes))
	for i, nd := range net.nodes {
		c, ok := res.Assign[nd.ID()]
		if !ok {
			c = -1
		}
		out[i] = c
	}
	return out, nil
}

// Members implements Net: the peers in each node's table (fed by
// membership), plus itself.
func (net *nodeNet) Members(ctx context.Context) ([]int, error) {
	out := make([]int, len(net.nodes))
	for i, nd := range net.nodes {
		out[i] = nd.Server().PeerCount() + 1 // not Peers(), which scores every peer: 10⁶ similarities a poll at 1,000 nodes
	}
	return out, nil
}

// PeerWeights implements TrustNet with node i's client agent.
func (net *nodeNet) PeerWeights(ctx context.Context, i int) (map[int]float64, error) {
	peers, err := net.nodes[i].Agent().Peers(ctx)
	if err != nil {
		return nil, fmt.Errorf("node %d: peer trust: %w", i, err)
	}
	out := make(map[int]float64, len(peers))
	for _, p := range peers {
		if j, ok := net.index[p.NodeID]; ok {
			out[j] = p.WeightFactor
		}
	}
	return out, nil
}

// Summaries implements SummaryNet: how many peers' collection summaries
// each node holds.
func (net *nodeNet) Summaries(ctx context.Context) ([]int, error) {
	out := make([]int, len(net.nodes))
	for i, nd := range net.nodes {
		out[i] = nd.Server().SummaryCount()
	}
	return out, nil
}

// Recommend implements Net through node i's server agent (what "p2pir
// recommend" shows).
func (net *nodeNet) Recommend(ctx context.Context, i int, k int) ([]string, error) {
	rec, err := net.nodes[i].Server().RecommendFromPeers(ctx, k)
	if err != nil {
		return nil, fmt.Errorf("node %d: recommend: %w", i, err)
	}
	urls := make([]string, 0, len(rec.Items))
	for _, it := range rec.Items {
		urls = append(urls, it.URL)
	}
	return urls, nil
}

// Carried implements Net: the Search requests every node's gRPC server
// received, and the bytes of those requests and of the answers.
func (net *nodeNet) Carried() Traffic {
	var t Traffic
	for _, nd := range net.nodes {
		s := nd.Server().RPCStats().Server[serveragent.MethodSearch]
		t.Messages += s.Requests
		t.Bytes += s.RequestBytes + s.ResponseBytes
	}
	return t
}

// Close implements Net: every node stops at once (no leave messages: the
// whole network goes) and their directories are removed.
func (net *nodeNet) Close() error {
	for _, nd := range net.nodes {
		nd.Kill()
	}
	net.nodes = nil
	return errors.Join(os.RemoveAll(net.dir))
}
