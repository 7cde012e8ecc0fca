package index

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
)

// Summary describes a set of the index's documents — the ones a node
// shares with its peers — by term: enough for a peer to pool collection
// statistics (CorpusStats) and to estimate how well the set can answer a
// query (collection selection) without asking it.
type Summary struct {
	// Docs and TotalLen are the number of documents summarised and their
	// total length in tokens.
	Docs     uint64
	TotalLen uint64
	// Terms are the summarised terms in order of Term, at most the
	// maxTerms given to Summarize.
	Terms []TermSummary
}

// TermSummary is one term of a Summary.
type TermSummary struct {
	// Term is the analysed term.
	Term string
	// DF is how many of the summarised documents contain it.
	DF uint32
	// MaxImpact is its largest length-normalised frequency over them,
	// tf/(tf + k1·(1 − b + b·|d|/avgdl)) with the set's own avgdl, in
	// [0, 1): (k1+1)·idf·MaxImpact bounds what the term adds to the
	// score of the set's best document.
	MaxImpact float64
}

// Summarize summarises the documents for which keep returns true (nil
// keeps every document). When there are more than maxTerms distinct terms
// (maxTerms > 0), it keeps those that tell the set apart best: the
// highest MaxImpact × ln(1 + Docs/DF)-weighted ones, a rare term that a
// document is about before a common one. It reads every kept document's
// term vector, so it costs one pass over their text; callers rebuild it
// when Version changes, not per query.
func (ix *Index) Summarize(ctx context.Context, keep func(Meta) bool, maxTerms int) (Summary, error) {
	metas, err := ix.MetaByPrefix(ctx, "")
	if err != nil {
		return Summary{}, fmt.Errorf("index: summarize: %w", err)
	}
	type doc struct {
		tf  map[string]int
		len int
	}
	var docs []doc
	var total uint64
	for _, m := range metas {
		if keep != nil && !keep(m) {
			continue
		}
		tf, err := ix.TermVector(ctx, m.ID)
		if err != nil {
			return Summary{}, fmt.Errorf("index: summarize: %w", err)
		}
		n := 0
		for _, f := range tf {
			n += f
		}
		docs = append(docs, doc{tf, n})
		total += uint64(n)
	}
	s := Summary{Docs: uint64(len(docs)), TotalLen: total}
	if len(docs) == 0 {
		return s, nil
	}
	avgdl := max(float64(total)/float64(len(docs)), 1)
	k1, b := ix.cfg.K1, ix.cfg.B
	byTerm := map[string]*TermSummary{}
	for _, d := range docs {
		norm := k1 * (1 - b + b*float64(d.len)/avgdl)
		for t, f := range d.tf {
			ts := byTerm[t]
			if ts == nil {
				ts = &TermSummary{Term: t}
				byTerm[t] = ts
			}
			ts.DF++
			tf := float64(f)
			ts.MaxImpact = max(ts.MaxImpact, tf/(tf+norm))
		}
	}
	s.Terms = make([]TermSummary, 0, len(byTerm))
	for _, ts := range byTerm {
		s.Terms = append(s.Terms, *ts)
	}
	if maxTerms > 0 && len(s.Terms) > maxTerms {
		worth := func(t TermSummary) float64 { return t.MaxImpact * math.Log1p(float64(s.Docs)/float64(t.DF)) }
		slices.SortFunc(s.Terms, func(a, b TermSummary) int {
			if c := cmp.Compare(worth(b), worth(a)); c != 0 {
				return c
			}
			return cmp.Compare(a.Term, b.Term)
		})
		s.Terms = s.Terms[:maxTerms]
	}
	slices.SortFunc(s.Terms, func(a, b TermSummary) int { return cmp.Compare(a.Term, b.Term) })
	return s, nil
}
