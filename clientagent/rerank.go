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
