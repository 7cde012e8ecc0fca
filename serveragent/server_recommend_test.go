package serveragent

import (
	"context"
	"maps"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// RecommendFromPeers returns what a similar node liked, not what a
// dissimilar node liked, and nothing we marked ourselves.
func TestRecommendFromSimilarPeersOnly(t *testing.T) {
	corpus := loadCorpus(t)
	astro, cook := corpus["astro"], corpus["cooking"]
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, astro)
	b := newNode(t, mem, "b", cfg, astro)
	c := newNode(t, mem, "c", cfg, cook)
	like(t, a, astro[0])
	like(t, a, astro[1])
	like(t, b, astro[0]) // a marked it: never recommended back
	like(t, b, astro[1])
	like(t, b, astro[3])
	like(t, c, cook[0])
	like(t, c, cook[2])
	link(t, a, b, c)
	ctx := context.Background()
	if err := a.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := a.node.RecommendFromPeers(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Unresponsive) != 0 {
		t.Fatalf("unresponsive: %+v", got.Unresponsive)
	}
	if len(got.Items) != 1 || got.Items[0].URL != astro[3].URL || got.Items[0].Peers[0] != b.id.NodeID() {
		t.Fatalf("items %+v, want only %s from B", got.Items, astro[3].URL)
	}
}

// The Recommend service refuses an asker that is not the caller and
// leaves out what the asker excludes.
func TestRecommendServiceChecksAskerAndExclude(t *testing.T) {
	corpus := loadCorpus(t)
	astro := corpus["astro"]
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, astro)
	b := newNode(t, mem, "b", cfg, nil)
	like(t, a, astro[0])
	like(t, a, astro[1])
	cl := rawClient(t, mem, b.id, a)
	ctx := context.Background()

	_, err := cl.Recommend(ctx, &p2pirv1.RecommendRequest{Asker: a.node.Self().proto(), K: 5})
	if status.Code(err) != codes.PermissionDenied {
		t.Fatalf("forged asker: %v, want PERMISSION_DENIED", err)
	}
	salt := p2pirv1.NewExcludeSalt()
	resp, err := cl.Recommend(ctx, &p2pirv1.RecommendRequest{Asker: b.node.Self().proto(), K: 5,
		ExcludeSalt: salt, Exclude: [][]byte{p2pirv1.ExcludeHash(salt, astro[0].URL)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Recommendations) != 1 || resp.Recommendations[0].Url != astro[1].URL || resp.Recommendations[0].Likes != 1 {
		t.Fatalf("got %+v, want only %s with 1 like", resp.Recommendations, astro[1].URL)
	}
}

// Nodes whose people share one topic form one cluster, so a node's
// recommendations come from all of them, not from an arbitrary half.
func TestOneTopicGroupIsOneClusterAndRecommendsFromAll(t *testing.T) {
	corpus := loadCorpus(t)
	astro := corpus["astro"]
	mem := NewMemNet()
	cfg := testConfig()
	a1 := newNode(t, mem, "a1", cfg, astro)
	a2 := newNode(t, mem, "a2", cfg, astro)
	a3 := newNode(t, mem, "a3", cfg, astro)
	like(t, a1, astro[0])
	like(t, a2, astro[0])
	like(t, a2, astro[1])
	like(t, a3, astro[0])
	like(t, a3, astro[2])
	link(t, a1, a2, a3)
	ctx := context.Background()
	if err := a1.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := a1.node.Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if res.K != 1 || len(res.Assign) != 3 {
		t.Fatalf("k = %d over %d nodes, want one cluster of 3 (candidates %+v)", res.K, len(res.Assign), res.Candidates)
	}
	got, err := a1.node.RecommendFromPeers(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	from := map[string]string{}
	for _, it := range got.Items {
		from[it.URL] = strings.Join(it.Peers, ",")
	}
	want := map[string]string{astro[1].URL: a2.id.NodeID(), astro[2].URL: a3.id.NodeID()}
	if !maps.Equal(from, want) {
		t.Fatalf("recommended %v, want %v (unresponsive %+v)", from, want, got.Unresponsive)
	}
}
