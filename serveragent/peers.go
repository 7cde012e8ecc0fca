package serveragent

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/p2pir/p2pir/internal/logx"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/membership"
	"github.com/p2pir/p2pir/serveragent/routing"
	"github.com/p2pir/p2pir/usermodel"
)

// ErrPeerTableFull is returned (wrapped) by UpsertPeer when the table
// holds Config.MaxPeers peers and none can be evicted.
var ErrPeerTableFull = errors.New("serveragent: peer table full")

// peer is one entry of the peer table.
type peer struct {
	info      NodeInfo
	fp        usermodel.Fingerprint // zero Vec when unknown
	hasFP     bool
	firsthand bool      // fp came from the node itself
	fpAt      time.Time // when fp was last confirmed
	cluster   int       // in n.clusters, -1 if none
	rtt       time.Duration
	lastSeen  time.Time   // last successful contact either way
	failures  int         // consecutive failed calls
	coll      *collection // its collection summary, nil if unknown
	since     time.Time   // when it joined the table
	// proven is set once the node proved its node ID in a TLS handshake
	// with us: it called us (ExchangeProfiles), or answered our call.
	proven bool
	// answered is set once a call of ours to its current address
	// succeeded; listed when membership (UpsertPeer) vouched for it. A
	// peer that is neither only claimed its address itself (in a call to
	// us), so searches and recommendations do not go there; gossip
	// rounds (a few peers a round) try it, and after
	// maxUnansweredFailures failed calls it is dropped.
	answered, listed bool
}

// maxUnansweredFailures is how many calls in a row may fail at an
// address a peer gave us itself, and never answered, before the peer is
// dropped (it joins again when it calls again): an address it claims
// steers a few of our calls, not one per round forever.
const maxUnansweredFailures = 3

// routable reports whether searches and recommendations may go to p
// (see peer.answered).
func (p *peer) routable() bool { return p.info.Addr != "" && (p.answered || p.listed) }

// PeerInfo is what the node knows about a peer, for display and
// diagnostics.
type PeerInfo struct {
	NodeInfo
	// State is "ok", "failing" (its last call failed) or "unknown" (never
	// contacted).
	State string
	// Similarity is the cosine of its fingerprint and ours; 0 when either
	// is unknown.
	Similarity float64
	// HasFingerprint reports whether we know its fingerprint; Firsthand
	// whether the node itself sent it (not a gossip hint).
	HasFingerprint, Firsthand bool
	// FingerprintVersion is the profile version of that fingerprint.
	FingerprintVersion uint64
	// Cluster is its cluster in our latest clustering, -1 if none.
	Cluster int
	// RTT is the smoothed round-trip time of our calls to it.
	RTT time.Duration
	// LastSeen is the last successful contact.
	LastSeen time.Time
}

// UpsertPeer adds a peer to the table or updates its address and version
// (membership calls it as nodes join). A full table evicts the peer not
// seen for longest. Our own ID is ignored.
func (n *Node) UpsertPeer(info NodeInfo) error {
	if err := info.proto().Validate(); err != nil {
		return fmt.Errorf("serveragent: upsert peer: %w", err)
	}
	if info.ID == n.self.ID {
		return nil
	}
	if membership.ValidateName(info.Name) != nil {
		info.Name = "" // unreadable: the peer, without its name
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	p, err := n.peerLocked(info, true)
	if err != nil {
		return err
	}
	if !p.listed {
		p.listed = true
		n.staleLocked()
	}
	return nil
}

// PeerName is the name peer id announces, "" when it announces none or
// is not in the table.
func (n *Node) PeerName(id string) string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if p := n.peers[id]; p != nil {
		return p.info.Name
	}
	return ""
}

// peerLocked returns the entry of info.ID, updating its address, or adds
// one (evicting the stalest peer if evict and the table is full).
func (n *Node) peerLocked(info NodeInfo, evict bool) (*peer, error) {
	if p := n.peers[info.ID]; p != nil {
		if info.Addr != "" && info.Addr != p.info.Addr {
			n.dropConnsLocked(info.ID)
			p.info.Addr, p.answered = info.Addr, false // not yet tried there
			n.staleLocked()
		}
		if info.Version != "" && info.Version != p.info.Version {
			p.info.Version = info.Version
			n.staleLocked()
		}
		if info.Name != "" && info.Name != p.info.Name { // only gossip metadata carries names
			p.info.Name = info.Name
			n.staleLocked()
		}
		return p, nil
	}
	if len(n.peers) >= n.cfg.MaxPeers {
		if !evict || n.cfg.MaxPeers == 0 {
			return nil, fmt.Errorf("%w (%d peers)", ErrPeerTableFull, len(n.peers))
		}
		// The stalest peer makes way, unless it is established (see
		// establishedLocked) and answering: a newcomer, however many of them
		// there are, never pushes out a peer the node has known for
		// long.
		now := time.Now()
		var stalest *peer
		for _, p := range n.peers {
			if n.establishedLocked(p, now) && p.failures == 0 {
				continue
			}
			if stalest == nil || p.lastSeen.Before(stalest.lastSeen) || (p.lastSeen.Equal(stalest.lastSeen) && p.info.ID < stalest.info.ID) {
				stalest = p
			}
		}
		if stalest == nil {
			return nil, fmt.Errorf("%w (%d peers, all established)", ErrPeerTableFull, len(n.peers))
		}
		n.removeLocked(stalest.info.ID)
	}
	p := &peer{info: info, cluster: -1, since: time.Now()}
	if c := n.unproven[info.ID]; c != nil { // a candidate no more; its hint stays
		p.fp, p.hasFP, p.fpAt = c.fp, true, c.fpAt
		delete(n.unproven, info.ID)
	}
	n.peers[info.ID] = p
	n.staleLocked()
	return p, nil
}

// establishedLocked reports whether p is an established peer: it proved
// its node ID in a TLS handshake with this node and has been in the table
// for Config.EstablishedAfter. Its calls draw on no budget of new
// identities, and newcomers do not push it out of a full table. n.mu must
// be held.
func (n *Node) establishedLocked(p *peer, now time.Time) bool {
	return p != nil && p.proven && now.Sub(p.since) >= n.cfg.EstablishedAfter
}

// RemovePeer forgets a peer (membership calls it when a node leaves or is
// declared dead) and closes our connection to it.
func (n *Node) RemovePeer(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.removeLocked(id)
}

func (n *Node) removeLocked(id string) {
	delete(n.unproven, id)
	if _, ok := n.peers[id]; ok {
		delete(n.peers, id)
		n.staleLocked()
	}
	n.dropConnsLocked(id)
}

// SummaryCount is the number of peers whose collection summary the node
// holds.
func (n *Node) SummaryCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, p := range n.peers {
		if p.coll != nil {
			c++
		}
	}
	return c
}

// PeerCount is the number of peers in the table: len(Peers()) without
// building the list (no similarities, no copies).
func (n *Node) PeerCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.peers)
}

// Peers lists the peer table by node ID.
func (n *Node) Peers() []PeerInfo {
	own, _ := n.cachedOwnFP()
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]PeerInfo, 0, len(n.peers))
	for _, p := range n.peers {
		pi := PeerInfo{NodeInfo: p.info, State: "unknown", Cluster: p.cluster, RTT: p.rtt, LastSeen: p.lastSeen,
			HasFingerprint: p.hasFP, Firsthand: p.firsthand}
		switch {
		case p.failures > 0:
			pi.State = "failing"
		case !p.lastSeen.IsZero():
			pi.State = "ok"
		}
		if p.hasFP {
			pi.FingerprintVersion = p.fp.Version
			pi.Similarity = own.Similarity(p.fp)
		}
		out = append(out, pi)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// cachedOwnFP is the own fingerprint for display; errors give a zero one.
func (n *Node) cachedOwnFP() (usermodel.Fingerprint, bool) {
	fp, on, err := n.ownFingerprint(context.Background())
	if err != nil {
		return usermodel.Fingerprint{}, false
	}
	return fp, on
}

// observe records the outcome of a call to peer id at addr. An answer
// proves its node ID (the connection is pinned to it) and, while addr is
// still its address, that address (peer.answered).
func (n *Node) observe(id, addr string, rtt time.Duration, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.peers[id]
	if p == nil {
		return
	}
	if err != nil {
		p.failures++
		if !p.answered && !p.listed && p.failures >= maxUnansweredFailures && p.info.Addr == addr {
			n.removeLocked(id)
			n.warn.Warn(context.Background(), n.log, logx.EventPeerDropped, id,
				"dropped a peer: the address it claimed never answered", logx.KeyPeer, id, logx.KeyAddr, addr,
				logx.KeyReason, fmt.Sprintf("%d calls failed: %v", p.failures, err))
		}
		return
	}
	p.failures = 0
	p.proven = true
	if !p.answered && p.info.Addr == addr {
		p.answered = true
		n.staleLocked()
	}
	p.lastSeen = time.Now()
	if p.rtt == 0 {
		p.rtt = rtt
	} else {
		p.rtt = (7*p.rtt + rtt) / 8
	}
}

// learn stores a fingerprint for node info (firsthand: from the node
// itself, which then proved its node ID; else a hint from the peer from).
// Firsthand always replaces a hint; a hint never replaces firsthand;
// among equals the higher version wins. A hint about a node not in the
// table makes it a candidate at most (see candidate), never a peer.
func (n *Node) learn(from string, info NodeInfo, fp usermodel.Fingerprint, firsthand bool, at time.Time) {
	if info.ID == n.self.ID {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.peers[info.ID]
	if p == nil && !firsthand {
		n.hintLocked(from, info, fp, at, time.Now())
		return
	}
	if firsthand { // a hint never moves a known peer's address
		var err error
		if p, err = n.peerLocked(info, true); err != nil {
			return
		}
		p.proven = true
	}
	switch {
	case !p.hasFP, firsthand && !p.firsthand:
	case firsthand == p.firsthand && fp.Version > p.fp.Version:
	case firsthand == p.firsthand && fp.Version == p.fp.Version && at.After(p.fpAt):
		p.fpAt = at
		n.staleLocked()
		return
	default:
		return
	}
	p.fp, p.hasFP, p.firsthand, p.fpAt = fp, true, firsthand, at
	n.staleLocked()
	if firsthand {
		p.lastSeen = at
	}
}

// forget drops the fingerprint of a node that turned sharing off.
func (n *Node) forget(id string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if p := n.peers[id]; p != nil {
		p.fp, p.hasFP, p.firsthand = usermodel.Fingerprint{}, false, false
		n.staleLocked()
	}
}

// expireLocked drops fingerprints older than ProfileTTL.
func (n *Node) expireLocked(now time.Time) {
	for _, p := range n.peers {
		if p.hasFP && now.Sub(p.fpAt) > n.cfg.ProfileTTL {
			p.fp, p.hasFP, p.firsthand = usermodel.Fingerprint{}, false, false
			n.staleLocked()
		}
	}
}

// snapshot is a copy of a peer entry, safe to use without the lock.
type snapshot struct {
	info     NodeInfo
	routable bool      // see peer.routable
	fp       []float64 // nil when unknown
	fpv      usermodel.Fingerprint
	cluster  int
	centroid []float64
	fpAt     time.Time
	coll     *collection // nil when unknown
}

// staleLocked marks the cached snapshots stale: every change to what a
// snapshot holds (a peer added or removed, its address, version, name,
// fingerprint or its time, cluster, collection summary, or the
// centroids) must call it.
func (n *Node) staleLocked() {
	n.snaps, n.cands, n.nbrs = nil, nil, nil
}

// snapshots returns the peer table, sorted by ID, after dropping expired
// fingerprints. The slice and its entries are shared by every caller
// until the table changes and must not be modified: it is built again
// only after a change (staleLocked), not on every call, since routing
// reads it for every query a node sends or forwards and at 1,000 peers
// copying and sorting it was a tenth of a simulation's CPU.
func (n *Node) snapshots() []snapshot {
	snaps, _ := n.candidates()
	return snaps
}

// candidates returns snapshots() and the routing candidates made of them:
// the routable peers (an address that answered us or that membership
// gave), in ID order, without shortcuts. Both are
// shared and must not be modified.
func (n *Node) candidates() ([]snapshot, []routing.Peer) {
	snaps, cands, _ := n.routingTables()
	return snaps, cands
}

// routingTables returns candidates() and this node's neighbours among
// the candidates (see neighbours), all from one state of the table;
// shared, must not be modified.
func (n *Node) routingTables() (snaps []snapshot, cands, nbrs []routing.Peer) {
	n.mu.Lock()
	defer n.mu.Unlock()
	now := time.Now()
	if n.snaps == nil || (!n.snapsOldest.IsZero() && now.Sub(n.snapsOldest) > n.cfg.ProfileTTL) {
		n.expireLocked(now)
	}
	if n.snaps != nil {
		return n.snaps, n.cands, n.nbrs
	}
	snaps = make([]snapshot, 0, len(n.peers))
	var oldest time.Time
	for _, p := range n.peers {
		s := snapshot{info: p.info, routable: p.routable(), cluster: p.cluster, fpAt: p.fpAt, coll: p.coll}
		if p.hasFP {
			s.fp = p.fp.Vec.RawVector().Data
			s.fpv = p.fp
			if oldest.IsZero() || p.fpAt.Before(oldest) {
				oldest = p.fpAt
			}
		}
		if p.cluster >= 0 && p.cluster < len(n.clusters.Centroids) {
			s.centroid = n.clusters.Centroids[p.cluster]
		}
		snaps = append(snaps, s)
	}
	sort.Slice(snaps, func(i, j int) bool { return snaps[i].info.ID < snaps[j].info.ID })
	cands = make([]routing.Peer, 0, len(snaps))
	for _, s := range snaps {
		if !s.routable {
			continue
		}
		p := routing.Peer{ID: s.info.ID, FP: s.fp, Centroid: s.centroid}
		if s.coll != nil { // a nil *collection in the interface would not be nil
			p.Collection = s.coll
		}
		cands = append(cands, p)
	}
	nbrs = neighbours(n.self.ID, cands, n.cfg.Neighbours)
	n.snaps, n.cands, n.nbrs, n.snapsOldest = snaps, cands, nbrs, oldest
	return snaps, cands, nbrs
}

// findSnapshot returns the entry of id in snaps (sorted by ID).
func findSnapshot(snaps []snapshot, id string) (snapshot, bool) {
	i := sort.Search(len(snaps), func(i int) bool { return snaps[i].info.ID >= id })
	if i < len(snaps) && snaps[i].info.ID == id {
		return snaps[i], true
	}
	return snapshot{}, false
}

// parseWireFP turns a wire fingerprint into ours; ok is false for a
// scheme we do not know (ignored, per the contract) or bad values.
func parseWireFP(f *p2pirv1.Fingerprint) (usermodel.Fingerprint, bool) {
	if f == nil || f.GetScheme() != usermodel.FingerprintScheme {
		return usermodel.Fingerprint{}, false
	}
	fp, err := usermodel.ParseFingerprint(f.GetValues(), p2pirv1.FingerprintDim, f.GetVersion())
	if err != nil {
		return usermodel.Fingerprint{}, false
	}
	return fp, true
}

// wireFP is the wire form of fp.
func wireFP(fp usermodel.Fingerprint) *p2pirv1.Fingerprint {
	return &p2pirv1.Fingerprint{Scheme: usermodel.FingerprintScheme, Values: fp.Float32s(), Version: fp.Version}
}
