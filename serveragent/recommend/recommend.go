// Package recommend ranks documents for a person from what similar people
// liked: user-based collaborative filtering across nodes. Each peer (a
// node, which speaks for its one person) answers with the documents its
// person marked interested, best first for the asker, each with the
// peer's score for the asker (e.g. the cosine of the document's and the
// asker's fingerprints). A document's score is
//
//	Σ over the peers that liked it of sim(peer) × score(peer, doc) / max score(peer)
//
// where sim is the cosine of the peer's and the asker's fingerprints
// (positive neighbours above MinSimilarity only): each peer's own ranking
// is kept (its best document carries its full similarity), and agreement
// among several similar peers counts more than one peer's say. A peer
// whose scores are all zero or below (the asker sent no fingerprint)
// weighs each of its documents equally. "Liked by N people" counts
// distinct peers, never marks nor what a peer claims. Documents the asker
// has seen or rejected are dropped. Popularity and random rankings are
// provided as baselines for experiments. Pure: no network.
package recommend

import (
	"math/rand/v2"
	"slices"
	"sort"
)

// Liked is one document a peer's person marked interested.
type Liked struct {
	URL     string
	Title   string
	Content string
	// Score is the peer's score of the document for the asker (higher is
	// better), comparable only within the peer's answer; 0 when the peer
	// could not rank for the asker.
	Score float64
}

// PeerLikes is one peer's answer with its similarity to the asker.
type PeerLikes struct {
	NodeID string
	// Similarity is the cosine of the peer's and the asker's fingerprints;
	// peers at or below MinSimilarity are ignored.
	Similarity float64
	Docs       []Liked
}

// Config tunes recommendation.
type Config struct {
	// MinSimilarity ignores peers less similar than this. Default 0.1.
	MinSimilarity float64
	// MinPeers is how many distinct peers must like a document before it
	// is recommended. Default 1.
	MinPeers int
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config { return Config{MinSimilarity: 0.1, MinPeers: 1} }

// Item is a recommended document.
type Item struct {
	URL     string  `json:"url"`
	Title   string  `json:"title"`
	Content string  `json:"content,omitempty"`
	Score   float64 `json:"score"`
	// Peers are the distinct nodes whose people liked it, in ID order.
	Peers []string `json:"peers"`
	// People is how many people liked it: one per peer in Peers.
	People int `json:"people"`
}

// Rank returns up to k documents liked by peers similar to the asker,
// best first, without those in exclude (keys as given by key, e.g. the
// canonical URL). Ties go to more people, then to the URL, so the ranking
// is reproducible. Only the first answer of a peer counts, and only the
// first time it names a document.
func Rank(cfg Config, answers []PeerLikes, exclude map[string]bool, key func(string) string, k int) []Item {
	byKey := map[string]*Item{}
	peerSeen := map[string]bool{}
	for _, a := range answers {
		if a.Similarity <= cfg.MinSimilarity || peerSeen[a.NodeID] {
			continue
		}
		peerSeen[a.NodeID] = true
		best := 0.0
		for _, d := range a.Docs {
			best = max(best, d.Score)
		}
		seen := map[string]bool{}
		for _, d := range a.Docs {
			kk := key(d.URL)
			if exclude[kk] || seen[kk] {
				continue
			}
			seen[kk] = true
			x := byKey[kk]
			if x == nil {
				x = &Item{URL: d.URL, Title: d.Title, Content: d.Content}
				byKey[kk] = x
			}
			w := 1.0 // no ranking for us from this peer: every document alike
			if best > 0 {
				w = max(0, d.Score) / best
			}
			x.Score += a.Similarity * w
			x.Peers = append(x.Peers, a.NodeID)
			x.People++
		}
	}
	var out []Item
	for _, x := range byKey {
		if x.People < max(cfg.MinPeers, 1) {
			continue
		}
		slices.Sort(x.Peers)
		out = append(out, *x)
	}
	sortItems(out)
	if len(out) > k {
		out = out[:k]
	}
	return out
}

func sortItems(items []Item) {
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.People != b.People {
			return a.People > b.People
		}
		return a.URL < b.URL
	})
}

// Popularity is the baseline that ignores similarity and the peers'
// scores: documents by how many people (distinct peers) liked them.
func Popularity(answers []PeerLikes, exclude map[string]bool, key func(string) string, k int) []Item {
	flat := make([]PeerLikes, len(answers))
	for i, a := range answers {
		docs := make([]Liked, len(a.Docs))
		for j, d := range a.Docs {
			docs[j] = Liked{URL: d.URL, Title: d.Title, Content: d.Content}
		}
		flat[i] = PeerLikes{NodeID: a.NodeID, Similarity: 1, Docs: docs}
	}
	return Rank(Config{MinSimilarity: 0, MinPeers: 1}, flat, exclude, key, k)
}

// Random is the baseline that picks liked documents at random.
func Random(answers []PeerLikes, exclude map[string]bool, key func(string) string, k int, rng *rand.Rand) []Item {
	all := Popularity(answers, exclude, key, 1<<30)
	sort.Slice(all, func(i, j int) bool { return all[i].URL < all[j].URL })
	rng.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	if len(all) > k {
		all = all[:k]
	}
	return all
}
