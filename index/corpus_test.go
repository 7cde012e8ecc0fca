package index

import (
	"context"
	"math"
	"testing"
)

// corpusDocs are twelve short documents on three topics, dealt to two
// indexes so that each sees skewed term statistics.
var corpusDocs = []Document{
	{ID: "a1", Title: "Boundary layer flow", Body: "laminar boundary layer flow over a flat plate at high speed"},
	{ID: "a2", Title: "Shock waves", Body: "shock wave boundary layer interaction in supersonic flow"},
	{ID: "a3", Title: "Wing flutter", Body: "flutter of a swept wing in transonic flow, wing panels and flutter speed"},
	{ID: "a4", Title: "Heat transfer", Body: "heat transfer in the hypersonic boundary layer of a blunt body"},
	{ID: "b1", Title: "Insulin", Body: "insulin secretion in diabetic patients and blood glucose"},
	{ID: "b2", Title: "Kidney", Body: "kidney transplant rejection and blood pressure in patients"},
	{ID: "b3", Title: "Cancer", Body: "breast cancer therapy, tumour growth and survival of patients"},
	{ID: "b4", Title: "Blood flow", Body: "cerebral blood flow measured in patients after stroke"},
	{ID: "c1", Title: "Indexing", Body: "automatic indexing of documents and retrieval of information"},
	{ID: "c2", Title: "Libraries", Body: "public libraries, library users and information needs"},
	{ID: "c3", Title: "Citations", Body: "citation analysis of scientific journals and information flow"},
	{ID: "c4", Title: "Retrieval", Body: "retrieval effectiveness, relevance judgments and recall of documents"},
}

// pooled adds summaries up into the statistics of their union.
func pooled(t *testing.T, sums ...Summary) *CorpusStats {
	t.Helper()
	c := &CorpusStats{DF: map[string]uint64{}}
	var total uint64
	for _, s := range sums {
		c.Docs += s.Docs
		total += s.TotalLen
		for _, ts := range s.Terms {
			c.DF[ts.Term] += uint64(ts.DF)
		}
	}
	c.AvgDocLen = float64(total) / float64(c.Docs)
	return c
}

func TestPooledStatisticsScoreEachDocumentAsTheUnionIndexDoes(t *testing.T) {
	ctx := context.Background()
	union, left, right := openTest(t), openTest(t), openTest(t)
	for i, d := range corpusDocs {
		d.URL = "http://example.org/" + d.ID
		mustIndex(t, union, d)
		if i%3 == 0 { // left gets a third, right the rest
			mustIndex(t, left, d)
		} else {
			mustIndex(t, right, d)
		}
	}
	ls, err := left.Summarize(ctx, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := right.Summarize(ctx, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	corpus := pooled(t, ls, rs)
	us, err := union.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if corpus.Docs != us.Docs || math.Abs(corpus.AvgDocLen-us.AvgDocLen) > 1e-9 {
		t.Fatalf("pooled summaries: %d docs, avgdl %v; the union index: %d, %v", corpus.Docs, corpus.AvgDocLen, us.Docs, us.AvgDocLen)
	}
	for _, text := range []string{"boundary layer flow", "blood flow in patients", "information retrieval of documents", "flutter"} {
		t.Run(text, func(t *testing.T) {
			q, err := union.PlainQuery(text)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]float64{}
			res, err := union.Search(ctx, q, SearchOptions{K: 20, IDsOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				want[h.ID] = h.Score
			}
			got := map[string]float64{}
			var own []float64 // the same hits scored with each index's own statistics
			for _, ix := range []*Index{left, right} {
				for _, c := range []*CorpusStats{corpus, nil} {
					res, err := ix.Search(ctx, q, SearchOptions{K: 20, IDsOnly: true, Corpus: c})
					if err != nil {
						t.Fatal(err)
					}
					for _, h := range res.Hits {
						if c != nil {
							got[h.ID] = h.Score
						} else {
							own = append(own, math.Abs(h.Score-want[h.ID]))
						}
					}
				}
			}
			if len(got) != len(want) {
				t.Fatalf("the split indexes found %d documents, the union %d", len(got), len(want))
			}
			for id, w := range want {
				if math.Abs(got[id]-w) > 1e-9*w {
					t.Errorf("%s: %v with pooled statistics, %v in the union index", id, got[id], w)
				}
			}
			differs := false
			for _, d := range own {
				differs = differs || d > 1e-6
			}
			if !differs {
				t.Errorf("own statistics gave the union's scores too: the query does not test pooling")
			}
		})
	}
}

func TestLyingCorpusStatisticsStayBounded(t *testing.T) {
	ix := openTest(t)
	for _, d := range corpusDocs[:4] {
		d.URL = "http://example.org/" + d.ID
		mustIndex(t, ix, d)
	}
	q, err := ix.PlainQuery("boundary layer")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		c       CorpusStats
		wantErr bool
	}{
		{"fewer documents than the index holds", CorpusStats{Docs: 1, DF: map[string]uint64{"boundari": 50}}, false},
		{"df above N", CorpusStats{Docs: 10, DF: map[string]uint64{"boundari": 1 << 40}}, false},
		{"NaN length", CorpusStats{Docs: 10, AvgDocLen: math.NaN()}, true},
		{"negative length", CorpusStats{Docs: 10, AvgDocLen: -3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := ix.Search(context.Background(), q, SearchOptions{K: 10, Corpus: &tt.c})
			if tt.wantErr {
				if err == nil {
					t.Fatal("accepted")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 {
				t.Fatal("no hits")
			}
			for _, h := range res.Hits {
				if math.IsNaN(h.Score) || math.IsInf(h.Score, 0) || h.Score < 0 {
					t.Errorf("%s scored %v", h.ID, h.Score)
				}
			}
		})
	}
}

func TestSummarizeCountsOnlyKeptDocumentsAndKeepsTheTellingTerms(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	for _, d := range corpusDocs {
		d.URL = "http://example.org/" + d.ID
		if d.ID[0] == 'b' {
			d.URL = "file:///private/" + d.ID
		}
		mustIndex(t, ix, d)
	}
	s, err := ix.Summarize(ctx, func(m Meta) bool { return m.URL[:4] == "http" }, 0)
	if err != nil {
		t.Fatal(err)
	}
	if s.Docs != 8 {
		t.Fatalf("%d documents summarised, want the 8 web ones", s.Docs)
	}
	terms := map[string]TermSummary{}
	for i, ts := range s.Terms {
		if i > 0 && s.Terms[i-1].Term >= ts.Term {
			t.Fatalf("terms out of order: %q then %q", s.Terms[i-1].Term, ts.Term)
		}
		if ts.MaxImpact <= 0 || ts.MaxImpact >= 1 {
			t.Errorf("%s: impact %v outside (0, 1)", ts.Term, ts.MaxImpact)
		}
		terms[ts.Term] = ts
	}
	for _, private := range []string{"insulin", "kidnei", "cancer", "patient"} {
		if _, ok := terms[private]; ok {
			t.Errorf("term %q of a document left out is in the summary", private)
		}
	}
	if got := terms["boundari"].DF; got != 3 {
		t.Errorf("df(boundari) = %d, want 3", got)
	}
	if terms["flutter"].MaxImpact <= terms["flat"].MaxImpact {
		t.Errorf("flutter (twice in a short document) impact %v, not above flat (once) %v", terms["flutter"].MaxImpact, terms["flat"].MaxImpact)
	}
	small, err := ix.Summarize(ctx, nil, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(small.Terms) != 5 || small.Docs != 12 {
		t.Fatalf("capped summary: %d terms of %d documents, want 5 of 12", len(small.Terms), small.Docs)
	}
	for _, ts := range small.Terms {
		if ts.DF > 1 {
			t.Errorf("capped summary kept %s (df %d) before the terms of one document", ts.Term, ts.DF)
		}
	}
}
