// Package recommend ranks documents for a person from what similar people
// liked: user-based collaborative filtering across nodes. Each peer
// answers with the documents its people marked interested; a document's
// score is the sum, over the peers that liked it, of the peer's similarity
// to the asker (fingerprint cosine) times how many of its people liked it
// (positive neighbours only, not normalised, so agreement among several
// similar peers counts more than one peer's say). Documents the asker has seen or
// rejected are dropped. Popularity and random rankings are provided as
// baselines for experiments. Pure: no network.
package recommend

import (
	"math/rand/v2"
	"sort"
)

// Liked is one document a peer's people marked interested.
type Liked struct {
	URL     string
	Title   string
	Content string
	// Likes is how many of the peer's people marked it interested (>= 1).
	Likes int
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
	URL, Title, Content string
	Score               float64
	// Peers are the nodes whose people liked it.
	Peers []string
	Likes int
}

// Rank returns up to k documents liked by peers similar to the asker,
// best first, without those in exclude (keys as given by key, e.g. the
// canonical URL). Ties go to more likes, then to the URL, so the ranking
// is reproducible.
func Rank(cfg Config, answers []PeerLikes, exclude map[string]bool, key func(string) string, k int) []Item {
	type acc struct{ item Item }
	byKey := map[string]*acc{}
	for _, a := range answers {
		if a.Similarity <= cfg.MinSimilarity {
			continue
		}
		seen := map[string]bool{}
		for _, d := range a.Docs {
			kk := key(d.URL)
			if exclude[kk] || seen[kk] || d.Likes <= 0 {
				continue
			}
			seen[kk] = true
			x := byKey[kk]
			if x == nil {
				x = &acc{item: Item{URL: d.URL, Title: d.Title, Content: d.Content}}
				byKey[kk] = x
			}
			x.item.Score += a.Similarity * float64(d.Likes)
			x.item.Likes += d.Likes
			x.item.Peers = append(x.item.Peers, a.NodeID)
		}
	}
	var out []Item
	for _, x := range byKey {
		if len(x.item.Peers) < max(cfg.MinPeers, 1) {
			continue
		}
		out = append(out, x.item)
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
		if a.Likes != b.Likes {
			return a.Likes > b.Likes
		}
		return a.URL < b.URL
	})
}

// Popularity is the baseline that ignores similarity: documents by total
// likes across all peers.
func Popularity(answers []PeerLikes, exclude map[string]bool, key func(string) string, k int) []Item {
	flat := make([]PeerLikes, len(answers))
	for i, a := range answers {
		flat[i] = PeerLikes{NodeID: a.NodeID, Similarity: 1, Docs: a.Docs}
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
