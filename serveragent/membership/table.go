package membership

import (
	"sort"
	"sync"
	"time"
)

// table is this node's record of the other members, fed by memberlist's
// event delegate (which runs with memberlist's node lock held, so the live
// entries here are exactly memberlist's live members) and by leave notices.
// Entries of departed members are kept for retain, so that a late leave
// notice can still turn a "dead" into a "left", and then dropped.
type table struct {
	retain time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*entry // by node ID
	// lost are the members declared dead (not left) that a reconnect
	// may reach again (a partition that healed), by node ID: at most
	// maxLost, each for reconnectFor after its death.
	lost map[string]lostMember
}

// lostMember is a member declared dead: where it gossiped, and since when.
type lostMember struct {
	gossipAddr string
	since      time.Time
}

// maxLost bounds the members a node tries to reconnect to: the oldest
// deaths are forgotten first.
const maxLost = 256

// entry is one member's record.
type entry struct {
	member Member
	// boot is the nonce of the member's current run (from its metadata).
	boot uint64
	// leaving is set when a leave notice for this run arrived.
	leaving bool
}

// newTable returns an empty table that keeps departed members for retain.
func newTable(retain time.Duration, now func() time.Time) *table {
	return &table{retain: retain, now: now, entries: make(map[string]*entry), lost: make(map[string]lostMember)}
}

// alive records that a member joined or was updated (memberlist reports
// both through alive messages) and returns it as it should be reported.
func (t *table) alive(meta Meta, boot uint64, gossipAddr string) Member {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	e, ok := t.entries[meta.NodeID]
	if !ok {
		e = &entry{}
		t.entries[meta.NodeID] = e
	}
	if !ok || e.member.State != StateAlive {
		e.member.Since = now
	}
	if e.boot != boot {
		e.leaving = false // a new run: an earlier notice does not apply
	}
	e.boot = boot
	delete(t.lost, meta.NodeID)
	e.member.Meta = meta
	e.member.GossipAddr = gossipAddr
	e.member.State = StateAlive
	return e.member
}

// gone records that memberlist declared a member dead or left. The member
// is reported left if its leave notice arrived, dead otherwise. ok is false
// for a member the table does not know.
func (t *table) gone(nodeID string) (m Member, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	t.pruneLocked(now)
	e, ok := t.entries[nodeID]
	if !ok {
		return Member{}, false
	}
	e.member.State = StateDead
	if e.leaving {
		e.member.State = StateLeft
	}
	e.member.Since = now
	if e.member.State == StateDead && e.member.GossipAddr != "" {
		t.loseLocked(nodeID, e.member.GossipAddr, now)
	}
	return e.member, true
}

// loseLocked records a member declared dead for reconnects, forgetting
// the oldest death beyond maxLost.
func (t *table) loseLocked(nodeID, gossipAddr string, now time.Time) {
	t.lost[nodeID] = lostMember{gossipAddr, now}
	for len(t.lost) > maxLost {
		oldest := ""
		for id, l := range t.lost {
			if oldest == "" || l.since.Before(t.lost[oldest].since) || (l.since.Equal(t.lost[oldest].since) && id < oldest) {
				oldest = id
			}
		}
		delete(t.lost, oldest)
	}
}

// lostSince returns the gossip addresses of the members declared dead
// within the last d (and not back since), forgetting older ones, sorted.
func (t *table) lostSince(d time.Duration) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	out := make([]string, 0, len(t.lost))
	for id, l := range t.lost {
		if now.Sub(l.since) > d {
			delete(t.lost, id)
			continue
		}
		out = append(out, l.gossipAddr)
	}
	sort.Strings(out)
	return out
}

// leaveNotice records a member's notice that it is leaving its run boot.
// news reports whether the notice was news (worth relaying); changed,
// whether it turned a member already reported dead into left (worth
// reporting again, as m).
func (t *table) leaveNotice(nodeID string, boot uint64) (m Member, news, changed bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[nodeID]
	if !ok || e.boot != boot || e.leaving {
		return Member{}, false, false
	}
	e.leaving = true
	delete(t.lost, nodeID) // it left: nothing to reconnect to
	if e.member.State == StateDead {
		e.member.State = StateLeft
		e.member.Since = t.now()
		return e.member, true, true
	}
	return Member{}, true, false
}

// live returns the live members sorted by node ID.
func (t *table) live() []Member {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Member, 0, len(t.entries))
	for _, e := range t.entries {
		if e.member.State == StateAlive {
			out = append(out, e.member)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].NodeID < out[j].NodeID })
	return out
}

// liveCount is the number of live members.
func (t *table) liveCount() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, e := range t.entries {
		if e.member.State == StateAlive {
			n++
		}
	}
	return n
}

// pruneLocked drops departed members older than retain.
func (t *table) pruneLocked(now time.Time) {
	for id, e := range t.entries {
		if e.member.State != StateAlive && now.Sub(e.member.Since) > t.retain {
			delete(t.entries, id)
		}
	}
}
