package serveragent

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
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
}

// Term implements routing.Collection.
func (c *collection) Term(h uint32) (uint32, float64, bool) {
	i, ok := slices.BinarySearch(c.hashes, h)
	if !ok {
		return 0, 0, false
	}
	return c.dfs[i], float64(c.impacts[i]) / 256, true
}

func collectionOf(b *p2pirv1.SummaryBody, wire *p2pirv1.CollectionSummary) *collection {
	return &collection{version: b.GetVersion(), docs: b.GetDocs(), totalLen: b.GetTotalLen(),
		hashes: b.GetTermHashes(), dfs: b.GetDfs(), impacts: b.GetImpacts(), wire: wire}
}

// shares reports whether a document may be answered to peers, and so
// belongs in the collection summary: web pages (http and https URLs).
func (n *Node) shares(m index.Meta) bool { return isWebURL(m.URL) }

// ownCollection returns this node's own summary, made again when the index
// has changed since the last one; nil when it shares no document.
func (n *Node) ownCollection(ctx context.Context) (*collection, error) {
	v := n.ix.Version()
	n.sumMu.Lock()
	defer n.sumMu.Unlock()
	if n.ownSumMade && n.ownSumIndex == v {
		return n.ownSum, nil
	}
	s, err := n.ix.Summarize(ctx, n.shares, n.cfg.SummaryTerms)
	if err != nil {
		return nil, fmt.Errorf("serveragent: collection summary: %w", err)
	}
	var c *collection
	if s.Docs > 0 {
		body := summaryBody(s)
		body.NodeId = n.self.ID
		body.Version = max(uint64(time.Now().UnixMilli()), n.ownSumVersion+1)
		wire, err := p2pirv1.SignSummary(n.id.PublicKey(), n.id.Sign, body)
		if err != nil {
			return nil, fmt.Errorf("serveragent: collection summary: %w", err)
		}
		c = collectionOf(body, wire)
		n.ownSumVersion = body.Version
	}
	n.ownSum, n.ownSumIndex, n.ownSumMade = c, v, true
	return c, nil
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
	body := new(p2pirv1.SummaryBody)
	if s.Validate() != nil || unmarshalBody(s, body) != nil {
		return
	}
	id := body.GetNodeId()
	if id == n.self.ID || (firsthand && id != sender) {
		return
	}
	newer := func() bool {
		p := n.peers[id]
		return p != nil && (p.coll == nil || body.GetVersion() > p.coll.version)
	}
	n.mu.Lock()
	ok := newer()
	n.mu.Unlock()
	if !ok {
		return
	}
	opened, err := s.Open() // the signature check, outside the lock
	if err != nil || identity.NodeIDFromPublicKey(s.GetPublicKey()) != id {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if newer() {
		n.peers[id].coll = collectionOf(opened, s)
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
	own, err := n.ownCollection(ctx)
	if err != nil {
		own = nil
	}
	var colls []*collection
	n.mu.Lock()
	for _, p := range n.peers {
		if p.coll != nil {
			colls = append(colls, p.coll)
		}
	}
	n.mu.Unlock()
	if len(colls) == 0 {
		return pooled{}, false
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

func unmarshalBody(s *p2pirv1.CollectionSummary, body *p2pirv1.SummaryBody) error {
	return proto.Unmarshal(s.GetBody(), body)
}
