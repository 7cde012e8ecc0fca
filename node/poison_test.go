package node

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
)

// indexPages indexes n web pages at https://host/i about text on nd.
func indexPages(t *testing.T, nd *Node, host, text string, n int) []string {
	t.Helper()
	var docs []index.Document
	var urls []string
	for i := range n {
		u := fmt.Sprintf("https://%s/%d", host, i)
		urls = append(urls, u)
		docs = append(docs, index.Document{ID: u, URL: u, Title: fmt.Sprintf("%s %d", text, i), Body: text + ". " + text, Source: index.SourceWeb})
	}
	if err := nd.Index().Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	return urls
}

// TestAPeerWhoseResultsAreRejectedIsNoLongerAsked: on three whole nodes
// over loopback sockets, node 2 answers every query on galaxies with
// pages of its own that node 0's person marks not interested one by one.
// Once node 2 is ignored (clientagent.PeerTrust.Ignored, shown in the
// peers' trust), node 0's queries no longer go to it, and none of its
// results come back, while node 1's still do; one of node 2's results
// marked interested brings it back into routing.
func TestAPeerWhoseResultsAreRejectedIsNoLongerAsked(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nodes on sockets: skipped in -short mode")
	}
	ctx := context.Background()
	nodes := startFaultNodes(t, newFaultNet(), 3, func(i int) string { return map[int]string{1: "astro"}[i] }, 3e9)
	spam := indexPages(t, nodes[2], "spam.example", "galaxy telescope offers", 10)
	liar := nodes[2].ID()
	asked := func(resp *clientagent.Response) bool {
		_, ok := contactWith(peersTrace(t, resp), liar)
		return ok
	}
	first := peersSearch(t, nodes[0], benchQueries["astro"])
	if got := fromNodes(nodes, first); !slices.Equal(got, []int{1, 2}) || !asked(first) {
		t.Fatalf("before any mark: results from nodes %v, want 1 and 2", got)
	}
	ignored := func() bool {
		t.Helper()
		ps, err := nodes[0].Agent().Peers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ps, func(p clientagent.PeerTrust) bool { return p.NodeID == liar })
		return i >= 0 && ps[i].Ignored
	}
	rejected := 0
	for _, u := range spam {
		if ignored() {
			break
		}
		if _, _, err := nodes[0].Agent().Mark(ctx, first.QueryID, u, false); err != nil {
			t.Fatalf("mark %s: %v", u, err)
		}
		rejected++
	}
	if !ignored() {
		t.Fatalf("node 2 not ignored after %d of its results were rejected", rejected)
	}
	t.Logf("node 2 ignored after %d rejections", rejected)
	for q := range 3 {
		resp := peersSearch(t, nodes[0], benchQueries["astro"])
		if asked(resp) {
			t.Fatalf("query %d: node 2 asked though ignored: %+v", q, peersTrace(t, resp).Network.Contacts)
		}
		if got := fromNodes(nodes, resp); !slices.Equal(got, []int{1}) {
			t.Fatalf("query %d: results from nodes %v, want node 1's only", q, got)
		}
	}
	if _, _, err := nodes[0].Agent().Mark(ctx, first.QueryID, spam[len(spam)-1], true); err != nil {
		t.Fatal(err)
	}
	if ignored() {
		t.Fatal("node 2 still ignored after one of its results was liked")
	}
	// (Whether its pages are then shown is up to the profile, which has
	// learned to push down pages like the ones rejected.)
	if resp := peersSearch(t, nodes[0], benchQueries["astro"]); !asked(resp) {
		t.Fatalf("node 2 not asked again after a liked result: %+v", peersTrace(t, resp).Network.Contacts)
	}
}
