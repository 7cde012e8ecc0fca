package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent/cluster"
	"github.com/p2pir/p2pir/serveragent/recommend"
)

// fingerprintDim is the length of the reference network's interest
// fingerprints (hashed words of liked documents).
const fingerprintDim = 256

// ReferenceNet is the harness's reference network, for testing the
// harness's invariants; it is not the p2p network. Each node is a real
// index.Index in a temporary folder and searches are real BM25 searches,
// fused with clientagent.Merge (RRF) as a node's client agent does, but
// there is no RPC and no gossip:
//
//   - the overlay is a ring lattice, each node linked to the
//     OverlayDegree/2 nearest nodes on either side;
//   - "local" searches the asker's index only;
//   - "flood" forwards the query to every neighbour up to TTL hops; a node
//     that already has it drops it (the message still counts);
//   - "walk" sends Walkers walkers WalkHops steps each to random
//     neighbours (not straight back when it can);
//   - "interest" asks directly the FanOut peers whose fingerprints are
//     most similar, same cluster first (random peers before any mark);
//   - membership is complete from the start; Round clusters the nodes'
//     fingerprints (hashed words of the documents their person liked)
//     with serveragent/cluster;
//   - recommendations rank what the other people liked with
//     serveragent/recommend, weighted by fingerprint similarity.
//
// Bytes are estimated: a request costs its text plus 16 bytes, an answer
// its URLs plus 16 bytes each.
type ReferenceNet struct {
	cfg     Config
	dir     string
	ix      []*index.Index
	text    map[string]string // URL -> title and text, for fingerprints
	likes   [][]string        // node -> liked URLs in mark order
	seen    []map[string]bool // node -> URLs judged
	fp      [][]float64
	labels  []int
	queries int
	// received and bytes count, per node, the requests that arrived and
	// the bytes of requests and answers it handled: what Carried sums.
	received []atomic.Int64
	bytes    []atomic.Int64
}

// NewReferenceNet opens n empty node indexes in a temporary folder.
func NewReferenceNet(ctx context.Context, cfg Config, n int) (Net, error) {
	dir, err := os.MkdirTemp("", "p2pir-sim-")
	if err != nil {
		return nil, fmt.Errorf("reference network: %w", err)
	}
	r := &ReferenceNet{cfg: cfg, dir: dir, text: map[string]string{}, labels: make([]int, n),
		received: make([]atomic.Int64, n), bytes: make([]atomic.Int64, n)}
	for i := range n {
		ix, err := index.Open(filepath.Join(dir, strconv.Itoa(i)), index.DefaultConfig())
		if err != nil {
			r.Close()
			return nil, fmt.Errorf("reference network: node %d: %w", i, err)
		}
		r.ix = append(r.ix, ix)
		r.likes = append(r.likes, nil)
		r.seen = append(r.seen, map[string]bool{})
		r.fp = append(r.fp, make([]float64, fingerprintDim))
		r.labels[i] = -1
	}
	return r, nil
}

// Nodes implements Net.
func (r *ReferenceNet) Nodes() int { return len(r.ix) }

// AddDocuments implements Net.
func (r *ReferenceNet) AddDocuments(ctx context.Context, i int, docs []Document) error {
	batch := make([]index.Document, len(docs))
	for j, d := range docs {
		batch[j] = index.Document{ID: d.URL, URL: d.URL, Title: d.Title, Body: d.Text, Source: index.SourceWeb}
		r.text[d.URL] = d.Title + " " + d.Text
	}
	if err := r.ix[i].Index(ctx, batch); err != nil {
		return fmt.Errorf("node %d: index documents: %w", i, err)
	}
	return nil
}

// neighbours returns node i's overlay neighbours, ascending.
func (r *ReferenceNet) neighbours(i int) []int {
	n := len(r.ix)
	var out []int
	for d := 1; d <= r.cfg.OverlayDegree/2; d++ {
		for _, j := range []int{(i + d) % n, (i - d + n) % n} {
			if j != i && !slices.Contains(out, j) {
				out = append(out, j)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Search implements Net.
func (r *ReferenceNet) Search(ctx context.Context, i int, text, strategy string, k int) (SearchResult, error) {
	start := time.Now()
	r.queries++
	res := SearchResult{QueryID: fmt.Sprintf("q%d-%d", i, r.queries)}
	rng := rand.New(rand.NewPCG(r.cfg.Seed, hashString(fmt.Sprintf("%d/%s/%s/%d", i, strategy, text, r.queries))))
	reached := map[int]bool{}
	send := func(to int) bool { // one request; reports whether to is new
		res.Messages++
		b := int64(len(text) + 16)
		res.BytesSent += b
		r.received[to].Add(1)
		r.bytes[to].Add(b)
		if to == i || reached[to] {
			return false
		}
		reached[to] = true
		return true
	}
	switch strategy {
	case StrategyLocal:
	case StrategyFlood:
		type hop struct{ node, from, ttl int }
		queue := []hop{{i, -1, r.cfg.TTL}}
		for len(queue) > 0 {
			h := queue[0]
			queue = queue[1:]
			if h.ttl == 0 {
				continue
			}
			for _, nb := range r.neighbours(h.node) {
				if nb == h.from {
					continue
				}
				if send(nb) {
					queue = append(queue, hop{nb, h.node, h.ttl - 1})
				}
			}
		}
	case StrategyWalk:
		for range r.cfg.Walkers {
			at, prev := i, -1
			for range r.cfg.WalkHops {
				nbs := r.neighbours(at)
				if len(nbs) > 1 {
					nbs = slices.DeleteFunc(nbs, func(x int) bool { return x == prev })
				}
				next := nbs[rng.IntN(len(nbs))]
				send(next)
				prev, at = at, next
			}
		}
	case StrategyInterest:
		for _, p := range r.interestPeers(i, rng) {
			send(p)
		}
	default:
		return SearchResult{}, fmt.Errorf("reference network: unknown strategy %q", strategy)
	}
	nodes := []int{i}
	for p := range reached {
		res.Reached = append(res.Reached, p)
	}
	slices.Sort(res.Reached)
	nodes = append(nodes, res.Reached...)
	res.PeersContacted = len(res.Reached)
	var lists []clientagent.SourceHits
	for _, nd := range nodes {
		hits, err := r.searchNode(ctx, nd, text, k)
		if err != nil {
			return SearchResult{}, err
		}
		if nd != i {
			var b int64 = 16
			for _, h := range hits {
				b += int64(len(h.URL) + 16)
			}
			res.BytesReceived += b
			r.bytes[nd].Add(b)
		}
		lists = append(lists, clientagent.SourceHits{Source: "node-" + strconv.Itoa(nd), Weight: 1, Hits: hits})
	}
	merged, err := clientagent.Merge(clientagent.MergeRRF, lists)
	if err != nil {
		return SearchResult{}, fmt.Errorf("reference network: merge: %w", err)
	}
	for _, m := range merged {
		if len(res.URLs) == k {
			break
		}
		res.URLs = append(res.URLs, m.URL)
	}
	res.Latency = time.Since(start)
	return res, nil
}

// searchNode runs text on node nd's index.
func (r *ReferenceNet) searchNode(ctx context.Context, nd int, text string, k int) ([]clientagent.Hit, error) {
	q, err := r.ix[nd].PlainQuery(text)
	if errors.Is(err, index.ErrBadQuery) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("node %d: %w", nd, err)
	}
	rs, err := searchIDs(ctx, r.ix[nd], q, k)
	if err != nil {
		return nil, fmt.Errorf("node %d: %w", nd, err)
	}
	hits := make([]clientagent.Hit, len(rs))
	for j, h := range rs {
		hits[j] = clientagent.Hit{URL: h.ID, Score: h.Score, Rank: j + 1, DocID: h.ID}
	}
	return hits, nil
}

// interestPeers returns the FanOut peers most similar to node i, those of
// its cluster first, or random peers when i has no fingerprint yet.
func (r *ReferenceNet) interestPeers(i int, rng *rand.Rand) []int {
	var peers []int
	for j := range r.ix {
		if j != i {
			peers = append(peers, j)
		}
	}
	if isZero(r.fp[i]) {
		rng.Shuffle(len(peers), func(a, b int) { peers[a], peers[b] = peers[b], peers[a] })
	} else {
		same := func(j int) int {
			if r.labels[i] >= 0 && r.labels[j] == r.labels[i] {
				return 0
			}
			return 1
		}
		slices.SortFunc(peers, func(a, b int) int {
			return cmp.Or(cmp.Compare(same(a), same(b)), cmp.Compare(dot(r.fp[b], r.fp[i]), dot(r.fp[a], r.fp[i])), cmp.Compare(a, b))
		})
	}
	return peers[:min(r.cfg.FanOut, len(peers))]
}

// Mark implements Net: a liked document's words join the fingerprint.
func (r *ReferenceNet) Mark(_ context.Context, i int, _ string, url string, interested bool) error {
	if r.seen[i][url] {
		return nil
	}
	r.seen[i][url] = true
	if !interested {
		return nil
	}
	r.likes[i] = append(r.likes[i], url)
	raw := make([]float64, fingerprintDim)
	for _, u := range r.likes[i] {
		for _, t := range Terms(r.text[u]) {
			raw[hashString(t)%fingerprintDim]++
		}
	}
	normalise(raw)
	r.fp[i] = raw
	return nil
}

// Round implements Net: the nodes' fingerprints are clustered.
func (r *ReferenceNet) Round(ctx context.Context) error {
	var points []cluster.Point
	for i, v := range r.fp {
		points = append(points, cluster.Point{ID: fmt.Sprintf("%06d", i), Vec: v})
	}
	res, err := cluster.Cluster(ctx, points, cluster.Config{Seed: r.cfg.Seed})
	if err != nil {
		return fmt.Errorf("reference network: cluster nodes: %w", err)
	}
	for i := range r.labels {
		if c, ok := res.Assign[fmt.Sprintf("%06d", i)]; ok {
			r.labels[i] = c
		} else {
			r.labels[i] = -1
		}
	}
	return nil
}

// Clusters implements Net.
func (r *ReferenceNet) Clusters(context.Context) ([]int, error) { return slices.Clone(r.labels), nil }

// Members implements Net: membership is complete from the start.
func (r *ReferenceNet) Members(context.Context) ([]int, error) {
	out := make([]int, len(r.ix))
	for i := range out {
		out[i] = len(r.ix)
	}
	return out, nil
}

// Recommend implements Net.
func (r *ReferenceNet) Recommend(_ context.Context, i int, k int) ([]string, error) {
	var answers []recommend.PeerLikes
	for j := range r.ix {
		if j == i || len(r.likes[j]) == 0 {
			continue
		}
		pl := recommend.PeerLikes{NodeID: fmt.Sprintf("%06d", j), Similarity: dot(r.fp[i], r.fp[j])}
		for _, u := range r.likes[j] {
			pl.Docs = append(pl.Docs, recommend.Liked{URL: u})
		}
		answers = append(answers, pl)
	}
	var out []string
	for _, it := range recommend.Rank(recommend.DefaultConfig(), answers, r.seen[i], func(s string) string { return s }, k) {
		out = append(out, it.URL)
	}
	return out, nil
}

// Carried implements Net.
func (r *ReferenceNet) Carried() Traffic {
	var t Traffic
	for i := range r.received {
		t.Messages += r.received[i].Load()
		t.Bytes += r.bytes[i].Load()
	}
	return t
}

// Close implements Net: the indexes are closed and their folder removed.
func (r *ReferenceNet) Close() error {
	var errs []error
	for _, ix := range r.ix {
		errs = append(errs, ix.Close())
	}
	errs = append(errs, os.RemoveAll(r.dir))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("reference network: close: %w", err)
	}
	return nil
}

func isZero(v []float64) bool {
	for _, x := range v {
		if x != 0 {
			return false
		}
	}
	return true
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}
