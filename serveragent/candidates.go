package serveragent

import (
	"context"
	"fmt"
	"sort"
	"time"

	"golang.org/x/time/rate"

	"github.com/p2pir/p2pir/internal/logx"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/usermodel"
)

// candidate is a node the node only heard of from others: a gossip entry
// (ProfileExchange.known) about a node not in the peer table. Any peer
// can make such entries up, with fresh node IDs and an address of its
// choosing, so a candidate is never routed to, gossiped about, or dialled
// except by a probe (at most Config.CandidateProbes per gossip round); a
// probe that completes a TLS handshake pinned to its node ID proves the
// entry, and only then does it join the peer table. A failed probe drops
// it. See Config.MaxCandidates, CandidateRate and CandidateRateTotal.
type candidate struct {
	info     NodeInfo
	fp       usermodel.Fingerprint
	fpAt     time.Time // when fp was last confirmed, as reported
	since    time.Time // when first reported
	reporter string    // the peer that reported it first
}

// candidateLimits are the budgets of second-hand entries: one bucket per
// reporting peer and one for all together.
type candidateLimits struct {
	perReporter *limiters
	total       *rate.Limiter
}

func newCandidateLimits(cfg Config) candidateLimits {
	return candidateLimits{
		perReporter: newLimiters(cfg.CandidateRate, max(cfg.GossipEntries, 1), 4*max(cfg.MaxPeers, 1)),
		total:       rate.NewLimiter(cfg.CandidateRateTotal, max(cfg.MaxCandidates, 1)),
	}
}

// allow reports whether reporter may add one more candidate now, taking
// a token from both budgets only when both have one.
func (l candidateLimits) allow(reporter string, now time.Time) bool {
	return reserveAll(now, l.perReporter.get(reporter), l.total)
}

// hintLocked takes in a second-hand entry (from: the peer that sent it)
// about a node that is not in the peer table: a newer fingerprint of a
// known candidate replaces the old one (never its address), and a new
// node becomes a candidate if it names an address, the budgets of
// second-hand entries allow it, and there is room (the oldest candidate
// makes way: candidates only ever displace candidates). n.mu must be
// held.
func (n *Node) hintLocked(from string, info NodeInfo, fp usermodel.Fingerprint, at, now time.Time) {
	if c := n.unproven[info.ID]; c != nil {
		if fp.Version > c.fp.Version || (fp.Version == c.fp.Version && at.After(c.fpAt)) {
			c.fp, c.fpAt = fp, at
		}
		return
	}
	if info.Addr == "" || n.cfg.MaxCandidates < 0 {
		return
	}
	if !n.candLimits.allow(from, now) {
		n.warn.Warn(context.Background(), n.log, logx.EventCandidateRefused, from,
			"refused a peer's gossip entries about other nodes over their budget",
			logx.KeyPeer, from, "entry_node", info.ID, logx.KeyAddr, info.Addr)
		return
	}
	if len(n.unproven) >= n.cfg.MaxCandidates {
		var oldest *candidate
		for _, c := range n.unproven {
			if oldest == nil || c.since.Before(oldest.since) || (c.since.Equal(oldest.since) && c.info.ID < oldest.info.ID) {
				oldest = c
			}
		}
		delete(n.unproven, oldest.info.ID)
	}
	info.Name = "" // names come with gossip metadata only
	n.unproven[info.ID] = &candidate{info: info, fp: fp, fpAt: at, since: now, reporter: from}
}

// CandidateCount is how many second-hand entries wait to be proven (see
// candidate): at most Config.MaxCandidates.
func (n *Node) CandidateCount() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.unproven)
}

// probeTargetsLocked picks up to Config.CandidateProbes candidates to
// probe in this gossip round, at random (from the node's generator, so a
// seeded node picks the same ones), after dropping those whose
// fingerprint expired. n.mu must be held.
func (n *Node) probeTargetsLocked(now time.Time) []candidate {
	if len(n.unproven) == 0 || n.cfg.CandidateProbes <= 0 {
		return nil
	}
	ids := make([]string, 0, len(n.unproven))
	for id, c := range n.unproven {
		if now.Sub(c.fpAt) > n.cfg.ProfileTTL {
			delete(n.unproven, id)
			continue
		}
		ids = append(ids, id)
	}
	sort.Strings(ids) // map order is random; the generator's is not
	var out []candidate
	for _, i := range n.rng.Perm(len(ids)) {
		if len(out) == n.cfg.CandidateProbes {
			break
		}
		out = append(out, *n.unproven[ids[i]])
	}
	return out
}

// probe gossips msg with candidate c. The connection is pinned to c's
// node ID, so an answer proves that the node holding its key listens at
// its address: its reply is taken in as from any peer, which makes it a
// peer (in a full table only in place of one that is not established;
// see peerLocked) with its own fingerprint.
// A failed probe drops the candidate and its connection.
func (n *Node) probe(ctx context.Context, c candidate, msg *p2pirv1.ProfileExchange) error {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.PerPeerTimeout)
	defer cancel()
	reply, rtt, err := n.call(ctx, c.info, msg)
	if err != nil {
		n.mu.Lock()
		delete(n.unproven, c.info.ID)
		n.dropConnsLocked(c.info.ID)
		n.mu.Unlock()
		n.warn.Warn(ctx, n.log, logx.EventCandidateDropped, c.reporter,
			"dropped a node heard of in gossip: it did not answer its probe",
			logx.KeyPeer, c.info.ID, logx.KeyAddr, c.info.Addr, "reported_by", c.reporter, logx.KeyReason, err.Error())
		return fmt.Errorf("serveragent: probing %s, which %s reported: %w", c.info.ID, c.reporter, err)
	}
	n.absorb(reply, time.Now())
	n.mu.Lock()
	delete(n.unproven, c.info.ID) // still there if the table had no room
	n.mu.Unlock()
	n.observe(c.info.ID, c.info.Addr, rtt, nil)
	return nil
}

// call sends one gossip message to the node info names, over a
// connection pinned to its node ID, and checks the reply is from it.
func (n *Node) call(ctx context.Context, to NodeInfo, msg *p2pirv1.ProfileExchange) (*p2pirv1.ProfileExchange, time.Duration, error) {
	cc, err := n.conn(ctx, to.ID, to.Addr)
	if err != nil {
		return nil, 0, err
	}
	start := time.Now()
	reply, err := p2pirv1.NewPeerClient(n.counted(cc)).ExchangeProfiles(ctx, msg)
	rtt := time.Since(start)
	if err == nil && reply.GetSender().GetNodeId() != to.ID {
		err = fmt.Errorf("forged node ID: answered as %q", reply.GetSender().GetNodeId())
	}
	return reply, rtt, err
}

// reserveAll takes one token from every limiter at now, or none when one
// of them has none (its reservation is given back): a call refused by
// one budget does not spend the others.
func reserveAll(now time.Time, ls ...*rate.Limiter) bool {
	taken := make([]*rate.Reservation, 0, len(ls))
	for _, l := range ls {
		r := l.ReserveN(now, 1)
		if !r.OK() || r.DelayFrom(now) > 0 {
			r.CancelAt(now)
			for _, t := range taken {
				t.CancelAt(now)
			}
			return false
		}
		taken = append(taken, r)
	}
	return true
}
