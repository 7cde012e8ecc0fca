package serveragent

import (
	"context"
	"maps"
	"slices"
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
	b := newNode(t, mem, "b", cfg, astro)
	like(t, a, astro[0])
	like(t, a, astro[1])
	like(t, b, astro[2])
	link(t, b, a)
	ctx := context.Background()
	if err := b.node.Gossip(ctx); err != nil { // a answers only peers it knows to share its interests
		t.Fatal(err)
	}
	cl := rawClient(t, mem, b.id, a)

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

// Liked URLs and titles go only to the peers of the node's cluster, and
// to none while its person does not share (item 13 of issue 8).
func TestRecommendServiceAnswersOnlyItsClusterWhileSharing(t *testing.T) {
	corpus := loadCorpus(t)
	astro, cook := corpus["astro"], corpus["cooking"]
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, astro)
	b := newNode(t, mem, "b", cfg, astro)
	c := newNode(t, mem, "c", cfg, cook)
	c2 := newNode(t, mem, "c2", cfg, cook)
	stranger := newNode(t, mem, "s", cfg, astro)
	like(t, a, astro[0])
	like(t, a, astro[1])
	like(t, b, astro[0])
	like(t, b, astro[2])
	like(t, c, cook[0])
	like(t, c, cook[1])
	like(t, c2, cook[2])
	like(t, c2, cook[1])
	like(t, stranger, astro[3])
	if err := stranger.st.SetSharing(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, x := range []*tnode{b, c, c2, stranger} { // each tells a about itself
		link(t, x, a)
		if err := x.node.Gossip(ctx); err != nil {
			t.Fatal(err)
		}
	}
	res, err := a.node.Recluster(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl := func(x *tnode) int {
		c, ok := res.Assign[x.id.NodeID()]
		if !ok {
			return -1
		}
		return c
	}
	if res.K != 2 || len(res.Assign) != 4 || cl(b) != cl(a) || cl(c) == cl(a) || cl(c2) != cl(c) {
		t.Fatalf("clustering %v, want a and b apart from c and c2 (the stranger does not share)", res.Assign)
	}
	liked := []string{astro[0].URL, astro[1].URL}
	slices.Sort(liked)
	tests := []struct {
		name    string
		caller  *tnode
		sharing bool
		want    []string
	}{
		{name: "a peer of its cluster gets the liked documents", caller: b, sharing: true, want: liked},
		{name: "a peer of another cluster gets nothing", caller: c, sharing: true},
		{name: "a peer whose fingerprint is unknown gets nothing", caller: stranger, sharing: true},
		{name: "with sharing off even a peer of its cluster gets nothing", caller: b, sharing: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := a.st.SetSharing(ctx, tc.sharing); err != nil {
				t.Fatal(err)
			}
			resp, err := rawClient(t, mem, tc.caller.id, a).Recommend(ctx, &p2pirv1.RecommendRequest{Asker: tc.caller.node.Self().proto(), K: 10})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range resp.Recommendations {
				got = append(got, r.Url)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("answered %v, want %v", got, tc.want)
			}
		})
	}
}

// A node speaks for its one person: marking a document interested twice
// is still one person who likes it, on the wire and in the asker's count.
func TestRecommendCountsPeopleNotMarks(t *testing.T) {
	corpus := loadCorpus(t)
	astro := corpus["astro"]
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, astro)
	b := newNode(t, mem, "b", cfg, astro)
	like(t, a, astro[0])
	like(t, b, astro[0])
	like(t, b, astro[1])
	like(t, b, astro[1])
	like(t, b, astro[1])
	link(t, a, b)
	ctx := context.Background()
	if err := a.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	resp, err := rawClient(t, mem, a.id, b).Recommend(ctx, &p2pirv1.RecommendRequest{Asker: a.node.Self().proto(), K: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.Recommendations {
		if r.Likes != 1 {
			t.Errorf("%s: likes %d on the wire, want 1 (one person)", r.Url, r.Likes)
		}
	}
	got, err := a.node.RecommendFromPeers(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 1 || got.Items[0].URL != astro[1].URL || got.Items[0].People != 1 {
		t.Fatalf("items %+v, want %s liked by 1 person", got.Items, astro[1].URL)
	}
}

// The asker keeps a peer's own ranking of its liked documents for the
// asker, rather than tying them and falling back to URL order.
func TestRecommendFromPeersKeepsThePeersRanking(t *testing.T) {
	corpus := loadCorpus(t)
	astro := corpus["astro"]
	mem := NewMemNet()
	cfg := testConfig()
	a := newNode(t, mem, "a", cfg, astro)
	b := newNode(t, mem, "b", cfg, astro)
	like(t, a, astro[3])
	like(t, a, astro[1])
	for _, d := range astro {
		like(t, b, d)
	}
	link(t, a, b)
	ctx := context.Background()
	if err := a.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := a.node.RecommendFromPeers(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	own, _, err := a.node.ownFingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := rawClient(t, mem, a.id, b).Recommend(ctx, &p2pirv1.RecommendRequest{Asker: a.node.Self().proto(), K: 10, Fingerprint: wireFP(own)})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range resp.Recommendations {
		if r.Url != astro[3].URL && r.Url != astro[1].URL { // a marked those
			want = append(want, r.Url)
		}
	}
	var order []string
	for _, it := range got.Items {
		order = append(order, it.URL)
	}
	if len(want) != 2 || !slices.Equal(order, want) {
		t.Fatalf("asker's order %v, want the peer's %v", order, want)
	}
	if !(got.Items[0].Score > got.Items[1].Score) {
		t.Errorf("scores %v and %v: the peer's ranking should separate them", got.Items[0].Score, got.Items[1].Score)
	}
}
