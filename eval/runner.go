package eval

import (
	"context"
	"errors"
	"fmt"

	"github.com/p2pir/p2pir/index"
)

// IndexCollection loads every document of c into ix (ID = DocNo, title and
// text as the collection gives them, source "eval"), reporting progress
// after every batch.
func IndexCollection(ctx context.Context, ix *index.Index, c *Collection, progress index.BatchProgress) error {
	docs := make([]index.Document, 0, len(c.Docs))
	for _, d := range c.Docs {
		docs = append(docs, index.Document{
			ID:     d.DocNo,
			URL:    "eval:" + c.Name + "/" + d.DocNo,
			Title:  d.Title,
			Body:   d.Text,
			Source: index.SourceEval,
		})
	}
	if err := ix.IndexWithProgress(ctx, docs, progress); err != nil {
		return fmt.Errorf("eval: index %s: %w", c.Name, err)
	}
	return nil
}

// SearchAll runs every query of c against ix as plain text (no query
// syntax: index.PlainQuery) and returns the top k of each as a Run. A query
// with no searchable words (all stop words) retrieves nothing and is named
// in skipped.
func SearchAll(ctx context.Context, ix *index.Index, c *Collection, k int) (run Run, skipped []string, err error) {
	run = make(Run, len(c.Queries))
	for _, q := range c.Queries {
		pq, err := ix.PlainQuery(q.Text)
		if errors.Is(err, index.ErrBadQuery) {
			skipped = append(skipped, q.ID)
			continue
		}
		if err != nil {
			return nil, nil, fmt.Errorf("eval: query %s: %w", q.ID, err)
		}
		rs, err := SearchOne(ctx, ix, pq, k)
		if err != nil {
			return nil, nil, fmt.Errorf("eval: query %s: %w", q.ID, err)
		}
		run[q.ID] = rs
	}
	return run, skipped, nil
}

// SearchOne runs one prepared query and returns its top k as run results.
func SearchOne(ctx context.Context, ix *index.Index, q index.Query, k int) ([]Result, error) {
	res, err := ix.Search(ctx, q, index.SearchOptions{K: k, IDsOnly: true})
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, Result{DocNo: h.ID, Score: h.Score})
	}
	return out, nil
}
