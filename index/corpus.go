package index

import (
	"fmt"
	"math"
)

// CorpusStats are the collection statistics of a larger, pooled
// collection — in p2pir, the documents of every peer a node has heard of —
// for scoring a query with SearchOptions.Corpus: N, avgdl and the
// document frequencies of the query's terms are then the pool's, so the
// scores of the same document are the same on every index that holds it
// and the answers of many indexes merge by score as if one index had
// answered (the idea of Kirsch's and of Callan's "global statistics" for
// distributed retrieval).
//
// The statistics may come from a peer that lies: they are bounded when
// read (N at least this index's count, each n_t between this index's own
// and N), so the worst a lie can do is reorder the liar's own answers.
type CorpusStats struct {
	// Docs is the number of documents in the pool.
	Docs uint64 `json:"docs"`
	// AvgDocLen is the mean document length in tokens; 0 keeps the
	// index's own.
	AvgDocLen float64 `json:"avg_doc_len"`
	// DF is the number of pooled documents containing each analysed term;
	// a term not listed counts with the index's own frequency.
	DF map[string]uint64 `json:"df"`
}

// MaxCorpusTerms is the most terms CorpusStats.DF may list.
const MaxCorpusTerms = 4096

func (c *CorpusStats) validate() error {
	if c == nil {
		return nil
	}
	if math.IsNaN(c.AvgDocLen) || math.IsInf(c.AvgDocLen, 0) || c.AvgDocLen < 0 {
		return fmt.Errorf("%w: corpus average document length %v", ErrBadQuery, c.AvgDocLen)
	}
	if len(c.DF) > MaxCorpusTerms {
		return fmt.Errorf("%w: corpus statistics for %d terms, the limit is %d", ErrBadQuery, len(c.DF), MaxCorpusTerms)
	}
	return nil
}
