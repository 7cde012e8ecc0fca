package index

import (
	"context"
	"fmt"
	"sort"
	"unicode/utf8"
)

// Analyze returns the terms of text as the index sees them in English
// (lower-cased, stop words removed, stemmed), in order, repeats kept. Every
// part of p2pir that turns text into terms (queries, term vectors, user
// profiles) calls this, so there is exactly one tokenizer. Documents
// detected in another language are analysed with that language's
// analyser instead, their terms prefixed with its code ("de:haus"), and
// queries get those terms too (see countTerms).
func (ix *Index) Analyze(text string) []string { return ix.terms(text) }

func (ix *Index) terms(text string) []string {
	toks := ix.analyzer.Analyze([]byte(text))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, string(t.Term))
	}
	return out
}

// phraseWords returns the words of text as the phrase field holds them
// (lower-cased, stop words kept, not stemmed), in order.
func (ix *Index) phraseWords(text string) []string {
	toks := ix.phraseAnalyzer.Analyze([]byte(text))
	out := make([]string, 0, len(toks))
	for _, t := range toks {
		out = append(out, string(t.Term))
	}
	return out
}

// TermFreqs returns the analysed terms of text with their counts.
func (ix *Index) TermFreqs(text string) map[string]int {
	m := make(map[string]int)
	for _, t := range ix.analyzer.Analyze([]byte(text)) {
		m[string(t.Term)]++
	}
	return m
}

// Stats are the collection statistics behind BM25 and tf-idf weights.
type Stats struct {
	// Docs is the number of live documents.
	Docs uint64 `json:"docs"`
	// AvgDocLen is the mean number of indexed terms per document.
	AvgDocLen float64 `json:"avg_doc_len"`
}

// Stats returns the current collection statistics.
func (ix *Index) Stats() (Stats, error) {
	if ix.closed.Load() {
		return Stats{}, ErrClosed
	}
	n, total, err := ix.snapshotStats()
	if err != nil {
		return Stats{}, err
	}
	st := Stats{Docs: n}
	if n > 0 {
		st.AvgDocLen = float64(total) / float64(n)
	}
	return st, nil
}

// DocFreq returns how many documents contain each analysed term (terms
// absent from the index map to 0). One index reader serves all terms;
// counts are kept while the index does not change (Index.Version), so a
// term asked for again costs a map lookup.
func (ix *Index) DocFreq(ctx context.Context, terms ...string) (map[string]uint64, error) {
	if ix.closed.Load() {
		return nil, ErrClosed
	}
	version := ix.Version() // before the counts it vouches for are read
	out := make(map[string]uint64, len(terms))
	missing := ix.dfs.lookup(version, terms, out)
	if len(missing) == 0 {
		return out, nil
	}
	if err := ix.docFreq(ctx, missing, out); err != nil {
		return nil, err
	}
	ix.dfs.put(version, missing, out)
	return out, nil
}

// docFreq sets out[t] to the number of documents containing t, for each of
// terms, from a fresh reader.
func (ix *Index) docFreq(ctx context.Context, terms []string, out map[string]uint64) error {
	r, err := ix.reader()
	if err != nil {
		return fmt.Errorf("index: doc freq: %w", err)
	}
	defer r.Close()
	for _, t := range terms {
		if no, err := ix.absent(r, t); err != nil || no {
			if err != nil {
				return fmt.Errorf("index: doc freq: %w", err)
			}
			out[t] = 0
			continue
		}
		tfr, err := r.TermFieldReader(ctx, []byte(t), fieldText, false, false, false)
		if err != nil {
			return fmt.Errorf("index: doc freq of %q: %w", t, err)
		}
		out[t] = tfr.Count()
		if err := tfr.Close(); err != nil {
			return fmt.Errorf("index: doc freq of %q: %w", t, err)
		}
	}
	return nil
}

// MaxVectorBytes bounds how much of a document TermVector analyses: the
// first MiB of a huge document describes it well enough for the user
// model, and costs a fraction of the whole.
const MaxVectorBytes = 1 << 20

// TermVector returns the analysed terms of a stored document with their
// frequencies, as they were indexed (title and body; of a document over
// MaxVectorBytes, its first MaxVectorBytes). Vectors are cached (within
// Config.TermVectorCacheTerms) until the document is re-indexed or
// deleted, so asking again for a document's vector costs a map copy, not
// an analysis. The map is the caller's.
func (ix *Index) TermVector(ctx context.Context, id string) (map[string]int, error) {
	if ix.closed.Load() {
		return nil, ErrClosed
	}
	tf, gen, ok := ix.vectors.get(id)
	if ok {
		return tf, nil
	}
	tf, err := ix.termVector(ctx, id)
	if err != nil {
		return nil, err
	}
	ix.vectors.put(id, tf, gen)
	return tf, nil
}

// termVector is TermVector without the cache.
func (ix *Index) termVector(ctx context.Context, id string) (map[string]int, error) {
	d, ok, err := ix.get(ctx, id, MaxVectorBytes) // only the start is read
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("index: term vector: no document %q", id)
	}
	text := d.Title + "\n" + d.Body
	if len(text) > MaxVectorBytes {
		cut := MaxVectorBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	return ix.TermFreqs(text), nil
}

// Version identifies the index's contents: it changes after every write
// (documents indexed or deleted), so anything derived from the index's
// statistics, such as tf-idf weights, can be kept while it stays the same.
// Read it before reading what it is to vouch for.
func (ix *Index) Version() uint64 { return ix.vectors.generation() }

// TopTerms returns the n most frequent terms of a term-frequency map,
// ties broken alphabetically; handy for display and tests.
func TopTerms(tf map[string]int, n int) []string {
	keys := make([]string, 0, len(tf))
	for k := range tf {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if tf[keys[i]] != tf[keys[j]] {
			return tf[keys[i]] > tf[keys[j]]
		}
		return keys[i] < keys[j]
	})
	if len(keys) > n {
		keys = keys[:n]
	}
	return keys
}
