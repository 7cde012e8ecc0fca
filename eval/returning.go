package eval

import (
	"context"
	"fmt"
	"strings"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// ReturningOptions configures the returning-person experiment.
type ReturningOptions struct {
	// Judged is how many top results of each learning query the simulated
	// person marks. Default 10.
	Judged int
	// K is how deep each test ranking is scored. Default 100.
	K int
	// Agent configures the client agent (user model settings).
	Agent clientagent.Config
	// ShortQueries, if > 0, cuts each test query to its first ShortQueries
	// index terms (in text order, repeats dropped), the short queries people
	// type, where a profile has ambiguity to resolve. 0 keeps queries whole.
	ShortQueries int
}

// ReturningOutcome compares test queries with the user model off and on.
type ReturningOutcome struct {
	Person           string
	Learn, Test      int // queries used to learn and to test
	Marks            int
	Off, On          Summary
	OffRun, OnRun    Run
	TestQrels        Qrels
	DocsInIndex      int
	OtherCollections []string
}

// MixedIndex loads the person's collection and the others into ix with
// document IDs "name/docno", like a desktop holding several topics. It
// returns the person's qrels rewritten to those IDs.
func MixedIndex(ctx context.Context, ix *index.Index, person *Collection, others ...*Collection) (Qrels, error) {
	for _, c := range append([]*Collection{person}, others...) {
		docs := make([]index.Document, 0, len(c.Docs))
		for _, d := range c.Docs {
			id := c.Name + "/" + d.DocNo
			docs = append(docs, index.Document{ID: id, URL: "eval:" + id, Title: d.Title, Body: d.Text, Source: index.SourceEval})
		}
		if err := ix.Index(ctx, docs); err != nil {
			return nil, fmt.Errorf("eval: index %s: %w", c.Name, err)
		}
	}
	q := Qrels{}
	for qid, rel := range person.Qrels {
		m := make(map[string]int, len(rel))
		for d, g := range rel {
			m[person.Name+"/"+d] = g
		}
		q[qid] = m
	}
	return q, nil
}

// RunReturningPerson simulates a person whose information needs are the
// queries of one collection, searching an index that mixes that collection
// with others. The person's first half of queries (odd positions) are the
// history: each is searched through the client agent with the user model
// on, and its top Judged results are marked interested or not by the
// relevance judgments. The second half are then searched twice, with the
// user model off and on, and both rankings are scored with the judgments.
// The store must be empty; it holds the person's marks afterwards.
func RunReturningPerson(ctx context.Context, ix *index.Index, st *usermodel.Store, person *Collection, qrels Qrels, opts ReturningOptions) (*ReturningOutcome, error) {
	if opts.Judged <= 0 {
		opts.Judged = 10
	}
	if opts.K <= 0 {
		opts.K = 100
	}
	ag, err := clientagent.New(ix, st, opts.Agent)
	if err != nil {
		return nil, err
	}
	out := &ReturningOutcome{Person: person.Name, OffRun: Run{}, OnRun: Run{}, TestQrels: Qrels{}}
	var test []Query
	for i, q := range person.Queries {
		if len(qrels[q.ID]) == 0 {
			continue
		}
		if i%2 == 1 {
			test = append(test, q)
			continue
		}
		out.Learn++
		resp, err := ag.Search(ctx, clientagent.Request{Query: q.Text, K: opts.Judged})
		if err != nil {
			continue // a query of stop words only: the person moves on
		}
		for _, r := range resp.Results {
			if _, _, err := ag.Mark(ctx, resp.QueryID, r.URL, qrels[q.ID][r.DocID] >= 1); err != nil {
				return nil, fmt.Errorf("eval: mark: %w", err)
			}
			out.Marks++
		}
	}
	for _, q := range test {
		if opts.ShortQueries > 0 {
			q.Text = firstTerms(ix, q.Text, opts.ShortQueries)
		}
		if out.OffRun[q.ID], out.OnRun[q.ID], err = searchOffOn(ctx, ag, q.Text, opts.K); err != nil {
			continue // no searchable words: the person moves on
		}
		out.TestQrels[q.ID] = qrels[q.ID]
		out.Test++
	}
	if out.Off, _, err = Evaluate(out.OffRun, out.TestQrels); err != nil {
		return nil, err
	}
	if out.On, _, err = Evaluate(out.OnRun, out.TestQrels); err != nil {
		return nil, err
	}
	n, _ := ix.Count()
	out.DocsInIndex = int(n)
	return out, nil
}

// firstTerms returns the first n distinct index terms of text, joined by
// spaces (index terms analyse to themselves).
func firstTerms(ix *index.Index, text string, n int) string {
	seen := map[string]bool{}
	var out []string
	for _, t := range ix.Analyze(text) {
		if !seen[t] && len(out) < n {
			seen[t] = true
			out = append(out, t)
		}
	}
	return strings.Join(out, " ")
}

// searchOffOn searches text through the agent with the user model off and
// then on, and returns both rankings as run results. The shown order is the
// ranking: scores are made strictly decreasing so trec_eval's re-sort
// keeps it.
func searchOffOn(ctx context.Context, ag *clientagent.Agent, text string, k int) (off, on []Result, err error) {
	for _, noProfile := range []bool{true, false} {
		resp, err := ag.Search(ctx, clientagent.Request{Query: text, K: k, NoProfile: noProfile})
		if err != nil {
			return nil, nil, err
		}
		rs := make([]Result, 0, len(resp.Results))
		for i, r := range resp.Results {
			rs = append(rs, Result{DocNo: r.DocID, Score: float64(len(resp.Results) - i)})
		}
		if noProfile {
			off = rs
		} else {
			on = rs
		}
	}
	return off, on, nil
}
