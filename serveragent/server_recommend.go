package serveragent

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/recommend"
	"github.com/p2pir/p2pir/usermodel"
)

// Recommend implements p2pirv1.PeerServer: this node's liked documents
// (URLs whose latest mark is interested, http(s) only) ranked for the
// asker's fingerprint, without those the asker excludes. The asker must
// be the caller's TLS identity (PERMISSION_DENIED otherwise).
//
// Liked URLs and titles tell peers what the person reads, so they go only
// to the peers of our cluster, and only while the person shares: with
// sharing off, or to a caller we do not know to be in our cluster (see
// inOurCluster), the answer is empty.
//
// Score is the cosine of the document's fingerprint (its marked term
// vector hashed like a profile) and the asker's; without a fingerprint
// every score is 0. Ties go to the URL. Likes is 1: a node speaks for its
// one person, however many times they marked the document.
func (n *Node) Recommend(ctx context.Context, req *p2pirv1.RecommendRequest) (*p2pirv1.RecommendResponse, error) {
	caller, err := n.caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.GetAsker().GetNodeId() != caller {
		return nil, status.Errorf(codes.PermissionDenied, "serveragent: asker %q is not the caller %s", req.GetAsker().GetNodeId(), caller)
	}
	resp := &p2pirv1.RecommendResponse{Node: n.self.proto()}
	sharing, err := n.st.Sharing(ctx)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "serveragent: sharing setting: %v", err)
	}
	if !sharing || !n.inOurCluster(caller) {
		return resp, nil
	}
	liked, err := n.liked(ctx)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "%v", err)
	}
	asker, hasFP := parseWireFP(req.GetFingerprint())
	excluded := req.ExcludeFilter()
	type scored struct {
		l     likedDoc
		score float64
	}
	var cands []scored
	for _, l := range liked {
		if excluded(l.url) {
			continue
		}
		s := scored{l: l}
		if hasFP {
			s.score = asker.Similarity(l.fp)
		}
		cands = append(cands, s)
	}
	sort.Slice(cands, func(i, j int) bool {
		a, b := cands[i], cands[j]
		if a.score != b.score {
			return a.score > b.score
		}
		return a.l.url < b.l.url
	})
	for _, c := range cands {
		if len(resp.Recommendations) == int(req.GetK()) {
			break
		}
		resp.Recommendations = append(resp.Recommendations, &p2pirv1.Recommendation{
			Url: c.l.url, Title: truncate(c.l.title, p2pirv1.MaxTitleBytes), Score: c.score,
			Likes: 1, NodeId: n.self.ID,
		})
	}
	return resp, nil
}

// inOurCluster reports whether the node id is, as far as we know, a peer
// of our cluster: we know its fingerprint and, once we have clustered
// with a cluster of our own, that fingerprint is nearest to our
// cluster's centroid (which also places peers met since the last
// clustering). Fingerprints are what nodes claim: this keeps liked
// documents from strangers and other interest groups, not from a node
// that copies a fingerprint like ours.
func (n *Node) inOurCluster(id string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	p := n.peers[id]
	if p == nil || !p.hasFP {
		return false
	}
	if n.ownClust < 0 {
		return true // not clustered yet: every peer that shares counts
	}
	c, _ := n.clusters.Nearest(p.fp.Vec.RawVector().Data)
	return c == n.ownClust
}

// likedDoc is a document this node's person likes.
type likedDoc struct {
	url, title string
	fp         usermodel.Fingerprint
}

// liked lists the URLs whose latest mark is interested (http(s) only), in
// URL order.
func (n *Node) liked(ctx context.Context) ([]likedDoc, error) {
	marks, err := n.st.Marks(ctx)
	if err != nil {
		return nil, fmt.Errorf("serveragent: marks: %w", err)
	}
	latest := map[string]usermodel.Mark{}
	for _, m := range marks { // Seq order: later marks win
		if !isWebURL(m.URL) || len(m.URL) > p2pirv1.MaxURLBytes {
			continue
		}
		latest[m.URL] = m
	}
	var out []likedDoc
	for u, m := range latest {
		if !m.Interested {
			continue
		}
		fp, err := usermodel.FingerprintOf(m.Doc, p2pirv1.FingerprintDim)
		if err != nil {
			continue
		}
		out = append(out, likedDoc{url: u, title: m.Title, fp: fp})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].url < out[j].url })
	return out, nil
}

// Recommendations is what Node.RecommendFromPeers found.
type Recommendations struct {
	// Items are the recommended documents, best first.
	Items []recommend.Item `json:"items"`
	// Unresponsive are the peers asked that failed.
	Unresponsive []Unresponsive `json:"unresponsive"`
}

// RecommendFromPeers asks the peers of our cluster (all peers with a fingerprint
// when there is no clustering yet), at most Config.RecommendPeers of the
// most similar, for their liked documents and ranks them with
// recommend.Rank: each peer's own ranking (its scores for our
// fingerprint) weighted by the peer's similarity to us, without the
// documents we marked either way (sent as salted hashes, and filtered
// again here since peers are not trusted to).
func (n *Node) RecommendFromPeers(ctx context.Context, k int) (*Recommendations, error) {
	if k < 1 || k > p2pirv1.MaxRecommendations {
		return nil, fmt.Errorf("serveragent: recommend: k %d, want 1 to %d", k, p2pirv1.MaxRecommendations)
	}
	own, sharing, err := n.ownFingerprint(ctx)
	if err != nil {
		return nil, err
	}
	marks, err := n.st.Marks(ctx)
	if err != nil {
		return nil, fmt.Errorf("serveragent: recommend: marks: %w", err)
	}
	seen := map[string]bool{}
	for _, m := range marks {
		seen[m.URL] = true
	}
	req := &p2pirv1.RecommendRequest{Asker: n.self.proto(), K: int32(k)}
	if sharing && !own.IsZero() {
		req.Fingerprint = wireFP(own)
	}
	if len(seen) > 0 {
		req.ExcludeSalt = p2pirv1.NewExcludeSalt()
		for i := len(marks) - 1; i >= 0 && len(req.Exclude) < p2pirv1.MaxExclude; i-- { // most recent first
			h := p2pirv1.ExcludeHash(req.ExcludeSalt, marks[i].URL)
			if !containsHash(req.Exclude, h) {
				req.Exclude = append(req.Exclude, h)
			}
		}
	}

	targets := n.recommendTargets(own)
	answers := make([]recommend.PeerLikes, len(targets))
	errs := make([]error, len(targets))
	var wg sync.WaitGroup
	for i, p := range targets {
		wg.Go(func() {
			answers[i], errs[i] = n.callRecommend(ctx, p, req, own)
		})
	}
	wg.Wait()
	out := &Recommendations{}
	var ok []recommend.PeerLikes
	for i, err := range errs {
		if err != nil {
			out.Unresponsive = append(out.Unresponsive, Unresponsive{NodeID: targets[i].info.ID, Reason: reason(err)})
			continue
		}
		ok = append(ok, answers[i])
	}
	out.Items = recommend.Rank(n.cfg.Recommend, ok, seen, func(u string) string { return u }, k)
	return out, nil
}

// recommendTargets are the peers to ask: our cluster's routable members
// (see peer.routable), else every peer with a fingerprint, the most similar first.
func (n *Node) recommendTargets(own usermodel.Fingerprint) []snapshot {
	_, ownC := n.Clusters()
	var out []snapshot
	for _, s := range n.snapshots() {
		if s.fp == nil || !s.routable || (ownC >= 0 && s.cluster != ownC) {
			continue
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool { return own.Similarity(out[i].fpv) > own.Similarity(out[j].fpv) })
	if len(out) > n.cfg.RecommendPeers {
		out = out[:n.cfg.RecommendPeers]
	}
	return out
}

// callRecommend asks one peer, within PerPeerTimeout.
func (n *Node) callRecommend(ctx context.Context, p snapshot, req *p2pirv1.RecommendRequest, own usermodel.Fingerprint) (recommend.PeerLikes, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.PerPeerTimeout)
	defer cancel()
	cc, err := n.conn(ctx, p.info.ID, p.info.Addr)
	if err != nil {
		return recommend.PeerLikes{}, err
	}
	start := time.Now()
	resp, err := p2pirv1.NewPeerClient(n.counted(cc)).Recommend(ctx, req)
	if err == nil && resp.GetNode().GetNodeId() != p.info.ID {
		err = fmt.Errorf("serveragent: forged node ID: %s answered as %q", p.info.ID, resp.GetNode().GetNodeId())
	}
	n.observe(p.info.ID, p.info.Addr, time.Since(start), err)
	if err != nil {
		return recommend.PeerLikes{}, err
	}
	pl := recommend.PeerLikes{NodeID: p.info.ID, Similarity: own.Similarity(p.fpv)}
	for _, r := range resp.GetRecommendations() {
		pl.Docs = append(pl.Docs, recommend.Liked{URL: r.GetUrl(), Title: r.GetTitle(), Content: r.GetContent(), Score: r.GetScore()})
	}
	return pl, nil
}

func containsHash(hs [][]byte, h []byte) bool {
	for _, x := range hs {
		if string(x) == string(h) {
			return true
		}
	}
	return false
}
