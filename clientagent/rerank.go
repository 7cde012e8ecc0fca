package clientagent

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// rankedHit is an index hit with its place in the re-ranked list explained.
type rankedHit struct {
	index.Hit
	sim float64
	why string
}

// rerank re-orders hits with the profile and drops those too close to
// rejected documents (usermodel.Rerank), computing the hits' tf-idf
// vectors with one statistics lookup for all of them.
func (a *Agent) rerank(ctx context.Context, cfg usermodel.RerankConfig, hits []index.Hit, profile usermodel.Vector, rejected []usermodel.Vector) ([]rankedHit, []Filtered, error) {
	vecs, err := docVectors(ctx, a.ix, hits)
	if err != nil {
		return nil, nil, err
	}
	cands := make([]usermodel.Candidate, len(hits))
	byKey := make(map[string]index.Hit, len(hits))
	for i, h := range hits {
		cands[i] = usermodel.Candidate{Key: h.ID, Score: h.Score, Doc: vecs[i]}
		byKey[h.ID] = h
	}
	kept, dropped := usermodel.Rerank(cfg, cands, profile, rejected)
	out := make([]rankedHit, 0, len(kept))
	for _, r := range kept {
		out = append(out, rankedHit{Hit: byKey[r.Key], sim: r.ProfileSim, why: r.Why})
	}
	var filtered []Filtered
	for _, d := range dropped {
		h := byKey[d.Key]
		filtered = append(filtered, Filtered{URL: h.URL, Title: h.Title, Why: d.Why})
	}
	return out, filtered, nil
}

// docVectors returns the unit tf-idf vector of each hit's document.
func docVectors(ctx context.Context, ix *index.Index, hits []index.Hit) ([]usermodel.Vector, error) {
	tfs := make([]map[string]int, len(hits))
	all := map[string]bool{}
	for i, h := range hits {
		tf, err := ix.TermVector(ctx, h.ID)
		if err != nil {
			return nil, fmt.Errorf("clientagent: vector of %s: %w", h.ID, err)
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
	dfs, err := ix.DocFreq(ctx, terms...)
	if err != nil {
		return nil, fmt.Errorf("clientagent: statistics: %w", err)
	}
	n, err := ix.Count()
	if err != nil {
		return nil, fmt.Errorf("clientagent: statistics: %w", err)
	}
	out := make([]usermodel.Vector, len(hits))
	for i, tf := range tfs {
		out[i] = usermodel.TFIDF(tf, dfs, n)
	}
	return out, nil
}
