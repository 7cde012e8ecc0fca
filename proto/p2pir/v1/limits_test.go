package p2pirv1

import (
	"errors"
	"math"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
)

// vcase is one row of a Validate table: break a valid message with mutate,
// and expect either no error (wantErr == "") or an error wrapping
// ErrInvalid that names the field (wantErr is a substring of it).
type vcase[M proto.Message] struct {
	name    string
	mutate  func(M)
	wantErr string
}

// runValidate runs a Validate table. For every row it also checks the
// claims that hold for every message: Validate leaves the message as it
// was, and gives the same verdict on the message as read back from the
// wire (when the message can be serialized at all).
func runValidate[M checked](t *testing.T, fresh func() M, cases []vcase[M]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := fresh()
			tc.mutate(m)
			before := proto.Clone(m)
			err := m.Validate()
			if !proto.Equal(before, m) {
				t.Fatal("Validate changed the message")
			}
			checkVerdict(t, err, tc.wantErr)
			wire, merr := proto.Marshal(m)
			if merr != nil {
				return // e.g. invalid UTF-8: cannot be sent, nothing to read back
			}
			back := fresh()
			proto.Reset(back)
			if uerr := proto.Unmarshal(wire, back); uerr != nil {
				t.Fatalf("read back: %v", uerr)
			}
			if err2 := back.Validate(); (err2 == nil) != (err == nil) {
				t.Errorf("verdict differs after the wire: %v, then %v", err, err2)
			}
		})
	}
}

func checkVerdict(t *testing.T, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Fatalf("refused a valid message: %v", err)
	case wantErr == "":
	case err == nil:
		t.Fatalf("accepted; want an error naming %q", wantErr)
	case !errors.Is(err, ErrInvalid):
		t.Fatalf("error %v does not wrap ErrInvalid", err)
	case !strings.Contains(err.Error(), wantErr):
		t.Fatalf("error %q does not name %q", err, wantErr)
	}
}

func nan32() float32 { return float32(math.NaN()) }

func TestSearchRequestValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validSearchRequest, []vcase[*SearchRequest]{
		{"a well-formed request is accepted", func(r *SearchRequest) {}, ""},
		{"text alone, without terms, is a query", func(r *SearchRequest) { r.Terms = nil }, ""},
		{"terms alone, without text, are a query", func(r *SearchRequest) { r.Text = "" }, ""},
		{"the query fingerprint is optional", func(r *SearchRequest) { r.QueryFingerprint = nil }, ""},
		{"a zero fingerprint (empty profile) is accepted", func(r *SearchRequest) { r.QueryFingerprint.Values = make([]float32, FingerprintDim) }, ""},
		{"hops_left 0 (answer, do not forward) is accepted", func(r *SearchRequest) { r.HopsLeft = 0 }, ""},
		{"hops_left MaxHops is accepted", func(r *SearchRequest) { r.HopsLeft = MaxHops }, ""},
		{"k MaxResults is accepted", func(r *SearchRequest) { r.K = MaxResults }, ""},
		{"an origin without an address is accepted", func(r *SearchRequest) { r.Origin.GrpcAddr = "" }, ""},
		{"an IPv6 address is accepted", func(r *SearchRequest) { r.Origin.GrpcAddr = "[2001:db8::1]:7070" }, ""},

		{"empty query ID", func(r *SearchRequest) { r.QueryId = "" }, "SearchRequest.query_id: empty"},
		{"query ID with a space", func(r *SearchRequest) { r.QueryId = "a b" }, "SearchRequest.query_id"},
		{"query ID over the cap", func(r *SearchRequest) { r.QueryId = strings.Repeat("q", MaxQueryIDBytes+1) }, "SearchRequest.query_id: 65 bytes"},
		{"missing origin", func(r *SearchRequest) { r.Origin = nil }, "SearchRequest.origin: missing"},
		{"origin without node ID", func(r *SearchRequest) { r.Origin.NodeId = ""; r.Visited = []string{"bob"} }, "SearchRequest.origin.node_id: empty"},
		{"origin node ID with a control character", func(r *SearchRequest) { r.Origin.NodeId = "alice\n"; r.Visited = []string{"alice\n"} }, "SearchRequest.origin.node_id"},
		{"origin node ID over the cap", func(r *SearchRequest) {
			r.Origin.NodeId = strings.Repeat("a", MaxNodeIDBytes+1)
			r.Visited = []string{r.Origin.NodeId}
		}, "SearchRequest.origin.node_id: 129 bytes"},
		{"address without port", func(r *SearchRequest) { r.Origin.GrpcAddr = "example.org" }, "SearchRequest.origin.grpc_addr"},
		{"address with port 0", func(r *SearchRequest) { r.Origin.GrpcAddr = "example.org:0" }, "SearchRequest.origin.grpc_addr"},
		{"address with port 70000", func(r *SearchRequest) { r.Origin.GrpcAddr = "example.org:70000" }, "SearchRequest.origin.grpc_addr"},
		{"address with a named port", func(r *SearchRequest) { r.Origin.GrpcAddr = "example.org:https" }, "SearchRequest.origin.grpc_addr"},
		{"address without host", func(r *SearchRequest) { r.Origin.GrpcAddr = ":7070" }, "SearchRequest.origin.grpc_addr"},
		{"address over the cap", func(r *SearchRequest) { r.Origin.GrpcAddr = strings.Repeat("h", MaxAddrBytes) + ":1" }, "SearchRequest.origin.grpc_addr: 258 bytes"},
		{"version over the cap", func(r *SearchRequest) { r.Origin.Version = strings.Repeat("v", MaxVersionBytes+1) }, "SearchRequest.origin.version"},
		{"version not UTF-8", func(r *SearchRequest) { r.Origin.Version = "\xff" }, "SearchRequest.origin.version: not UTF-8"},
		{"text over the cap", func(r *SearchRequest) { r.Text = strings.Repeat("t", MaxQueryTextBytes+1) }, "SearchRequest.text"},
		{"neither terms nor text", func(r *SearchRequest) { r.Terms, r.Text = nil, "" }, "neither terms nor text"},
		{"blank text and no terms", func(r *SearchRequest) { r.Terms, r.Text = nil, " \t " }, "neither terms nor text"},
		{"too many terms", func(r *SearchRequest) {
			r.Terms = nil
			for i := range MaxTerms + 1 {
				r.Terms = append(r.Terms, &WeightedTerm{Term: id(i, 10), Weight: 1})
			}
		}, "SearchRequest.terms: 129 terms"},
		{"empty term", func(r *SearchRequest) { r.Terms[1].Term = "" }, "SearchRequest.terms[1].term: empty"},
		{"term with a space", func(r *SearchRequest) { r.Terms[1].Term = "big cat" }, "SearchRequest.terms[1].term"},
		{"term over the cap", func(r *SearchRequest) { r.Terms[0].Term = strings.Repeat("w", MaxTermBytes+1) }, "SearchRequest.terms[0].term: 257 bytes"},
		{"term twice", func(r *SearchRequest) { r.Terms[2].Term = "jaguar" }, `SearchRequest.terms[2].term: "jaguar" repeated`},
		{"missing term", func(r *SearchRequest) { r.Terms[1] = nil }, "SearchRequest.terms[1]: missing"},
		{"NaN weight", func(r *SearchRequest) { r.Terms[0].Weight = math.NaN() }, "SearchRequest.terms[0].weight: NaN"},
		{"infinite weight", func(r *SearchRequest) { r.Terms[0].Weight = math.Inf(1) }, "SearchRequest.terms[0].weight: +Inf"},
		{"huge weight", func(r *SearchRequest) { r.Terms[0].Weight = -1e7 }, "SearchRequest.terms[0].weight"},
		{"fingerprint one value short", func(r *SearchRequest) { r.QueryFingerprint.Values = r.QueryFingerprint.Values[:FingerprintDim-1] }, "SearchRequest.query_fingerprint.values: 1023 values"},
		{"fingerprint one value too many", func(r *SearchRequest) {
			r.QueryFingerprint.Values = append(r.QueryFingerprint.Values, 0)
		}, "SearchRequest.query_fingerprint.values: 1025 values"},
		{"NaN in the fingerprint", func(r *SearchRequest) { r.QueryFingerprint.Values[9] = nan32() }, "SearchRequest.query_fingerprint.values[9]: NaN"},
		{"infinity in the fingerprint", func(r *SearchRequest) { r.QueryFingerprint.Values[9] = float32(math.Inf(-1)) }, "SearchRequest.query_fingerprint.values[9]: -Inf"},
		{"huge fingerprint", func(r *SearchRequest) { r.QueryFingerprint.Values[3] = 3e38 }, "SearchRequest.query_fingerprint.values: length"},
		{"fingerprint not of unit length", func(r *SearchRequest) { r.QueryFingerprint.Values[700] = 0 }, "SearchRequest.query_fingerprint.values: length 0.6"},
		{"fingerprint without scheme", func(r *SearchRequest) { r.QueryFingerprint.Scheme = "" }, "SearchRequest.query_fingerprint.scheme: empty"},
		{"k 0", func(r *SearchRequest) { r.K = 0 }, "SearchRequest.k: 0"},
		{"k negative", func(r *SearchRequest) { r.K = -5 }, "SearchRequest.k: -5"},
		{"k over MaxResults (10,000 results asked for)", func(r *SearchRequest) { r.K = 10000 }, "SearchRequest.k: 10000"},
		{"hops_left negative", func(r *SearchRequest) { r.HopsLeft = -1 }, "SearchRequest.hops_left: -1"},
		{"hops_left over MaxHops", func(r *SearchRequest) { r.HopsLeft = MaxHops + 1 }, "SearchRequest.hops_left: 17"},
		{"visited without the origin", func(r *SearchRequest) { r.Visited = []string{"bob"} }, `does not contain the origin "alice"`},
		{"visited empty", func(r *SearchRequest) { r.Visited = nil }, "SearchRequest.visited: does not contain the origin"},
		{"visited with a node twice (A→B→A)", func(r *SearchRequest) { r.Visited = []string{"alice", "bob", "alice"} }, `SearchRequest.visited[2]: "alice" repeated`},
		{"visited with an empty ID", func(r *SearchRequest) { r.Visited = append(r.Visited, "") }, "SearchRequest.visited[2]: empty"},
		{"visited over the cap", func(r *SearchRequest) {
			for i := len(r.Visited); i <= MaxVisited; i++ {
				r.Visited = append(r.Visited, id(i, 20))
			}
		}, "SearchRequest.visited: 257 node IDs"},
	})
}

func TestSearchResponseValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validSearchResponse, []vcase[*SearchResponse]{
		{"a well-formed response is accepted", func(r *SearchResponse) {}, ""},
		{"no results is an answer", func(r *SearchResponse) { r.Results = nil }, ""},
		{"stats are optional", func(r *SearchResponse) { r.Stats = nil }, ""},

		{"empty query ID", func(r *SearchResponse) { r.QueryId = "" }, "SearchResponse.query_id: empty"},
		{"missing responder", func(r *SearchResponse) { r.Node = nil }, "SearchResponse.node: missing"},
		{"responder without node ID", func(r *SearchResponse) { r.Node.NodeId = "" }, "SearchResponse.node.node_id: empty"},
		{"10,000 results", func(r *SearchResponse) {
			r.Results = nil
			for i := range 10000 {
				r.Results = append(r.Results, &Result{Url: "https://example.org/" + id(i, 10), Rank: int32(i + 1), NodeId: "bob"})
			}
		}, "SearchResponse.results: 10000 results, at most 100"},
		{"missing result", func(r *SearchResponse) { r.Results[1] = nil }, "SearchResponse.results[1]: missing"},
		{"rank 0", func(r *SearchResponse) { r.Results[0].Rank = 0 }, "SearchResponse.results[0].rank: 0"},
		{"rank over MaxResults", func(r *SearchResponse) { r.Results[2].Rank = MaxResults + 1 }, "SearchResponse.results[2].rank: 101"},
		{"ranks repeated", func(r *SearchResponse) { r.Results[1].Rank = 1 }, "SearchResponse.results[1].rank: 1 after 1"},
		{"ranks going down", func(r *SearchResponse) { r.Results[2].Rank = 2; r.Results[1].Rank = 3 }, "SearchResponse.results[2].rank: 2 after 3"},
		{"URL twice", func(r *SearchResponse) { r.Results[2].Url = r.Results[0].Url }, "SearchResponse.results[2].url"},
		{"empty URL", func(r *SearchResponse) { r.Results[0].Url = "" }, "SearchResponse.results[0].url: empty"},
		{"file URL (a person's private files)", func(r *SearchResponse) { r.Results[0].Url = "file:///home/me/diary.txt" }, `scheme "file"`},
		{"javascript URL", func(r *SearchResponse) { r.Results[0].Url = "javascript:alert(1)" }, `scheme "javascript"`},
		{"relative URL", func(r *SearchResponse) { r.Results[0].Url = "/jaguar" }, `scheme ""`},
		{"URL without host", func(r *SearchResponse) { r.Results[0].Url = "https:///jaguar" }, "has no host"},
		{"URL with a control character", func(r *SearchResponse) { r.Results[0].Url = "https://example.org/\x7f" }, "SearchResponse.results[0].url"},
		{"URL over the cap", func(r *SearchResponse) { r.Results[0].Url = "https://example.org/" + strings.Repeat("p", MaxURLBytes) }, "SearchResponse.results[0].url: 2068 bytes"},
		{"title over the cap", func(r *SearchResponse) { r.Results[0].Title = strings.Repeat("T", MaxTitleBytes+1) }, "SearchResponse.results[0].title: 513 bytes"},
		{"snippet over the cap", func(r *SearchResponse) { r.Results[0].Content = strings.Repeat("C", MaxContentBytes+1) }, "SearchResponse.results[0].content: 2049 bytes"},
		{"snippet not UTF-8", func(r *SearchResponse) { r.Results[0].Content = "caf\xe9" }, "SearchResponse.results[0].content: not UTF-8"},
		{"NaN score", func(r *SearchResponse) { r.Results[1].Score = math.NaN() }, "SearchResponse.results[1].score: NaN"},
		{"infinite score", func(r *SearchResponse) { r.Results[1].Score = math.Inf(1) }, "SearchResponse.results[1].score: +Inf"},
		{"finder without node ID", func(r *SearchResponse) { r.Results[2].NodeId = "" }, "SearchResponse.results[2].node_id: empty"},
		{"a language code", func(r *SearchResponse) { r.Results[0].Lang = "de" }, ""},
		{"a language code this node may not know", func(r *SearchResponse) { r.Results[0].Lang = "hi" }, ""},
		{"language in capitals", func(r *SearchResponse) { r.Results[0].Lang = "DE" }, `SearchResponse.results[0].lang: "DE" is not a language code`},
		{"language with markup", func(r *SearchResponse) { r.Results[0].Lang = "<b>" }, `SearchResponse.results[0].lang: "<b>" is not a language code`},
		{"language over the cap", func(r *SearchResponse) { r.Results[0].Lang = "abcdefghi" }, "SearchResponse.results[0].lang: 9 bytes, at most 8"},
		{"path not starting at the finder", func(r *SearchResponse) { r.Results[1].Path = []string{"mallory", "bob"} }, `starts at "mallory", not at the finder "carol"`},
		{"path not ending at the responder", func(r *SearchResponse) { r.Results[1].Path = []string{"carol"} }, `ends at "carol", not at the responder "bob"`},
		{"path with an empty ID", func(r *SearchResponse) { r.Results[1].Path = []string{"carol", "", "bob"} }, "SearchResponse.results[1].path[1]: empty"},
		{"path over the cap", func(r *SearchResponse) {
			p := []string{"carol"}
			for i := range MaxPath - 1 {
				p = append(p, id(i, 10))
			}
			r.Results[1].Path = append(p, "bob")
		}, "SearchResponse.results[1].path: 18 node IDs"},
		{"unresponsive peer twice", func(r *SearchResponse) { r.Unresponsive = append(r.Unresponsive, &Unresponsive{NodeId: "erin"}) }, `SearchResponse.unresponsive[1].node_id: "erin" repeated`},
		{"unresponsive peer without ID", func(r *SearchResponse) { r.Unresponsive[0].NodeId = "" }, "SearchResponse.unresponsive[0].node_id: empty"},
		{"unresponsive reason over the cap", func(r *SearchResponse) { r.Unresponsive[0].Reason = strings.Repeat("r", MaxReasonBytes+1) }, "SearchResponse.unresponsive[0].reason"},
		{"too many unresponsive peers", func(r *SearchResponse) {
			for i := range MaxUnresponsive {
				r.Unresponsive = append(r.Unresponsive, &Unresponsive{NodeId: id(i, 10)})
			}
		}, "SearchResponse.unresponsive: 65 peers"},
	})
}

func TestSearchResponseValidateForTiesTheAnswerToItsRequest(t *testing.T) {
	cases := []struct {
		name    string
		mutate  func(req *SearchRequest, resp *SearchResponse)
		wantErr string
	}{
		{"an answer to the request is accepted", func(*SearchRequest, *SearchResponse) {}, ""},
		{"exactly k results are accepted", func(req *SearchRequest, _ *SearchResponse) { req.K = 3 }, ""},
		{"more results than k are refused", func(req *SearchRequest, _ *SearchResponse) { req.K = 2 }, "3 results, the request asked for 2"},
		{"another query's answer is refused", func(_ *SearchRequest, resp *SearchResponse) { resp.QueryId = "other" }, `"other" answers a request for`},
		{"an invalid response is refused first", func(_ *SearchRequest, resp *SearchResponse) { resp.Node = nil }, "SearchResponse.node: missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, resp := validSearchRequest(), validSearchResponse()
			tc.mutate(req, resp)
			checkVerdict(t, resp.ValidateFor(req), tc.wantErr)
		})
	}
}

func TestProfileExchangeValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validProfileExchange, []vcase[*ProfileExchange]{
		{"a well-formed exchange is accepted", func(x *ProfileExchange) {}, ""},
		{"sharing off, no fingerprint, is accepted", func(x *ProfileExchange) { x.Sharing, x.Fingerprint = false, nil }, ""},
		{"no known peers is accepted", func(x *ProfileExchange) { x.Known = nil }, ""},
		{"the receiver may be among the known", func(x *ProfileExchange) { x.Known[1].Node.NodeId = "receiver" }, ""},

		{"missing sender", func(x *ProfileExchange) { x.Sender = nil }, "ProfileExchange.sender: missing"},
		{"sender with a forged-looking empty ID", func(x *ProfileExchange) { x.Sender.NodeId = "" }, "ProfileExchange.sender.node_id: empty"},
		{"sharing on without a fingerprint", func(x *ProfileExchange) { x.Fingerprint = nil }, "missing while sharing is on"},
		{"sharing off with a fingerprint", func(x *ProfileExchange) { x.Sharing = false }, "present while sharing is off"},
		{"NaN in the sender's fingerprint", func(x *ProfileExchange) { x.Fingerprint.Values[0] = nan32() }, "ProfileExchange.fingerprint.values[0]: NaN"},
		{"cluster hint negative", func(x *ProfileExchange) { x.ClusterHint = -1 }, "ProfileExchange.cluster_hint: -1"},
		{"cluster hint over the cap", func(x *ProfileExchange) { x.ClusterHint = MaxClusterHint + 1 }, "ProfileExchange.cluster_hint: 1025"},
		{"too many known peers", func(x *ProfileExchange) {
			x.Known = nil
			for i := range MaxProfileEntries + 1 {
				x.Known = append(x.Known, &ProfileEntry{Node: &NodeInfo{NodeId: id(i, 10)}, Fingerprint: unitFP(), UpdatedUnixMs: 1})
			}
		}, "ProfileExchange.known: 65 entries"},
		{"a known peer twice", func(x *ProfileExchange) { x.Known[1].Node.NodeId = "bob" }, `ProfileExchange.known[1].node.node_id: "bob" repeated`},
		{"the sender among the known", func(x *ProfileExchange) { x.Known[0].Node.NodeId = "alice" }, `ProfileExchange.known[0].node.node_id: is the sender "alice"`},
		{"missing entry", func(x *ProfileExchange) { x.Known[0] = nil }, "ProfileExchange.known[0]: missing"},
		{"entry without node", func(x *ProfileExchange) { x.Known[0].Node = nil }, "ProfileExchange.known[0].node: missing"},
		{"entry without fingerprint", func(x *ProfileExchange) { x.Known[0].Fingerprint = nil }, "ProfileExchange.known[0].fingerprint: missing"},
		{"entry with a huge fingerprint", func(x *ProfileExchange) { x.Known[1].Fingerprint.Values[5] = 1e30 }, "ProfileExchange.known[1].fingerprint.values: length"},
		{"entry with a short fingerprint", func(x *ProfileExchange) { x.Known[1].Fingerprint.Values = []float32{1} }, "ProfileExchange.known[1].fingerprint.values: 1 values"},
		{"entry cluster hint over the cap", func(x *ProfileExchange) { x.Known[0].ClusterHint = 5000 }, "ProfileExchange.known[0].cluster_hint: 5000"},
		{"entry without update time", func(x *ProfileExchange) { x.Known[0].UpdatedUnixMs = 0 }, "ProfileExchange.known[0].updated_unix_ms: 0"},
		{"entry with negative update time", func(x *ProfileExchange) { x.Known[0].UpdatedUnixMs = -3 }, "ProfileExchange.known[0].updated_unix_ms: -3"},
	})
}

func TestRecommendRequestValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validRecommendRequest, []vcase[*RecommendRequest]{
		{"a well-formed request is accepted", func(r *RecommendRequest) {}, ""},
		{"no fingerprint (sharing off) is accepted", func(r *RecommendRequest) { r.Fingerprint = nil }, ""},
		{"no exclude list is accepted", func(r *RecommendRequest) { r.Exclude, r.ExcludeSalt = nil, nil }, ""},
		{"a salt without exclude list is accepted", func(r *RecommendRequest) { r.Exclude = nil }, ""},
		{"k MaxRecommendations is accepted", func(r *RecommendRequest) { r.K = MaxRecommendations }, ""},

		{"missing asker", func(r *RecommendRequest) { r.Asker = nil }, "RecommendRequest.asker: missing"},
		{"asker ID with a space", func(r *RecommendRequest) { r.Asker.NodeId = "al ice" }, "RecommendRequest.asker.node_id"},
		{"NaN in the fingerprint", func(r *RecommendRequest) { r.Fingerprint.Values[1] = nan32() }, "RecommendRequest.fingerprint.values[1]: NaN"},
		{"k 0", func(r *RecommendRequest) { r.K = 0 }, "RecommendRequest.k: 0"},
		{"k over MaxRecommendations", func(r *RecommendRequest) { r.K = MaxRecommendations + 1 }, "RecommendRequest.k: 51"},
		{"exclude without salt", func(r *RecommendRequest) { r.ExcludeSalt = nil }, "RecommendRequest.exclude_salt: missing while exclude has 1 hashes"},
		{"salt too short", func(r *RecommendRequest) { r.ExcludeSalt = r.ExcludeSalt[:ExcludeSaltBytes-1] }, "RecommendRequest.exclude_salt: 15 bytes"},
		{"a raw URL instead of a hash", func(r *RecommendRequest) { r.Exclude[0] = []byte("https://example.org/seen") }, "RecommendRequest.exclude[0]: 24 bytes, want 8"},
		{"an empty hash", func(r *RecommendRequest) { r.Exclude = append(r.Exclude, nil) }, "RecommendRequest.exclude[1]: 0 bytes"},
		{"too many hashes", func(r *RecommendRequest) {
			for range MaxExclude {
				r.Exclude = append(r.Exclude, make([]byte, ExcludeHashBytes))
			}
		}, "RecommendRequest.exclude: 1025 hashes"},
	})
}

func TestRecommendResponseValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validRecommendResponse, []vcase[*RecommendResponse]{
		{"a well-formed response is accepted", func(r *RecommendResponse) {}, ""},
		{"no recommendations is an answer", func(r *RecommendResponse) { r.Recommendations = nil }, ""},
		{"likes from another node are accepted", func(r *RecommendResponse) { r.Recommendations[1].NodeId = "carol" }, ""},

		{"missing responder", func(r *RecommendResponse) { r.Node = nil }, "RecommendResponse.node: missing"},
		{"too many recommendations", func(r *RecommendResponse) {
			r.Recommendations = nil
			for i := range MaxRecommendations + 1 {
				r.Recommendations = append(r.Recommendations, &Recommendation{Url: "https://example.org/" + id(i, 8), Likes: 1, NodeId: "bob"})
			}
		}, "RecommendResponse.recommendations: 51 recommendations"},
		{"missing recommendation", func(r *RecommendResponse) { r.Recommendations[0] = nil }, "RecommendResponse.recommendations[0]: missing"},
		{"URL twice", func(r *RecommendResponse) { r.Recommendations[1].Url = r.Recommendations[0].Url }, "RecommendResponse.recommendations[1].url"},
		{"file URL", func(r *RecommendResponse) { r.Recommendations[0].Url = "file:///etc/passwd" }, `scheme "file"`},
		{"NaN score", func(r *RecommendResponse) { r.Recommendations[0].Score = math.NaN() }, "RecommendResponse.recommendations[0].score: NaN"},
		{"no likes", func(r *RecommendResponse) { r.Recommendations[0].Likes = 0 }, "RecommendResponse.recommendations[0].likes: 0"},
		{"likes over the cap", func(r *RecommendResponse) { r.Recommendations[0].Likes = MaxLikes + 1 }, "RecommendResponse.recommendations[0].likes: 1000001"},
		{"no node ID", func(r *RecommendResponse) { r.Recommendations[0].NodeId = "" }, "RecommendResponse.recommendations[0].node_id: empty"},
		{"title over the cap", func(r *RecommendResponse) { r.Recommendations[0].Title = strings.Repeat("T", MaxTitleBytes+1) }, "RecommendResponse.recommendations[0].title"},
	})
}

func TestRecommendResponseValidateForHoldsToK(t *testing.T) {
	cases := []struct {
		name    string
		k       int32
		wantErr string
	}{
		{"fewer than k is accepted", 5, ""},
		{"exactly k is accepted", 2, ""},
		{"more than k is refused", 1, "2 recommendations, the request asked for 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := validRecommendRequest()
			req.K = tc.k
			checkVerdict(t, validRecommendResponse().ValidateFor(req), tc.wantErr)
		})
	}
}

// TestNilMessagesAreRefusedNotPanics checks every Validate on a nil
// message returns an error instead of panicking.
func TestNilMessagesAreRefusedNotPanics(t *testing.T) {
	cases := []struct {
		name string
		m    interface{ Validate() error }
	}{
		{"NodeInfo", (*NodeInfo)(nil)},
		{"Fingerprint", (*Fingerprint)(nil)},
		{"WeightedTerm", (*WeightedTerm)(nil)},
		{"SearchRequest", (*SearchRequest)(nil)},
		{"Result", (*Result)(nil)},
		{"Unresponsive", (*Unresponsive)(nil)},
		{"SearchResponse", (*SearchResponse)(nil)},
		{"ProfileEntry", (*ProfileEntry)(nil)},
		{"ProfileExchange", (*ProfileExchange)(nil)},
		{"RecommendRequest", (*RecommendRequest)(nil)},
		{"Recommendation", (*Recommendation)(nil)},
		{"RecommendResponse", (*RecommendResponse)(nil)},
		{"FetchDocumentRequest", (*FetchDocumentRequest)(nil)},
		{"FetchDocumentResponse", (*FetchDocumentResponse)(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkVerdict(t, tc.m.Validate(), tc.name+": missing")
		})
	}
}

// TestPartsValidateOnTheirOwn checks the Validate methods of the parts
// (used by the messages above) name their own type in errors.
func TestPartsValidateOnTheirOwn(t *testing.T) {
	cases := []struct {
		name    string
		m       interface{ Validate() error }
		wantErr string
	}{
		{"a node info", node("alice"), ""},
		{"a node info without ID", &NodeInfo{GrpcAddr: "a:1"}, "NodeInfo.node_id: empty"},
		{"a fingerprint", unitFP(), ""},
		{"an empty fingerprint", &Fingerprint{Scheme: "s"}, "Fingerprint.values: 0 values, want 1024"},
		{"a term", &WeightedTerm{Term: "jaguar", Weight: 2}, ""},
		{"a term with NaN weight", &WeightedTerm{Term: "jaguar", Weight: math.NaN()}, "WeightedTerm.weight: NaN"},
		{"a result", &Result{Url: "https://a.example/", Rank: 1, NodeId: "a"}, ""},
		{"a result without rank", &Result{Url: "https://a.example/", NodeId: "a"}, "Result.rank: 0"},
		{"an unresponsive peer", &Unresponsive{NodeId: "a", Reason: "refused"}, ""},
		{"an unresponsive peer without ID", &Unresponsive{Reason: "refused"}, "Unresponsive.node_id: empty"},
		{"a profile entry", &ProfileEntry{Node: node("a"), Fingerprint: unitFP(), UpdatedUnixMs: 5}, ""},
		{"a profile entry without time", &ProfileEntry{Node: node("a"), Fingerprint: unitFP()}, "ProfileEntry.updated_unix_ms: 0"},
		{"a recommendation", &Recommendation{Url: "http://a.example/x", Likes: 2, NodeId: "a"}, ""},
		{"a recommendation without likes", &Recommendation{Url: "http://a.example/x", NodeId: "a"}, "Recommendation.likes: 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkVerdict(t, tc.m.Validate(), tc.wantErr)
		})
	}
}

// TestEveryValidMessageFitsMaxMessageBytes checks the caps add up: the
// largest message of each kind that passes Validate (every list and
// string at its cap) still fits in MaxMessageBytes, so a valid message is
// never refused for its size.
func TestEveryValidMessageFitsMaxMessageBytes(t *testing.T) {
	for name, m := range biggestMessages() {
		t.Run(name, func(t *testing.T) {
			if err := m.Validate(); err != nil {
				t.Fatalf("the biggest valid message is not valid: %v", err)
			}
			size := proto.Size(m)
			if size > MaxMessageBytes {
				t.Fatalf("%d bytes, over MaxMessageBytes %d", size, MaxMessageBytes)
			}
			t.Logf("%s: %d bytes (%.0f%% of the cap)", name, size, 100*float64(size)/MaxMessageBytes)
		})
	}
}
