package serveragent

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"testing"
	"time"

	"github.com/p2pir/p2pir/serveragent/routing"
)

func peerList(ids ...string) []routing.Peer {
	out := make([]routing.Peer, len(ids))
	for i, id := range ids {
		out[i] = routing.Peer{ID: id}
	}
	slices.SortFunc(out, func(a, b routing.Peer) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}

func idsOf(ps []routing.Peer) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.ID
	}
	return out
}

// Claim: a node's neighbours are d of its peers, in ID order, the same
// every time; a peer joining or leaving changes at most one of them (so
// the connections to the others stay useful); and no peer is everyone's
// neighbour: each node draws its own.
func TestNeighboursAreStableUnderChurnAndSpreadOut(t *testing.T) {
	var ids []string
	for i := range 200 {
		ids = append(ids, fmt.Sprintf("node-%03d", i))
	}
	const d = 4
	self := ids[0]
	all := peerList(ids[1:]...)
	got := idsOf(neighbours(self, all, d))
	if len(got) != d || !slices.IsSorted(got) {
		t.Fatalf("neighbours %v: want %d in ID order", got, d)
	}
	if again := idsOf(neighbours(self, all, d)); !slices.Equal(got, again) {
		t.Fatalf("neighbours changed between two calls: %v then %v", got, again)
	}
	changed := func(a, b []string) int {
		n := 0
		for _, x := range a {
			if !slices.Contains(b, x) {
				n++
			}
		}
		return n
	}
	// A peer joins: at most one neighbour is displaced.
	joined := idsOf(neighbours(self, peerList(append(ids[1:], "node-new")...), d))
	if c := changed(got, joined); c > 1 {
		t.Errorf("one peer joining changed %d neighbours (%v → %v)", c, got, joined)
	}
	// A neighbour leaves: only it is replaced; a non-neighbour leaves: none.
	for _, gone := range []string{got[1], "node-150"} {
		if gone == "node-150" && slices.Contains(got, gone) {
			continue
		}
		rest := slices.DeleteFunc(slices.Clone(ids[1:]), func(s string) bool { return s == gone })
		after := idsOf(neighbours(self, peerList(rest...), d))
		want := 0
		if slices.Contains(got, gone) {
			want = 1
		}
		if c := changed(got, after); c != want {
			t.Errorf("%s leaving changed %d neighbours, want %d (%v → %v)", gone, c, want, got, after)
		}
	}
	// Every node picks its own: in-degrees stay near d.
	in := map[string]int{}
	for _, me := range ids {
		var others []string
		for _, x := range ids {
			if x != me {
				others = append(others, x)
			}
		}
		for _, nb := range neighbours(me, peerList(others...), d) {
			in[nb.ID]++
		}
	}
	most := 0
	for _, c := range in {
		most = max(most, c)
	}
	if most > 4*d {
		t.Errorf("one peer is the neighbour of %d of 200 nodes, want a spread (at most %d)", most, 4*d)
	}
	if small := neighbours(self, peerList(ids[1:3]...), d); len(small) != 2 {
		t.Errorf("with 2 peers and %d neighbours wanted, got %d neighbours, want both", d, len(small))
	}
}

// Claim: flooding and random walks go only to the node's neighbours, the
// same ones query after query, while interest routing may ask any peer.
func TestFloodAndWalkFollowTheNeighbours(t *testing.T) {
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Neighbours = 3
	cfg.PerPeerTimeout = 10 * time.Second // handshakes on a loaded machine
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	var peers []*tnode
	for i := range 8 {
		p := newNode(t, mem, fmt.Sprintf("p%d", i), testConfig(), corpus["astro"])
		link(t, a, p)
		peers = append(peers, p)
	}
	_, cands, nbrs := a.node.routingTables()
	if len(cands) != 8 || len(nbrs) != 3 {
		t.Fatalf("%d candidates and %d neighbours, want 8 and 3", len(cands), len(nbrs))
	}
	isNeighbour := map[string]bool{}
	for _, p := range nbrs {
		isNeighbour[p.ID] = true
	}
	for i, strategy := range []string{routing.Flood, routing.Flood, routing.Walk, routing.Walk, routing.Walk} {
		q := astroQuery(1)
		q.Strategy, q.FanOut = strategy, 8
		if strategy == routing.Walk {
			q.FanOut = 1
		}
		res, err := a.node.SearchPeers(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		var asked []string
		for _, c := range res.Trace.Contacts {
			if c.Hop == 1 {
				asked = append(asked, c.To)
				if !isNeighbour[c.To] {
					t.Errorf("query %d (%s) went to %s, not a neighbour", i+1, strategy, c.To)
				}
			}
		}
		want := 3
		if strategy == routing.Walk {
			want = 1
		}
		if len(asked) != want {
			t.Errorf("query %d (%s) asked %d peers (%v), want %d", i+1, strategy, len(asked), asked, want)
		}
	}
	if open := a.node.OpenConns(); open > 3 {
		t.Errorf("%d connections open after floods and walks over 3 neighbours, want at most 3", open)
	}
}

// Claim: the written-out weight is FNV-1a of "a\x00b" mixed, the same as
// hash/fnv gives, so neighbour sets do not depend on how it is computed.
func TestRendezvousIsFNV1aOfBothIDs(t *testing.T) {
	for _, pair := range [][2]string{{"", ""}, {"node-a", "node-b"}, {"p2p1abc", "p2p1xyz"}} {
		h := fnv.New64a()
		h.Write([]byte(pair[0] + "\x00" + pair[1]))
		x := h.Sum64()
		x ^= x >> 30
		x *= 0xbf58476d1ce4e5b9
		x ^= x >> 27
		x *= 0x94d049bb133111eb
		x ^= x >> 31
		if got := rendezvous(pair[0], pair[1]); got != x {
			t.Errorf("rendezvous(%q, %q) = %x, want %x", pair[0], pair[1], got, x)
		}
	}
	if n := testing.AllocsPerRun(100, func() { rendezvous("p2p1abcdef", "p2p1uvwxyz") }); n != 0 {
		t.Errorf("rendezvous allocates %v times a call, want 0", n)
	}
}
