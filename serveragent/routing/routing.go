// Package routing decides which peers a forwarded query goes to: by
// interest (peers whose fingerprints match the query and the asker), by
// flooding with a TTL, or by a random walk, the last two as baselines for
// experiments. It also remembers query IDs so a query reaching a node
// twice is processed once. Pure: no network; the server agent calls it.
package routing

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
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
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{Fanout: 3, Explore: 0.1, QueryWeight: 0.7, CentroidWeight: 0.25, Walkers: 1, MaxFanout: 16}
}

// Choice is a peer chosen for a query, with its score and why.
type Choice struct {
	ID     string
	Score  float64
	Random bool // chosen for exploration, not for its score
}

// Select picks the peers a query goes to. query and own are the query's
// and the asker's fingerprints (either may be nil); visited lists node IDs
// the query has already been to (they and self are never chosen). rng
// makes the random parts reproducible.
func Select(strategy string, cfg Config, peers []Peer, query, own []float64, visited map[string]bool, rng *rand.Rand) ([]Choice, error) {
	var open []Peer
	for _, p := range peers {
		if !visited[p.ID] {
			open = append(open, p)
		}
	}
	sort.Slice(open, func(i, j int) bool { return open[i].ID < open[j].ID }) // reproducible whatever the input order
	switch strategy {
	case Flood:
		out := make([]Choice, 0, min(len(open), cfg.MaxFanout))
		for _, i := range rng.Perm(len(open))[:min(len(open), cfg.MaxFanout)] {
			out = append(out, Choice{ID: open[i].ID, Random: true})
		}
		return out, nil
	case Walk:
		n := min(len(open), max(cfg.Walkers, 1), cfg.MaxFanout)
		out := make([]Choice, 0, n)
		for _, i := range rng.Perm(len(open))[:n] {
			out = append(out, Choice{ID: open[i].ID, Random: true})
		}
		return out, nil
	case Interest, "":
	default:
		return nil, fmt.Errorf("routing: unknown strategy %q", strategy)
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
	return out, nil
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
