package serveragent

import (
	"slices"

	"github.com/p2pir/p2pir/internal/fnv1a"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// neighbours returns the d peers of cands (in ID order) with the highest
// rendezvous weights with self, in ID order: this node's neighbours in
// the overlay that flooding and random walks follow. The weight of a
// pair depends on the two IDs alone, so the set is the same every time
// the table is (the connections to it are reused), every node works out
// its own without asking anyone, and a peer joining or leaving changes at
// most one neighbour (highest random weight hashing, Thaler and Ravishankar
// 1998). All of cands when there are d or fewer. The result shares
// nothing with cands but the peers' values.
func neighbours(self string, cands []routing.Peer, d int) []routing.Peer {
	if len(cands) <= d {
		return slices.Clone(cands)
	}
	type weighted struct {
		w uint64
		i int
	}
	ws := make([]weighted, len(cands))
	for i, p := range cands {
		ws[i] = weighted{rendezvous(self, p.ID), i}
	}
	slices.SortFunc(ws, func(a, b weighted) int { // highest weight first; ties by ID order
		switch {
		case a.w > b.w:
			return -1
		case a.w < b.w:
			return 1
		}
		return a.i - b.i
	})
	idx := make([]int, d)
	for k := range d {
		idx[k] = ws[k].i
	}
	slices.Sort(idx)
	out := make([]routing.Peer, d)
	for k, i := range idx {
		out[k] = cands[i]
	}
	return out
}

// rendezvous is the weight of the pair (a, b): FNV-1a of a, a zero byte
// and b, finished with SplitMix64's mixer so that IDs differing in a few
// bytes still get unrelated weights. Weighing a thousand peers allocates
// nothing.
func rendezvous(a, b string) uint64 {
	x := fnv1a.Add(fnv1a.AddByte(fnv1a.String(a), 0), b)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
