package serveragent

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/usermodel"
)

// freshSnapshots builds the peer table's snapshots from scratch, as
// snapshots did before it kept them between calls.
func freshSnapshots(n *Node) []snapshot {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]snapshot, 0, len(n.peers))
	for _, p := range n.peers {
		s := snapshot{info: p.info, routable: p.routable(), cluster: p.cluster, fpAt: p.fpAt, coll: p.coll}
		if p.hasFP {
			s.fp = p.fp.Vec.RawVector().Data
			s.fpv = p.fp
		}
		if p.cluster >= 0 && p.cluster < len(n.clusters.Centroids) {
			s.centroid = n.clusters.Centroids[p.cluster]
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].info.ID < out[j].info.ID })
	return out
}

// The peer table's snapshots are kept between calls, so every change to
// the table must show in the next call, and a call without a change in
// between must return the very same snapshots (not a copy).
func TestSnapshotsFollowEveryChangeOfThePeerTable(t *testing.T) {
	mem := NewMemNet()
	cfg := testConfig()
	cfg.ProfileTTL = time.Hour
	a := newNode(t, mem, "a", cfg, nil)
	ctx := context.Background()

	var peers []NodeInfo
	for i := range 4 {
		id, err := identity.Generate()
		if err != nil {
			t.Fatal(err)
		}
		peers = append(peers, NodeInfo{ID: id.NodeID(), Addr: "p" + string(rune('0'+i)) + ":7070", Version: "p2pir/test"})
	}
	fpOf := func(term string, version uint64) usermodel.Fingerprint {
		fp, err := usermodel.FingerprintOf(usermodel.Vector{term: 1, "common": 0.5}, 1024)
		if err != nil {
			t.Fatal(err)
		}
		fp.Version = version
		return fp
	}
	now := time.Now()
	steps := []struct {
		name   string
		change func()
	}{
		{"peers join", func() {
			for _, p := range peers {
				if err := a.node.UpsertPeer(p); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"fingerprints learned", func() {
			for i, p := range peers {
				a.node.learn(p.ID, p, fpOf([]string{"star", "star", "soup", "soup"}[i], 1), true, now)
			}
		}},
		{"a newer fingerprint", func() { a.node.learn(peers[0].ID, peers[0], fpOf("galaxy", 2), true, now) }},
		{"the same fingerprint confirmed later", func() { a.node.learn(peers[1].ID, peers[1], fpOf("star", 1), true, now.Add(time.Second)) }},
		{"an address changes", func() {
			p := peers[2]
			p.Addr = "moved:7070"
			if err := a.node.UpsertPeer(p); err != nil {
				t.Fatal(err)
			}
		}},
		{"a version changes", func() {
			p := peers[3]
			p.Version = "p2pir/test2"
			if err := a.node.UpsertPeer(p); err != nil {
				t.Fatal(err)
			}
		}},
		{"re-clustering", func() {
			if _, err := a.node.Recluster(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"a node stops sharing", func() { a.node.forget(peers[3].ID) }},
		{"a fingerprint expires", func() {
			a.node.learn(peers[2].ID, peers[2], fpOf("comet", 5), true, now.Add(-2*cfg.ProfileTTL))
		}},
		{"a peer leaves", func() { a.node.RemovePeer(peers[1].ID) }},
	}
	prev := a.node.snapshots()
	for _, st := range steps {
		st.change()
		got := a.node.snapshots()
		want := freshSnapshots(a.node)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after %s: snapshots\n%s\nwant\n%s", st.name, describe(got), describe(want))
		}
		if reflect.DeepEqual(got, prev) {
			t.Errorf("after %s: snapshots unchanged; the step changes the table", st.name)
		}
		again := a.node.snapshots()
		if len(again) > 0 && &again[0] != &got[0] {
			t.Errorf("after %s: a second call without a change built the snapshots again", st.name)
		}
		prev = got
	}
	if n := len(prev); n != len(peers)-1 {
		t.Fatalf("%d peers at the end, want %d", n, len(peers)-1)
	}
	for _, s := range prev {
		if s.info.ID == peers[2].ID && s.fp != nil {
			t.Errorf("the fingerprint learned two TTLs ago is still in the snapshots")
		}
	}
}

// describe lists snapshots briefly, for failure messages.
func describe(snaps []snapshot) string {
	var b strings.Builder
	for _, s := range snaps {
		fmt.Fprintf(&b, "  %s at %s (%s): fingerprint %v v%d of %s, cluster %d, summary %v\n",
			s.info.ID, s.info.Addr, s.info.Version, s.fp != nil, s.fpv.Version, s.fpAt.Format(time.RFC3339Nano), s.cluster, s.coll != nil)
	}
	return b.String()
}
