package serveragent

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/serveragent/routing"
)

// A network whose peers score with pooled statistics answers as one index
// over all their documents would: the same documents, the same scores, in
// the same order.
func TestPeersAnswerWithTheScoresOfOneIndexOverAllTheirDocuments(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Routing.Explore = 0
	mem := NewMemNet()
	a := newNode(t, mem, "a", cfg, nil)
	docs := append(append([]index.Document(nil), corpus["astro"]...), corpus["cooking"]...)
	b := newNode(t, mem, "b", cfg, []index.Document{docs[0], docs[4], docs[5]})
	c := newNode(t, mem, "c", cfg, []index.Document{docs[1], docs[2], docs[3], docs[6], docs[7]})
	link(t, a, b, c)
	link(t, b, a, c)
	link(t, c, a, b)
	if err := a.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	union, err := index.Open(filepath.Join(t.TempDir(), "union"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { union.Close() })
	if err := union.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, terms := range [][]index.WeightedTerm{
		{{Term: "telescop", Weight: 1}, {Term: "galaxi", Weight: 1}},
		{{Term: "bread", Weight: 1}, {Term: "oven", Weight: 2}},
		{{Term: "star", Weight: 1}},
	} {
		res, err := a.node.SearchPeers(ctx, PeerQuery{Terms: terms, K: 10, Hops: 1, Strategy: routing.Flood})
		if err != nil {
			t.Fatal(err)
		}
		if res.Corpus == nil {
			t.Fatalf("%v: merged by rank: no pooled statistics though both peers' summaries are known", terms)
		}
		q, err := union.WeightedQuery(terms)
		if err != nil {
			t.Fatal(err)
		}
		want, err := union.Search(ctx, q, index.SearchOptions{K: 10, IDsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Hits) != len(want.Hits) || len(want.Hits) == 0 {
			t.Fatalf("%v: the network found %d documents, one index %d", terms, len(res.Hits), len(want.Hits))
		}
		for i, h := range want.Hits {
			got := res.Hits[i]
			if index.DocID(got.URL) != h.ID || math.Abs(got.Score-h.Score) > 1e-6*h.Score {
				t.Errorf("%v: #%d is %s scoring %v; one index has %s scoring %v", terms, i+1, got.URL, got.Score, h.ID, h.Score)
			}
		}
	}
	// With rank fusion (the baseline) nothing is pooled.
	a.node.cfg.RankFusion = true
	res, err := a.node.SearchPeers(ctx, PeerQuery{Terms: []index.WeightedTerm{{Term: "star", Weight: 1}}, K: 10, Hops: 1, Strategy: routing.Flood})
	if err != nil {
		t.Fatal(err)
	}
	if res.Corpus != nil {
		t.Error("rank fusion still sent pooled statistics")
	}
}

// A summary travels second-hand only under its own node's signature: one
// signed by another key, or claiming another node first-hand, is dropped.
func TestForgedCollectionSummariesAreDropped(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	mem := NewMemNet()
	a := newNode(t, mem, "a", testConfig(), nil)
	b := newNode(t, mem, "b", testConfig(), corpus["astro"])
	link(t, a, b)
	forger, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	body := &p2pirv1.SummaryBody{NodeId: b.id.NodeID(), Version: 1 << 62, Docs: 1, TotalLen: 5,
		TermHashes: []uint32{p2pirv1.TermHash("casino")}, Dfs: []uint32{1}, Impacts: []byte{255}}
	forged, err := p2pirv1.SignSummary(forger.PublicKey(), forger.Sign, body)
	if err != nil {
		t.Fatal(err)
	}
	a.node.learnCollection(forged, forger.NodeID(), false)
	a.node.learnCollection(forged, b.id.NodeID(), true)
	if coll := peerColl(a.node, b.id.NodeID()); coll != nil {
		t.Fatalf("a forged summary of b was kept (version %d)", coll.version)
	}
	// b's own, passed on by anyone, is kept.
	own, err := b.node.ownCollection(ctx)
	if err != nil || own == nil {
		t.Fatalf("b's summary: %v, %v", own, err)
	}
	a.node.learnCollection(own.wire, forger.NodeID(), false)
	coll := peerColl(a.node, b.id.NodeID())
	if coll == nil || coll.docs != uint64(len(corpus["astro"])) {
		t.Fatalf("b's own summary, passed on: %+v", coll)
	}
	if _, _, ok := coll.Term(p2pirv1.TermHash("telescop")); !ok {
		t.Error("b's summary does not list telescop")
	}
	if _, _, ok := coll.Term(p2pirv1.TermHash("casino")); ok {
		t.Error("b's summary lists the forger's casino")
	}
}

// Files the node does not share stay out of its summary.
func TestSummaryHoldsOnlySharedDocuments(t *testing.T) {
	corpus := loadCorpus(t)
	docs := append([]index.Document(nil), corpus["cooking"]...)
	private := index.Document{URL: "file:///home/me/diary.txt", Title: "diary", Body: "my secret telescope plans"}
	private.ID = index.DocID(private.URL)
	docs = append(docs, private)
	n := newNode(t, NewMemNet(), "n", testConfig(), docs)
	own, err := n.node.ownCollection(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if own.docs != uint64(len(corpus["cooking"])) {
		t.Errorf("summary of %d documents, want the %d web pages", own.docs, len(corpus["cooking"]))
	}
	if _, _, ok := own.Term(p2pirv1.TermHash("secret")); ok {
		t.Error("a term of an unshared file is in the summary")
	}
}

// A forwarder routes for the asker (the request's asker fingerprint), not
// for its own person.
func TestForwarderRoutesByTheAskersFingerprint(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	cfg := testConfig()
	cfg.Routing.Fanout, cfg.Routing.Explore = 1, 0
	mem := NewMemNet()
	origin := newNode(t, mem, "origin", cfg, nil)
	fwd := newNode(t, mem, "fwd", cfg, nil)
	astro := newNode(t, mem, "astro", cfg, nil)
	cook := newNode(t, mem, "cook", cfg, nil)
	// Profiles only (no summaries): the forwarder's person cooks, the
	// asker watches the sky.
	for _, d := range corpus["cooking"] {
		like(t, fwd, d)
		like(t, cook, d)
	}
	for _, d := range corpus["astro"] {
		like(t, origin, d)
		like(t, astro, d)
	}
	link(t, fwd, astro, cook)
	if err := fwd.node.Gossip(ctx); err != nil {
		t.Fatal(err)
	}
	askerFP, _, err := origin.node.ownFingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	req := &p2pirv1.SearchRequest{QueryId: "q-asker", Origin: origin.node.Self().proto(), Text: "news", K: 5,
		HopsLeft: 1, Visited: []string{origin.id.NodeID(), fwd.id.NodeID()}, Strategy: routing.Interest}
	choose := func() string {
		got, _, _, err := fwd.node.route(ctx, req, map[string]bool{fwd.id.NodeID(): true, origin.id.NodeID(): true}, nil)
		if err != nil || len(got) != 1 {
			t.Fatalf("route: %v, %v", peerIDs(got), err)
		}
		return got[0].info.ID
	}
	req.AskerFingerprint = wireFP(askerFP)
	if got := choose(); got != astro.id.NodeID() {
		t.Errorf("with the asker's fingerprint the forwarder chose %s, want the astronomy peer", got)
	}
}

func peerColl(n *Node, id string) *collection {
	n.mu.Lock()
	defer n.mu.Unlock()
	if p := n.peers[id]; p != nil {
		return p.coll
	}
	return nil
}

func TestMergeScoresCapsInflatedScores(t *testing.T) {
	honest := []*p2pirv1.Result{{Url: "http://h/1", Score: 7, Rank: 1, NodeId: "h"}, {Url: "http://h/2", Score: 5, Rank: 2, NodeId: "h"}}
	liar := []*p2pirv1.Result{{Url: "http://l/spam", Score: 1e9, Rank: 1, NodeId: "l"}, {Url: "http://h/2", Score: 6, Rank: 2, NodeId: "l"}}
	got := mergeScores([][]*p2pirv1.Result{honest, liar}, 10, "", 8)
	if got[0].GetUrl() != "http://l/spam" || got[0].GetScore() != 8 {
		t.Fatalf("the inflated result scored %v, want capped at 8", got[0].GetScore())
	}
	if got[1].GetUrl() != "http://h/1" || got[2].GetUrl() != "http://h/2" || got[2].GetScore() != 6 {
		t.Fatalf("merged %v", got)
	}
}

// A file's terms enter the summary when its folder is shared and leave it
// when the folder is unshared, without re-indexing.
func TestSummaryFollowsTheSharedFolders(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	shared := filepath.Join(dir, "papers")
	if err := os.MkdirAll(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(shared, "nebula.txt")
	if err := os.WriteFile(file, []byte("planetary nebula spectra"), 0o644); err != nil {
		t.Fatal(err)
	}
	doc := index.Document{URL: "file://" + file, Title: "nebula", Body: "planetary nebula spectra", Source: index.SourceFile}
	doc.ID = index.DocID(doc.URL)
	var folders []string
	cfg := testConfig()
	cfg.SharedFolders = func() ([]string, error) { return folders, nil }
	n := newNode(t, NewMemNet(), "n", cfg, []index.Document{doc})
	has := func() bool {
		c, err := n.node.ownCollection(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c == nil {
			return false
		}
		_, _, ok := c.Term(p2pirv1.TermHash("nebula"))
		return ok
	}
	if has() {
		t.Fatal("an unshared file is in the summary")
	}
	folders = []string{shared}
	if !has() {
		t.Fatal("the shared file is not in the summary")
	}
	folders = nil
	if has() {
		t.Fatal("the file stayed in the summary after its folder was unshared")
	}
}

// Libraries of one field cluster together even when every library is
// mostly the words all fields share: the collection vectors are centred
// before they are compared.
func TestInterestVectorsTellFieldsApartThroughCommonWords(t *testing.T) {
	coll := func(words ...string) *collection {
		var hs []uint32
		for _, w := range words {
			hs = append(hs, p2pirv1.TermHash(w))
		}
		slices.Sort(hs)
		c := &collection{docs: 10, hashes: hs}
		for range hs {
			c.dfs = append(c.dfs, 8)
		}
		return c
	}
	common := []string{"result", "method", "studi", "effect", "use", "measur", "data", "show"}
	with := func(words ...string) *collection { return coll(append(append([]string(nil), common...), words...)...) }
	colls := []*collection{
		with("wing", "flow", "shock", "lift"), with("flow", "shock", "lift", "drag"), // aeronautics
		with("patient", "cell", "tumour", "dose"), with("cell", "tumour", "dose", "blood"), // medicine
	}
	fps := make([][]float64, len(colls))
	for i := range fps {
		fps[i] = make([]float64, p2pirv1.FingerprintDim) // sharing, nothing marked
	}
	vs := interestVectors(fps, colls)
	cos := func(a, b []float64) float64 {
		var d float64
		for i := range a {
			d += a[i] * b[i]
		}
		return d
	}
	raw := cos(colls[0].vector(p2pirv1.FingerprintDim), colls[2].vector(p2pirv1.FingerprintDim))
	same, across := cos(vs[0], vs[1]), cos(vs[0], vs[2])
	t.Logf("uncentred across fields %.3f; centred: same field %.3f, across %.3f", raw, same, across)
	if raw < 0.5 {
		t.Fatalf("the common words do not dominate (cosine %.3f): the test checks nothing", raw)
	}
	if same <= 0.3 || across >= 0 || same-across < 0.5 {
		t.Errorf("centred vectors: same field %.3f, across fields %.3f; want the same field close and the fields apart", same, across)
	}
	if interestVectors([][]float64{nil}, []*collection{colls[0]})[0] != nil {
		t.Error("a person who does not share was given a vector")
	}
}

// A page the index gains reaches the summary by a rebuild in the
// background: the search that notices the change is answered from the
// summary it had.
func TestSummaryCatchesUpWithTheIndexInTheBackground(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	n := newNode(t, NewMemNet(), "n", testConfig(), corpus["cooking"][:1])
	first, err := n.node.ownCollection(ctx)
	if err != nil || first == nil {
		t.Fatalf("first summary: %v, %v", first, err)
	}
	if err := n.ix.Index(ctx, corpus["astro"][:1]); err != nil {
		t.Fatal(err)
	}
	for {
		c, err := n.node.ownCollection(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if c.docs == 2 {
			if _, _, ok := c.Term(p2pirv1.TermHash("telescop")); !ok {
				t.Fatal("the rebuilt summary lacks the new page's terms")
			}
			return
		}
		if c != first {
			t.Fatalf("a summary of %d documents, neither the first nor the rebuilt one", c.docs)
		}
		time.Sleep(time.Millisecond) // wait for the background rebuild
	}
}

// RefreshCollection makes the summary from the index as it is now, so the
// next call is answered with the new pages, not the summary it had.
func TestRefreshCollectionRebuildsTheSummaryNow(t *testing.T) {
	ctx := context.Background()
	corpus := loadCorpus(t)
	n := newNode(t, NewMemNet(), "n", testConfig(), corpus["cooking"][:1])
	if first, err := n.node.ownCollection(ctx); err != nil || first == nil || first.docs != 1 {
		t.Fatalf("first summary: %v, %v", first, err)
	}
	if err := n.ix.Index(ctx, corpus["astro"][:1]); err != nil {
		t.Fatal(err)
	}
	if err := n.node.RefreshCollection(ctx); err != nil {
		t.Fatal(err)
	}
	c, err := n.node.ownCollection(ctx)
	if err != nil || c == nil || c.docs != 2 {
		t.Fatalf("summary after RefreshCollection: %v, %v; want the 2 pages at once", c, err)
	}
	if _, _, ok := c.Term(p2pirv1.TermHash("telescop")); !ok {
		t.Fatal("the refreshed summary lacks the new page's terms")
	}
}

// TestCollectionFilterAnswersAsTheSearch checks that a collection's
// filter only ever skips absent terms: every hash of the summary is found
// with its document frequency and impact, and an absent hash is found in
// none, whether its filter bit is set or not.
func TestCollectionFilterAnswersAsTheSearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 9))
	set := map[uint32]bool{}
	for len(set) < 700 {
		set[rng.Uint32()] = true
	}
	var hs []uint32
	for h := range set {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	body := &p2pirv1.SummaryBody{Docs: 40, TermHashes: hs}
	for i := range hs {
		body.Dfs = append(body.Dfs, uint32(i%7+1))
		body.Impacts = append(body.Impacts, byte(i%251))
	}
	c := collectionOf(body, nil)
	for i, h := range hs {
		df, imp, ok := c.Term(h)
		if !ok || df != body.Dfs[i] || imp != float64(body.Impacts[i])/256 {
			t.Fatalf("term %d (hash %d): got df %d impact %v found %v, want df %d impact %v", i, h, df, imp, ok, body.Dfs[i], float64(body.Impacts[i])/256)
		}
	}
	passed := 0
	for range 20000 {
		h := rng.Uint32()
		if set[h] {
			continue
		}
		if c.filter[h/64%(filterBits/64)]&(1<<(h%64)) != 0 {
			passed++ // the filter let it through: the search must still say no
		}
		if _, _, ok := c.Term(h); ok {
			t.Fatalf("absent hash %d found", h)
		}
	}
	if passed == 0 {
		t.Error("no absent hash passed the filter: the search behind it went untested")
	}
}
