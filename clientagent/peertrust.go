package clientagent

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/p2pir/p2pir/usermodel"
)

// PeerPrefix starts the name of one peer's list among the fused lists
// (and in Result.Engines, Hit.Origin): "peer:" and the peer's node ID.
const PeerPrefix = "peer:"

// PeerName is the fusion name of the peer with node ID id.
func PeerName(id string) string { return PeerPrefix + id }

// PeerID is the node ID in a peer's fusion name, and whether name is one.
func PeerID(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, PeerPrefix)
	return id, ok && id != ""
}

// TrustConfig says how the agent learns to trust each peer.
type TrustConfig struct {
	// HalfLife is how long a mark takes to lose half its weight in a
	// peer's trust: the counts of marks decay exponentially towards the
	// prior, so a peer that was good (or bad) long ago is judged mostly on
	// what it does now, and one never marked again drifts back to a
	// stranger. Default 30 days; negative: marks never decay (an
	// experiment that must give the same numbers however fast it runs).
	HalfLife time.Duration
	// MaxPeers caps how many peers' trust the state file keeps: when a
	// new peer would exceed it, the peer seen least recently is forgotten
	// (should it come back, it starts again at the prior). Default 1000.
	MaxPeers int
	// IgnoreBelow and IgnoreAfter decide when a peer whose results the
	// person keeps rejecting is ignored: once it has at least IgnoreAfter
	// (decayed) not-interested marks, not one liked result left after
	// decay (interested marks under 1) and its precision is below
	// IgnoreBelow times a stranger's (the prior's mean), its results are
	// dropped from every answer and the node no longer asks it. A peer
	// that brought anything the person liked is never ignored, only
	// weighed down. It stays ignored, whatever the time, until one of its
	// results is marked interested, or rejections taken back bring its
	// precision back to the threshold: forgetting with time does not lift
	// it, since a peer never asked can earn nothing. Defaults 0.25 and
	// 20: twenty rejections and not one result liked. Ignoring after 5
	// cost a tenth of nDCG@10 in the 30-node simulation
	// (docs/sim.example.toml: interest routing 0.474 to 0.434, flooding
	// 0.494 to 0.449): most results of a peer of the person's own field
	// are not what one query wants, so five rejections in a row say
	// little about the peer.
	IgnoreBelow float64
	IgnoreAfter float64
}

// DefaultTrustConfig returns the documented defaults.
func DefaultTrustConfig() TrustConfig {
	return TrustConfig{HalfLife: 30 * 24 * time.Hour, MaxPeers: 1000, IgnoreBelow: 0.25, IgnoreAfter: 20}
}

// PeerTrust is what the agent has learned about one peer: its own Beta
// posterior of the precision of the results it brought (a prior worth two
// marks plus the decayed counts of its marks), which scales the weight of
// its list in fusion. The prior's mean is the local index's learned
// precision (1/2, Beta(1, 1), before any mark): a peer nobody has marked
// weighs what the person's own index weighs, as any stranger, and trust
// beyond that is earned by results the person liked. Only marks on a
// peer's results move its trust (and marks on the local index's, all
// strangers' with it).
type PeerTrust struct {
	// NodeID is the peer's node ID.
	NodeID string `json:"node_id"`
	// Name is the name the peer announces (filled in by the node from
	// its peer table; the agent does not know names).
	Name string `json:"name,omitempty"`
	// Interested and NotInterested are the marks on its results, each
	// weighted by how recent it is (1 now, 1/2 after TrustConfig.HalfLife,
	// ...).
	Interested    float64 `json:"interested"`
	NotInterested float64 `json:"not_interested"`
	// Precision is the posterior mean of the precision of its results and
	// WeightFactor what scales its list in fusion (2·Precision: 1 at the
	// prior).
	Precision    float64 `json:"precision"`
	WeightFactor float64 `json:"weight_factor"`
	// Answers counts the searches whose answer held results it found.
	Answers uint64 `json:"answers"`
	// LastSeen is when it last brought results (or one of its results
	// was marked).
	LastSeen time.Time `json:"last_seen"`
	// Ignored is set when the person rejected its results until its
	// precision fell below TrustConfig.IgnoreBelow of a stranger's: its
	// results are dropped and the node does not ask it, until a mark in
	// its favour lifts it back.
	Ignored bool `json:"ignored"`
}

// Evidence is the decayed number of marks PeerTrust rests on.
func (p PeerTrust) Evidence() float64 { return p.Interested + p.NotInterested }

// PeerGroup is the peers among the sources (SourceStats.Peers): how many
// peers' trust is kept, and those with the most evidence.
type PeerGroup struct {
	// Count is how many peers' trust is kept.
	Count int `json:"count"`
	// Top are the peers whose trust rests on the most marks, most first
	// (ties: seen most recently first); at most Config.ListPeers.
	Top []PeerTrust `json:"top"`
}

// peerBucket holds one JSON peerRecord per node ID in the state store.
const peerBucket = "clientagent.peers"

// peerRecord is a peer's trust as stored: mark counts as of Updated, to
// be decayed to the time they are read.
type peerRecord struct {
	Interested    float64   `json:"interested"`
	NotInterested float64   `json:"not_interested"`
	Updated       time.Time `json:"updated"`
	Answers       uint64    `json:"answers"`
	LastSeen      time.Time `json:"last_seen"`
	// Ignored: see PeerTrust.Ignored.
	Ignored bool `json:"ignored,omitempty"`
}

// decay brings the counts from Updated to now.
func (r *peerRecord) decay(now time.Time, halfLife time.Duration) {
	if r.Updated.IsZero() || !now.After(r.Updated) {
		if r.Updated.IsZero() {
			r.Updated = now
		}
		return // a clock that went back decays nothing
	}
	f := decayFactor(now.Sub(r.Updated), halfLife)
	r.Interested *= f
	r.NotInterested *= f
	r.Updated = now
}

// decayFactor is the weight left after age: 1/2 per halfLife.
func decayFactor(age, halfLife time.Duration) float64 {
	if age <= 0 || halfLife < 0 {
		return 1
	}
	return math.Exp2(-float64(age) / float64(halfLife))
}

// trust is the record, decayed to now, as PeerTrust, with prior mean
// prior (peerRecords.prior).
func (r peerRecord) trust(id string, now time.Time, halfLife time.Duration, prior float64) PeerTrust {
	r.decay(now, halfLife)
	p := PeerTrust{NodeID: id, Interested: r.Interested, NotInterested: r.NotInterested, Answers: r.Answers, LastSeen: r.LastSeen, Ignored: r.Ignored}
	p.Precision = (priorMarks*prior + p.Interested) / (priorMarks + p.Interested + p.NotInterested)
	p.WeightFactor = 2 * p.Precision
	return p
}

// priorMarks is the strength of a peer's prior, in marks: Beta(1, 1)'s.
const priorMarks = 2

// peerRecords reads and writes peer records within one transaction.
type peerRecords struct {
	r   *usermodel.Records
	cfg TrustConfig
	// prior is the mean of every peer's prior: the local index's learned
	// precision (1/2 before any mark). A stranger is trusted as much as
	// the person's own index, no more: a weight factor of 2·precision
	// puts sources judged on many marks (the local index) near their
	// true precision, often far below 1/2, so a prior of 1/2 would let
	// any peer nobody marked outweigh them (docs/EXPERIMENTS.md).
	prior float64
}

func openPeerRecords(tx usermodel.Tx, cfg TrustConfig) (peerRecords, error) {
	r, err := tx.Records(peerBucket)
	if err != nil {
		return peerRecords{}, err
	}
	sr, err := tx.Records(statsBucket)
	if err != nil {
		return peerRecords{}, err
	}
	local := newStats(LocalName)
	if v, ok := sr.Get(LocalName); ok {
		if err := json.Unmarshal(v, &local); err != nil {
			return peerRecords{}, fmt.Errorf("source %s: %w", LocalName, err)
		}
	}
	return peerRecords{r, cfg, local.Precision()}, nil
}

// get returns id's record (zero, and false, for a peer not kept).
func (p peerRecords) get(id string) (peerRecord, bool, error) {
	var rec peerRecord
	v, ok := p.r.Get(id)
	if !ok {
		return rec, false, nil
	}
	if err := json.Unmarshal(v, &rec); err != nil {
		return rec, false, fmt.Errorf("trust of peer %s: %w", id, err)
	}
	return rec, true, nil
}

// update applies fn to id's record, decayed to now, and stores it; a new
// record may push out the peer seen least recently (TrustConfig.MaxPeers).
// It returns the trust after fn.
func (p peerRecords) update(id string, now time.Time, fn func(*peerRecord)) (PeerTrust, error) {
	rec, ok, err := p.get(id)
	if err != nil {
		return PeerTrust{}, err
	}
	rec.decay(now, p.cfg.HalfLife)
	fn(&rec)
	raw, err := json.Marshal(rec)
	if err != nil {
		return PeerTrust{}, err
	}
	if err := p.r.Put(id, raw); err != nil {
		return PeerTrust{}, err
	}
	if !ok {
		if err := p.evict(id); err != nil {
			return PeerTrust{}, err
		}
	}
	return rec.trust(id, now, p.cfg.HalfLife, p.prior), nil
}

// touch records that id answered a search at now: one more answer, seen
// now. It leaves the mark counts as they are (they decay when read), so a
// peer's trust depends on the marks alone, not on how often it answered.
func (p peerRecords) touch(id string, now time.Time) error {
	rec, ok, err := p.get(id)
	if err != nil {
		return err
	}
	if rec.Updated.IsZero() {
		rec.Updated = now
	}
	rec.Answers++
	rec.LastSeen = now
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := p.r.Put(id, raw); err != nil {
		return err
	}
	if !ok {
		return p.evict(id)
	}
	return nil
}

// evict forgets the peers seen least recently (never keep) until at most
// MaxPeers are kept. It runs only when a peer is added, and reads every
// record only when there are too many: in a network of N nodes a person
// meets up to N peers, and decoding every record at each of them was
// O(N²) JSON decodes per person, N³ in a simulation of N nodes.
func (p peerRecords) evict(keep string) error {
	if p.r.Len() <= p.cfg.MaxPeers {
		return nil
	}
	type seen struct {
		id string
		at time.Time
	}
	var all []seen
	err := p.r.ForEach(func(k string, v []byte) error {
		var rec peerRecord
		if json.Unmarshal(v, &rec) != nil {
			rec = peerRecord{} // damaged: the first to go
		}
		if k != keep {
			all = append(all, seen{k, rec.LastSeen})
		}
		return nil
	})
	if err != nil {
		return err
	}
	over := len(all) + 1 - p.cfg.MaxPeers
	if over <= 0 {
		return nil
	}
	slices.SortFunc(all, func(a, b seen) int {
		return cmp.Or(a.at.Compare(b.at), strings.Compare(a.id, b.id))
	})
	for _, s := range all[:over] {
		if err := p.r.Delete(s.id); err != nil {
			return err
		}
	}
	return nil
}

// all lists every kept peer's trust, decayed to now, with the most
// evidence first (ties: seen most recently first, then by ID).
func (p peerRecords) all(now time.Time) ([]PeerTrust, error) {
	var out []PeerTrust
	err := p.r.ForEach(func(k string, v []byte) error {
		var rec peerRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("trust of peer %s: %w", k, err)
		}
		out = append(out, rec.trust(k, now, p.cfg.HalfLife, p.prior))
		return nil
	})
	slices.SortFunc(out, func(a, b PeerTrust) int {
		return cmp.Or(cmp.Compare(b.Evidence(), a.Evidence()), b.LastSeen.Compare(a.LastSeen), strings.Compare(a.NodeID, b.NodeID))
	})
	return out, err
}

// countPeerMark adds (delta 1) or takes back (delta -1) a mark made at
// when on a result peer id brought. A mark taken back weighs what it
// weighs now (it has decayed since it was made), so undoing a mark leaves
// the counts as they would be without it.
func (p peerRecords) countMark(id string, now, when time.Time, interested bool, delta float64) error {
	w := delta * decayFactor(now.Sub(when), p.cfg.HalfLife)
	_, err := p.update(id, now, func(r *peerRecord) {
		if interested {
			r.Interested = max(0, r.Interested+w)
		} else {
			r.NotInterested = max(0, r.NotInterested+w)
		}
		if delta > 0 {
			r.LastSeen = now
		}
		precision := r.trust(id, now, p.cfg.HalfLife, p.prior).Precision
		below := precision < p.cfg.IgnoreBelow*p.prior
		switch favour := interested == (delta > 0); {
		case !r.Ignored && !favour && below && r.NotInterested >= p.cfg.IgnoreAfter && r.Interested < 1:
			r.Ignored = true
		case r.Ignored && favour && (interested || !below):
			r.Ignored = false // a liked result, or rejections taken back
		}
	})
	return err
}
