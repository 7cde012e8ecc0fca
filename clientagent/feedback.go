package clientagent

import (
	"context"
	"fmt"

	"github.com/p2pir/p2pir/usermodel"
)

// remember records what a search showed, so marks can be checked against
// it and learned from.
func (a *Agent) remember(ctx context.Context, resp *Response, qvec usermodel.Vector) error {
	rec := usermodel.QueryRecord{
		ID: resp.QueryID, Text: resp.Query, Expanded: resp.Expanded, QueryVec: qvec, Time: a.now(),
	}
	for _, r := range resp.Results {
		rec.Results = append(rec.Results, usermodel.ShownResult{
			URL: r.URL, DocID: r.DocID, Title: r.Title, Content: r.Content, Source: []string{r.Source}, Rank: r.Rank,
		})
	}
	if err := a.store.RecordQuery(ctx, rec); err != nil {
		return fmt.Errorf("clientagent: remember search: %w", err)
	}
	return nil
}

// Mark records that the person found the result url of search queryID
// interesting (or not), durably, and returns the mark and the new profile.
// The result must have been shown for that search
// (usermodel.ErrUnknownQuery, usermodel.ErrNotShown otherwise).
func (a *Agent) Mark(ctx context.Context, queryID, url string, interested bool) (usermodel.Mark, usermodel.Profile, error) {
	rec, ok, err := a.store.Query(ctx, queryID)
	if err != nil {
		return usermodel.Mark{}, usermodel.Profile{}, err
	}
	if !ok {
		return usermodel.Mark{}, usermodel.Profile{}, fmt.Errorf("%w: %q (searches are kept for the latest %d queries)", usermodel.ErrUnknownQuery, queryID, usermodel.DefaultStoreOptions().MaxQueries)
	}
	var shown *usermodel.ShownResult
	for i := range rec.Results {
		if rec.Results[i].URL == url {
			shown = &rec.Results[i]
			break
		}
	}
	if shown == nil {
		return usermodel.Mark{}, usermodel.Profile{}, fmt.Errorf("%w: %s was not among the results of search %s", usermodel.ErrNotShown, url, queryID)
	}
	doc, err := a.resultVector(ctx, *shown)
	if err != nil {
		return usermodel.Mark{}, usermodel.Profile{}, err
	}
	doc.Prune(a.store.Config().MaxDocTerms)
	m := usermodel.Mark{
		QueryID: queryID, Query: rec.Text, QueryVec: rec.QueryVec, URL: url, DocID: shown.DocID,
		Title: shown.Title, Source: shown.Source, Interested: interested, Time: a.now(), Doc: doc,
	}
	return a.store.AddMark(ctx, m)
}

// resultVector is the tf-idf vector of a shown result: of the whole
// document when it is in the local index, else of its title and snippet.
func (a *Agent) resultVector(ctx context.Context, r usermodel.ShownResult) (usermodel.Vector, error) {
	if r.DocID != "" {
		if tf, err := a.ix.TermVector(ctx, r.DocID); err == nil {
			return usermodel.TFVector(ctx, a.ix, tf)
		}
	}
	return usermodel.TextVector(ctx, a.ix, r.Title+"\n"+r.Content)
}

// Undo takes back the latest mark.
func (a *Agent) Undo(ctx context.Context) (usermodel.Mark, usermodel.Profile, error) {
	return a.store.Undo(ctx)
}
