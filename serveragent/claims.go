package serveragent

import (
	"math"
	"time"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// A peer's collection summary is a promise: for each term it lists, a
// shared document with that term at the listed impact. A query's promise
// is then routing.Promise: the best single term's contribution, which the
// peer's best document must reach in the scores of its answer (same pooled
// statistics). A peer that claims every term at the highest impact to be
// asked every query (and to read every query) cannot keep it: each call
// records how much of its promise its answer bore out, and interest
// routing scales its collection score by that (routing.Peer.Claim), so
// that after a few empty or weak answers it no longer outranks, nor
// pushes below the threshold, the peers whose summaries are true. Honest
// peers keep their promise up to rounding (impacts are rounded up) and
// length normalisation (their summary's own average length against the
// pooled one); ClaimFloor leaves room for that.

// claimWindow is how many answers a peer's record weighs at most: older
// ones fade, so a peer that mends its ways recovers in as many answers.
const claimWindow = 20

// claimPrior is the weight, in answers, of the prior that a summary is
// true.
const claimPrior = 0.5

// maxClaimRecords bounds the records kept (peers that leave and come
// back keep theirs, so a liar does not start afresh by rejoining): the
// least recently updated go first.
const maxClaimRecords = 4096

// claimRecord is what a peer's answers bore out of its summary: the sum
// of the shares (each in [0, 1]) over n answers, with a prior of half an
// answer that kept its promise (claimPrior).
type claimRecord struct {
	kept, n float64
	at      time.Time
}

// factor is the record's weight on the peer's collection score: its mean
// share kept, over floor, at most 1.
func (r claimRecord) factor(floor float64) float64 {
	mean := (claimPrior + r.kept) / (claimPrior + r.n)
	return min(1, mean/floor)
}

// claimShare is how much of its promise for q the answer resp of peer id
// bore out, in [0, 1], and whether it says anything: an answer with none
// of its own results broke a promise it made (promise > 0); one whose
// results were not scored with the request's statistics cannot be
// compared.
func claimShare(id string, resp *p2pirv1.SearchResponse, promise float64) (float64, bool) {
	if promise <= 0 {
		return 0, false
	}
	best, own := 0.0, false
	for _, r := range resp.GetResults() {
		if r.GetNodeId() == id {
			own = true
			best = math.Max(best, r.GetScore())
		}
	}
	if !own {
		return 0, true
	}
	if !resp.GetCorpusScored() {
		return 0, false
	}
	return min(1, best/promise), true
}

// observeClaim records that peer id's answer bore out share of its
// promise.
func (n *Node) observeClaim(id string, share float64, now time.Time) {
	if n.cfg.ClaimFloor <= 0 {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r := n.claims[id]
	if r.n >= claimWindow {
		r.kept *= (claimWindow - 1) / r.n
		r.n = claimWindow - 1
	}
	r.kept += share
	r.n++
	r.at = now
	n.claims[id] = r
	if f := r.factor(n.cfg.ClaimFloor); f < 1 {
		n.claimFactors[id] = f
	} else {
		delete(n.claimFactors, id)
	}
	if len(n.claims) > maxClaimRecords {
		oldest := ""
		for k, c := range n.claims {
			if oldest == "" || c.at.Before(n.claims[oldest].at) {
				oldest = k
			}
		}
		delete(n.claims, oldest)
		delete(n.claimFactors, oldest)
	}
}

// withClaims returns cands with each discounted peer's Claim set (a copy
// when any is; cands is shared and never changed).
func (n *Node) withClaims(cands []routing.Peer) []routing.Peer {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.claimFactors) == 0 {
		return cands
	}
	out := cands
	for i, p := range cands {
		if f, ok := n.claimFactors[p.ID]; ok {
			if &out[0] == &cands[0] {
				out = append([]routing.Peer(nil), cands...)
			}
			out[i].Claim = f
		}
	}
	return out
}

// ClaimFactor is how much interest routing trusts peer id's collection
// summary, in (0, 1]: 1 until its answers fall short of what it claims
// (see claimShare).
func (n *Node) ClaimFactor(id string) float64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	if f, ok := n.claimFactors[id]; ok {
		return f
	}
	return 1
}
