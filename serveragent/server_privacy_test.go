package serveragent

import (
	"context"
	"slices"
	"sync"
	"testing"

	"google.golang.org/protobuf/proto"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// A peer receives the query's terms and, only while the person shares, a
// fingerprint of them; with sharing off the request it receives holds no
// fingerprint (issue 8, item 12).
func TestSearchPeersSendsAFingerprintOnlyWhileSharing(t *testing.T) {
	tests := []struct {
		name    string
		sharing bool
		wantFP  bool
	}{
		{name: "sharing on: terms and their fingerprint", sharing: true, wantFP: true},
		{name: "sharing off: terms only", sharing: false, wantFP: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Strategy = routing.Flood
			mem := NewMemNet()
			a := newNode(t, mem, "a", cfg, nil)
			var mu sync.Mutex
			var got []*p2pirv1.SearchRequest
			r := startRogue(t, mem, "peer:7070", func(req *p2pirv1.SearchRequest, id string) *p2pirv1.SearchResponse {
				mu.Lock()
				got = append(got, proto.CloneOf(req))
				mu.Unlock()
				return &p2pirv1.SearchResponse{QueryId: req.GetQueryId(), Node: &p2pirv1.NodeInfo{NodeId: id}}
			})
			if err := a.node.UpsertPeer(r); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if err := a.st.SetSharing(ctx, tc.sharing); err != nil {
				t.Fatal(err)
			}
			q := astroQuery(1)
			if _, err := a.node.SearchPeers(ctx, q); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) != 1 {
				t.Fatalf("the peer received %d requests, want 1", len(got))
			}
			req := got[0]
			var terms, want []string
			for _, wt := range req.GetTerms() {
				terms = append(terms, wt.GetTerm())
			}
			for _, wt := range q.Terms {
				want = append(want, wt.Term)
			}
			if !slices.Equal(terms, want) || req.GetText() != "" {
				t.Errorf("the peer received terms %v and text %q, want terms %v and no text", terms, req.GetText(), want)
			}
			if has := req.GetQueryFingerprint() != nil; has != tc.wantFP {
				t.Errorf("the peer received a query fingerprint: %v, want %v", has, tc.wantFP)
			}
		})
	}
}

// With sharing off a node's gossip says nothing of its interests: no
// fingerprint and no cluster hint (its cluster is its interest group).
func TestGossipRevealsNoInterestWhileNotSharing(t *testing.T) {
	corpus := loadCorpus(t)
	astro := corpus["astro"]
	tests := []struct {
		name     string
		sharing  bool
		wantFP   bool
		wantHint bool
	}{
		{name: "sharing on: fingerprint and cluster", sharing: true, wantFP: true, wantHint: true},
		{name: "sharing off: neither", sharing: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewMemNet()
			cfg := testConfig()
			a := newNode(t, mem, "a", cfg, astro)
			b := newNode(t, mem, "b", cfg, nil)
			like(t, a, astro[0])
			ctx := context.Background()
			if _, err := a.node.Recluster(ctx); err != nil {
				t.Fatal(err)
			}
			if _, own := a.node.Clusters(); own < 0 {
				t.Fatalf("a has no cluster of its own: the test checks nothing")
			}
			if err := a.st.SetSharing(ctx, tc.sharing); err != nil {
				t.Fatal(err)
			}
			reply, err := rawClient(t, mem, b.id, a).ExchangeProfiles(ctx, &p2pirv1.ProfileExchange{Sender: b.node.Self().proto()})
			if err != nil {
				t.Fatal(err)
			}
			if got := reply.GetFingerprint() != nil; got != tc.wantFP {
				t.Errorf("fingerprint sent: %v, want %v", got, tc.wantFP)
			}
			if got := reply.GetClusterHint() != 0; got != tc.wantHint {
				t.Errorf("cluster hint %d sent: %v, want %v", reply.GetClusterHint(), got, tc.wantHint)
			}
		})
	}
}
