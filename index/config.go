package index

// Config tunes an index. The zero value is not useful; start from
// DefaultConfig and change what you need.
type Config struct {
	// K1 is BM25's term-frequency saturation. Default 1.2 (Robertson's and
	// Xapian's default; the figures in docs/BENCHMARKS.md use it).
	K1 float64
	// B is BM25's document-length normalisation, 0 (none) to 1 (full).
	// Default 0.75.
	B float64
	// BatchSize is how many documents Index sends to bleve in one batch
	// at most (see also BatchBytes). Each batch becomes one segment on
	// disk, and bleve merges segments in the background: larger batches
	// mean fewer segments built and merged (2048 documents a batch cost a
	// quarter less CPU per document than 512 on the test collections,
	// docs/BENCHMARKS.md). Default 2048.
	BatchSize int
	// BatchBytes ends a batch early once its documents hold this much
	// text (title and body), so that a batch of long documents does not
	// hold some 20 times its text in analysed terms and locations at
	// once. Default 8 MiB.
	BatchBytes int
	// MaxDocBytes is the largest title+body a document may have; larger
	// documents are refused with ErrTooLarge. Default 16 MiB.
	MaxDocBytes int
	// TermPositionBytes is how much of a document's text (title and body)
	// keeps its term positions and offsets, which quoted phrases and
	// highlighted snippets need. Past it, words still count for matching
	// and ranking, but a quoted phrase (or quoted single word) does not
	// match there and a snippet is not placed there. Each position costs
	// some 130 bytes while its batch is written (and about as much again
	// in garbage-collector headroom), so this bounds the memory one huge
	// document takes: see "Memory per document" in docs/BENCHMARKS.md.
	// Default 256 KiB, some 40,000 words: more than a usual page, paper or
	// note holds.
	TermPositionBytes int
	// MaxQueryTerms caps the number of distinct scoring terms in a query
	// (person-typed or weighted). Default 1024.
	MaxQueryTerms int
	// MaxQueryBytes caps the length of a person-typed query. Default 8 KiB.
	MaxQueryBytes int
	// SnippetRunes is the target length of a result snippet. Default 240.
	SnippetRunes int
	// TermVectorCacheTerms bounds the term vectors TermVector keeps for
	// documents asked for again (re-ranking asks for every candidate's, search
	// after search), counted in term entries over all cached documents
	// (about 60 bytes each). Default 1<<20: some 60 MiB, the vectors of a
	// few thousand typical documents or of a hundred 1 MiB ones.
	TermVectorCacheTerms int
	// HeldPostings bounds the postings (20 bytes each) a search keeps
	// decoded in memory for the terms searched in the latest snapshot of
	// the index, so that a term searched again is scored from memory
	// rather than from the compressed postings on disk (a person's
	// expansion terms come back search after search); a term with more
	// than an eighth of them is always read from disk. As many term
	// locations (8 bytes each) are held for the snippets of held terms
	// (heldLocs). A write empties them. Default 1<<20: at most 20 MiB of
	// postings and 8 MiB of locations. Negative: none are held.
	HeldPostings int
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		K1:            1.2,
		B:             0.75,
		BatchSize:     2048,
		BatchBytes:    8 << 20,
		MaxDocBytes:   16 << 20,
		MaxQueryTerms: 1024,
		MaxQueryBytes: 8 << 10,
		SnippetRunes:  240,

		TermVectorCacheTerms: 1 << 20,
		TermPositionBytes:    256 << 10,
		HeldPostings:         1 << 20,
	}
}

// withDefaults fills zero fields with their defaults.
func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.K1 <= 0 && c.B == 0 { // zero value: both BM25 defaults
		c.B = d.B
	}
	if c.K1 <= 0 {
		c.K1 = d.K1
	}
	if c.B < 0 || c.B > 1 {
		c.B = d.B
	}
	if c.BatchSize <= 0 {
		c.BatchSize = d.BatchSize
	}
	if c.BatchBytes <= 0 {
		c.BatchBytes = d.BatchBytes
	}
	if c.MaxDocBytes <= 0 {
		c.MaxDocBytes = d.MaxDocBytes
	}
	if c.TermPositionBytes <= 0 {
		c.TermPositionBytes = d.TermPositionBytes
	}
	if c.MaxQueryTerms <= 0 {
		c.MaxQueryTerms = d.MaxQueryTerms
	}
	if c.MaxQueryBytes <= 0 {
		c.MaxQueryBytes = d.MaxQueryBytes
	}
	if c.SnippetRunes <= 0 {
		c.SnippetRunes = d.SnippetRunes
	}
	if c.TermVectorCacheTerms <= 0 {
		c.TermVectorCacheTerms = d.TermVectorCacheTerms
	}
	if c.HeldPostings == 0 {
		c.HeldPostings = d.HeldPostings
	}
	return c
}
