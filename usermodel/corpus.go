package usermodel

import (
	"context"
	"fmt"
)

// Corpus is what the user model needs from the local index: its analyser
// (so there is one tokenizer) and its statistics (for idf). *index.Index
// implements it.
type Corpus interface {
	// Analyze returns the index terms of text, in order, repeats kept.
	Analyze(text string) []string
	// DocFreq returns the number of documents containing each term.
	DocFreq(ctx context.Context, terms ...string) (map[string]uint64, error)
	// Count returns the number of documents in the collection.
	Count() (uint64, error)
}

// TextVector returns the unit-length tf-idf vector of text under c's
// analyser and statistics.
func TextVector(ctx context.Context, c Corpus, text string) (Vector, error) {
	tf := make(map[string]int)
	for _, t := range c.Analyze(text) {
		tf[t]++
	}
	return TFVector(ctx, c, tf)
}

// TFVector weights term frequencies by c's idf (see TFIDF).
func TFVector(ctx context.Context, c Corpus, tf map[string]int) (Vector, error) {
	if len(tf) == 0 {
		return Vector{}, nil
	}
	terms := make([]string, 0, len(tf))
	for t := range tf {
		terms = append(terms, t)
	}
	dfs, err := c.DocFreq(ctx, terms...)
	if err != nil {
		return nil, fmt.Errorf("usermodel: idf: %w", err)
	}
	n, err := c.Count()
	if err != nil {
		return nil, fmt.Errorf("usermodel: idf: %w", err)
	}
	return TFIDF(tf, dfs, n), nil
}
