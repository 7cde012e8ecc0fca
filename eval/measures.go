package eval

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Config holds the knobs of Evaluate that trec_eval has as flags. The zero
// value is the trec_eval default.
type Config struct {
	// RelevanceLevel is the minimum grade for a document to count as
	// relevant (trec_eval -l). 0 means the default, 1; negative values are
	// an error. nDCG is not affected: it uses every positive grade as gain.
	RelevanceLevel int
	// Complete averages over every query of the qrels, scoring 0 for the
	// queries the run retrieves nothing for (trec_eval -c). Default false:
	// like trec_eval, such queries are left out of the means and of num_q.
	Complete bool
	// Float32Scores ranks by scores rounded to 32-bit floats, reproducing
	// trec_eval 9.0.7 and earlier, which stored scores as C floats: scores
	// that differ only past float32 precision (about 7 significant digits)
	// tie there, and the tie is broken by docno. Default false: trec_eval
	// 9.0.8 and later read scores as doubles, as Ranked does.
	Float32Scores bool
}

// DefaultConfig returns the trec_eval defaults: relevance level 1, means
// over the queries present in both the run and the qrels.
func DefaultConfig() Config { return Config{RelevanceLevel: 1} }

// level returns the effective relevance level.
func (c Config) level() int {
	if c.RelevanceLevel == 0 {
		return 1
	}
	return c.RelevanceLevel
}

// ErrNoQueries is returned (wrapped) by Evaluate when no query is both in
// the run and in the qrels; trec_eval stops with "No queries with both
// results and relevance info" in that case.
var ErrNoQueries = errors.New("no queries with both results and relevance info")

// Measures are the scores of one query, or their summary over queries.
// Field comments give trec_eval's measure names.
type Measures struct {
	// MAP is average precision (trec_eval "map"): the sum of the precision
	// at the rank of each relevant retrieved document, divided by the number
	// of relevant documents. In a Summary, the mean over queries.
	MAP float64
	// P10 is precision at 10 ("P_10"): relevant documents in the top 10,
	// divided by 10 even when fewer were retrieved.
	P10 float64
	// NDCG10 is nDCG at 10 ("ndcg_cut_10"): DCG over the top 10 with the
	// qrels grade as gain (grades <= 0 give nothing) and the gain at rank r
	// divided by log2(r+1), normalised by the DCG of the ideal ranking of all
	// positively graded documents, cut at 10 (m_ndcg_cut.c since trec_eval
	// 9.0.4; 9.0 alpha versions left rank 1 undiscounted and divided by
	// log2(r) after).
	NDCG10 float64
	// RPrec is R-precision ("Rprec"): relevant documents in the top R
	// divided by R, R being the number of relevant documents; 0 when R is 0.
	RPrec float64
	// Recall100 is recall at 100 ("recall_100"): relevant documents in the
	// top 100 divided by R; 0 when R is 0.
	Recall100 float64
	// NumRet is the number of retrieved documents ("num_ret"); a sum in a
	// Summary.
	NumRet int
	// NumRel is the number of relevant documents ("num_rel"); a sum in a
	// Summary.
	NumRel int
	// NumRelRet is the number of relevant retrieved documents
	// ("num_rel_ret"); a sum in a Summary.
	NumRelRet int
}

// PerQuery is the evaluation of one query.
type PerQuery struct {
	// QID is the query id.
	QID string
	Measures
}

// Summary is the evaluation of a run over its evaluated queries.
type Summary struct {
	// NumQ is the number of queries evaluated ("num_q").
	NumQ int
	// Measures holds the means of the scores and the sums of the counts.
	Measures
}

// Evaluate scores run against qrels with trec_eval's default settings; see
// Config.Evaluate.
func Evaluate(run Run, qrels Qrels) (Summary, []PerQuery, error) {
	return DefaultConfig().Evaluate(run, qrels)
}

// Evaluate scores run against qrels exactly as trec_eval 9.x does on the
// files WriteRun and WriteQrels produce (see the package documentation for
// the rules), returning the summary and the per-query scores in
// numeric-aware query id order. The queries evaluated are those with at
// least one judgment in qrels and at least one result in run (with
// c.Complete, every query with a judgment). It returns an error if the run
// or the qrels do not validate (a duplicated docno, a NaN score, an id with
// whitespace), or wrapping ErrNoQueries if nothing is left to evaluate.
func (c Config) Evaluate(run Run, qrels Qrels) (Summary, []PerQuery, error) {
	if c.RelevanceLevel < 0 {
		return Summary{}, nil, fmt.Errorf("evaluate: relevance level %d is negative", c.RelevanceLevel)
	}
	if err := run.Validate(); err != nil {
		return Summary{}, nil, fmt.Errorf("evaluate: %w", err)
	}
	if err := qrels.Validate(); err != nil {
		return Summary{}, nil, fmt.Errorf("evaluate: %w", err)
	}
	level := c.level()
	// Accumulate in trec_eval's query order (strcmp order of the qids, as
	// get_qrels.c sorts them) so that the sums round exactly as its do.
	qids := qrels.QueryIDs()
	slices.Sort(qids)
	var per []PerQuery
	var sum Summary
	for _, qid := range qids {
		results := run[qid]
		if len(results) == 0 && !c.Complete {
			continue
		}
		m := scoreQuery(ranked(results, c.Float32Scores), qrels[qid], level)
		per = append(per, PerQuery{QID: qid, Measures: m})
		sum.NumQ++
		sum.MAP += m.MAP
		sum.P10 += m.P10
		sum.NDCG10 += m.NDCG10
		sum.RPrec += m.RPrec
		sum.Recall100 += m.Recall100
		sum.NumRet += m.NumRet
		sum.NumRel += m.NumRel
		sum.NumRelRet += m.NumRelRet
	}
	if sum.NumQ == 0 {
		return Summary{}, nil, fmt.Errorf("evaluate: %w (%d run queries, %d judged queries)",
			ErrNoQueries, len(run), len(qids))
	}
	slices.SortFunc(per, func(a, b PerQuery) int { return compareIDs(a.QID, b.QID) })
	n := float64(sum.NumQ)
	sum.MAP /= n
	sum.P10 /= n
	sum.NDCG10 /= n
	sum.RPrec /= n
	sum.Recall100 /= n
	return sum, per, nil
}

// scoreQuery computes the measures of one query from its results in
// trec_eval order and its judgments.
func scoreQuery(ranked []Result, judged map[string]int, level int) Measures {
	var m Measures
	for _, g := range judged {
		if g >= level {
			m.NumRel++
		}
	}
	m.NumRet = len(ranked)
	r := m.NumRel

	var (
		relSoFar int
		apSum    float64
		dcg      float64
	)
	for i, res := range ranked {
		rank := i + 1
		g, ok := judged[res.DocNo]
		rel := ok && g >= level
		if rel {
			relSoFar++
			apSum += float64(relSoFar) / float64(rank)
		}
		if rank <= 10 && ok && g > 0 {
			dcg += float64(g) / discount(rank)
		}
		if rank == 10 {
			m.P10 = float64(relSoFar) / 10
		}
		if rank == r {
			m.RPrec = float64(relSoFar) / float64(r)
		}
		if rank == 100 {
			m.Recall100 = float64(relSoFar) / float64(max(r, 1))
		}
	}
	m.NumRelRet = relSoFar
	n := len(ranked)
	// Cutoffs beyond the retrieved list are filled with non-relevant
	// documents (m_P.c, m_recall.c, m_Rprec.c).
	if n < 10 {
		m.P10 = float64(relSoFar) / 10
	}
	if r > 0 {
		m.MAP = apSum / float64(r)
		if n < r {
			m.RPrec = float64(relSoFar) / float64(r)
		}
		if n < 100 {
			m.Recall100 = float64(relSoFar) / float64(r)
		}
	}
	if ideal := idealDCG10(judged); ideal > 0 {
		m.NDCG10 = dcg / ideal
	}
	return m
}

// discount is trec_eval's nDCG discount for a 1-based rank: log2(rank+1)
// (m_ndcg_cut.c adds gain/log2(i+2) for the document at 0-based index i).
func discount(rank int) float64 { return math.Log2(float64(rank + 1)) }

// idealDCG10 is the DCG at 10 of the ideal ranking: the positively graded
// documents by grade, highest first.
func idealDCG10(judged map[string]int) float64 {
	grades := make([]int, 0, len(judged))
	for _, g := range judged {
		if g > 0 {
			grades = append(grades, g)
		}
	}
	slices.SortFunc(grades, func(a, b int) int { return cmp.Compare(b, a) })
	var ideal float64
	for i, g := range grades[:min(len(grades), 10)] {
		ideal += float64(g) / discount(i+1)
	}
	return ideal
}
