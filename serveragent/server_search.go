package serveragent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/share"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/routing"
	"github.com/p2pir/p2pir/usermodel"
)

// Search implements p2pirv1.PeerServer: answer a forwarded query from the
// local index and the peers it is routed to. The request has passed
// Validate (interceptor). A query ID seen before is refused with
// ALREADY_EXISTS.
func (n *Node) Search(ctx context.Context, req *p2pirv1.SearchRequest) (*p2pirv1.SearchResponse, error) {
	caller, err := n.caller(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if !n.seen.FirstTime(req.GetQueryId(), start) {
		return nil, status.Errorf(codes.AlreadyExists, "serveragent: query %s already seen at %s", req.GetQueryId(), n.self.ID)
	}
	local, err := n.localResults(ctx, req)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "serveragent: local search: %v", err)
	}
	fw := n.forward(ctx, req, nil, nil)
	lists := append([][]*p2pirv1.Result{local}, fw.lists...)
	scored := req.GetCorpus() != nil && fw.allScored
	resp := &p2pirv1.SearchResponse{
		QueryId:      req.GetQueryId(),
		Node:         n.self.proto(),
		Unresponsive: fw.unresponsive,
		Stats:        fw.stats,
		CorpusScored: scored,
	}
	if scored {
		resp.Results = mergeScores(lists, int(req.GetK()), n.self.ID, n.scoreCeiling(req))
	} else {
		resp.Results = mergeRRF(lists, int(req.GetK()), n.self.ID)
	}
	resp.Trace, resp.TraceDropped = wireTrace(fw.contacts, fw.dropped)
	if n.log.Enabled(ctx, slog.LevelDebug) {
		terms := make([]string, len(req.GetTerms()))
		for i, t := range req.GetTerms() {
			terms[i] = t.GetTerm()
		}
		// The terms at debug only: they are a person's search.
		n.log.Debug("served a peer's query", logx.KeyEvent, logx.EventPeerQuery, logx.KeyPeer, caller,
			"query_id", req.GetQueryId(), "terms", terms, "results", len(resp.Results),
			"forwarded_to", len(fw.contacts), "took_ms", time.Since(start).Milliseconds())
	}
	return resp, nil
}

// PeerQuery is a query the client agent sends to the network.
type PeerQuery struct {
	// Text is the query as typed; optional when Terms are given (and then
	// not sent, as it discloses more than the terms).
	Text string
	// Terms is the weighted query sent to peers, in clear: it should be
	// what the person typed, not a reformulation that discloses terms of
	// the documents they marked. Terms with weight <= 0 are sent (a peer
	// may demote them) but never searched.
	Terms []index.WeightedTerm
	// K is how many results are wanted, 1 to 100; 0 means Config.K.
	K int
	// Hops is how many forwarding steps the query may take, 1 to 16: 1
	// asks only our direct peers, 2 also their peers (A→B→C), and so on;
	// 0 means 1.
	Hops int
	// Strategy is how the query is routed at every hop, this node's and
	// the forwarders': routing.Interest, routing.Flood or routing.Walk;
	// "" means each node's own Config.Strategy.
	Strategy string
	// FanOut is how many peers each node sends the query to (interest:
	// best matches; walk: walkers; flood: at most this many), 0 to
	// p2pirv1.MaxFanOut; 0 means each node's own routing.Config. Every
	// node still applies its own routing.Config.MaxFanout.
	FanOut int
	// Shortcuts are peers this node's person liked results of, by node
	// ID, each in (0, 1] (the share of their results marked interested):
	// interest routing asks them first among peers that can answer.
	// Optional.
	Shortcuts map[string]float64
	// Avoid are peers this node's person will not hear from (the client
	// agent's ignored peers, clientagent.PeerTrust.Ignored), by node ID:
	// this node does not ask them, and their results that come back
	// through other peers are dropped. The list stays here: it is not sent
	// on (peers that forward may still ask them). Optional.
	Avoid []string
	// Corpus are the pooled statistics to send (see PooledStats), so that
	// the caller scores its own index with exactly the same; nil pools
	// them here (unless Config.RankFusion).
	Corpus *index.CorpusStats
}

// Hit is one result from the network.
type Hit struct {
	URL, Title, Content string
	// Score is the finder's BM25 score with the pooled statistics when
	// PeerResults.Corpus is set, else the RRF score of the merge; Rank is
	// 1-based.
	Score float64
	Rank  int
	// NodeID found the document; Path is the way it travelled, from the
	// finder to the peer that answered us.
	NodeID string
	Path   []string
	// Lang is the language the finder says the document is in, when it is
	// one of index.Languages; "" otherwise (not said, or a code this node
	// does not know).
	Lang string
}

// Unresponsive is a peer that failed, timed out or broke the contract.
type Unresponsive struct {
	NodeID string `json:"node_id"`
	Reason string `json:"reason"`
}

// PeerResults is the network's answer to a PeerQuery.
type PeerResults struct {
	Hits         []Hit
	Unresponsive []Unresponsive
	// PeersContacted, Messages and Bytes count the cost of the query
	// over the whole network as the peers reported it (see
	// p2pirv1.SearchStats).
	PeersContacted, Messages uint32
	Bytes                    uint64
	// Trace lists the calls the query took: this node's own, then those
	// the peers reported (Contact.Reported).
	Trace Trace
	// Corpus, when set, are the pooled statistics every answering peer
	// scored with: Hits are ordered by those scores, and the local index
	// searched with the same statistics (index.SearchOptions.Corpus)
	// scores on the same scale. Nil when the answers were merged by rank.
	Corpus *index.CorpusStats
}

// SearchPeers sends a query from this node (the origin) to the peers the
// routing strategy picks, and merges what comes back by RRF. The local
// index is not searched: the client agent has it as a source of its own.
// Peers that fail are reported, never fail the query; an error means the
// query itself is unusable.
//
// Peers receive q's terms (or text) and, only while the person shares, a
// fingerprint of them that routes the query by interest; with sharing
// off no fingerprint is sent.
func (n *Node) SearchPeers(ctx context.Context, q PeerQuery) (*PeerResults, error) {
	if q.K == 0 {
		q.K = n.cfg.K
	}
	if q.Hops == 0 {
		q.Hops = 1
	}
	req := &p2pirv1.SearchRequest{
		QueryId:  n.newQueryID(),
		Origin:   n.self.proto(),
		K:        int32(q.K),
		HopsLeft: int32(q.Hops),
		Visited:  []string{n.self.ID},
		Strategy: q.Strategy,
		FanOut:   int32(q.FanOut),
	}
	vec := usermodel.Vector{}
	for _, t := range q.Terms {
		req.Terms = append(req.Terms, &p2pirv1.WeightedTerm{Term: t.Term, Weight: t.Weight})
		if t.Weight > 0 {
			vec[t.Term] += t.Weight
		}
	}
	if len(q.Terms) == 0 {
		req.Text = q.Text
		for _, t := range n.ix.Analyze(q.Text) {
			vec[t]++
		}
	}
	if !n.CanRoute() {
		return n.searchNoPeers(q, req)
	}
	sharing, err := n.st.Sharing(ctx)
	if err != nil {
		return nil, fmt.Errorf("serveragent: search peers: sharing setting: %w", err)
	}
	if sharing && len(vec) > 0 {
		if fp, err := usermodel.FingerprintOf(vec, p2pirv1.FingerprintDim); err == nil && !fp.IsZero() {
			req.QueryFingerprint = wireFP(fp)
		}
	}
	if sharing && q.Hops > 1 { // forwarders route for the asker
		if fp, _, err := n.ownFingerprint(ctx); err == nil && !fp.IsZero() {
			req.AskerFingerprint = wireFP(fp)
		}
	}
	if terms := positive(q.Terms); !n.cfg.RankFusion && len(terms) > 0 {
		if q.Corpus != nil {
			req.Corpus = wireCorpus(q.Corpus, terms)
		} else if p, ok := n.pool(ctx, terms); ok {
			req.Corpus = p.wire(terms)
		}
	}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("serveragent: search peers: %w", err)
	}
	n.seen.FirstTime(req.GetQueryId(), time.Now()) // a loop back to us is refused
	fw := n.forward(ctx, req, q.Shortcuts, q.Avoid)
	if len(q.Avoid) > 0 { // and what came of them through other peers
		for i, l := range fw.lists {
			fw.lists[i] = slices.DeleteFunc(slices.Clone(l), func(r *p2pirv1.Result) bool { return slices.Contains(q.Avoid, r.GetNodeId()) })
		}
	}
	out := &PeerResults{
		PeersContacted: fw.stats.GetPeersContacted(),
		Messages:       fw.stats.GetMessages(),
		Bytes:          fw.stats.GetBytes(),
		Trace:          newTrace(fw.contacts, fw.dropped),
	}
	merged := mergeRRF(fw.lists, q.K, "")
	if req.GetCorpus() != nil && fw.allScored {
		merged = mergeScores(fw.lists, q.K, "", n.scoreCeiling(req))
		out.Corpus = indexCorpus(req.GetCorpus())
	}
	for _, r := range merged {
		out.Hits = append(out.Hits, Hit{URL: r.GetUrl(), Title: r.GetTitle(), Content: r.GetContent(),
			Score: r.GetScore(), Rank: int(r.GetRank()), NodeID: r.GetNodeId(), Path: r.GetPath(), Lang: knownLang(r.GetLang())})
	}
	for _, u := range fw.unresponsive {
		out.Unresponsive = append(out.Unresponsive, Unresponsive{NodeID: u.GetNodeId(), Reason: u.GetReason()})
	}
	return out, nil
}

// CanRoute reports whether the peer table holds a peer a search could be
// routed to (a routing candidate; walks and floods go to neighbours,
// which are candidates too).
func (n *Node) CanRoute() bool {
	_, cands, _ := n.routingTables()
	return len(cands) > 0
}

// searchNoPeers is SearchPeers' answer when no peer can be asked
// (CanRoute false): what forwarding to nobody gives — no hits, no
// contacts, the query's pooled statistics when it brought its own — less
// the work that prepares a request for peers (the sharing setting read
// from the store, the fingerprints, pooling the summaries), which a node
// without peers did on every search. The request is still checked, so a
// query the peers would refuse fails alike.
func (n *Node) searchNoPeers(q PeerQuery, req *p2pirv1.SearchRequest) (*PeerResults, error) {
	if terms := positive(q.Terms); !n.cfg.RankFusion && len(terms) > 0 && q.Corpus != nil {
		req.Corpus = wireCorpus(q.Corpus, terms)
	}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("serveragent: search peers: %w", err)
	}
	out := &PeerResults{Trace: newTrace(nil, 0)}
	if req.GetCorpus() != nil {
		out.Corpus = indexCorpus(req.GetCorpus())
	}
	return out, nil
}

// localResults answers req from the local index: its positive terms, or
// its text when it has none. Web pages go as they are; files only when
// under a folder shared now, as p2pir:// links through this node (see
// sharedLink); other documents, and any that break the contract, are
// left out.
func (n *Node) localResults(ctx context.Context, req *p2pirv1.SearchRequest) ([]*p2pirv1.Result, error) {
	var terms []index.WeightedTerm
	for _, t := range req.GetTerms() {
		if t.GetWeight() > 0 {
			terms = append(terms, index.WeightedTerm{Term: t.GetTerm(), Weight: t.GetWeight()})
		}
	}
	var q index.Query
	var err error
	switch {
	case len(terms) > 0:
		q, err = n.ix.WeightedQuery(terms)
	case strings.TrimSpace(req.GetText()) != "":
		q, err = n.ix.PlainQuery(req.GetText())
	default:
		return nil, nil // only negative terms: nothing to look for
	}
	if err != nil {
		return nil, nil // e.g. only stop words: no local answer, not a failure
	}
	k := int(req.GetK())
	// Twice k and then some, as files the node does not share are left
	// out; without snippets, which only the k answered need (Snippets
	// below), not the 2k+10 searched.
	res, err := n.ix.Search(ctx, q, index.SearchOptions{K: min(2*k+10, index.MaxK), Corpus: indexCorpus(req.GetCorpus()), NoSnippets: true})
	if err != nil {
		return nil, err
	}
	var out []*p2pirv1.Result
	var roots *share.Roots // resolved at the first file, once per request
	hits, links := res.Hits, make([]string, 0, k)
	for len(out) < k && len(hits) > 0 {
		// The next hits that may be answered, as many as places are left.
		var batch []index.Hit
		links = links[:0]
		for len(hits) > 0 && len(batch) < k-len(out) {
			h := hits[0]
			hits = hits[1:]
			u := h.URL
			if !isWebURL(u) {
				if roots == nil {
					r := n.sharedRoots()
					roots = &r
				}
				link, ok := n.sharedLink(*roots, h)
				if !ok {
					continue
				}
				u = link
			}
			batch, links = append(batch, h), append(links, u)
		}
		if err := n.ix.Snippets(ctx, q, batch); err != nil {
			return nil, err
		}
		for i, h := range batch {
			r := &p2pirv1.Result{
				Url: links[i], Title: truncate(h.Title, p2pirv1.MaxTitleBytes),
				Content: truncate(h.Snippet.Text, p2pirv1.MaxContentBytes),
				Score:   h.Score, Rank: int32(len(out) + 1), NodeId: n.self.ID, Path: []string{n.self.ID},
				Lang: h.Lang,
			}
			if r.Validate() != nil {
				continue // another hit may take its place
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// knownLang returns a peer's language code when it is one of
// index.Languages, else "": a peer may send any code, and one this node
// does not know is neither shown nor an error.
func knownLang(code string) string {
	if slices.Contains(index.Languages(), code) {
		return code
	}
	return ""
}

// isWebURL reports whether u is an absolute http(s) URL.
func isWebURL(u string) bool {
	p, err := url.Parse(u)
	return err == nil && (p.Scheme == "http" || p.Scheme == "https") && p.Host != ""
}

// forwarded is what the peers a query was forwarded to sent back.
type forwarded struct {
	lists        [][]*p2pirv1.Result
	unresponsive []*p2pirv1.Unresponsive
	stats        *p2pirv1.SearchStats
	// contacts are this node's calls (hop 1) and what the peers that
	// answered reported of theirs, ordered by hop; dropped is how many
	// contacts those peers said they left out.
	contacts []Contact
	dropped  int
	// allScored is true when every peer that answered scored with the
	// request's pooled statistics (SearchResponse.corpus_scored).
	allScored bool
}

// forward sends req (as received, hops_left not yet decreased) to the
// peers the strategy picks, concurrently (one after another, in the
// order chosen, with Config.OrderedForwarding), each call with its own
// deadline.
//
// avoid are peers not to ask (PeerQuery.Avoid): they are skipped in
// routing here but not added to the request's visited list, which the
// peers see.
func (n *Node) forward(ctx context.Context, req *p2pirv1.SearchRequest, shortcuts map[string]float64, avoid []string) forwarded {
	out := forwarded{stats: &p2pirv1.SearchStats{}, allScored: true}
	if req.GetHopsLeft() <= 0 {
		return out
	}
	timeout, ok := n.callTimeout(ctx)
	if !ok {
		return out
	}
	visited := map[string]bool{n.self.ID: true}
	for _, id := range req.GetVisited() {
		visited[id] = true
	}
	for _, id := range avoid {
		visited[id] = true
	}
	chosen, floor, rq, err := n.route(ctx, req, visited, shortcuts)
	if err != nil || len(chosen) == 0 {
		return out
	}
	child := proto.CloneOf(req)
	child.HopsLeft--
	if child.RouteFloor == 0 {
		child.RouteFloor = min(floor, p2pirv1.MaxRouteFloor)
	}
	if child.HopsLeft == 0 {
		child.AskerFingerprint = nil // the receivers forward no further
	}
	for _, id := range append([]string{n.self.ID}, peerIDs(chosen)...) {
		if !containsID(child.Visited, id) && len(child.Visited) < p2pirv1.MaxVisited {
			child.Visited = append(child.Visited, id)
		}
	}
	reqBytes := uint64(proto.Size(child))

	type answer struct {
		p    snapshot
		resp *p2pirv1.SearchResponse
		call call
		err  error
	}
	answers := make([]answer, len(chosen))
	ask := func(i int, p snapshot, timeout time.Duration) {
		callCtx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		resp, c, err := n.callSearch(callCtx, p, child)
		n.observe(p.info.ID, p.info.Addr, c.took, ignoreLoop(err))
		answers[i] = answer{p, resp, c, err}
	}
	if n.cfg.OrderedForwarding {
		for i, p := range chosen {
			// Each call leaves ForwardMargin of what the earlier ones left.
			if d, ok := n.callTimeout(ctx); ok {
				timeout = d
			} else {
				timeout = time.Nanosecond // no time left: the call times out
			}
			ask(i, p, timeout)
		}
	} else {
		var wg sync.WaitGroup
		for i, p := range chosen {
			wg.Go(func() { ask(i, p, timeout) })
		}
		wg.Wait()
	}

	bad := map[string]bool{}
	addBad := func(id, reason string) {
		if bad[id] || id == n.self.ID || len(out.unresponsive) >= p2pirv1.MaxUnresponsive {
			return
		}
		bad[id] = true
		out.unresponsive = append(out.unresponsive, &p2pirv1.Unresponsive{NodeId: id, Reason: truncate(reason, p2pirv1.MaxReasonBytes)})
	}
	st := out.stats
	var reported []Contact
	for _, a := range answers {
		out.contacts = append(out.contacts, Contact{
			Hop: 1, From: n.self.ID, To: a.p.info.ID, Outcome: outcome(a.err),
			LatencyMS: float64(a.call.took.Microseconds()) / 1000, BytesSent: a.call.reqBytes, BytesReceived: a.call.respBytes,
		})
		st.PeersContacted = satAdd32(st.PeersContacted, 1)
		st.Messages = satAdd32(st.Messages, 1)
		st.Bytes += reqBytes
		if a.err != nil {
			if status.Code(a.err) != codes.AlreadyExists { // a loop is no failure
				addBad(a.p.info.ID, reason(a.err))
			}
			continue
		}
		st.Bytes += uint64(proto.Size(a.resp))
		if a.p.coll != nil && len(rq.Terms) > 0 {
			if share, ok := claimShare(a.p.info.ID, a.resp, routing.Promise(a.p.coll, rq)); ok {
				n.observeClaim(a.p.info.ID, share, time.Now())
			}
		}
		if s := a.resp.GetStats(); s != nil {
			st.PeersContacted = satAdd32(st.PeersContacted, s.GetPeersContacted())
			st.Messages = satAdd32(st.Messages, s.GetMessages())
			st.Bytes += s.GetBytes()
		}
		out.lists = append(out.lists, a.resp.GetResults())
		out.allScored = out.allScored && a.resp.GetCorpusScored()
		for _, u := range a.resp.GetUnresponsive() {
			addBad(u.GetNodeId(), u.GetReason())
		}
		for _, c := range a.resp.GetTrace() {
			reported = append(reported, reportedContact(c))
		}
		out.dropped += int(a.resp.GetTraceDropped())
	}
	sortByHop(reported)
	out.contacts = append(out.contacts, reported...)
	return out
}

// callSearch calls one peer and checks that the answer comes from it; it
// also returns what the call carried, for the trace.
func (n *Node) callSearch(ctx context.Context, p snapshot, req *p2pirv1.SearchRequest) (*p2pirv1.SearchResponse, call, error) {
	start := time.Now()
	cc, err := n.conn(ctx, p.info.ID, p.info.Addr)
	if err != nil {
		return nil, call{took: time.Since(start)}, err
	}
	resp := new(p2pirv1.SearchResponse)
	c, err := n.counted(cc).invoke(ctx, p2pirv1.Peer_Search_FullMethodName, req, resp)
	c.took = time.Since(start)
	if err != nil {
		return nil, c, err
	}
	if got := resp.GetNode().GetNodeId(); got != p.info.ID {
		return nil, c, fmt.Errorf("serveragent: %w: %s answered as %q", errForged, p.info.ID, got)
	}
	return resp, c, nil
}

// route picks the peers a query goes to with the request's strategy, or
// the configured one; its random choices come from the query's own
// source (queryRand), so concurrent queries do not change them.
//
// Interest routing reads the peers' collection summaries with the idf of
// the request's pooled statistics, and routes for the asker: by the
// request's asker fingerprint when it carries one, this node's own
// otherwise (this node is the origin, or the asker does not share). floor
// is what the children must carry as route_floor (see routing.Floor) when
// the request has none yet.
func (n *Node) route(ctx context.Context, req *p2pirv1.SearchRequest, visited map[string]bool, shortcuts map[string]float64) ([]snapshot, float64, routing.Query, error) {
	snaps, cands, nbrs := n.routingTables()
	strategy, rcfg := n.routingFor(req)
	if strategy == routing.Flood || strategy == routing.Walk {
		cands = nbrs // they follow the overlay
	} else {
		cands = n.withClaims(cands) // summaries count for what answers bore out
	}
	if len(shortcuts) > 0 {
		cands = slices.Clone(cands) // shared: the shortcuts go on a copy
		for i := range cands {
			cands[i].Shortcut = shortcuts[cands[i].ID]
		}
	}
	q := routing.Query{Terms: queryTerms(req), Floor: req.GetRouteFloor(), K1: n.ix.Config().K1}
	if len(q.Terms) == 0 && req.GetCorpus() == nil && req.GetOrigin().GetNodeId() == n.self.ID {
		// Rank fusion sends no pooled statistics, but the origin still
		// selects peers by their summaries, with the idf it pools itself.
		var terms []index.WeightedTerm
		for _, t := range req.GetTerms() {
			if t.GetWeight() > 0 {
				terms = append(terms, index.WeightedTerm{Term: t.GetTerm(), Weight: t.GetWeight()})
			}
		}
		if p, ok := n.pool(ctx, terms); ok {
			q.Terms = p.selected
		}
	}
	if strategy != routing.Flood && strategy != routing.Walk { // they draw peers at random
		// The query's and the asker's fingerprints come with every hop of
		// a query, and the asker's with every query of a person: decoded
		// once (shared, read-only).
		if fp, ok := n.decoded.fingerprint(req.GetQueryFingerprint()); ok && !fp.IsZero() {
			q.FP = fp.Vec.RawVector().Data
		}
		if fp, ok := n.decoded.fingerprint(req.GetAskerFingerprint()); ok && !fp.IsZero() {
			q.Own = fp.Vec.RawVector().Data
		} else if fp, _, err := n.ownFingerprint(ctx); err == nil && !fp.IsZero() && req.GetOrigin().GetNodeId() == n.self.ID {
			q.Own = fp.Vec.RawVector().Data
		}
	}
	if (strategy == routing.Interest || strategy == "") && q.Floor > 0 && len(q.Terms) == 0 {
		// The origin chose by summaries but sent no statistics to score
		// them with here (rank fusion): nothing to add that beats the floor.
		return nil, 0, q, nil
	}
	choices, err := routing.Select(strategy, rcfg, cands, q, visited, n.queryRand(req.GetQueryId()))
	if err != nil {
		return nil, 0, q, err
	}
	out := make([]snapshot, 0, len(choices))
	asked := make(map[string]bool, len(choices)+len(visited))
	for id := range visited {
		asked[id] = true
	}
	for _, c := range choices {
		s, ok := findSnapshot(snaps, c.ID)
		if !ok {
			return nil, 0, q, fmt.Errorf("serveragent: routing chose %s, not a candidate", c.ID)
		}
		out = append(out, s)
		asked[c.ID] = true
	}
	var floor float64
	if (strategy == routing.Interest || strategy == "") && q.Floor == 0 {
		floor = routing.Floor(rcfg, cands, q, asked)
	}
	return out, floor, q, nil
}

// scoreCeiling is the most any document can score for req with its pooled
// statistics: Σ weight · idf · (k1 + 1) over its positive terms.
func (n *Node) scoreCeiling(req *p2pirv1.SearchRequest) float64 {
	k1 := n.ix.Config().K1
	c := 0.0
	for _, t := range queryTerms(req) {
		c += t.Weight * t.IDF * (k1 + 1)
	}
	return c
}

// positive are the terms with weight > 0: those searched for.
func positive(terms []index.WeightedTerm) []index.WeightedTerm {
	var out []index.WeightedTerm
	for _, t := range terms {
		if t.Weight > 0 {
			out = append(out, t)
		}
	}
	return out
}

// routingFor is the strategy and routing settings for req: the request's
// strategy and fan-out where it names them, this node's otherwise; this
// node's MaxFanout caps every fan-out.
func (n *Node) routingFor(req *p2pirv1.SearchRequest) (string, routing.Config) {
	strategy, cfg := n.cfg.Strategy, n.cfg.Routing
	if s := req.GetStrategy(); s != "" {
		strategy = s
	}
	if f := int(req.GetFanOut()); f > 0 {
		cfg.Fanout, cfg.Walkers = f, f
		if strategy == routing.Flood {
			cfg.MaxFanout = min(cfg.MaxFanout, f)
		}
	}
	return strategy, cfg
}

func peerIDs(ps []snapshot) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.info.ID
	}
	return ids
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// ignoreLoop treats ALREADY_EXISTS (a query loop) as a successful contact.
func ignoreLoop(err error) error {
	if status.Code(err) == codes.AlreadyExists {
		return nil
	}
	return err
}

// reason is a short description of a failed call for Unresponsive.
func reason(err error) string {
	if errors.Is(err, p2pirv1.ErrInvalid) {
		return "invalid response: " + err.Error()
	}
	if s, ok := status.FromError(err); ok {
		return words(s.Code().String()) + ": " + s.Message()
	}
	return err.Error()
}

// satAdd32 adds without wrapping around.
func satAdd32(a, b uint32) uint32 {
	if a+b < a {
		return ^uint32(0)
	}
	return a + b
}

// words turns a CamelCase code name into lower-case words
// ("DeadlineExceeded" → "deadline exceeded").
func words(camel string) string {
	var b strings.Builder
	for i, r := range camel {
		if r >= 'A' && r <= 'Z' {
			if i > 0 {
				b.WriteByte(' ')
			}
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
