package p2pirv1

import (
	"fmt"
	"strings"
)

// Valid messages for the tests to start from; each test breaks one thing.

// unitFP is a valid fingerprint of length 1 (0.6² + 0.8²).
func unitFP() *Fingerprint {
	v := make([]float32, FingerprintDim)
	v[3], v[700] = 0.6, -0.8
	return &Fingerprint{Scheme: "fnv1a64-signed-v1", Values: v, Version: 7}
}

func node(id string) *NodeInfo {
	return &NodeInfo{NodeId: id, GrpcAddr: "node-" + id + ".example:7070", Version: "p2pir/0.4.0"}
}

func validSearchRequest() *SearchRequest {
	return &SearchRequest{
		QueryId: "6f1c2b7e9a4d4e0f8b3a1c5d7e9f0a1b",
		Origin:  node("alice"),
		Text:    "jaguar habitat",
		Terms: []*WeightedTerm{
			{Term: "jaguar", Weight: 1.4},
			{Term: "habitat", Weight: 1},
			{Term: "car", Weight: -0.15},
		},
		QueryFingerprint: unitFP(),
		K:                10,
		HopsLeft:         3,
		Visited:          []string{"alice", "bob"},
	}
}

func validSearchResponse() *SearchResponse {
	return &SearchResponse{
		QueryId: "6f1c2b7e9a4d4e0f8b3a1c5d7e9f0a1b",
		Node:    node("bob"),
		Results: []*Result{
			{Url: "https://example.org/jaguar", Title: "Jaguar", Content: "The jaguar lives in…", Score: 12.5, Rank: 1, NodeId: "bob", Path: []string{"bob"}},
			{Url: "http://zoo.example/cats?id=3", Score: 9.25, Rank: 2, NodeId: "carol", Path: []string{"carol", "bob"}},
			{Url: "https://example.net/", Score: -1, Rank: 5, NodeId: "dave"},
		},
		Unresponsive: []*Unresponsive{{NodeId: "erin", Reason: "deadline exceeded"}},
		Stats:        &SearchStats{PeersContacted: 3, Messages: 3, Bytes: 4096},
	}
}

func validProfileExchange() *ProfileExchange {
	return &ProfileExchange{
		Sender:      node("alice"),
		Sharing:     true,
		Fingerprint: unitFP(),
		ClusterHint: 2,
		Known: []*ProfileEntry{
			{Node: node("bob"), Fingerprint: unitFP(), ClusterHint: 2, UpdatedUnixMs: 1_760_000_000_000},
			{Node: &NodeInfo{NodeId: "carol"}, Fingerprint: unitFP(), UpdatedUnixMs: 1},
		},
	}
}

func validRecommendRequest() *RecommendRequest {
	salt := []byte("0123456789abcdef")
	return &RecommendRequest{
		Asker:       node("alice"),
		Fingerprint: unitFP(),
		K:           10,
		ExcludeSalt: salt,
		Exclude:     [][]byte{ExcludeHash(salt, "https://example.org/seen")},
	}
}

func validRecommendResponse() *RecommendResponse {
	return &RecommendResponse{
		Node: node("bob"),
		Recommendations: []*Recommendation{
			{Url: "https://example.org/liked", Title: "Liked", Content: "…", Score: 0.8, Likes: 3, NodeId: "bob"},
			{Url: "https://example.org/other", Score: 0, Likes: 1, NodeId: "bob"},
		},
	}
}

// id returns a distinct valid node ID of exactly n bytes.
func id(i, n int) string {
	s := fmt.Sprintf("n%d-", i)
	return s + strings.Repeat("x", n-len(s))
}

// biggest returns the largest valid message of each kind: every list at
// its cap, every string at its cap.
func biggestMessages() map[string]checked {
	bigNode := func(i int) *NodeInfo {
		host := strings.Repeat("h", MaxAddrBytes-len(":65535"))
		return &NodeInfo{NodeId: id(i, MaxNodeIDBytes), GrpcAddr: host + ":65535", Version: strings.Repeat("v", MaxVersionBytes)}
	}
	bigFP := func() *Fingerprint {
		v := make([]float32, FingerprintDim)
		for i := range v {
			v[i] = -1 / 32.0 // length 1, every value present and non-zero
		}
		return &Fingerprint{Scheme: strings.Repeat("s", MaxSchemeBytes), Values: v, Version: ^uint64(0)}
	}
	bigURL := func(i int) string {
		s := fmt.Sprintf("https://example.org/%d/", i)
		return s + strings.Repeat("p", MaxURLBytes-len(s))
	}
	origin := bigNode(0)
	req := &SearchRequest{
		QueryId:          strings.Repeat("q", MaxQueryIDBytes),
		Origin:           origin,
		Text:             strings.Repeat("t", MaxQueryTextBytes),
		QueryFingerprint: bigFP(),
		K:                MaxResults,
		HopsLeft:         MaxHops,
	}
	for i := range MaxTerms {
		term := fmt.Sprintf("%d", i)
		req.Terms = append(req.Terms, &WeightedTerm{Term: term + strings.Repeat("w", MaxTermBytes-len(term)), Weight: -MaxTermWeight})
	}
	req.Visited = append(req.Visited, origin.NodeId)
	for i := 1; i < MaxVisited; i++ {
		req.Visited = append(req.Visited, id(i, MaxNodeIDBytes))
	}

	responder := bigNode(1)
	resp := &SearchResponse{
		QueryId: req.QueryId,
		Node:    responder,
		Stats:   &SearchStats{PeersContacted: ^uint32(0), Messages: ^uint32(0), Bytes: ^uint64(0)},
		Cached:  true,
	}
	for i := range MaxResults {
		finder := id(1000+i, MaxNodeIDBytes)
		path := []string{finder}
		for j := 1; j < MaxPath-1; j++ {
			path = append(path, id(2000+j, MaxNodeIDBytes))
		}
		path = append(path, responder.NodeId)
		resp.Results = append(resp.Results, &Result{
			Url: bigURL(i), Title: strings.Repeat("T", MaxTitleBytes), Content: strings.Repeat("C", MaxContentBytes),
			Score: -1e300, Rank: int32(i + 1), NodeId: finder, Path: path,
		})
	}
	for i := range MaxUnresponsive {
		resp.Unresponsive = append(resp.Unresponsive, &Unresponsive{NodeId: id(3000+i, MaxNodeIDBytes), Reason: strings.Repeat("r", MaxReasonBytes)})
	}

	gossip := &ProfileExchange{Sender: bigNode(0), Sharing: true, Fingerprint: bigFP(), ClusterHint: MaxClusterHint}
	for i := range MaxProfileEntries {
		gossip.Known = append(gossip.Known, &ProfileEntry{Node: bigNode(i + 1), Fingerprint: bigFP(), ClusterHint: MaxClusterHint, UpdatedUnixMs: 1<<63 - 1})
	}

	rreq := &RecommendRequest{Asker: bigNode(0), Fingerprint: bigFP(), K: MaxRecommendations, ExcludeSalt: make([]byte, ExcludeSaltBytes)}
	for i := range MaxExclude {
		rreq.Exclude = append(rreq.Exclude, ExcludeHash(rreq.ExcludeSalt, fmt.Sprint(i)))
	}
	rresp := &RecommendResponse{Node: bigNode(1)}
	for i := range MaxRecommendations {
		rresp.Recommendations = append(rresp.Recommendations, &Recommendation{
			Url: bigURL(i), Title: strings.Repeat("T", MaxTitleBytes), Content: strings.Repeat("C", MaxContentBytes),
			Score: 1e300, Likes: MaxLikes, NodeId: id(i, MaxNodeIDBytes),
		})
	}
	freq := &FetchDocumentRequest{Asker: bigNode(0), DocId: strings.Repeat("d", MaxDocIDBytes)}
	fresp := &FetchDocumentResponse{
		Node: bigNode(1), DocId: freq.DocId, Title: strings.Repeat("T", MaxTitleBytes),
		Text: strings.Repeat("t", MaxDocumentTextBytes), Truncated: true, Size: MaxDocumentSize, ModifiedUnixMs: MaxUnixMS,
	}
	return map[string]checked{
		"SearchRequest": req, "SearchResponse": resp, "ProfileExchange": gossip,
		"RecommendRequest": rreq, "RecommendResponse": rresp,
		"FetchDocumentRequest": freq, "FetchDocumentResponse": fresp,
	}
}

func validFetchDocumentRequest() *FetchDocumentRequest {
	return &FetchDocumentRequest{Asker: node("alice"), DocId: "k3v9q0x7m2c4r8t1w6y5z0a9b8c7d6e5"}
}

func validFetchDocumentResponse() *FetchDocumentResponse {
	return &FetchDocumentResponse{
		Node: node("bob"), DocId: "k3v9q0x7m2c4r8t1w6y5z0a9b8c7d6e5", Title: "Notes on jaguars",
		Text: "Jaguars live in…", Size: 2048, ModifiedUnixMs: 1_760_000_000_000,
	}
}
