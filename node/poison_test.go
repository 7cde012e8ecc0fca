package node

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/testenv"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/routing"
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
	spam := indexPages(t, nodes[2], "spam.example", "galaxy telescope offers", 25)
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

// claimEverything is a gRPC server interceptor that makes its node a liar
// about its interests: the collection summary it gossips (its own,
// re-signed with its key) lists every term it has at the highest impact,
// and its answers to searches carry none of its results, as a node that
// wants to be asked every query (to read them) rather than to answer.
func claimEverything(t *testing.T, liar *atomic.Pointer[Node]) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		resp, err := h(ctx, req)
		nd := liar.Load()
		if err != nil || nd == nil {
			return resp, err
		}
		switch r := resp.(type) {
		case *p2pirv1.ProfileExchange:
			if r.GetSummary() == nil {
				return r, nil
			}
			body, err := r.GetSummary().Open()
			if err != nil {
				t.Errorf("the liar's own summary: %v", err)
				return r, nil
			}
			for i := range body.Impacts {
				body.Impacts[i] = 255
			}
			if r.Summary, err = p2pirv1.SignSummary(nd.id.PublicKey(), nd.id.Sign, body); err != nil {
				t.Errorf("sign the lie: %v", err)
			}
		case *p2pirv1.SearchResponse:
			r.Results = nil
		}
		return resp, nil
	}
}

// TestAPeerClaimingEveryInterestCannotCaptureRouting: on six whole nodes
// over loopback sockets (interest routing by collection summaries, fan-out
// 4), four honest specialists hold one topic each (astronomy, cooking,
// sailing, chess) and node 5 holds a page of all four topics and gossips a
// summary claiming every one of its terms at the highest impact, which
// outscores every specialist on every query (before: it was asked all 40
// queries and no specialist any). Its empty answers bear out none of
// what it claims, so node 0 discounts its summary: over ten rounds of
// the four topics' queries it is asked at most 8 of 40, and each
// specialist gets at least 8 of its topic's 10.
func TestAPeerClaimingEveryInterestCannotCaptureRouting(t *testing.T) {
	if testing.Short() {
		t.Skip("whole nodes on sockets: skipped in -short mode")
	}
	ctx := context.Background()
	topics := []string{"astro", "cook", "sail", "chess"}
	var liarNode atomic.Pointer[Node]
	nodes := startFaultNodes(t, newFaultNet(), 6, func(i int) string {
		if i >= 1 && i <= 4 {
			return topics[i-1]
		}
		return ""
	}, 3*time.Second, func(i int, c *Config) {
		c.Server = &serveragent.Config{Strategy: routing.Interest}
		c.FanOut = 4
		if i == 5 {
			c.Transport.ServerOptions = []grpc.ServerOption{grpc.ChainUnaryInterceptor(claimEverything(t, &liarNode))}
		}
	})
	liar := nodes[5]
	var all []string
	for _, tp := range topics {
		all = append(all, strings.Join(benchTopics[tp], ". "))
	}
	indexPages(t, liar, "everything.example", strings.Join(all, ". "), 1)
	liarNode.Store(liar)
	testenv.WaitFor(t, "node 0 to hold every peer's collection summary", time.Minute, func() bool {
		if err := nodes[0].GossipRound(ctx); err != nil {
			t.Logf("gossip round: %v", err)
		}
		return nodes[0].Server().SummaryCount() == 5
	})
	liarAsked, specialistAsked := 0, map[string]int{}
	const rounds = 10
	for r := range rounds {
		for i, tp := range topics {
			resp := peersSearch(t, nodes[0], benchQueries[tp])
			tr := peersTrace(t, resp)
			if _, ok := contactWith(tr, liar.ID()); ok {
				liarAsked++
			}
			if c, ok := contactWith(tr, nodes[i+1].ID()); ok && c.Outcome == serveragent.OutcomeAnswered {
				specialistAsked[tp]++
			}
			if r == rounds-1 {
				t.Logf("last round, %s: contacts %+v", tp, tr.Network.Contacts)
			}
		}
	}
	t.Logf("the liar was asked %d of %d queries (its summary now counts %.2f); the specialists %v of %d each",
		liarAsked, rounds*len(topics), nodes[0].Server().ClaimFactor(liar.ID()), specialistAsked, rounds)
	if liarAsked > 8 {
		t.Errorf("the liar was asked %d of %d queries, want at most 8", liarAsked, rounds*len(topics))
	}
	for _, tp := range topics {
		if specialistAsked[tp] < 8 {
			t.Errorf("the %s specialist was asked %d of its %d queries, want at least 8", tp, specialistAsked[tp], rounds)
		}
	}
}
