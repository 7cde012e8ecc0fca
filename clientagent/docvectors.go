package clientagent

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/usermodel"
)

// docVectors returns the unit tf-idf vector of each result: of the whole
// document for results in the local index, of title and snippet for the
// others; one statistics lookup serves all of them.
func (a *Agent) docVectors(ctx context.Context, hits []Merged) ([]usermodel.Vector, error) {
	tfs := make([]map[string]int, len(hits))
	all := map[string]bool{}
	for i, h := range hits {
		var tf map[string]int
		if h.DocID != "" {
			tf, _ = a.ix.TermVector(ctx, h.DocID) // gone since: fall back to the text shown
		}
		if tf == nil {
			tf = a.ix.TermFreqs(h.Title + "\n" + h.Content)
		}
		tfs[i] = tf
		for t := range tf {
			all[t] = true
		}
	}
	terms := make([]string, 0, len(all))
	for t := range all {
		terms = append(terms, t)
	}
	dfs, err := a.ix.DocFreq(ctx, terms...)
	if err != nil {
		return nil, fmt.Errorf("clientagent: statistics: %w", err)
	}
	n, err := a.ix.Count()
	if err != nil {
		return nil, fmt.Errorf("clientagent: statistics: %w", err)
	}
	out := make([]usermodel.Vector, len(hits))
	for i, tf := range tfs {
		out[i] = usermodel.TFIDF(tf, dfs, n)
	}
	return out, nil
}
