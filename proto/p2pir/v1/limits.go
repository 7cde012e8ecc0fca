package p2pirv1

import (
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The caps of the wire contract, as documented in peer.proto. Lengths are
// in bytes (UTF-8), not characters. Every message that passes Validate
// fits in MaxMessageBytes.
const (
	// MaxMessageBytes is the largest serialized message a node sends or
	// accepts (1 MiB); gRPC refuses larger ones with RESOURCE_EXHAUSTED
	// (see ServerOptions and DialOptions).
	MaxMessageBytes = 1 << 20

	// FingerprintDim is the number of values in every Fingerprint.
	FingerprintDim = 1024
	// FingerprintTolerance is how far a fingerprint's Euclidean length may
	// be from 1 (float32 rounding).
	FingerprintTolerance = 1e-3
	// MaxSchemeBytes caps Fingerprint.scheme.
	MaxSchemeBytes = 64

	// MaxNodeIDBytes caps a node ID (and the entries of visited and path).
	MaxNodeIDBytes = 128

	// MaxLangBytes caps Result.lang, a language code.
	MaxLangBytes = 8
	// MaxAddrBytes caps NodeInfo.grpc_addr.
	MaxAddrBytes = 256
	// MaxVersionBytes caps NodeInfo.version.
	MaxVersionBytes = 64

	// MaxQueryIDBytes caps SearchRequest.query_id.
	MaxQueryIDBytes = 64
	// MaxQueryTextBytes caps SearchRequest.text.
	MaxQueryTextBytes = 1024
	// MaxTerms caps SearchRequest.terms.
	MaxTerms = 128
	// MaxTermBytes caps WeightedTerm.term.
	MaxTermBytes = 256
	// MaxTermWeight caps |WeightedTerm.weight|.
	MaxTermWeight = 1e6
	// MaxResults caps SearchRequest.k and SearchResponse.results, and
	// Result.rank.
	MaxResults = 100
	// MaxHops caps SearchRequest.hops_left.
	MaxHops = 16
	// MaxVisited caps SearchRequest.visited.
	MaxVisited = 256
	// MaxPath caps Result.path: the finder and at most MaxHops forwarders.
	MaxPath = MaxHops + 1
	// MaxUnresponsive caps SearchResponse.unresponsive.
	MaxUnresponsive = 64
	// MaxReasonBytes caps Unresponsive.reason.
	MaxReasonBytes = 256
	// MaxFanOut caps SearchRequest.fan_out.
	MaxFanOut = 16
	// MaxTraceContacts caps SearchResponse.trace.
	MaxTraceContacts = 256
	// MaxLatencyMS caps TraceContact.latency_ms (one hour).
	MaxLatencyMS = 3_600_000

	// MaxURLBytes caps Result.url and Recommendation.url.
	MaxURLBytes = 2048
	// MaxTitleBytes caps Result.title and Recommendation.title.
	MaxTitleBytes = 512
	// MaxContentBytes caps Result.content and Recommendation.content.
	MaxContentBytes = 2048

	// MaxProfileEntries caps ProfileExchange.known.
	MaxProfileEntries = 64
	// MaxClusterHint caps cluster_hint (0 means no hint).
	MaxClusterHint = 1024

	// MaxRecommendations caps RecommendRequest.k and
	// RecommendResponse.recommendations.
	MaxRecommendations = 50
	// MaxLikes caps Recommendation.likes.
	MaxLikes = 1_000_000
	// MaxExclude caps RecommendRequest.exclude.
	MaxExclude = 1024
	// ExcludeSaltBytes is the length of RecommendRequest.exclude_salt.
	ExcludeSaltBytes = 16
	// ExcludeHashBytes is the length of each RecommendRequest.exclude hash.
	ExcludeHashBytes = 8

	// MaxDocIDBytes caps FetchDocumentRequest.doc_id (and the doc_id of a
	// p2pir:// result URL).
	MaxDocIDBytes = 64
	// MaxDocumentTextBytes caps FetchDocumentResponse.text (512 KiB), so
	// a response stays well within MaxMessageBytes.
	MaxDocumentTextBytes = 512 << 10
	// MaxDocumentSize caps FetchDocumentResponse.size (1 PiB).
	MaxDocumentSize = 1 << 50
	// MaxUnixMS caps FetchDocumentResponse.modified_unix_ms (2^53, exact
	// as a JSON number).
	MaxUnixMS = 1 << 53
)

// SharedDocScheme is the URL scheme of a link to a document shared
// through its node: "p2pir://" node ID "/doc/" doc ID (see SharedDocURL).
const SharedDocScheme = "p2pir"

// SharedDocURL returns the link to document docID shared by node nodeID,
// as it goes in Result.url: "p2pir://<nodeID>/doc/<docID>". The same
// node and document always give the same link, so receivers can
// de-duplicate on it.
func SharedDocURL(nodeID, docID string) string {
	return SharedDocScheme + "://" + nodeID + "/doc/" + docID
}

// ParseSharedDocURL returns the node ID and doc ID of a link made by
// SharedDocURL; ok is false for anything else (other schemes, extra path,
// query or fragment, an invalid doc ID, a node ID that is not a URL host).
func ParseSharedDocURL(s string) (nodeID, docID string, ok bool) {
	rest, found := strings.CutPrefix(s, SharedDocScheme+"://")
	if !found {
		return "", "", false
	}
	nodeID, docID, found = strings.Cut(rest, "/doc/")
	if !found || checkDocID(docID, "") != nil || checkToken(nodeID, MaxNodeIDBytes, "") != nil {
		return "", "", false
	}
	for i := 0; i < len(nodeID); i++ {
		if c := nodeID[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return "", "", false
		}
	}
	return nodeID, docID, true
}

// ErrInvalid is wrapped by every error a Validate method returns; the rest
// of the message names the offending field, e.g. "p2pirv1: invalid
// message: SearchRequest.terms[3].weight: NaN".
var ErrInvalid = errors.New("p2pirv1: invalid message")

// invalid returns an error wrapping ErrInvalid for the field at path.
func invalid(path, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, path, fmt.Sprintf(format, args...))
}

// Validate checks the node info against the contract: a node ID, an
// optional "host:port" address, a short version.
func (n *NodeInfo) Validate() error { return checkNodeInfo(n, "NodeInfo") }

// Validate checks the fingerprint: a scheme, exactly FingerprintDim finite
// values, of unit length (within FingerprintTolerance) or all zero.
func (f *Fingerprint) Validate() error { return checkFingerprint(f, "Fingerprint") }

// Validate checks the term (non-empty, no spaces, at most MaxTermBytes)
// and its weight (finite, |weight| <= MaxTermWeight).
func (t *WeightedTerm) Validate() error { return checkTerm(t, "WeightedTerm") }

// Validate checks the request against the contract: a query ID, an origin,
// terms or text, an optional fingerprint, k in 1..MaxResults, hops_left in
// 0..MaxHops, a visited list that holds the origin, without repeats, a
// known routing strategy (or none) and fan_out in 0..MaxFanOut.
func (r *SearchRequest) Validate() error {
	const p = "SearchRequest"
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkToken(r.GetQueryId(), MaxQueryIDBytes, p+".query_id"); err != nil {
		return err
	}
	if err := checkNodeInfo(r.GetOrigin(), p+".origin"); err != nil {
		return err
	}
	if err := checkText(r.GetText(), MaxQueryTextBytes, p+".text"); err != nil {
		return err
	}
	if n := len(r.GetTerms()); n > MaxTerms {
		return invalid(p+".terms", "%d terms, at most %d", n, MaxTerms)
	}
	terms := make(map[string]bool, len(r.GetTerms()))
	for i, t := range r.GetTerms() {
		if err := checkTerm(t, ""); err != nil {
			return checkTerm(t, indexPath(p+".terms", i)) // again, to name it
		}
		if terms[t.GetTerm()] {
			return invalid(indexPath(p+".terms", i)+".term", "%q repeated", t.GetTerm())
		}
		terms[t.GetTerm()] = true
	}
	if len(r.GetTerms()) == 0 && strings.TrimSpace(r.GetText()) == "" {
		return invalid(p, "neither terms nor text")
	}
	if fp := r.GetQueryFingerprint(); fp != nil {
		if err := checkFingerprint(fp, p+".query_fingerprint"); err != nil {
			return err
		}
	}
	if k := r.GetK(); k < 1 || k > MaxResults {
		return invalid(p+".k", "%d, want 1 to %d", k, MaxResults)
	}
	if h := r.GetHopsLeft(); h < 0 || h > MaxHops {
		return invalid(p+".hops_left", "%d, want 0 to %d", h, MaxHops)
	}
	if n := len(r.GetVisited()); n > MaxVisited {
		return invalid(p+".visited", "%d node IDs, at most %d", n, MaxVisited)
	}
	if err := checkIDList(r.GetVisited(), p+".visited"); err != nil {
		return err
	}
	if err := checkStrategy(r.GetStrategy(), p+".strategy"); err != nil {
		return err
	}
	if f := r.GetFanOut(); f < 0 || f > MaxFanOut {
		return invalid(p+".fan_out", "%d, want 0 to %d", f, MaxFanOut)
	}
	if c := r.GetCorpus(); c != nil {
		if err := checkCorpus(c, p+".corpus"); err != nil {
			return err
		}
	}
	if fp := r.GetAskerFingerprint(); fp != nil {
		if err := checkFingerprint(fp, p+".asker_fingerprint"); err != nil {
			return err
		}
	}
	if f := r.GetRouteFloor(); math.IsNaN(f) || f < 0 || f > MaxRouteFloor {
		return invalid(p+".route_floor", "%v, want 0 to %g", f, float64(MaxRouteFloor))
	}
	origin := r.GetOrigin().GetNodeId()
	for _, id := range r.GetVisited() {
		if id == origin {
			return nil
		}
	}
	return invalid(p+".visited", "does not contain the origin %q", origin)
}

// Validate checks one result on its own: an http(s) URL, bounded title and
// content, a finite score, a rank in 1..MaxResults, the finder's node ID,
// and a path that starts at the finder. SearchResponse.Validate also checks
// the results against each other and the responder.
func (r *Result) Validate() error { return checkResult(r, "Result") }

// Validate checks a peer reported as unresponsive: a node ID and a
// reason of at most MaxReasonBytes.
func (u *Unresponsive) Validate() error { return checkUnresponsive(u, "Unresponsive") }

// Validate checks the response on its own: a query ID, the responder, at
// most MaxResults valid results with ranks growing strictly, no URL twice,
// paths ending at the responder, at most MaxUnresponsive peers, none
// twice, and a trace of at most MaxTraceContacts valid contacts that hangs
// together (see TraceContact.Validate and checkTrace). Use ValidateFor to check it against the request it answers.
func (r *SearchResponse) Validate() error {
	const p = "SearchResponse"
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkToken(r.GetQueryId(), MaxQueryIDBytes, p+".query_id"); err != nil {
		return err
	}
	if err := checkNodeInfo(r.GetNode(), p+".node"); err != nil {
		return err
	}
	if n := len(r.GetResults()); n > MaxResults {
		return invalid(p+".results", "%d results, at most %d", n, MaxResults)
	}
	responder := r.GetNode().GetNodeId()
	urls := make(map[string]bool, len(r.GetResults()))
	var lastRank int32
	for i, res := range r.GetResults() {
		rp := func() string { return indexPath(p+".results", i) }
		if err := checkResult(res, ""); err != nil {
			return checkResult(res, rp()) // again, to name it
		}
		if res.GetRank() <= lastRank {
			return invalid(rp()+".rank", "%d after %d, ranks must grow", res.GetRank(), lastRank)
		}
		lastRank = res.GetRank()
		if urls[res.GetUrl()] {
			return invalid(rp()+".url", "%q repeated", res.GetUrl())
		}
		urls[res.GetUrl()] = true
		if path := res.GetPath(); len(path) > 0 && path[len(path)-1] != responder {
			return invalid(rp()+".path", "ends at %q, not at the responder %q", path[len(path)-1], responder)
		}
	}
	if n := len(r.GetUnresponsive()); n > MaxUnresponsive {
		return invalid(p+".unresponsive", "%d peers, at most %d", n, MaxUnresponsive)
	}
	peers := make(map[string]bool, len(r.GetUnresponsive()))
	for i, u := range r.GetUnresponsive() {
		if err := checkUnresponsive(u, ""); err != nil {
			return checkUnresponsive(u, indexPath(p+".unresponsive", i)) // again, to name it
		}
		if peers[u.GetNodeId()] {
			return invalid(indexPath(p+".unresponsive", i)+".node_id", "%q repeated", u.GetNodeId())
		}
		peers[u.GetNodeId()] = true
	}
	return checkTrace(r.GetTrace(), responder, p+".trace")
}

// ValidateFor checks the response (Validate) and that it answers req: the
// same query ID and at most req.k results.
func (r *SearchResponse) ValidateFor(req *SearchRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.GetQueryId() != req.GetQueryId() {
		return invalid("SearchResponse.query_id", "%q answers a request for %q", r.GetQueryId(), req.GetQueryId())
	}
	if n := len(r.GetResults()); n > int(req.GetK()) {
		return invalid("SearchResponse.results", "%d results, the request asked for %d", n, req.GetK())
	}
	return nil
}

// Validate checks one known profile: a node, its fingerprint, a cluster
// hint in 0..MaxClusterHint and a positive update time.
func (e *ProfileEntry) Validate() error { return checkProfileEntry(e, "ProfileEntry") }

// Validate checks a gossip message: the sender, a fingerprint present
// exactly when sharing is on, a cluster hint in 0..MaxClusterHint, and at
// most MaxProfileEntries valid known profiles, no node twice and never the
// sender.
func (x *ProfileExchange) Validate() error {
	const p = "ProfileExchange"
	if x == nil {
		return invalid(p, "missing")
	}
	if err := checkNodeInfo(x.GetSender(), p+".sender"); err != nil {
		return err
	}
	switch fp := x.GetFingerprint(); {
	case x.GetSharing() && fp == nil:
		return invalid(p+".fingerprint", "missing while sharing is on")
	case !x.GetSharing() && fp != nil:
		return invalid(p+".fingerprint", "present while sharing is off")
	case fp != nil:
		if err := checkFingerprint(fp, p+".fingerprint"); err != nil {
			return err
		}
	}
	if err := checkClusterHint(x.GetClusterHint(), p+".cluster_hint"); err != nil {
		return err
	}
	if n := len(x.GetKnown()); n > MaxProfileEntries {
		return invalid(p+".known", "%d entries, at most %d", n, MaxProfileEntries)
	}
	sender := x.GetSender().GetNodeId()
	nodes := make(map[string]bool, len(x.GetKnown()))
	for i, e := range x.GetKnown() {
		ep := func() string { return indexPath(p+".known", i) }
		if err := checkProfileEntry(e, ""); err != nil {
			return checkProfileEntry(e, ep()) // again, to name it
		}
		id := e.GetNode().GetNodeId()
		if id == sender {
			return invalid(ep()+".node.node_id", "is the sender %q", id)
		}
		if nodes[id] {
			return invalid(ep()+".node.node_id", "%q repeated", id)
		}
		nodes[id] = true
	}
	if s := x.GetSummary(); s != nil {
		if err := checkSummary(s, p+".summary"); err != nil {
			return err
		}
	}
	if n := len(x.GetSummaries()); n > MaxGossipSummaries {
		return invalid(p+".summaries", "%d summaries, at most %d", n, MaxGossipSummaries)
	}
	for i, s := range x.GetSummaries() {
		if err := checkSummary(s, ""); err != nil {
			return checkSummary(s, indexPath(p+".summaries", i)) // again, to name it
		}
	}
	return nil
}

// Validate checks the request: the asker, an optional fingerprint, k in
// 1..MaxRecommendations, and at most MaxExclude hashes of ExcludeHashBytes
// each, with a salt of ExcludeSaltBytes when there are any.
func (r *RecommendRequest) Validate() error {
	const p = "RecommendRequest"
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkNodeInfo(r.GetAsker(), p+".asker"); err != nil {
		return err
	}
	if fp := r.GetFingerprint(); fp != nil {
		if err := checkFingerprint(fp, p+".fingerprint"); err != nil {
			return err
		}
	}
	if k := r.GetK(); k < 1 || k > MaxRecommendations {
		return invalid(p+".k", "%d, want 1 to %d", k, MaxRecommendations)
	}
	salt, ex := r.GetExcludeSalt(), r.GetExclude()
	if len(salt) != 0 && len(salt) != ExcludeSaltBytes {
		return invalid(p+".exclude_salt", "%d bytes, want %d", len(salt), ExcludeSaltBytes)
	}
	if len(ex) > 0 && len(salt) == 0 {
		return invalid(p+".exclude_salt", "missing while exclude has %d hashes", len(ex))
	}
	if len(ex) > MaxExclude {
		return invalid(p+".exclude", "%d hashes, at most %d", len(ex), MaxExclude)
	}
	for i, h := range ex {
		if len(h) != ExcludeHashBytes {
			return invalid(fmt.Sprintf("%s.exclude[%d]", p, i), "%d bytes, want %d", len(h), ExcludeHashBytes)
		}
	}
	return nil
}

// Validate checks one recommendation: an http(s) URL, bounded title and
// content, a finite score, likes in 1..MaxLikes and a node ID.
func (r *Recommendation) Validate() error { return checkRecommendation(r, "Recommendation") }

// Validate checks the response on its own: the responder and at most
// MaxRecommendations valid recommendations, no URL twice. Use ValidateFor
// to check it against the request it answers.
func (r *RecommendResponse) Validate() error {
	const p = "RecommendResponse"
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkNodeInfo(r.GetNode(), p+".node"); err != nil {
		return err
	}
	if n := len(r.GetRecommendations()); n > MaxRecommendations {
		return invalid(p+".recommendations", "%d recommendations, at most %d", n, MaxRecommendations)
	}
	urls := make(map[string]bool, len(r.GetRecommendations()))
	for i, rec := range r.GetRecommendations() {
		rp := func() string { return indexPath(p+".recommendations", i) }
		if err := checkRecommendation(rec, ""); err != nil {
			return checkRecommendation(rec, rp()) // again, to name it
		}
		if urls[rec.GetUrl()] {
			return invalid(rp()+".url", "%q repeated", rec.GetUrl())
		}
		urls[rec.GetUrl()] = true
	}
	return nil
}

// ValidateFor checks the response (Validate) and that it holds at most
// req.k recommendations.
func (r *RecommendResponse) ValidateFor(req *RecommendRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if n := len(r.GetRecommendations()); n > int(req.GetK()) {
		return invalid("RecommendResponse.recommendations", "%d recommendations, the request asked for %d", n, req.GetK())
	}
	return nil
}

// Validate checks the request: the asker and a doc ID (1 to
// MaxDocIDBytes of letters, digits, '-' and '_').
func (r *FetchDocumentRequest) Validate() error {
	const p = "FetchDocumentRequest"
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkNodeInfo(r.GetAsker(), p+".asker"); err != nil {
		return err
	}
	return checkDocID(r.GetDocId(), p+".doc_id")
}

// Validate checks the response on its own: the responder, a doc ID, a
// title of at most MaxTitleBytes, UTF-8 text of at most
// MaxDocumentTextBytes, a size in 0..MaxDocumentSize and a modification
// time in 0..MaxUnixMS. Use ValidateFor to check it against the request
// it answers.
func (r *FetchDocumentResponse) Validate() error {
	const p = "FetchDocumentResponse"
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkNodeInfo(r.GetNode(), p+".node"); err != nil {
		return err
	}
	if err := checkDocID(r.GetDocId(), p+".doc_id"); err != nil {
		return err
	}
	if err := checkText(r.GetTitle(), MaxTitleBytes, p+".title"); err != nil {
		return err
	}
	if err := checkText(r.GetText(), MaxDocumentTextBytes, p+".text"); err != nil {
		return err
	}
	if n := r.GetSize(); n < 0 || n > MaxDocumentSize {
		return invalid(p+".size", "%d, want 0 to %d", n, int64(MaxDocumentSize))
	}
	if ms := r.GetModifiedUnixMs(); ms < 0 || ms > MaxUnixMS {
		return invalid(p+".modified_unix_ms", "%d, want 0 to %d", ms, int64(MaxUnixMS))
	}
	return nil
}

// ValidateFor checks the response (Validate) and that it answers req: the
// same doc ID.
func (r *FetchDocumentResponse) ValidateFor(req *FetchDocumentRequest) error {
	if err := r.Validate(); err != nil {
		return err
	}
	if r.GetDocId() != req.GetDocId() {
		return invalid("FetchDocumentResponse.doc_id", "%q answers a request for %q", r.GetDocId(), req.GetDocId())
	}
	return nil
}

// checkDocID accepts 1 to MaxDocIDBytes of ASCII letters, digits, '-'
// and '_' (safe in a URL path as is).
func checkDocID(s, p string) error {
	switch {
	case s == "":
		return invalid(p, "empty")
	case len(s) > MaxDocIDBytes:
		return invalid(p, "%d bytes, at most %d", len(s), MaxDocIDBytes)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return invalid(p, "%q: only letters, digits, '-' and '_' allowed", s)
		}
	}
	return nil
}

func checkNodeInfo(n *NodeInfo, p string) error {
	if n == nil {
		return invalid(p, "missing")
	}
	if err := checkToken(n.GetNodeId(), MaxNodeIDBytes, p+".node_id"); err != nil {
		return err
	}
	if addr := n.GetGrpcAddr(); addr != "" {
		if err := checkAddr(addr, p+".grpc_addr"); err != nil {
			return err
		}
	}
	return checkText(n.GetVersion(), MaxVersionBytes, p+".version")
}

// checkAddr accepts "host:port" with a non-empty printable host and a port
// in 1..65535.
func checkAddr(addr, p string) error {
	if len(addr) > MaxAddrBytes {
		return invalid(p, "%d bytes, at most %d", len(addr), MaxAddrBytes)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return invalid(p, "%q is not host:port: %v", addr, err)
	}
	if host == "" || !printable(host) {
		return invalid(p, "%q has no usable host", addr)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n == 0 {
		return invalid(p, "%q has port %q, want 1 to 65535", addr, port)
	}
	return nil
}

func checkFingerprint(f *Fingerprint, p string) error {
	if f == nil {
		return invalid(p, "missing")
	}
	if err := checkToken(f.GetScheme(), MaxSchemeBytes, p+".scheme"); err != nil {
		return err
	}
	vals := f.GetValues()
	if len(vals) != FingerprintDim {
		return invalid(p+".values", "%d values, want %d", len(vals), FingerprintDim)
	}
	var sq float64
	for i, v := range vals {
		x := float64(v)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return invalid(fmt.Sprintf("%s.values[%d]", p, i), "%v", x)
		}
		sq += x * x
	}
	if n := math.Sqrt(sq); n != 0 && math.Abs(n-1) > FingerprintTolerance {
		return invalid(p+".values", "length %g, want 1 or 0", n)
	}
	return nil
}

func checkTerm(t *WeightedTerm, p string) error {
	if t == nil {
		return invalid(p, "missing")
	}
	term := t.GetTerm()
	switch {
	case term == "":
		return invalid(p+".term", "empty")
	case len(term) > MaxTermBytes:
		return invalid(p+".term", "%d bytes, at most %d", len(term), MaxTermBytes)
	case !utf8.ValidString(term):
		return invalid(p+".term", "not UTF-8")
	case strings.ContainsFunc(term, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return invalid(p+".term", "%q holds spaces or control characters", term)
	}
	if w := t.GetWeight(); math.IsNaN(w) || math.Abs(w) > MaxTermWeight {
		return invalid(p+".weight", "%v, want finite with magnitude at most %g", w, float64(MaxTermWeight))
	}
	return nil
}

func checkResult(r *Result, p string) error {
	if r == nil {
		return invalid(p, "missing")
	}
	if node, _, ok := ParseSharedDocURL(r.GetUrl()); ok {
		// A shared document's link: only its finder may give it.
		if node != r.GetNodeId() {
			return invalid(p+".url", "%q links to node %q, not to the finder %q", r.GetUrl(), node, r.GetNodeId())
		}
		if err := checkDocFields(r.GetTitle(), r.GetContent(), r.GetScore(), p); err != nil {
			return err
		}
	} else if err := checkDoc(r.GetUrl(), r.GetTitle(), r.GetContent(), r.GetScore(), p); err != nil {
		return err
	}
	if k := r.GetRank(); k < 1 || k > MaxResults {
		return invalid(p+".rank", "%d, want 1 to %d", k, MaxResults)
	}
	if err := checkToken(r.GetNodeId(), MaxNodeIDBytes, p+".node_id"); err != nil {
		return err
	}
	path := r.GetPath()
	if len(path) > MaxPath {
		return invalid(p+".path", "%d node IDs, at most %d", len(path), MaxPath)
	}
	for i, id := range path {
		if err := checkToken(id, MaxNodeIDBytes, ""); err != nil {
			return checkToken(id, MaxNodeIDBytes, indexPath(p+".path", i)) // again, to name it
		}
	}
	if len(path) > 0 && path[0] != r.GetNodeId() {
		return invalid(p+".path", "starts at %q, not at the finder %q", path[0], r.GetNodeId())
	}
	return checkLang(r.GetLang(), p+".lang")
}

// checkLang checks a language code: empty, or at most MaxLangBytes
// lower-case ASCII letters.
func checkLang(l, p string) error {
	if len(l) > MaxLangBytes {
		return invalid(p, "%d bytes, at most %d", len(l), MaxLangBytes)
	}
	for i := 0; i < len(l); i++ {
		if l[i] < 'a' || l[i] > 'z' {
			return invalid(p, "%q is not a language code (lower-case letters)", l)
		}
	}
	return nil
}

func checkUnresponsive(u *Unresponsive, p string) error {
	if u == nil {
		return invalid(p, "missing")
	}
	if err := checkToken(u.GetNodeId(), MaxNodeIDBytes, p+".node_id"); err != nil {
		return err
	}
	return checkText(u.GetReason(), MaxReasonBytes, p+".reason")
}

func checkProfileEntry(e *ProfileEntry, p string) error {
	if e == nil {
		return invalid(p, "missing")
	}
	if err := checkNodeInfo(e.GetNode(), p+".node"); err != nil {
		return err
	}
	if err := checkFingerprint(e.GetFingerprint(), p+".fingerprint"); err != nil {
		return err
	}
	if err := checkClusterHint(e.GetClusterHint(), p+".cluster_hint"); err != nil {
		return err
	}
	if ms := e.GetUpdatedUnixMs(); ms <= 0 {
		return invalid(p+".updated_unix_ms", "%d, want > 0", ms)
	}
	return nil
}

func checkRecommendation(r *Recommendation, p string) error {
	if r == nil {
		return invalid(p, "missing")
	}
	if err := checkDoc(r.GetUrl(), r.GetTitle(), r.GetContent(), r.GetScore(), p); err != nil {
		return err
	}
	if n := r.GetLikes(); n < 1 || n > MaxLikes {
		return invalid(p+".likes", "%d, want 1 to %d", n, MaxLikes)
	}
	return checkToken(r.GetNodeId(), MaxNodeIDBytes, p+".node_id")
}

// checkDoc checks the fields Result and Recommendation share.
func checkDoc(u, title, content string, score float64, p string) error {
	if err := checkURL(u, p+".url"); err != nil {
		return err
	}
	return checkDocFields(title, content, score, p)
}

// checkDocFields checks a document's title, content and score.
func checkDocFields(title, content string, score float64, p string) error {
	if err := checkText(title, MaxTitleBytes, p+".title"); err != nil {
		return err
	}
	if err := checkText(content, MaxContentBytes, p+".content"); err != nil {
		return err
	}
	if math.IsNaN(score) || math.IsInf(score, 0) {
		return invalid(p+".score", "%v, want finite", score)
	}
	return nil
}

// checkURL accepts an absolute http or https URL with a host.
func checkURL(s, p string) error {
	switch {
	case s == "":
		return invalid(p, "empty")
	case len(s) > MaxURLBytes:
		return invalid(p, "%d bytes, at most %d", len(s), MaxURLBytes)
	}
	u, err := url.Parse(s)
	if err != nil {
		return invalid(p, "%v", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return invalid(p, "%q: scheme %q, want http or https", s, u.Scheme)
	}
	if u.Host == "" {
		return invalid(p, "%q has no host", s)
	}
	return nil
}

func checkClusterHint(h int32, p string) error {
	if h < 0 || h > MaxClusterHint {
		return invalid(p, "%d, want 0 to %d", h, MaxClusterHint)
	}
	return nil
}

// checkIDList checks each entry is a node ID and none repeats.
func checkIDList(ids []string, p string) error {
	seen := make(map[string]bool, len(ids))
	for i, id := range ids {
		if err := checkToken(id, MaxNodeIDBytes, ""); err != nil {
			return checkToken(id, MaxNodeIDBytes, indexPath(p, i)) // again, to name it
		}
		if seen[id] {
			return invalid(indexPath(p, i), "%q repeated", id)
		}
		seen[id] = true
	}
	return nil
}

// checkToken accepts 1 to limit bytes of printable ASCII without spaces: node
// IDs, query IDs, schemes.
func checkToken(s string, limit int, p string) error {
	switch {
	case s == "":
		return invalid(p, "empty")
	case len(s) > limit:
		return invalid(p, "%d bytes, at most %d", len(s), limit)
	case !printable(s):
		return invalid(p, "%q: only printable ASCII without spaces allowed", s)
	}
	return nil
}

// printable reports whether s is all ASCII 0x21 to 0x7E.
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// checkText accepts UTF-8 text of at most limit bytes (it may be empty).
func checkText(s string, limit int, p string) error {
	if len(s) > limit {
		return invalid(p, "%d bytes, at most %d", len(s), limit)
	}
	if !utf8.ValidString(s) {
		return invalid(p, "not UTF-8")
	}
	return nil
}

// indexPath names element i of the list at path p, as in
// "search_response.results[3]". A list's elements are checked without a
// path and checked again with one only when they fail: the checks are
// pure, and formatting a path for every element of every message cost
// more than checking it.
func indexPath(p string, i int) string {
	return p + "[" + strconv.Itoa(i) + "]"
}
