package node

import (
	"context"
	"github.com/p2pir/p2pir/internal/testenv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// startTrio starts three named nodes on loopback that join one network:
// alice and bob marked astronomy documents, carol cooking ones. It
// returns them once alice holds both peers' fingerprints and every node
// has clustered them.
func startTrio(t *testing.T) (alice, bob, carol *Node) {
	t.Helper()
	if testing.Short() {
		t.Skip("three real nodes: skipped in -short mode")
	}
	root := t.TempDir()
	names := []string{"alice", "bob", "carol"}
	topic := []int{0, 1, 3} // topicOf: astro, astro, cook
	nodes := make([]*Node, 3)
	for i, name := range names {
		dir := filepath.Join(root, name)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte("name = \""+name+"\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var join []string
		if i > 0 {
			join = []string{nodes[0].GossipAddr()}
		}
		nodes[i] = startNode(t, dir, "127.0.0.1:0", join)
		n := nodes[i]
		t.Cleanup(func() { n.Close(context.Background()) })
		populate(t, n, topic[i])
	}
	ctx := context.Background()
	testenv.WaitFor(t, "alice to hold both peers' fingerprints", 60*time.Second, func() bool {
		for _, n := range nodes {
			_ = n.GossipRound(ctx)
		}
		fps := 0
		for _, p := range nodes[0].Server().Peers() {
			if p.HasFingerprint && p.Name != "" {
				fps++
			}
		}
		return fps == 2
	})
	for _, n := range nodes {
		if _, err := n.Recluster(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return nodes[0], nodes[1], nodes[2]
}

// TestUINetworkPageAndRecommendations: on a three-node network the
// network page lists both peers by name with their state and cluster,
// and this node's own cluster; the search page recommends what the
// like-minded peer liked, naming it.
func TestUINetworkPageAndRecommendations(t *testing.T) {
	alice, bob, carol := startTrio(t)
	code, h, body := uiGet(t, alice, "/ui/network")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	checkPageHeaders(t, h)
	for _, want := range []string{"<strong>alice</strong>", "<strong>bob</strong><br><span class=\"small\">" + bob.GRPCAddr(), "<strong>carol</strong><br><span class=\"small\">" + carol.GRPCAddr(), `<td class="state-`} {
		if !strings.Contains(body, want) {
			t.Errorf("the network page lacks %s", want)
		}
	}
	if strings.Contains(body, "No peers yet") {
		t.Error("the network page says there are no peers")
	}
	if _, own := alice.Server().Clusters(); own >= 0 && !strings.Contains(body, "(this node's)") {
		t.Errorf("alice is in cluster %d, and the page does not say which is hers", own)
	}
	if t.Failed() {
		t.Logf("the page:\n%s", body)
	}

	code, _, body = uiGet(t, alice, "/")
	if code != http.StatusOK {
		t.Fatalf("%d %s", code, body)
	}
	if !strings.Contains(body, "Recommended for you by peers") || !strings.Contains(body, "https://astro.example/node1/") || !strings.Contains(body, "Liked by 1 peer: bob") {
		t.Errorf("the search page does not recommend what bob liked:\n%s", body)
	}
	if strings.Contains(body, "https://cook.example/") {
		t.Errorf("the search page recommends what carol, of another cluster, liked")
	}

	// A search reaches the peers, and a result a peer found names it.
	code, _, body = uiGet(t, alice, "/?q=supernova")
	if code != http.StatusOK || !strings.Contains(body, `<span class="src src-peer">peer bob</span>`) {
		t.Errorf("no result found by peer bob on the search page: %d\n%s", code, body)
	}
}

// TestBrowserNetworkPageListsThePeers is the bar: the network
// page of a three-node loopback network lists the two peers.
func TestBrowserNetworkPageListsThePeers(t *testing.T) {
	b := newBrowser(t)
	alice, _, _ := startTrio(t)
	b.do(t, "open the network page",
		chromedp.Navigate("http://"+alice.HTTPAddr()+"/"),
		chromedp.Click(`//nav//a[text()="Network"]`),
		chromedp.WaitVisible(`//table[contains(@class, "peers")]//td/strong[text()="bob"]`),
		chromedp.WaitVisible(`//table[contains(@class, "peers")]//td/strong[text()="carol"]`),
	)
	rows := eval[int](t, b, `document.querySelectorAll("table.peers tbody tr").length`)
	if rows != 2 {
		t.Errorf("%d peer rows, want 2", rows)
	}
}
