package clientagent

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/usermodel"
)

// rankedHit is a merged result with its place in the re-ranked list explained.
type rankedHit struct {
	Merged
	sim float64
	why string
}

// rerank re-orders merged results with the profile and drops those too
// close to rejected documents (usermodel.Rerank).
func (a *Agent) rerank(ctx context.Context, cfg usermodel.RerankConfig, hits []Merged, profile usermodel.Vector, rejected []usermodel.Vector) ([]rankedHit, []Filtered, error) {
	vecs, err := a.docVectors(ctx, hits)
	if err != nil {
		return nil, nil, err
	}
	cands := make([]usermodel.Candidate, len(hits))
	byKey := make(map[string]Merged, len(hits))
	for i, h := range hits {
		key := fmt.Sprint(i)
		cands[i] = usermodel.Candidate{Key: key, Score: h.Evidence, Doc: vecs[i]}
		byKey[key] = h
	}
	kept, dropped := usermodel.Rerank(cfg, cands, profile, rejected)
	out := make([]rankedHit, 0, len(kept))
	for _, r := range kept {
		out = append(out, rankedHit{Merged: byKey[r.Key], sim: r.ProfileSim, why: r.Why})
	}
	var filtered []Filtered
	for _, d := range dropped {
		h := byKey[d.Key]
		filtered = append(filtered, Filtered{URL: h.URL, Title: h.Title, Why: d.Why})
	}
	return out, filtered, nil
}

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
