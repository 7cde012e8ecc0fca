package sim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/p2pir/p2pir/index"
)

// central is the upper bound: one real index over every document, with no
// network, searched with the same plain-text queries.
type central struct {
	dir string
	ix  *index.Index
}

// newCentral indexes every document of domains (each once, whatever the
// replication) in a temporary folder.
func newCentral(ctx context.Context, domains []Domain) (*central, error) {
	dir, err := os.MkdirTemp("", "p2pir-sim-central-")
	if err != nil {
		return nil, fmt.Errorf("central index: %w", err)
	}
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("central index: %w", err)
	}
	c := &central{dir: dir, ix: ix}
	var docs []index.Document
	for _, d := range domains {
		for _, doc := range d.Docs {
			docs = append(docs, index.Document{ID: doc.URL, URL: doc.URL, Title: doc.Title, Body: doc.Text, Source: index.SourceWeb})
		}
	}
	if err := ix.Index(ctx, docs); err != nil {
		c.close()
		return nil, fmt.Errorf("central index: %w", err)
	}
	return c, nil
}

// search returns the top k URLs for text and the time it took.
func (c *central) search(ctx context.Context, text string, k int) (SearchResult, error) {
	start := time.Now()
	q, err := c.ix.PlainQuery(text)
	if errors.Is(err, index.ErrBadQuery) {
		return SearchResult{Latency: time.Since(start)}, nil
	}
	if err != nil {
		return SearchResult{}, fmt.Errorf("central index: %w", err)
	}
	hits, err := searchIDs(ctx, c.ix, q, k)
	if err != nil {
		return SearchResult{}, fmt.Errorf("central index: %w", err)
	}
	res := SearchResult{URLs: make([]string, len(hits))}
	for i, h := range hits {
		res.URLs[i] = h.ID
	}
	res.Latency = time.Since(start)
	return res, nil
}

// searchIDs returns the top k hits of q, IDs only (the index orders and
// cuts ties in score by ID, so they are the same from run to run).
func searchIDs(ctx context.Context, ix *index.Index, q index.Query, k int) ([]index.Hit, error) {
	rs, err := ix.Search(ctx, q, index.SearchOptions{K: min(k, index.MaxK), IDsOnly: true})
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return rs.Hits, nil
}

func (c *central) close() error {
	err := c.ix.Close()
	return errors.Join(err, os.RemoveAll(c.dir))
}
