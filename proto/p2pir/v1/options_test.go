package p2pirv1

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/proto"
)

// peerServer answers with whatever the test case scripts, so the tests can
// play a hostile or buggy peer; it counts the calls that reached it.
type peerServer struct {
	UnimplementedPeerServer
	calls     atomic.Int32
	search    func(*SearchRequest) *SearchResponse
	exchange  func(*ProfileExchange) *ProfileExchange
	recommend func(*RecommendRequest) *RecommendResponse
}

func (p *peerServer) Search(_ context.Context, r *SearchRequest) (*SearchResponse, error) {
	p.calls.Add(1)
	return p.search(r), nil
}

func (p *peerServer) ExchangeProfiles(_ context.Context, x *ProfileExchange) (*ProfileExchange, error) {
	p.calls.Add(1)
	return p.exchange(x), nil
}

func (p *peerServer) Recommend(_ context.Context, r *RecommendRequest) (*RecommendResponse, error) {
	p.calls.Add(1)
	return p.recommend(r), nil
}

// connect serves p over an in-memory connection (real gRPC, real
// protobuf encoding) and returns a client for it.
func connect(t *testing.T, p *peerServer, serverOpts []grpc.ServerOption, dialOpts []grpc.DialOption) PeerClient {
	t.Helper()
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer(serverOpts...)
	RegisterPeerServer(srv, p)
	go func() { _ = srv.Serve(lis) }() // returns when Stop is called
	t.Cleanup(srv.Stop)
	opts := append([]grpc.DialOption{
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
	}, dialOpts...)
	conn, err := grpc.NewClient("passthrough:///peer", opts...)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return NewPeerClient(conn)
}

// manyResults returns n results for the request, each with a snippet of
// snippet bytes.
func manyResults(req *SearchRequest, n, snippet int) *SearchResponse {
	resp := &SearchResponse{QueryId: req.GetQueryId(), Node: node("bob")}
	for i := range n {
		resp.Results = append(resp.Results, &Result{
			Url: fmt.Sprintf("https://example.org/%d", i), Content: strings.Repeat("c", snippet),
			Score: 1, Rank: int32(i + 1), NodeId: "bob",
		})
	}
	return resp
}

// TestOptionsCutHostilePeersOffCleanly checks the claims of ServerOptions
// and DialOptions over real gRPC: messages over MaxMessageBytes are
// refused with RESOURCE_EXHAUSTED, invalid requests never reach the
// handler (INVALID_ARGUMENT), invalid responses are never sent (INTERNAL)
// nor used (ErrInvalid), and the largest valid messages pass.
func TestOptionsCutHostilePeersOffCleanly(t *testing.T) {
	big := biggestMessages()
	ours, none := ServerOptions(), []grpc.ServerOption(nil)
	dial, plain := DialOptions(), []grpc.DialOption(nil)
	search := func(req *SearchRequest) func(context.Context, PeerClient) error {
		return func(ctx context.Context, c PeerClient) error {
			resp, err := c.Search(ctx, req)
			if err == nil && resp.GetQueryId() != req.GetQueryId() {
				return fmt.Errorf("answer for %q, asked %q", resp.GetQueryId(), req.GetQueryId())
			}
			return err
		}
	}
	huge := validSearchRequest()
	huge.Text = strings.Repeat("t", 2*MaxMessageBytes)
	nanFP := validSearchRequest()
	nanFP.QueryFingerprint.Values[0] = nan32()
	badK := validSearchRequest()
	badK.K = 0

	cases := []struct {
		name       string
		server     []grpc.ServerOption
		client     []grpc.DialOption
		peer       *peerServer
		call       func(context.Context, PeerClient) error
		wantCode   codes.Code // when the error is a gRPC status
		wantInval  bool       // when the error wraps ErrInvalid
		wantCalled int32
	}{
		{
			name: "the largest valid search passes both ways", server: ours, client: dial,
			peer: &peerServer{search: func(*SearchRequest) *SearchResponse { return big["SearchResponse"].(*SearchResponse) }},
			call: search(big["SearchRequest"].(*SearchRequest)), wantCalled: 1,
		},
		{
			name: "the largest valid gossip passes both ways", server: ours, client: dial,
			peer: &peerServer{exchange: func(*ProfileExchange) *ProfileExchange { return big["ProfileExchange"].(*ProfileExchange) }},
			call: func(ctx context.Context, c PeerClient) error {
				_, err := c.ExchangeProfiles(ctx, big["ProfileExchange"].(*ProfileExchange))
				return err
			},
			wantCalled: 1,
		},
		{
			name: "the largest valid recommendation passes both ways", server: ours, client: dial,
			peer: &peerServer{recommend: func(*RecommendRequest) *RecommendResponse { return big["RecommendResponse"].(*RecommendResponse) }},
			call: func(ctx context.Context, c PeerClient) error {
				_, err := c.Recommend(ctx, big["RecommendRequest"].(*RecommendRequest))
				return err
			},
			wantCalled: 1,
		},
		{
			name: "an oversized request is refused by the server before the handler", server: ours, client: plain,
			peer: &peerServer{search: validSearchResponseFor},
			call: search(huge), wantCode: codes.ResourceExhausted,
		},
		{
			// Every message over the size cap breaks some other cap too, so
			// Validate refuses it before gRPC's size check would.
			name: "an oversized request is never sent", server: none, client: dial,
			peer: &peerServer{search: validSearchResponseFor},
			call: search(huge), wantInval: true,
		},
		{
			name: "10,000 results over the size cap are refused by the client", server: none, client: dial,
			peer: &peerServer{search: func(r *SearchRequest) *SearchResponse { return manyResults(r, 10000, 200) }},
			call: search(validSearchRequest()), wantCode: codes.ResourceExhausted, wantCalled: 1,
		},
		{
			name: "10,000 small results under the size cap are refused by Validate", server: none, client: dial,
			peer: &peerServer{search: func(r *SearchRequest) *SearchResponse { return manyResults(r, 10000, 0) }},
			call: search(validSearchRequest()), wantInval: true, wantCalled: 1,
		},
		{
			name: "more results than k are refused", server: none, client: dial,
			peer: &peerServer{search: func(r *SearchRequest) *SearchResponse { return manyResults(r, int(r.GetK())+1, 0) }},
			call: search(validSearchRequest()), wantInval: true, wantCalled: 1,
		},
		{
			name: "an answer to another query is refused", server: none, client: dial,
			peer: &peerServer{search: func(r *SearchRequest) *SearchResponse {
				resp := validSearchResponseFor(r)
				resp.QueryId = "replayed"
				return resp
			}},
			call: search(validSearchRequest()), wantInval: true, wantCalled: 1,
		},
		{
			name: "a NaN fingerprint never reaches the handler", server: ours, client: plain,
			peer: &peerServer{search: validSearchResponseFor},
			call: search(nanFP), wantCode: codes.InvalidArgument,
		},
		{
			name: "an invalid request is never sent", server: none, client: dial,
			peer: &peerServer{search: validSearchResponseFor},
			call: search(badK), wantInval: true,
		},
		{
			name: "a handler's invalid response is never sent", server: ours, client: plain,
			peer: &peerServer{search: func(r *SearchRequest) *SearchResponse {
				resp := validSearchResponseFor(r)
				resp.Results[0].Score = math.Inf(1)
				return resp
			}},
			call: search(validSearchRequest()), wantCode: codes.Internal, wantCalled: 1,
		},
		{
			name: "a gossip message sharing no fingerprint is refused", server: ours, client: plain,
			peer: &peerServer{exchange: func(x *ProfileExchange) *ProfileExchange { return x }},
			call: func(ctx context.Context, c PeerClient) error {
				x := validProfileExchange()
				x.Fingerprint = nil
				_, err := c.ExchangeProfiles(ctx, x)
				return err
			},
			wantCode: codes.InvalidArgument,
		},
		{
			name: "a gossip reply with a huge fingerprint is refused", server: none, client: dial,
			peer: &peerServer{exchange: func(*ProfileExchange) *ProfileExchange {
				x := validProfileExchange()
				x.Known[0].Fingerprint.Values[0] = 1e30
				return x
			}},
			call: func(ctx context.Context, c PeerClient) error {
				_, err := c.ExchangeProfiles(ctx, validProfileExchange())
				return err
			},
			wantInval: true, wantCalled: 1,
		},
		{
			name: "more recommendations than k are refused", server: none, client: dial,
			peer: &peerServer{recommend: func(*RecommendRequest) *RecommendResponse { return validRecommendResponse() }},
			call: func(ctx context.Context, c PeerClient) error {
				req := validRecommendRequest()
				req.K = 1
				_, err := c.Recommend(ctx, req)
				return err
			},
			wantInval: true, wantCalled: 1,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.peer
			client := connect(t, p, tc.server, tc.client)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			err := tc.call(ctx, client)
			switch {
			case tc.wantCode == codes.OK && !tc.wantInval:
				if err != nil {
					t.Fatalf("call failed: %v", err)
				}
			case tc.wantInval:
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("error %v, want one wrapping ErrInvalid", err)
				}
			default:
				if got := status.Code(err); got != tc.wantCode {
					t.Fatalf("status %v (%v), want %v", got, err, tc.wantCode)
				}
			}
			if got := p.calls.Load(); got != tc.wantCalled {
				t.Errorf("handler called %d times, want %d", got, tc.wantCalled)
			}
		})
	}
}

// validSearchResponseFor answers req with a small valid response.
func validSearchResponseFor(req *SearchRequest) *SearchResponse {
	resp := validSearchResponse()
	resp.QueryId = req.GetQueryId()
	return resp
}

// TestOptionsKeepTheAnswerIntact checks that a response passing through
// both interceptors reaches the caller unchanged.
func TestOptionsKeepTheAnswerIntact(t *testing.T) {
	want := validSearchResponse()
	p := &peerServer{search: func(*SearchRequest) *SearchResponse { return want }}
	client := connect(t, p, ServerOptions(), DialOptions())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got, err := client.Search(ctx, validSearchRequest())
	if err != nil {
		t.Fatalf("Search: %v", err)
	}
	if !proto.Equal(got, want) {
		t.Fatalf("answer changed on the way:\n got %v\nwant %v", got, want)
	}
}
