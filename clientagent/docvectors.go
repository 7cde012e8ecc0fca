package clientagent

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/usermodel"
)

// maxCachedVectorTerms bounds the vectors docVectors keeps, in term
// entries over all documents (about 100 bytes each with the sorted terms
// and weights of a prepared vector: some 100 MiB).
const maxCachedVectorTerms = 1 << 20

// docVectors returns the unit tf-idf vector of each result, prepared for
// re-ranking's cosines (usermodel.PrepareVector): of the whole
// document for results in the local index, of title and snippet for the
// others; one statistics lookup serves all of them. The vectors of local
// documents are kept while the index does not change (their weights
// depend on its statistics), so a document that is a candidate search
// after search costs a lookup, not an analysis, a tf-idf weighting and
// the sorting of its terms.
func (a *Agent) docVectors(ctx context.Context, hits []Merged) ([]*usermodel.PreparedVector, error) {
	version := a.ix.Version() // before anything it vouches for is read
	out := make([]*usermodel.PreparedVector, len(hits))
	var tfs []map[string]int // made when a vector is not kept
	all := map[string]bool{}
	for i, h := range hits {
		var tf map[string]int
		if h.DocID != "" {
			if v, ok := a.vectors.Get(version, h.DocID); ok {
				out[i] = v
				continue
			}
			tf, _ = a.ix.TermVector(ctx, h.DocID) // gone since: fall back to the text shown
		}
		if tf == nil {
			tf = a.cfg.TextTerms.termFreqs(a.ix, h.Title+"\n"+h.Content)
		}
		if tfs == nil {
			tfs = make([]map[string]int, len(hits))
		}
		tfs[i] = tf
		for t := range tf {
			all[t] = true
		}
	}
	if len(all) == 0 {
		return out, nil // nil: empty vectors
	}
	terms := make([]string, 0, len(all))
	for t := range all {
		terms = append(terms, t)
	}
	dfs, err := a.ix.DocFreq(ctx, terms...)
	if err != nil {
		return nil, fmt.Errorf("statistics for re-ranking: %w", err)
	}
	n, err := a.ix.Count()
	if err != nil {
		return nil, fmt.Errorf("statistics for re-ranking: %w", err)
	}
	for i, tf := range tfs {
		if tf == nil {
			continue
		}
		out[i] = usermodel.PrepareVector(usermodel.TFIDF(tf, dfs, n))
		if hits[i].DocID != "" {
			a.vectors.Put(version, hits[i].DocID, out[i])
		}
	}
	return out, nil
}
