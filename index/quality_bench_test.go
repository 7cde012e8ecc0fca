package index_test

import (
	"context"
	"github.com/p2pir/p2pir/internal/testenv"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
)

// BenchmarkMAPAgainstBleveBM25 measures, in one run, the MAP of p2pir's
// BM25 and of a plain bleve match query under bleve's built-in "bm25"
// scoring model with its "en" analyser, on the same documents and queries
// (title + abstract, top 1000, trec_eval's MAP). It is the baseline the
// index package's doc comment explains the gap against.
func BenchmarkMAPAgainstBleveBM25(b *testing.B) {
	root := testenv.DataDir(b)
	for _, name := range []string{"cranfield", "cisi", "med"} {
		b.Run(name, func(b *testing.B) {
			c, err := eval.Load(filepath.Join(root, name))
			if err != nil {
				b.Fatal(err)
			}
			qrels := c.Qrels.WithRelevant(1)
			ctx := context.Background()
			var ours, theirs float64
			for i := 0; i < b.N; i++ {
				ix, err := index.Open(filepath.Join(b.TempDir(), "ix"), index.DefaultConfig())
				if err != nil {
					b.Fatal(err)
				}
				if err := eval.IndexCollection(ctx, ix, c, nil); err != nil {
					b.Fatal(err)
				}
				run, _, err := eval.SearchAll(ctx, ix, c, 1000)
				if err != nil {
					b.Fatal(err)
				}
				ix.Close()
				s, _, err := eval.Evaluate(run, qrels)
				if err != nil {
					b.Fatal(err)
				}
				ours = s.MAP

				theirs = bleveMAP(b, c, qrels)
			}
			b.ReportMetric(ours, "map-p2pir")
			b.ReportMetric(theirs, "map-bleve")
			b.ReportMetric(ours/theirs, "ratio")
		})
	}
}

func bleveMAP(b *testing.B, c *eval.Collection, qrels eval.Qrels) float64 {
	m := mapping.NewIndexMapping()
	m.DefaultAnalyzer = "en"
	m.ScoringModel = "bm25"
	bi, err := bleve.New(filepath.Join(b.TempDir(), "bleve"), m)
	if err != nil {
		b.Fatal(err)
	}
	defer bi.Close()
	batch := bi.NewBatch()
	for _, d := range c.Docs {
		if err := batch.Index(d.DocNo, map[string]string{"text": d.Title + "\n" + d.Text}); err != nil {
			b.Fatal(err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		b.Fatal(err)
	}
	run := eval.Run{}
	for _, q := range c.Queries {
		mq := bleve.NewMatchQuery(q.Text)
		mq.SetField("text")
		res, err := bi.Search(bleve.NewSearchRequestOptions(mq, 1000, 0, false))
		if err != nil {
			b.Fatal(err)
		}
		for _, h := range res.Hits {
			run[q.ID] = append(run[q.ID], eval.Result{DocNo: h.ID, Score: h.Score})
		}
	}
	s, _, err := eval.Evaluate(run, qrels)
	if err != nil {
		b.Fatal(err)
	}
	return s.MAP
}
