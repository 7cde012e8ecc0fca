package serveragent

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/internal/logx"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/cluster"
)

// ExchangeProfiles implements p2pirv1.PeerServer: one push-pull gossip
// round. The sender must be the caller's TLS identity (PERMISSION_DENIED
// otherwise); its own fingerprint is stored (or forgotten when it stopped
// sharing), the profiles it knows are learnt as hints, and the reply
// carries our fingerprint (if our person shares it) and a sample of ours.
func (n *Node) ExchangeProfiles(ctx context.Context, x *p2pirv1.ProfileExchange) (*p2pirv1.ProfileExchange, error) {
	caller, err := n.caller(ctx)
	if err != nil {
		return nil, err
	}
	if x.GetSender().GetNodeId() != caller {
		return nil, status.Errorf(codes.PermissionDenied, "serveragent: sender %q is not the caller %s", x.GetSender().GetNodeId(), caller)
	}
	n.absorb(x, time.Now())
	reply, err := n.profileMessage(ctx, caller)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "%v", err)
	}
	return reply, nil
}

// absorb merges a validated, authenticated gossip message.
func (n *Node) absorb(x *p2pirv1.ProfileExchange, now time.Time) {
	s := x.GetSender()
	sender := NodeInfo{ID: s.GetNodeId(), Addr: s.GetGrpcAddr(), Version: s.GetVersion()}
	// The sender proved its node ID: it is the caller's TLS identity, or
	// answered on a connection pinned to it.
	if !x.GetSharing() {
		n.admitSender(sender)
		n.forget(sender.ID)
	} else if fp, ok := n.decoded.fingerprint(x.GetFingerprint()); ok {
		n.learn(sender.ID, sender, fp, true, now)
	} else {
		n.admitSender(sender)
	}
	if sum := x.GetSummary(); sum != nil {
		n.learnCollection(sum, sender.ID, true)
	}
	for _, sum := range x.GetSummaries() {
		n.learnCollection(sum, sender.ID, false)
	}
	for _, e := range x.GetKnown() {
		fp, ok := n.decoded.fingerprint(e.GetFingerprint())
		if !ok {
			continue
		}
		at := time.UnixMilli(e.GetUpdatedUnixMs())
		if at.After(now) {
			at = now
		}
		if now.Sub(at) > n.cfg.ProfileTTL {
			continue
		}
		ni := e.GetNode()
		n.learn(sender.ID, NodeInfo{ID: ni.GetNodeId(), Addr: ni.GetGrpcAddr(), Version: ni.GetVersion()}, fp, false, at)
	}
}

// admitSender adds the sender of a gossip message to the peer table (if
// it has room) as a node that proved its ID.
func (n *Node) admitSender(sender NodeInfo) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if p, err := n.peerLocked(sender, true); err == nil {
		p.proven = true
	}
}

// profileMessage is our side of a gossip round, for the node to (its own
// entry is left out of known).
func (n *Node) profileMessage(ctx context.Context, to string) (*p2pirv1.ProfileExchange, error) {
	fp, sharing, err := n.ownFingerprint(ctx)
	if err != nil {
		return nil, err
	}
	msg := &p2pirv1.ProfileExchange{Sender: n.self.proto(), Sharing: sharing}
	if own, err := n.ownCollection(ctx); err == nil && own != nil {
		msg.Summary = own.wire
	}
	if sharing {
		msg.Fingerprint = wireFP(fp)
	}
	snaps := n.snapshots()
	n.mu.Lock()
	if sharing && n.ownClust >= 0 && n.ownClust < p2pirv1.MaxClusterHint { // our cluster says our interests too
		msg.ClusterHint = int32(n.ownClust + 1)
	}
	perm := n.rng.Perm(len(snaps))
	msg.Summaries = n.gossipSummariesLocked(to, perm, snaps)
	n.mu.Unlock()
	for _, i := range perm {
		if len(msg.Known) >= n.cfg.GossipEntries {
			break
		}
		s := snaps[i]
		if s.fp == nil || s.info.ID == to {
			continue
		}
		e := &p2pirv1.ProfileEntry{Node: s.info.proto(), Fingerprint: wireFP(s.fpv), UpdatedUnixMs: max(s.fpAt.UnixMilli(), 1)}
		if s.cluster >= 0 && s.cluster < p2pirv1.MaxClusterHint {
			e.ClusterHint = int32(s.cluster + 1)
		}
		msg.Known = append(msg.Known, e)
	}
	return msg, nil
}

// Gossip runs one push-pull round with up to Config.GossipFanout random
// peers that have an address, and probes up to Config.CandidateProbes
// candidates (nodes only others told us about; see candidate), each call
// within PerPeerTimeout, and merges their replies into the peer table. It
// returns the failures joined (the successful exchanges are kept either
// way). It is PlanGossip followed by RunGossip.
func (n *Node) Gossip(ctx context.Context) error {
	plan, err := n.PlanGossip(ctx)
	if err != nil {
		return err
	}
	return n.RunGossip(ctx, plan)
}

// GossipPlan is one gossip round of a node, chosen and written but not
// sent: the peers it calls and the messages it sends them (see
// PlanGossip).
type GossipPlan struct {
	targets   []snapshot
	probes    []candidate
	msgs      []*p2pirv1.ProfileExchange
	probeMsgs []*p2pirv1.ProfileExchange
}

// Peers returns the IDs of the nodes the round calls: the peers gossiped
// with, then the candidates probed.
func (p GossipPlan) Peers() []string {
	ids := make([]string, 0, len(p.targets)+len(p.probes))
	for _, t := range p.targets {
		ids = append(ids, t.info.ID)
	}
	for _, c := range p.probes {
		ids = append(ids, c.info.ID)
	}
	return ids
}

// PlanGossip chooses the peers of the next gossip round and writes its
// messages (see Gossip), without calling anyone. A round's outcome
// depends only on the state of this node when it is planned and on the
// state of the peers it calls when it runs: a caller that runs rounds
// concurrently keeps the outcome of running them one after another as
// long as no node is in two rounds at once (the simulator does this).
func (n *Node) PlanGossip(ctx context.Context) (GossipPlan, error) {
	var plan GossipPlan
	snaps := n.snapshots()
	for _, i := range n.randPerm(len(snaps)) {
		if len(plan.targets) == n.cfg.GossipFanout {
			break
		}
		if snaps[i].info.Addr != "" {
			plan.targets = append(plan.targets, snaps[i])
		}
	}
	n.mu.Lock()
	plan.probes = n.probeTargetsLocked(time.Now())
	n.mu.Unlock()
	// The messages are made before the calls, in the targets' order: each
	// draws its sample of known profiles from the node's generator, and
	// drawn concurrently the samples would go to the targets in a
	// timing-dependent order.
	ids := plan.Peers() // the targets, then the probes
	msgs := make([]*p2pirv1.ProfileExchange, len(ids))
	for i, id := range ids {
		msg, err := n.profileMessage(ctx, id)
		if err != nil {
			return GossipPlan{}, err
		}
		msgs[i] = msg
	}
	plan.msgs, plan.probeMsgs = msgs[:len(plan.targets)], msgs[len(plan.targets):]
	return plan, nil
}

// RunGossip sends the messages of plan, made by PlanGossip on this node,
// and merges the replies; it returns the failures joined.
func (n *Node) RunGossip(ctx context.Context, plan GossipPlan) error {
	errs := make([]error, len(plan.targets)+len(plan.probes))
	var wg sync.WaitGroup
	for i, p := range plan.targets {
		wg.Go(func() {
			errs[i] = n.exchange(ctx, p, plan.msgs[i])
		})
	}
	for i, c := range plan.probes {
		wg.Go(func() {
			errs[len(plan.targets)+i] = n.probe(ctx, c, plan.probeMsgs[i])
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// exchange gossips msg with one peer.
func (n *Node) exchange(ctx context.Context, p snapshot, msg *p2pirv1.ProfileExchange) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.PerPeerTimeout)
	defer cancel()
	reply, rtt, err := n.call(ctx, p.info, msg)
	n.observe(p.info.ID, p.info.Addr, rtt, err)
	if err != nil {
		n.warn.Warn(ctx, n.log, logx.EventGossipFailed, p.info.ID, "a gossip exchange with a peer failed",
			logx.KeyPeer, p.info.ID, logx.KeyAddr, p.info.Addr, logx.KeyReason, err.Error())
		return fmt.Errorf("serveragent: gossip with %s: %w", p.info.ID, err)
	}
	n.absorb(reply, time.Now())
	return nil
}

// Recluster clusters the fingerprints known (peers' and our own, when not
// empty) with spherical k-means, records each peer's cluster and ours, and
// returns the result (see Clusters). It starts from the last clustering
// (cluster.Recluster): when the fingerprints have not changed it returns
// it as it is, and when they moved little it runs k-means once from its
// centroids instead of searching k afresh.
func (n *Node) Recluster(ctx context.Context) (cluster.Result, error) {
	var ids []string
	var fps [][]float64
	var colls []*collection
	for _, s := range n.snapshots() {
		ids, fps, colls = append(ids, s.info.ID), append(fps, s.fp), append(colls, s.coll)
	}
	own, sharing, err := n.ownFingerprint(ctx)
	if err != nil {
		return cluster.Result{}, err
	}
	var ownVec []float64
	switch {
	case !own.IsZero():
		ownVec = own.Vec.RawVector().Data
	case sharing:
		ownVec = make([]float64, p2pirv1.FingerprintDim) // nothing marked yet: the collection alone
	}
	ownColl, err := n.ownCollection(ctx)
	if err != nil {
		return cluster.Result{}, err
	}
	ids, fps, colls = append(ids, n.self.ID), append(fps, ownVec), append(colls, ownColl)
	var points []cluster.Point
	for i, v := range interestVectors(fps, colls) {
		if v != nil {
			points = append(points, cluster.Point{ID: ids[i], Vec: v})
		}
	}
	// From the last clustering: one warm run instead of a search of k
	// when the fingerprints moved little, none when they did not change.
	n.mu.Lock()
	prev := n.clusters
	n.mu.Unlock()
	res, err := cluster.Recluster(ctx, points, n.cfg.Cluster, prev)
	if err != nil {
		return cluster.Result{}, fmt.Errorf("serveragent: recluster: %w", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.clusters = res
	n.staleLocked()
	n.ownClust = -1
	if c, ok := res.Assign[n.self.ID]; ok {
		n.ownClust = c
	}
	for id, p := range n.peers {
		p.cluster = -1
		if c, ok := res.Assign[id]; ok {
			p.cluster = c
		}
	}
	return res, nil
}

// Clusters returns the latest clustering and our own cluster in it (-1
// when none).
func (n *Node) Clusters() (cluster.Result, int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.clusters, n.ownClust
}

// Run gossips every Config.GossipEvery and re-clusters every
// Config.ReclusterEvery until ctx ends; failures of single rounds are
// passed to report (which may be nil) and do not stop it.
func (n *Node) Run(ctx context.Context, report func(error)) error {
	g := time.NewTicker(n.cfg.GossipEvery)
	defer g.Stop()
	c := time.NewTicker(n.cfg.ReclusterEvery)
	defer c.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-g.C:
			err = n.Gossip(ctx)
		case <-c.C:
			_, err = n.Recluster(ctx)
		}
		if err != nil && report != nil {
			report(err)
		}
	}
}
