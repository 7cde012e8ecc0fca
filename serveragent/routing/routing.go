// Package routing decides which peers a forwarded query goes to: by
// interest (peers whose shared documents can best answer the query, told
// from their collection summaries, and whose people's fingerprints match
// the query and the asker), by flooding with a TTL, or by a random walk,
// the last two as baselines for experiments. It also remembers query IDs so a query reaching a node
// twice is processed once. Pure: no network; the server agent calls it.
package routing

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
)

// Strategies.
const (
	// Interest forwards to the peers whose fingerprints (and cluster
	// centroids) best match the query and the asker's profile, plus a
	// small share of random peers for exploration.
	Interest = "interest"
	// Flood forwards to every known peer not yet visited, while hops last.
	Flood = "flood"
	// Walk forwards to Config.Walkers random peers not yet visited.
	Walk = "walk"
)

// Peer is what routing knows about a peer.
type Peer struct {
	ID string
	// FP is the peer's fingerprint (unit vector; nil or zero if it shares none).
	FP []float64
	// Centroid is the unit centroid of the peer's cluster (nil if unknown).
	Centroid []float64
	// Collection is the peer's collection summary; nil when none is known.
	Collection Collection
	// Shortcut is how much the asker's person liked this peer's results
	// before, in [0, 1] (0: no evidence): peers with a shortcut are asked
	// first, as in interest-based shortcuts (Sripanidkulchai et al. 2003).
	Shortcut float64
	// Claim is how far the peer's answers bore out its collection
	// summary, in (0, 1]: its collection score is multiplied by it, so a
	// summary that promises more than the peer delivers counts for what
	// it delivers. 0: nothing known against it (1).
	Claim float64
}

// Collection is what routing reads of a peer's collection summary.
type Collection interface {
	// Term returns, for the term whose p2pirv1.TermHash is h, its document
	// frequency among the peer's shared documents and its largest
	// length-normalised frequency there (in [0, 1)); ok is false when the
	// summary does not list it.
	Term(h uint32) (df uint32, impact float64, ok bool)
}

// QueryTerm is one query term as collection selection scores it.
type QueryTerm struct {
	// Hash is the term's p2pirv1.TermHash.
	Hash uint32
	// Weight is its weight in the query, > 0; IDF its idf in the pooled
	// statistics.
	Weight, IDF float64
}

// Query is what routing knows of a query.
type Query struct {
	// FP is the query's fingerprint and Own the asker's (either may be nil).
	FP, Own []float64
	// Terms are the query's terms for collection selection (may be empty).
	Terms []QueryTerm
	// Floor is the least collection score a peer must reach (0: none); a
	// forwarder gets it from the origin (SearchRequest.route_floor).
	Floor float64
	// K1 is BM25's k1, the scale of a collection score (0: 1.2).
	K1 float64
}

// CollectionScore is how well a peer's shared documents can answer q:
// Σ_t weight_t · idf_t · (k1+1) · impact_t, an upper bound on the BM25
// score of its best document for q (the "max impact" estimate of
// collection selection), 0 for a peer without a summary.
func CollectionScore(c Collection, q Query) float64 {
	if c == nil {
		return 0
	}
	k1 := q.K1
	if k1 <= 0 {
		k1 = 1.2
	}
	s := 0.0
	for _, t := range q.Terms {
		if _, imp, ok := c.Term(t.Hash); ok {
			s += t.Weight * t.IDF * (k1 + 1) * imp
		}
	}
	return s
}

// Promise is what a peer's collection summary promises for q: the best
// single term's Σ-term of CollectionScore, weight · idf · (k1+1) · impact.
// The summary says one of its documents holds that term at that impact, so
// its best document for q scores at least this much; 0 without a summary
// or a listed query term.
func Promise(c Collection, q Query) float64 {
	if c == nil {
		return 0
	}
	k1 := q.K1
	if k1 <= 0 {
		k1 = 1.2
	}
	best := 0.0
	for _, t := range q.Terms {
		if _, imp, ok := c.Term(t.Hash); ok {
			best = math.Max(best, t.Weight*t.IDF*(k1+1)*imp)
		}
	}
	return best
}

// claimed is p's CollectionScore for q scaled by p.Claim.
func claimed(p Peer, q Query) float64 {
	s := CollectionScore(p.Collection, q)
	if p.Claim > 0 && p.Claim < 1 {
		s *= p.Claim
	}
	return s
}

// Config tunes routing. Start from DefaultConfig.
type Config struct {
	// Fanout is how many best-matching peers an interest-routed query goes
	// to. Default 3.
	Fanout int
	// Explore is the chance that one random peer (not among the best) is
	// added, so new or mis-profiled peers still get queries. Default 0.1.
	Explore float64
	// QueryWeight is how much the match with the query counts against the
	// match with the asker's profile (1 − QueryWeight). Default 0.7.
	QueryWeight float64
	// CentroidWeight blends the peer's cluster centroid into its own
	// fingerprint when scoring (smoother for peers with few marks).
	// Default 0.25.
	CentroidWeight float64
	// Walkers is how many random peers a Walk query goes to. Default 1.
	Walkers int
	// MaxFanout caps any strategy's fan-out (flooding included). Default 16.
	MaxFanout int
	// Threshold: with collection summaries, interest routing asks, of its
	// Fanout best peers, those whose collection score reaches Threshold ×
	// the best one's, so a query whose matches fall off sharply goes to
	// fewer peers. Default 0.85: on six real nodes (two CRAN, two MED, two
	// CISI) 0.75 sent 32% of the Cranfield queries to another field's
	// nodes, 0.85 14% at the same nDCG@10, 0.9 9% but lost a tenth of it
	// (docs/EXPERIMENTS.md).
	Threshold float64
	// ShortcutWeight is how much a peer's shortcut (Peer.Shortcut) adds to
	// its score relative to the best match (1). Default 0.25.
	ShortcutWeight float64
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{Fanout: 4, Explore: 0.1, QueryWeight: 0.7, CentroidWeight: 0.25, Walkers: 1, MaxFanout: 16,
		Threshold: 0.85, ShortcutWeight: 0.25}
}

// Choice is a peer chosen for a query, with its score and why.
type Choice struct {
	ID     string
	Score  float64
	Random bool // chosen for exploration, not for its score
}

// Select picks the peers a query goes to; visited lists node IDs the query
// has already been to (they and self are never chosen). rng makes the
// random parts reproducible.
//
// Interest routing with collection summaries (q.Terms set and some peer
// with a Collection scoring above 0) scores each peer by CollectionScore
// (times its Claim) over the best one, plus ShortcutWeight × its shortcut, and asks up to
// Fanout of those reaching Threshold × the best score and q.Floor, and,
// with probability Explore, one peer whose summary is not known yet (in
// one of those slots), so new peers are discovered; without summaries it
// falls back to fingerprints (see Score), exploring any other peer.
func Select(strategy string, cfg Config, peers []Peer, q Query, visited map[string]bool, rng *rand.Rand) ([]Choice, error) {
	query, own := q.FP, q.Own
	byID := func(a, b Peer) int { return strings.Compare(a.ID, b.ID) }
	if !slices.IsSortedFunc(peers, byID) { // reproducible whatever the input order
		peers = slices.Clone(peers)
		slices.SortFunc(peers, byID)
	}
	// The peers not visited, by their place in peers (in ID order): a
	// flood or walk draws from them without copying a thousand peers.
	open := make([]int32, 0, len(peers))
	for i, p := range peers {
		if !visited[p.ID] {
			open = append(open, int32(i))
		}
	}
	switch strategy {
	case Flood, Walk:
		n := min(len(open), cfg.MaxFanout)
		if strategy == Walk {
			n = min(n, max(cfg.Walkers, 1))
		}
		out := make([]Choice, 0, n)
		for _, i := range rng.Perm(len(open))[:n] {
			out = append(out, Choice{ID: peers[open[i]].ID, Random: true})
		}
		return out, nil
	case Interest, "":
	default:
		return nil, fmt.Errorf("routing: unknown strategy %q", strategy)
	}
	return selectByInterest(cfg, peers, open, q, query, own, rng), nil
}

// selectByInterest is Select for interest routing, over the peers at the
// places open (in ID order).
func selectByInterest(cfg Config, peers []Peer, places []int32, q Query, query, own []float64, rng *rand.Rand) []Choice {
	open := make([]Peer, len(places))
	for i, j := range places {
		open[i] = peers[j]
	}
	if out, ok := selectByCollection(cfg, open, q, rng); ok {
		return out
	}
	// Each signal is scaled by its best value among the candidates before
	// blending: a short query's fingerprint matches any profile weakly
	// (cosine ~0.3) while the asker's own profile matches its own topic
	// fully, so unscaled the asker's topic would win every query.
	cq, co := make([]float64, len(open)), make([]float64, len(open))
	var mq, mo float64
	for i, p := range open {
		v := blended(cfg, p)
		cq[i], co[i] = cosine(v, query), cosine(v, own)
		mq, mo = math.Max(mq, cq[i]), math.Max(mo, co[i])
	}
	scored := make([]Choice, len(open))
	for i, p := range open {
		sc := 0.0
		if mq > 0 {
			sc += cfg.QueryWeight * cq[i] / mq
		}
		if mo > 0 {
			sc += (1 - cfg.QueryWeight) * co[i] / mo
		}
		scored[i] = Choice{ID: p.ID, Score: sc}
	}
	sort.SliceStable(scored, func(i, j int) bool { return scored[i].Score > scored[j].Score })
	f := min(cfg.Fanout, cfg.MaxFanout, len(scored))
	out := append([]Choice(nil), scored[:f]...)
	if rest := scored[f:]; len(rest) > 0 && len(out) < cfg.MaxFanout && rng.Float64() < cfg.Explore {
		c := rest[rng.IntN(len(rest))]
		c.Random = true
		out = append(out, c)
	}
	return out
}

// Score is how well peer p matches: QueryWeight·cos(p, query) +
// (1 − QueryWeight)·cos(p, own), where p's vector is its fingerprint
// blended with its cluster centroid (CentroidWeight). A missing vector
// contributes 0.
//
// Select scales each of the two cosines by its best value among the
// candidates first; Score is the unscaled blend, for one peer on its own.
func Score(cfg Config, p Peer, query, own []float64) float64 {
	v := blended(cfg, p)
	return cfg.QueryWeight*cosine(v, query) + (1-cfg.QueryWeight)*cosine(v, own)
}

// blended is p's fingerprint mixed with its cluster centroid.
func blended(cfg Config, p Peer) []float64 {
	if len(p.Centroid) != len(p.FP) || len(p.FP) == 0 || cfg.CentroidWeight <= 0 {
		return p.FP
	}
	v := make([]float64, len(p.FP))
	for i := range v {
		v[i] = (1-cfg.CentroidWeight)*p.FP[i] + cfg.CentroidWeight*p.Centroid[i]
	}
	return v
}

func cosine(a, b []float64) float64 {
	if len(a) == 0 || len(a) != len(b) {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += a[i] * b[i]
		na += a[i] * a[i]
		nb += b[i] * b[i]
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// selectByCollection is interest routing by collection summaries; ok is
// false when they cannot tell the peers apart (no query terms, or no peer
// with a summary matching any of them).
func selectByCollection(cfg Config, open []Peer, q Query, rng *rand.Rand) ([]Choice, bool) {
	if len(q.Terms) == 0 {
		return nil, false
	}
	raw := make([]float64, len(open))
	best := 0.0
	for i, p := range open {
		raw[i] = claimed(p, q)
		best = math.Max(best, raw[i])
	}
	if best <= 0 {
		return nil, false
	}
	floor := math.Max(q.Floor, cfg.Threshold*best)
	scored := make([]Choice, 0, len(open))
	for i, p := range open {
		if raw[i] < floor {
			continue
		}
		scored = append(scored, Choice{ID: p.ID, Score: raw[i]/best + cfg.ShortcutWeight*min(max(p.Shortcut, 0), 1)})
	}
	sort.SliceStable(scored, func(i, j int) bool { return scored[i].Score > scored[j].Score })
	f := min(cfg.Fanout, cfg.MaxFanout, len(scored))
	out := append([]Choice(nil), scored[:f]...)
	if q.Floor == 0 && rng.Float64() < cfg.Explore { // the origin explores, forwarders do not
		chosen := make(map[string]bool, len(out))
		for _, c := range out {
			chosen[c.ID] = true
		}
		var pool []Peer // peers whose summary has not reached us: what exploring can discover
		for _, p := range open {
			if !chosen[p.ID] && p.Collection == nil {
				pool = append(pool, p)
			}
		}
		if len(pool) > 0 {
			c := Choice{ID: pool[rng.IntN(len(pool))].ID, Random: true}
			if len(out) >= max(cfg.Fanout, 1) && len(out) > 1 {
				out[len(out)-1] = c // exploration takes a slot, never adds one
			} else {
				out = append(out, c)
			}
		}
	}
	return out, true
}

// Floor is the collection score a forwarder's peers must reach for q to be
// forwarded to them, set by the origin once it has chosen (asked: the IDs
// it sends the query to): Threshold × the best CollectionScore among
// peers, raised above the best peer it did not ask, so that forwarders add
// only peers the origin could not judge (no summary yet) and that beat
// every peer it chose not to ask; 0 when no peer has a summary.
func Floor(cfg Config, peers []Peer, q Query, asked map[string]bool) float64 {
	best, skipped := 0.0, 0.0
	for _, p := range peers {
		s := claimed(p, q)
		best = math.Max(best, s)
		if !asked[p.ID] {
			skipped = math.Max(skipped, s)
		}
	}
	if best == 0 {
		return 0
	}
	floor := cfg.Threshold * best
	if skipped >= floor {
		floor = math.Nextafter(skipped, math.Inf(1))
	}
	return floor
}
