package clientagent

import (
	"context"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/index"
)

// Hits scored with pooled statistics rank by score across sources; other
// sources' hits keep their ranks.
func TestPooledHitsRankByScoreAcrossSources(t *testing.T) {
	lists := []SourceHits{
		{Source: LocalName, Weight: 1, Hits: []Hit{{URL: "http://l/1", Score: 3, Rank: 1, Pooled: true}, {URL: "http://l/2", Score: 1, Rank: 2, Pooled: true}}},
		{Source: "peers", Weight: 1, Hits: []Hit{{URL: "http://p/1", Score: 9, Rank: 1, Pooled: true}, {URL: "http://p/2", Score: 2, Rank: 2, Pooled: true}}},
		{Source: "engine", Weight: 1, Hits: []Hit{{URL: "http://e/1", Score: 100, Rank: 1}}},
	}
	rankPooled(lists)
	want := map[string]int{"http://p/1": 1, "http://l/1": 2, "http://p/2": 3, "http://l/2": 4, "http://e/1": 1}
	for _, l := range lists {
		for _, h := range l.Hits {
			if h.Rank != want[h.URL] {
				t.Errorf("%s ranked %d, want %d", h.URL, h.Rank, want[h.URL])
			}
		}
	}
	merged, err := Merge(MergeRRF, lists[:2])
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range []string{"http://p/1", "http://l/1", "http://p/2", "http://l/2"} {
		if merged[i].URL != u {
			t.Fatalf("fused #%d is %s, want %s (the order of the scores)", i+1, merged[i].URL, u)
		}
	}
}

// poolingSource answers with fixed pooled hits and pools fixed statistics.
type poolingSource struct {
	corpus *index.CorpusStats
	hits   []Hit
	got    *SourceQuery
}

func (p *poolingSource) Search(_ context.Context, q *SourceQuery) ([]Hit, error) {
	p.got = q
	return p.hits, nil
}

func (p *poolingSource) Pool(context.Context, index.Query) *index.CorpusStats { return p.corpus }

// With a pooling source among the sources, the local index searches the
// typed query with the pooled statistics, and its hits and the source's
// interleave by score.
func TestLocalIndexScoresWithThePooledStatisticsOfThePeers(t *testing.T) {
	ctx := context.Background()
	a := newTestAgent(t)
	ix := a.ix
	docs := []index.Document{
		{ID: "a", URL: "http://local/a", Title: "glider wings", Body: "glider wing design and wing loading"},
		{ID: "b", URL: "http://local/b", Title: "kites", Body: "kite lines"},
	}
	if err := ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	corpus := &index.CorpusStats{Docs: 1000, AvgDocLen: 6, DF: map[string]uint64{"wing": 10, "glider": 500}}
	q, _ := ix.PlainQuery("glider wing")
	want, err := ix.Search(ctx, q, index.SearchOptions{K: 1, Corpus: corpus, IDsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	own, _ := ix.Search(ctx, q, index.SearchOptions{K: 1, IDsOnly: true})
	if want.Hits[0].Score == own.Hits[0].Score {
		t.Fatal("pooled and own statistics score alike: the test checks nothing")
	}
	peer := &poolingSource{corpus: corpus, hits: []Hit{
		{URL: "http://peer/high", Title: "high", Score: want.Hits[0].Score + 1, Rank: 1, Pooled: true},
		{URL: "http://peer/low", Title: "low", Score: want.Hits[0].Score - 1, Rank: 2, Pooled: true},
	}}
	if err := a.AddSource("peers", peer, SourceOptions{}); err != nil {
		t.Fatal(err)
	}
	resp, err := a.Search(ctx, Request{Query: "glider wing", K: 3, NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	if peer.got == nil || peer.got.Corpus != corpus {
		t.Fatal("the pooling source was not asked with its statistics")
	}
	var got []string
	for _, r := range resp.Results {
		got = append(got, r.URL)
	}
	if len(got) != 3 || got[0] != "http://peer/high" || got[1] != "http://local/a" || got[2] != "http://peer/low" {
		t.Fatalf("results %v, want the peer's high, the local glider page, the peer's low (by pooled score)", got)
	}
}

// A peer trusted twice as much as the local index gains ln 2 of pooled
// score, not the lead a doubled rank-fusion weight would give it.
func TestTrustMovesPooledHitsOnTheScoresScale(t *testing.T) {
	lists := []SourceHits{
		{Source: LocalName, Weight: 0.5, Hits: []Hit{{URL: "http://l/1", Score: 10, Pooled: true}, {URL: "http://l/2", Score: 9.5, Pooled: true}}},
		{Source: PeerName("a"), Weight: 1, Hits: []Hit{{URL: "http://a/1", Score: 9, Pooled: true}, {URL: "http://a/2", Score: 5, Pooled: true}}},
	}
	rankPooled(lists)
	merged, err := Merge(MergeRRF, lists)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range merged {
		got = append(got, m.URL)
	}
	want := []string{"http://l/1", "http://a/1", "http://l/2", "http://a/2"} // 10, 9+ln 2, 9.5, 5+ln 2
	if !slices.Equal(got, want) {
		t.Fatalf("fused %v, want %v", got, want)
	}
	if lists[1].Weight != 0.5 {
		t.Errorf("the peer's list fuses with weight %v, want the local index's 0.5", lists[1].Weight)
	}
}
