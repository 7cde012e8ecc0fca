package eval

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// FeedbackOptions configures a relevance-feedback experiment.
type FeedbackOptions struct {
	// Judged is how many top documents of round 0 the simulated person
	// judges (with the relevance judgments). Default 10.
	Judged int
	// K is how many documents each round ranks after the judged ones are
	// removed. Default 1000.
	K int
	// Reform is the reformulation; Reform.Method picks Rocchio, Ide dec-hi
	// or RM3 (pseudo-relevance feedback: the top Judged documents are
	// taken as relevant without looking at the judgments).
	Reform usermodel.ReformConfig
}

// FeedbackOutcome is what a feedback experiment measured.
type FeedbackOutcome struct {
	// Base is round 0 (the plain query) on the residual collection, Feedback
	// round 1 (the reformulated query) on the same residual collection.
	Base, Feedback Summary
	// BaseRun is round 0's full top K (judged documents included), FeedbackRun
	// round 1's top K with the judged documents removed; ResidualQrels the
	// judgments without the judged documents, queries left with no relevant
	// document dropped.
	BaseRun, FeedbackRun Run
	ResidualQrels        Qrels
	// Skipped lists queries with no searchable words.
	Skipped []string
}

// RunFeedback runs the residual-collection protocol for relevance
// feedback (Salton and Buckley 1990; Ruthven and Lalmas 2003): for each
// query, round 0 retrieves with the plain query; a simulated person judges
// its top Judged documents with the relevance judgments; round 1 retrieves
// with the query reformulated from those judgments. Both rounds are scored
// on the residual collection: the judged documents are removed from both
// rankings and from the judgments, so round 1 gets no credit for
// re-finding what the person already saw.
func RunFeedback(ctx context.Context, ix *index.Index, c *Collection, opts FeedbackOptions) (*FeedbackOutcome, error) {
	if opts.Judged <= 0 {
		opts.Judged = 10
	}
	if opts.K <= 0 {
		opts.K = 1000
	}
	out := &FeedbackOutcome{BaseRun: Run{}, FeedbackRun: Run{}, ResidualQrels: Qrels{}}
	baseResidual := Run{}
	for _, q := range c.Queries {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		pq, err := ix.PlainQuery(q.Text)
		if errors.Is(err, index.ErrBadQuery) {
			out.Skipped = append(out.Skipped, q.ID)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("eval: feedback: query %s: %w", q.ID, err)
		}
		round0, err := SearchOne(ctx, ix, pq, opts.K+opts.Judged)
		if err != nil {
			return nil, fmt.Errorf("eval: feedback: query %s: %w", q.ID, err)
		}
		out.BaseRun[q.ID] = round0[:min(opts.K, len(round0))]
		nj := min(opts.Judged, len(round0))
		judged := make(map[string]bool, nj)
		for _, r := range round0[:nj] {
			judged[r.DocNo] = true
		}
		baseResidual[q.ID] = withoutJudged(round0, judged, opts.K)
		if rel := c.Qrels[q.ID]; rel != nil {
			res := map[string]int{}
			for d, g := range rel {
				if !judged[d] {
					res[d] = g
				}
			}
			out.ResidualQrels[q.ID] = res
		}

		// The query vector is the query's own BM25 weights (term counts),
		// so with no feedback the reformulated query ranks as the plain one.
		qv := usermodel.Vector{}
		for _, t := range pq.Terms {
			qv[t.Term] = t.Weight
		}
		fb, err := feedbackDocs(ctx, ix, c.Qrels[q.ID], round0[:nj], opts.Reform.Method)
		if err != nil {
			return nil, fmt.Errorf("eval: feedback: query %s: %w", q.ID, err)
		}
		ref, err := usermodel.Reformulate(ctx, ix, opts.Reform, qv, fb, nil)
		if err != nil {
			return nil, fmt.Errorf("eval: feedback: query %s: %w", q.ID, err)
		}
		wts := make([]index.WeightedTerm, 0, len(ref.Terms))
		for _, t := range ref.Terms {
			wts = append(wts, index.WeightedTerm{Term: t.Term, Weight: t.Weight})
		}
		q1, err := ix.WeightedQuery(wts)
		if err != nil {
			return nil, fmt.Errorf("eval: feedback: query %s: reformulated: %w", q.ID, err)
		}
		round1, err := SearchOne(ctx, ix, q1, opts.K+opts.Judged)
		if err != nil {
			return nil, fmt.Errorf("eval: feedback: query %s: %w", q.ID, err)
		}
		out.FeedbackRun[q.ID] = withoutJudged(round1, judged, opts.K)
	}
	out.ResidualQrels = out.ResidualQrels.WithRelevant(1)
	var err error
	if out.Base, _, err = Evaluate(baseResidual, out.ResidualQrels); err != nil {
		return nil, fmt.Errorf("eval: feedback: round 0: %w", err)
	}
	if out.Feedback, _, err = Evaluate(out.FeedbackRun, out.ResidualQrels); err != nil {
		return nil, fmt.Errorf("eval: feedback: round 1: %w", err)
	}
	return out, nil
}

func withoutJudged(rs []Result, judged map[string]bool, k int) []Result {
	out := make([]Result, 0, min(k, len(rs)))
	for _, r := range rs {
		if !judged[r.DocNo] && len(out) < k {
			out = append(out, r)
		}
	}
	return out
}

// feedbackDocs turns the judged documents into Reformulate's input. For
// Rocchio and Ide the simulated person marks each document with the
// judgments (unjudged counts as not relevant) and documents are tf-idf
// vectors; for RM3 every document is pseudo-relevant, its vector is its
// term distribution (tf / length) and its weight its share of the scores.
func feedbackDocs(ctx context.Context, ix *index.Index, rel map[string]int, top []Result, method string) ([]usermodel.Judged, error) {
	out := make([]usermodel.Judged, 0, len(top))
	var scoreSum float64
	for _, r := range top {
		scoreSum += math.Max(r.Score, 0)
	}
	for i, r := range top {
		tf, err := ix.TermVector(ctx, r.DocNo)
		if err != nil {
			return nil, err
		}
		j := usermodel.Judged{Rank: i + 1, Weight: 1}
		if method == usermodel.MethodRM3 {
			j.Interested = true
			j.Doc = usermodel.Vector{}
			for t, f := range tf {
				j.Doc[t] = float64(f)
			}
			if scoreSum > 0 {
				j.Weight = math.Max(r.Score, 0) / scoreSum
			}
		} else {
			j.Interested = rel[r.DocNo] >= 1
			if j.Doc, err = usermodel.TFVector(ctx, ix, tf); err != nil {
				return nil, err
			}
		}
		out = append(out, j)
	}
	return out, nil
}
