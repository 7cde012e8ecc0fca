package serveragent

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/share"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// collection is a node's collection summary (p2pirv1.SummaryBody),
// parsed for lookups: what pooling and routing read. It never changes once
// made; a newer summary replaces it whole.
type collection struct {
	version        uint64
	docs, totalLen uint64
	hashes         []uint32 // ascending
	dfs            []uint32
	impacts        []byte
	// wire is the signed summary, passed on in gossip as received.
	wire *p2pirv1.CollectionSummary
	// vec is the collection's vector (see vector), made once.
	vecOnce sync.Once
	vec     []float64
	// filter has bit h mod filterBits set for every hash h in hashes: a
	// query term whose bit is clear is not in the collection, without a
	// search. Interest routing scores every peer's collection for every
	// query term, and most terms are in few collections.
	filter [filterBits / 64]uint64
}

// filterBits is the size of a collection's filter: with the few hundred
// terms of a small collection, about one absent term in ten passes it.
const filterBits = 4096

// Term implements routing.Collection.
func (c *collection) Term(h uint32) (uint32, float64, bool) {
	if c.filter[h/64%(filterBits/64)]&(1<<(h%64)) == 0 {
		return 0, 0, false
	}
	i, ok := slices.BinarySearch(c.hashes, h)
	if !ok {
		return 0, 0, false
	}
	return c.dfs[i], float64(c.impacts[i]) / 256, true
}

func collectionOf(b *p2pirv1.SummaryBody, wire *p2pirv1.CollectionSummary) *collection {
	c := &collection{version: b.GetVersion(), docs: b.GetDocs(), totalLen: b.GetTotalLen(),
		hashes: b.GetTermHashes(), dfs: b.GetDfs(), impacts: b.GetImpacts(), wire: wire}
	for _, h := range c.hashes {
		c.filter[h/64%(filterBits/64)] |= 1 << (h % 64)
	}
	return c
}

// sharesWith reports whether a document may be answered to peers, and so
// belongs in the collection summary: web pages (http and https URLs), and
// files under the folders of roots, as Search answers them (sharedLink).
func sharesWith(roots share.Roots) func(index.Meta) bool {
	return func(m index.Meta) bool {
		if isWebURL(m.URL) {
			return true
		}
		if m.Source != index.SourceFile || m.ID != index.DocID(m.URL) {
			return false
		}
		_, ok := roots.File(m.URL)
		return ok
	}
}

// ownCollection returns this node's own summary; nil when it shares no
// document. It is made again when the shared folders change (at once: an
// unshared folder's terms must not go on reaching peers) or the index
// changes (in the background, at most one rebuild at a time, the previous
// summary served meanwhile: a summary reads every shared document, and a
// search must not wait for that after each page a crawl adds).
func (n *Node) ownCollection(ctx context.Context) (*collection, error) {
	v := n.ix.Version()
	var dirs []string
	if n.cfg.SharedFolders != nil {
		dirs, _ = n.cfg.SharedFolders() // unreadable: nothing shared, as Search answers
	}
	key := strings.Join(dirs, "\x00")
	n.sumMu.Lock()
	defer n.sumMu.Unlock()
	switch {
	case n.ownSumMade && n.ownSumIndex == v && n.ownSumShared == key:
		return n.ownSum, nil
	case n.ownSumMade && n.ownSumShared == key:
		if !n.ownSumBuilding {
			n.ownSumBuilding = true
			go func() {
				n.sumMu.Lock()
				defer n.sumMu.Unlock()
				defer func() { n.ownSumBuilding = false }()
				if n.ownSumIndex != n.ix.Version() {
					_ = n.buildOwnCollectionLocked(context.Background(), dirs, key) // failed: the next call tries again
				}
			}()
		}
		return n.ownSum, nil
	}
	if err := n.buildOwnCollectionLocked(ctx, dirs, key); err != nil {
		return nil, err
	}
	return n.ownSum, nil
}

// RefreshCollection makes this node's collection summary again now, from
// the index and the shared folders as they are, instead of at the next
// gossip or search after a change: a caller that has just indexed or
// removed documents (a finished indexing job) calls it so that peers get
// the new summary at the next exchange. Cost: one pass over the shared
// documents' term vectors.
func (n *Node) RefreshCollection(ctx context.Context) error {
	var dirs []string
	if n.cfg.SharedFolders != nil {
		dirs, _ = n.cfg.SharedFolders() // unreadable: nothing shared, as Search answers
	}
	n.sumMu.Lock()
	defer n.sumMu.Unlock()
	return n.buildOwnCollectionLocked(ctx, dirs, strings.Join(dirs, "\x00"))
}

// buildOwnCollectionLocked makes this node's summary from the index as it
// is now and the shared folders dirs (key: their joined form). n.sumMu is
// held.
func (n *Node) buildOwnCollectionLocked(ctx context.Context, dirs []string, key string) error {
	v := n.ix.Version()
	s, err := n.ix.Summarize(ctx, sharesWith(share.Resolve(dirs)), n.cfg.SummaryTerms)
	if err != nil {
		return fmt.Errorf("serveragent: collection summary: %w", err)
	}
	var c *collection
	if s.Docs > 0 {
		body := summaryBody(s)
		body.NodeId = n.self.ID
		body.Version = max(uint64(time.Now().UnixMilli()), n.ownSumVersion+1)
		wire, err := p2pirv1.SignSummary(n.id.PublicKey(), n.id.Sign, body)
		if err != nil {
			return fmt.Errorf("serveragent: collection summary: %w", err)
		}
		c = collectionOf(body, wire)
		n.ownSumVersion = body.Version
	}
	n.ownSum, n.ownSumIndex, n.ownSumShared, n.ownSumMade = c, v, key, true
	return nil
}

// summaryBody is s in wire form: terms by hash (two terms with one hash
// keep the larger frequency and impact: an estimate either way), impacts
// rounded up to 1/256ths so that they stay upper bounds.
func summaryBody(s index.Summary) *p2pirv1.SummaryBody {
	type term struct {
		h   uint32
		df  uint32
		imp byte
	}
	ts := make([]term, 0, len(s.Terms))
	for _, t := range s.Terms {
		ts = append(ts, term{p2pirv1.TermHash(t.Term), t.DF, byte(min(255, math.Ceil(t.MaxImpact*256)))})
	}
	slices.SortFunc(ts, func(a, b term) int { return cmp.Compare(a.h, b.h) })
	b := &p2pirv1.SummaryBody{Docs: s.Docs, TotalLen: s.TotalLen}
	for _, t := range ts {
		if k := len(b.TermHashes); k > 0 && b.TermHashes[k-1] == t.h {
			b.Dfs[k-1] = min(max(b.Dfs[k-1], t.df), uint32(min(s.Docs, math.MaxUint32)))
			b.Impacts[k-1] = max(b.Impacts[k-1], t.imp)
			continue
		}
		b.TermHashes = append(b.TermHashes, t.h)
		b.Dfs = append(b.Dfs, t.df)
		b.Impacts = append(b.Impacts, t.imp)
	}
	return b
}

// learnCollection keeps a peer's collection summary: sender passed it on
// (the summary's own node when firsthand). It is kept only for a node in
// the peer table, only when newer than the one held, and only when its
// signature is the node's own: a peer cannot forge another's summary.
func (n *Node) learnCollection(s *p2pirv1.CollectionSummary, sender string, firsthand bool) {
	body, coll, valid := n.decoded.collection(s) // parsed and checked once
	if !valid {
		return
	}
	id := body.GetNodeId()
	if id == n.self.ID || (firsthand && id != sender) {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if p := n.peers[id]; p != nil && (p.coll == nil || body.GetVersion() > p.coll.version) {
		p.coll = coll
		n.staleLocked()
	}
}

// pooled is a query's pooled collection statistics: this node's shared
// documents and every summary it holds.
type pooled struct {
	docs     uint64
	avgLen   float64
	df       map[string]uint64
	peers    int // summaries pooled, own not counted
	selected []routing.QueryTerm
}

// pool adds up the collection statistics of terms over this node's own
// summary and its peers'; ok is false when no peer's summary is known
// (the pool would be this node alone: nothing to align with).
func (n *Node) pool(ctx context.Context, terms []index.WeightedTerm) (pooled, bool) {
	var colls []*collection
	n.mu.Lock()
	for _, p := range n.peers {
		if p.coll != nil {
			colls = append(colls, p.coll)
		}
	}
	n.mu.Unlock()
	if len(colls) == 0 {
		return pooled{}, false // nothing to pool with: the own summary is not needed
	}
	own, err := n.ownCollection(ctx)
	if err != nil {
		own = nil
	}
	if own != nil {
		colls = append(colls, own)
	}
	out := pooled{df: make(map[string]uint64, len(terms)), peers: len(colls)}
	if own != nil {
		out.peers--
	}
	var total uint64
	hashes := make([]uint32, len(terms))
	for i, t := range terms {
		hashes[i] = p2pirv1.TermHash(t.Term)
	}
	for _, c := range colls {
		out.docs += c.docs
		total += c.totalLen
		for i, t := range terms {
			if df, _, ok := c.Term(hashes[i]); ok {
				out.df[t.Term] += uint64(df)
			}
		}
	}
	if out.docs == 0 {
		return pooled{}, false
	}
	out.avgLen = float64(total) / float64(out.docs)
	for i, t := range terms {
		out.selected = append(out.selected, routing.QueryTerm{Hash: hashes[i], Weight: t.Weight, IDF: idf(out.docs, out.df[t.Term])})
	}
	return out, true
}

// wire is p's request form, for terms.
func (p pooled) wire(terms []index.WeightedTerm) *p2pirv1.CorpusStats {
	c := &p2pirv1.CorpusStats{Docs: p.docs, AvgDocLen: math.Min(p.avgLen, p2pirv1.MaxAvgDocLen)}
	for _, t := range terms {
		c.Terms = append(c.Terms, &p2pirv1.TermDF{Term: t.Term, Df: p.df[t.Term]})
	}
	return c
}

// PooledStats are the collection statistics of terms pooled over this
// node's shared documents and the collection summaries of its peers, as
// SearchPeers sends them; nil when no peer's summary is known or with
// Config.RankFusion. The client agent searches its local index with them
// so that local and peers' scores rank on one scale.
func (n *Node) PooledStats(ctx context.Context, terms []index.WeightedTerm) *index.CorpusStats {
	terms = positive(terms)
	if n.cfg.RankFusion || len(terms) == 0 {
		return nil
	}
	p, ok := n.pool(ctx, terms)
	if !ok {
		return nil
	}
	return indexCorpus(p.wire(terms))
}

// wireCorpus is c's request form for terms.
func wireCorpus(c *index.CorpusStats, terms []index.WeightedTerm) *p2pirv1.CorpusStats {
	out := &p2pirv1.CorpusStats{Docs: max(c.Docs, 1), AvgDocLen: math.Min(math.Max(c.AvgDocLen, 0), p2pirv1.MaxAvgDocLen)}
	for _, t := range terms {
		out.Terms = append(out.Terms, &p2pirv1.TermDF{Term: t.Term, Df: c.DF[t.Term]})
	}
	return out
}

// indexCorpus is a request's pooled statistics as the index takes them.
func indexCorpus(c *p2pirv1.CorpusStats) *index.CorpusStats {
	if c == nil {
		return nil
	}
	out := &index.CorpusStats{Docs: c.GetDocs(), AvgDocLen: c.GetAvgDocLen(), DF: make(map[string]uint64, len(c.GetTerms()))}
	for _, t := range c.GetTerms() {
		out.DF[t.GetTerm()] = t.GetDf()
	}
	return out
}

// queryTerms are a request's positive terms for collection selection,
// with idf from its pooled statistics; none without them.
func queryTerms(req *p2pirv1.SearchRequest) []routing.QueryTerm {
	c := req.GetCorpus()
	if c == nil {
		return nil
	}
	df := make(map[string]uint64, len(c.GetTerms()))
	for _, t := range c.GetTerms() {
		df[t.GetTerm()] = t.GetDf()
	}
	var out []routing.QueryTerm
	for _, t := range req.GetTerms() {
		if t.GetWeight() > 0 {
			out = append(out, routing.QueryTerm{Hash: p2pirv1.TermHash(t.GetTerm()), Weight: t.GetWeight(), IDF: idf(c.GetDocs(), df[t.GetTerm()])})
		}
	}
	return out
}

// idf is the index's BM25 idf (floored Robertson–Spärck Jones) of a term in
// df of n documents; a term in none counts as in one.
func idf(n, df uint64) float64 {
	df = min(max(df, 1), n)
	r := (float64(n) - float64(df) + 0.5) / (float64(df) + 0.5)
	if r < 2 {
		r = 1 + r/2
	}
	return math.Log(r)
}

// gossipSummaryBytes bounds the summaries of others one gossip message
// carries, so that with the sender's own (at most MaxSummaryBytes) it stays
// well within MaxMessageBytes.
const gossipSummaryBytes = p2pirv1.MaxMessageBytes / 2

// gossipSummariesLocked is a random sample of the summaries this node holds for
// others, at most Config.GossipSummaries, never to's own.
func (n *Node) gossipSummariesLocked(to string, perm []int, snaps []snapshot) []*p2pirv1.CollectionSummary {
	var out []*p2pirv1.CollectionSummary
	budget := gossipSummaryBytes
	for _, i := range perm {
		if len(out) >= n.cfg.GossipSummaries {
			break
		}
		s := snaps[i]
		if s.coll == nil || s.info.ID == to || len(s.coll.wire.GetBody()) > budget {
			continue
		}
		budget -= len(s.coll.wire.GetBody())
		out = append(out, s.coll.wire)
	}
	return out
}

// markWeight is how much a person's marks count against their library in
// interestVectors. A profile learnt from marks contrasts the results they
// liked with those they rejected, which come from the same field: it tells
// people apart within a field (what recommendation needs) but hardly tells
// fields apart, and at equal weight its spread hid the fields from the
// clustering (CRAN + MED + CISI, 30 nodes: one cluster, purity 0.37, from
// round 1 on). At 1/4 the library decides the field.
const markWeight = 0.25

// interestVectors are what nodes are clustered by, one per node (fps[i]
// and colls[i] are node i's): its collection summary (what its person keeps
// and shares; nil when none) and its person's fingerprint (what they
// marked; nil when not shared). The collection vectors are centred on
// their mean over the nodes first, so that what every library holds (the
// words of any scientific text) does not pull them together and what sets
// a library apart decides; then each is made unit, the fingerprint added
// at markWeight and the sum made unit. Marks alone are sparse early on — a
// few queries' worth of documents, which match another person's only
// where their queries met — while a person's library says their interests
// from the start. Only people who share their profile are clustered
// (clusters decide who may see their likes): nil for a nil fp; a zero fp
// (sharing, nothing marked yet) counts the collection alone.
func interestVectors(fps [][]float64, colls []*collection) [][]float64 {
	dim := p2pirv1.FingerprintDim
	cvs := make([][]float64, len(colls))
	mean := make([]float64, dim)
	n := 0
	for i, c := range colls {
		if fps[i] == nil {
			continue
		}
		if cvs[i] = c.vector(dim); cvs[i] != nil {
			n++
			for d, x := range cvs[i] {
				mean[d] += x
			}
		}
	}
	out := make([][]float64, len(fps))
	for i, fp := range fps {
		if fp == nil {
			continue
		}
		cv := cvs[i]
		if cv != nil && n > 1 {
			c := make([]float64, dim)
			for d := range c {
				c[d] = cv[d] - mean[d]/float64(n)
			}
			cv = unit(c)
		}
		out[i] = blend(fp, cv)
	}
	return out
}

// blend is cv + markWeight·fp made unit (fp alone without cv; cv alone for
// a zero fp); nil when the sum is zero.
func blend(fp, cv []float64) []float64 {
	zero := true
	for _, x := range fp {
		zero = zero && x == 0
	}
	switch {
	case cv == nil:
		return fp
	case zero:
		return slices.Clone(cv)
	}
	out := make([]float64, len(fp))
	for i := range out {
		out[i] = cv[i] + markWeight*fp[i]
	}
	return unit(out)
}

// unit is v scaled to length 1 in place; nil for a zero v.
func unit(v []float64) []float64 {
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	if norm == 0 {
		return nil
	}
	norm = math.Sqrt(norm)
	for i := range v {
		v[i] /= norm
	}
	return v
}

// vector is the collection hashed into dim dimensions as a unit vector:
// each term adds its share of the documents that hold it (df/docs: the
// centroid of the documents' term sets) at the dimension its hash picks,
// with the sign of another bit of the hash (signed feature hashing, like
// fingerprints, so that colliding terms cancel rather than add up). Made
// once per collection (a collection never changes). Nil for a nil or empty
// collection.
func (c *collection) vector(dim int) []float64 {
	if c == nil || len(c.hashes) == 0 {
		return nil
	}
	c.vecOnce.Do(func() {
		v := make([]float64, dim)
		for i, h := range c.hashes {
			w := float64(c.dfs[i]) / float64(max(c.docs, 1))
			if h&(1<<31) != 0 {
				w = -w
			}
			v[int(h%uint32(dim))] += w
		}
		c.vec = unit(v)
	})
	if len(c.vec) != dim {
		return nil
	}
	return c.vec
}
