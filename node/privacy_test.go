package node

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// recordingPeer is a real gRPC peer (TLS, its own identity) that keeps
// every search request it receives and answers with no results.
type recordingPeer struct {
	p2pirv1.UnimplementedPeerServer
	id  *identity.Identity
	mu  sync.Mutex
	got []*p2pirv1.SearchRequest
}

func (r *recordingPeer) Search(_ context.Context, req *p2pirv1.SearchRequest) (*p2pirv1.SearchResponse, error) {
	r.mu.Lock()
	r.got = append(r.got, proto.CloneOf(req))
	r.mu.Unlock()
	return &p2pirv1.SearchResponse{QueryId: req.GetQueryId(), Node: &p2pirv1.NodeInfo{NodeId: r.id.NodeID()}}, nil
}

func (r *recordingPeer) requests() []*p2pirv1.SearchRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

func startRecordingPeer(t *testing.T) (*recordingPeer, serveragent.NodeInfo) {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	creds, err := id.ServerCredentials(nil)
	if err != nil {
		t.Fatal(err)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(creds))
	r := &recordingPeer{id: id}
	p2pirv1.RegisterPeerServer(srv, r)
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return r, serveragent.NodeInfo{ID: id.NodeID(), Addr: lis.Addr().String(), Version: "p2pir/test"}
}

// What a peer receives of a search (issue 8, item 12): the terms the
// person typed, never the expansion terms taken from the documents they
// marked, and a fingerprint only while they share. The check is on the
// bytes of the request as the peer got it, re-marshalled, without the
// fields that name nodes and the query (random IDs and addresses).
func TestPeersReceiveOnlyTypedTermsAndAFingerprintOnlyWhileSharing(t *testing.T) {
	tests := []struct {
		name    string
		sharing bool
		wantFP  bool
	}{
		{name: "sharing on", sharing: true, wantFP: true},
		{name: "sharing off", sharing: false, wantFP: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			sc := serveragent.DefaultConfig()
			sc.Strategy = routing.Flood
			sc.PerPeerTimeout = 2 * time.Second
			n, err := Start(ctx, Config{
				DataDir: filepath.Join(t.TempDir(), "node"), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0",
				GossipAddr: "127.0.0.1:0", Server: &sc, MembershipProfile: "local",
			})
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close(ctx)

			var docs []index.Document
			for j, text := range topics["astro"] {
				u := fmt.Sprintf("https://astro.example/doc%d", j)
				docs = append(docs, index.Document{ID: u, URL: u, Title: text, Body: text + ". " + text, Source: index.SourceWeb})
			}
			if err := n.Index().Index(ctx, docs); err != nil {
				t.Fatal(err)
			}
			const typed = "galaxy telescope" // searched again below: the marks reformulate it
			marked, err := n.Agent().Search(ctx, clientagent.Request{Query: typed, Sources: []string{clientagent.LocalName}})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range marked.Results {
				if _, _, err := n.Agent().Mark(ctx, marked.QueryID, r.URL, true); err != nil {
					t.Fatal(err)
				}
			}
			if err := n.store.SetSharing(ctx, tc.sharing); err != nil {
				t.Fatal(err)
			}
			peer, info := startRecordingPeer(t)
			if err := n.Server().UpsertPeer(info); err != nil {
				t.Fatal(err)
			}

			resp, err := n.Agent().Search(ctx, clientagent.Request{Query: typed, Sources: []string{PeersSource}})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Added) == 0 {
				t.Fatalf("the marks added no expansion term to %q: the test checks nothing (expanded %v, marked %d)", typed, resp.Expanded, len(marked.Results))
			}
			reqs := peer.requests()
			if len(reqs) != 1 {
				t.Fatalf("the peer received %d search requests, want 1", len(reqs))
			}
			req := proto.CloneOf(reqs[0])
			want, err := n.Index().ParseQuery(typed)
			if err != nil {
				t.Fatal(err)
			}
			var gotTerms, wantTerms []string
			for _, wt := range req.GetTerms() {
				gotTerms = append(gotTerms, wt.GetTerm())
			}
			for _, wt := range want.Terms {
				wantTerms = append(wantTerms, wt.Term)
			}
			if !slices.Equal(gotTerms, wantTerms) {
				t.Errorf("the peer received terms %v, want the typed %v", gotTerms, wantTerms)
			}
			req.QueryId, req.Origin, req.Visited = "", nil, nil
			wire, err := proto.Marshal(req)
			if err != nil {
				t.Fatal(err)
			}
			for _, term := range resp.Added {
				if bytes.Contains(wire, []byte(term)) {
					t.Errorf("expansion term %q reached the peer", term)
				}
			}
			if has := req.GetQueryFingerprint() != nil; has != tc.wantFP {
				t.Errorf("the peer received a fingerprint: %v, want %v", has, tc.wantFP)
			}
		})
	}
}
