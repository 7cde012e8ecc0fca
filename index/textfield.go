package index

import (
	"fmt"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/size"
	bindex "github.com/blevesearch/bleve_index_api"
	"github.com/blevesearch/segment"
)

// Bounds of an analyser's stem cache (analyser.filterAll): the words it
// remembers (it starts afresh when full) and the longest word it keeps, so
// one analyser holds a few MB at most.
const (
	stemCacheEntries   = 1 << 15
	stemCacheWordBytes = 32
)

// analysisChunkBytes is how much text textField analyses at a time: the
// token stream of one piece lives while it is counted, never that of a
// whole document (a 10 MiB text has two million tokens, some 150 MB as a
// token stream).
const analysisChunkBytes = 64 << 10

// chain is an analyser taken apart: textField runs the tokenizer and the
// token filters itself, piece by piece, and counts the tokenizer's tokens
// so that positions run on across pieces exactly as over the whole text.
type chain struct {
	tokenizer analysis.Tokenizer
	filters   []analysis.TokenFilter
}

// chainOf takes apart an analyser made of a tokenizer and token filters
// (every analyser of newMapping is).
func chainOf(a analysis.Analyzer) (chain, error) {
	d, ok := a.(*analysis.DefaultAnalyzer)
	if !ok || d.Tokenizer == nil || len(d.CharFilters) > 0 {
		return chain{}, fmt.Errorf("analyser %T is not a tokenizer followed by token filters", a)
	}
	return chain{tokenizer: d.Tokenizer, filters: d.TokenFilters}, nil
}

// textField is the scored field of a document (fieldText), which bleve
// indexes as it would a TextField of title + "\n" + body, with two
// differences that bound the memory one document costs:
//
//   - The text is analysed in pieces of about analysisChunkBytes, cut after
//     an ASCII white-space byte (where no token can span the cut), so no
//     token stream of the whole text is ever built; term frequencies,
//     offsets and positions come out the same as from one pass over the
//     whole text. Only a piece of that size without any white space is cut
//     elsewhere (at a character boundary), which may split one word.
//   - Term locations (offsets and positions, which phrase matching and
//     snippets read) are kept for the tokens that start in the first
//     positionBytes bytes; later tokens count for frequencies and the
//     document length alone. Every location costs some 130 bytes while
//     the index builds its segment, so this bounds a 10 MiB document's
//     locations to those of its first Config.TermPositionBytes (256 KiB
//     by default) instead of 250 MB worth.
//
// The field holds no text value (it is not stored); Analyze computes the
// frequencies once and later calls are free, so indexBatch can read the
// length before bleve analyses the document.
type textField struct {
	name          string
	title, body   string
	chain         chain
	positionBytes int
	chunkBytes    int

	// pairs, when not nil, is the stop-pair field (fieldStopPairs) of the
	// same text, filled from this field's analysis: see recordPairs.
	pairs *textField
	// derived says the field has no text of its own (the stop pairs).
	derived bool

	analysed bool
	length   int
	freqs    bindex.TokenFrequencies
	// freqBytes is what freqs holds, counted as record files it (what
	// bleve's TokenFrequencies.Size would find walking every entry and
	// location, which bleve asks for once per document for its
	// statistics).
	freqBytes int
}

// Sizes of what a field's frequency table holds, for textField.Size.
const (
	sizeOfTokenFreq     = int(unsafe.Sizeof(bindex.TokenFreq{}))
	sizeOfTokenLocation = int(unsafe.Sizeof(bindex.TokenLocation{}))
)

// newTextField returns the scored field over title and body, analysed by
// c; locations are kept for tokens starting before byte positionBytes of
// title + "\n" + body.
func newTextField(name, title, body string, c chain, positionBytes int) *textField {
	return &textField{name: name, title: title, body: body, chain: c,
		positionBytes: positionBytes, chunkBytes: analysisChunkBytes}
}

// newPairField returns the stop-pair field of the same text as the scored
// field, to be given to it as its pairs; c is the phrase analyser's
// chain, which gives a dropped word's form.
func newPairField(title, body string, c chain, positionBytes int) *textField {
	return &textField{name: fieldStopPairs, title: title, body: body, chain: c, positionBytes: positionBytes,
		chunkBytes: analysisChunkBytes, derived: true}
}

// Analyze computes the term frequencies and locations, once (and those
// of its pairs). A derived field (the pairs) is filled by its scored
// field's analysis, not by its own.
func (f *textField) Analyze() { f.analyzeWith(nil) }

// analyzeWith is Analyze in a's scratch space, reused from document to
// document by one goroutine at a time (nil: a new one).
func (f *textField) analyzeWith(a *analyser) {
	if f.analysed || f.derived {
		return
	}
	if a == nil {
		a = &analyser{buf: make([]byte, 0, min(f.chunkBytes, len(f.title)+len(f.body))+8)}
	}
	n := len(f.title) + len(f.body)
	f.begin(min(n/16, 4096))
	r := &recorder{f: f, freqs: f.freqs}
	var pr *recorder
	if f.pairs != nil {
		f.pairs.begin(min(n/64, 1024)) // two stop words in a row: a few in a sentence
		pr = &recorder{f: f.pairs, freqs: f.pairs.freqs}
	}
	a.add(f.title, 0, r, pr)
	a.add(f.body, len(f.title)+1, r, pr) // after the "\n" between them
}

// begin marks f analysed and gives it an empty frequency table sized for
// terms, the distinct terms its text likely holds (for the scored field
// about one per 16 bytes of text in the test collections' abstracts,
// fewer in longer texts, so at most 4096), so that it is not grown again
// and again.
func (f *textField) begin(terms int) {
	f.analysed = true
	f.freqs = make(bindex.TokenFrequencies, terms)
}

// analyser is the scratch space of analyses: it carries one analysis
// across pieces of text, and can be reused for the next document (by one
// goroutine at a time), so its buffers are not made again for each. They
// hold one piece (analysisChunkBytes) and its tokens at most, whatever
// the size of the documents.
type analyser struct {
	buf []byte // the piece being analysed; filters change it in place
	// words, kept, pair and pairTerm are recordPairs' scratch space: the
	// tokenizer's words of a piece (position, offsets), which of them
	// the filters kept, a pair token and its term.
	words    []wordSpan
	kept     []bool
	pair     analysis.TokenStream
	pairTok  analysis.Token
	pairTerm []byte
	form     []byte               // phraseForm's
	lower    analysis.TokenStream // a stream of one token (lowerTok), to lower-case a word
	lowerTok analysis.Token
	// stems maps a word to its English stem (filterAll): the same words
	// come back again and again, and stemming one costs two allocations
	// and more time than the rest of its analysis. At most
	// stemCacheEntries, each word at most stemCacheWordBytes long.
	stems map[string][]byte
	one   analysis.TokenStream // a stream of one token, to stem a word
	// segs, segTypes, toks and tokens are the Unicode tokenizer's
	// output for one piece (unicodeTokens), reused from piece to piece.
	segs     [][]byte
	segTypes []int
	toks     []analysis.Token
	tokens   analysis.TokenStream
}

// tokenize runs t over input. bleve's Unicode tokenizer, alone or inside
// compoundTokenizer, is run in a's scratch space (unicodeTokens), which
// gives the same tokens without allocating them again for each piece;
// the tokens are a's until the next call.
func (a *analyser) tokenize(t analysis.Tokenizer, input []byte) analysis.TokenStream {
	switch t := t.(type) {
	case *unicode.UnicodeTokenizer:
		return a.unicodeTokens(input)
	case compoundTokenizer:
		if _, ok := t.words.(*unicode.UnicodeTokenizer); ok {
			return joinCompounds(input, a.unicodeTokens(input))
		}
	}
	return t.Tokenize(input)
}

// unicodeTokens returns what bleve's Unicode tokenizer returns for input:
// each word (a segment of Unicode text segmentation other than space and
// punctuation) with its offsets, its position (1 for the first) and its
// type, in a's scratch space. Should the segmenter fail or not account
// for every byte of input, bleve's tokenizer runs instead.
func (a *analyser) unicodeTokens(input []byte) analysis.TokenStream {
	segs, types, _, err := segment.SegmentWordsDirect(input, a.segs[:0], a.segTypes[:0])
	if err != nil || len(segs) != len(types) {
		return unicode.NewUnicodeTokenizer().Tokenize(input)
	}
	a.segs, a.segTypes = segs, types
	a.toks = a.toks[:0]
	start, pos := 0, 1
	for i, s := range segs {
		end := start + len(s)
		if types[i] != segment.None {
			a.toks = append(a.toks, analysis.Token{Term: s, Start: start, End: end, Position: pos, Type: tokenType(types[i])})
			pos++
		}
		start = end
	}
	if start != len(input) {
		return unicode.NewUnicodeTokenizer().Tokenize(input)
	}
	a.tokens = a.tokens[:0]
	for i := range a.toks {
		a.tokens = append(a.tokens, &a.toks[i])
	}
	return a.tokens
}

// tokenType is the token type bleve's Unicode tokenizer gives a segment
// of type t.
func tokenType(t int) analysis.TokenType {
	switch t {
	case segment.Ideo, segment.Kana:
		return analysis.Ideographic
	case segment.Number:
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// filterAll runs filters over tokens, as a chain does. When the last of
// them is the English stemmer, a word's stem is taken from a.stems where
// it is there: the stemmer's output depends on the word alone, and since
// no filter runs after it, tokens may share one stem's bytes (which are
// read, never changed, from then on).
func (a *analyser) filterAll(tokens analysis.TokenStream, filters []analysis.TokenFilter) analysis.TokenStream {
	n := len(filters)
	if n == 0 {
		return tokens
	}
	stemmer, ok := filters[n-1].(*en.EnglishStemmerFilter)
	if !ok {
		for _, tf := range filters {
			tokens = tf.Filter(tokens)
		}
		return tokens
	}
	for _, tf := range filters[:n-1] {
		tokens = tf.Filter(tokens)
	}
	if a.stems == nil {
		a.stems = make(map[string][]byte)
		a.one = make(analysis.TokenStream, 1)
	}
	for _, t := range tokens {
		if stem, ok := a.stems[string(t.Term)]; ok {
			t.Term = stem
			continue
		}
		word := t.Term // the stemmer gives the token new bytes; these stay the word's
		a.one[0] = t
		stemmer.Filter(a.one)
		if len(word) <= stemCacheWordBytes {
			if len(a.stems) >= stemCacheEntries {
				clear(a.stems)
			}
			a.stems[string(word)] = t.Term
		}
	}
	a.one[0] = nil
	return tokens
}

// recorder files one field's tokens: its frequencies, length and
// locations.
type recorder struct {
	f     *textField
	freqs bindex.TokenFrequencies // f.freqs
	pos   int                     // tokenizer tokens so far, plus title gaps
	// locs, entries and termBytes are slabs the locations, the terms'
	// entries and their bytes are cut from, so that each does not cost an
	// allocation of its own.
	locs      []bindex.TokenLocation
	entries   []bindex.TokenFreq
	termBytes []byte
	// locPtrs is the slab the terms' first location pointers are cut
	// from.
	locPtrs []*bindex.TokenLocation
	// last is, for the stop-pair field, the last dropped word so far.
	last dropped
}

// slabSize is how many items a new slab holds when n more are expected:
// no more than that (a short document must not pay for a big slab), and
// at most limit.
func slabSize(n, limit int) int { return min(n, limit) }

// add analyses text, which starts at byte offset of the field's text,
// into r's field and, when pr is not nil, the pairs of words its filters
// drop into pr's (see recordPairs).
func (a *analyser) add(text string, offset int, r, pr *recorder) {
	f := r.f
	if pr != nil {
		pr.last = dropped{} // no pair from the title into the body
	}
	for len(text) > 0 {
		piece := text[:cutPoint(text, f.chunkBytes)]
		text = text[len(piece):]
		a.buf = append(a.buf[:0], piece...)
		tokens := a.tokenize(f.chain.tokenizer, a.buf)
		n := lastPosition(tokens) // before filters drop any: positions count them all
		if pr != nil {
			a.words = a.words[:0]
			for _, t := range tokens {
				if !isJoinedCompound(t) {
					a.words = append(a.words, wordSpan{t.Position, t.Start, t.End})
				}
			}
		}
		tokens = a.filterAll(tokens, f.chain.filters)
		r.record(tokens, offset)
		if pr != nil {
			pr.pos = r.pos
			a.recordPairs(piece, tokens, offset, pr)
		}
		r.pos += n
		offset += len(piece)
	}
}

// wordSpan is a tokenizer word's position and offsets in its piece.
type wordSpan struct{ pos, start, end int }

// dropped is the last word a scored field's filters dropped, carried to
// the next piece: its form, position and start in the field's terms.
type dropped struct {
	form       []byte
	pos, start int
	set        bool
}

// recordPairs files into pr's field (fieldStopPairs) each two words in a
// row that the scored field's filters dropped (its stop words): "of the"
// at the first one's position, spanning both, each word in the phrase
// analyser's form (lower-cased). A quoted phrase of stop words only ("to
// be or not to be") is found by them as other phrases are by their kept
// words (see phraseQuery); two words are the least a pair needs, so
// lone stop words, most of them, add nothing. a.words are the piece's
// tokenizer words; tokens what the filters kept of them.
func (a *analyser) recordPairs(piece string, tokens analysis.TokenStream, offset int, pr *recorder) {
	if len(a.words) == 0 {
		return
	}
	a.kept = a.kept[:0]
	for range a.words {
		a.kept = append(a.kept, false)
	}
	first := a.words[0].pos // the piece's words are numbered from it, one by one
	for _, t := range tokens {
		if i := t.Position - first; !isJoinedCompound(t) && i >= 0 && i < len(a.kept) {
			a.kept[i] = true
		}
	}
	last := &pr.last
	for i, w := range a.words {
		if a.kept[i] || offset+w.start >= pr.f.positionBytes {
			last.set = false
			continue
		}
		form := a.phraseForm(piece[w.start:w.end], pr.f.chain)
		pos := pr.pos + w.pos
		if last.set && last.pos == pos-1 {
			a.pairTerm = append(append(append(a.pairTerm[:0], last.form...), ' '), form...)
			a.pairTok = analysis.Token{Term: a.pairTerm, Start: last.start - offset, End: w.end,
				Position: last.pos - pr.pos, Type: analysis.AlphaNumeric}
			a.pair = append(a.pair[:0], &a.pairTok)
			pr.record(a.pair, offset)
		}
		last.form = append(last.form[:0], form...)
		last.pos, last.start, last.set = pos, offset+w.start, true
	}
}

// phraseForm returns word as the phrase analyser's filters leave it
// (lower-cased), in a's scratch space until the next call.
func (a *analyser) phraseForm(word string, c chain) []byte {
	if isASCII(word) {
		a.form = append(a.form[:0], word...)
		for i, ch := range a.form {
			if 'A' <= ch && ch <= 'Z' {
				a.form[i] = ch + 'a' - 'A'
			}
		}
		return a.form
	}
	if a.lower == nil {
		a.lower = make(analysis.TokenStream, 1)
	}
	a.lowerTok.Term = append(a.lowerTok.Term[:0], word...)
	a.lower[0] = &a.lowerTok
	for _, tf := range c.filters {
		a.lower = tf.Filter(a.lower)
	}
	if len(a.lower) != 1 {
		a.lower = a.lower[:1]
		return []byte(word)
	}
	return a.lower[0].Term
}

// record files a piece's filtered tokens, the piece starting at byte
// offset of the field's text.
func (r *recorder) record(tokens analysis.TokenStream, offset int) {
	f := r.f
	for j, t := range tokens {
		start := offset + t.Start
		freq := r.freqs[string(t.Term)]
		if freq == nil {
			// t.Term points into a buffer the next piece overwrites: the
			// entry gets a copy, cut from a slab (with no room to grow
			// into its neighbour).
			if len(r.entries) == cap(r.entries) {
				// Half the tokens left: most words come back.
				r.entries = make([]bindex.TokenFreq, 0, slabSize((len(tokens)-j)/2+1, 1024))
			}
			if cap(r.termBytes)-len(r.termBytes) < len(t.Term) {
				r.termBytes = make([]byte, 0, max(len(t.Term), slabSize(8*(len(tokens)-j), 8192)))
			}
			at := len(r.termBytes)
			r.termBytes = append(r.termBytes, t.Term...)
			term := r.termBytes[at:len(r.termBytes):len(r.termBytes)]
			r.entries = append(r.entries, bindex.TokenFreq{Term: term})
			freq = &r.entries[len(r.entries)-1]
			// The key is the entry's term, not a copy of it: a slab's
			// bytes are never written again once cut.
			r.freqs[unsafe.String(unsafe.SliceData(term), len(term))] = freq
			// The key and the entry's term, the entry, and its pointer.
			f.freqBytes += size.SizeOfString + 2*len(t.Term) + sizeOfTokenFreq + size.SizeOfPtr
		}
		freq.SetFrequency(freq.Frequency() + 1)
		if !isJoinedCompound(t) {
			f.length++ // a compound's joined token adds no length: its parts did
		}
		if start < f.positionBytes {
			if len(r.locs) == cap(r.locs) {
				// As many as this piece's tokens still need, up to 4096:
				// a short document must not pay for a big slab.
				r.locs = make([]bindex.TokenLocation, 0, slabSize(len(tokens)-j, 4096))
			}
			r.locs = append(r.locs, bindex.TokenLocation{Start: start, End: offset + t.End, Position: r.pos + t.Position})
			if freq.Locations == nil {
				// A term's first location pointer is cut from a slab
				// too (most terms of a document occur once); a second
				// one moves the term's pointers out to a slice of
				// their own.
				if len(r.locPtrs) == cap(r.locPtrs) {
					r.locPtrs = make([]*bindex.TokenLocation, 0, slabSize((len(tokens)-j)/2+1, 1024))
				}
				r.locPtrs = append(r.locPtrs, nil)
				freq.Locations = r.locPtrs[len(r.locPtrs)-1 : len(r.locPtrs)-1 : len(r.locPtrs)]
			}
			freq.Locations = append(freq.Locations, &r.locs[len(r.locs)-1])
			f.freqBytes += sizeOfTokenLocation + size.SizeOfPtr
		}
	}
}

// lastPosition is the position of the last of a tokenizer's tokens (the
// number of words: a compound's joined token shares its first part's
// position), 0 for none.
func lastPosition(tokens analysis.TokenStream) int {
	for i := len(tokens) - 1; i >= 0; i-- {
		if !isJoinedCompound(tokens[i]) {
			return tokens[i].Position
		}
	}
	return 0
}

// asciiSpace are the ASCII white-space bytes, where no token can span a
// cut (strings.IndexAny and LastIndexAny match them byte by byte).
const asciiSpace = " \n\t\r\f\v"

// cutPoint is the length of the first piece of s to analyse, about n
// bytes: up to and including the last ASCII white-space byte within n
// bytes, else up to the last character boundary within n bytes, else (a
// first character longer than n) up to the end of that character.
func cutPoint(s string, n int) int {
	if len(s) <= n {
		return len(s)
	}
	if i := strings.LastIndexAny(s[:n], asciiSpace); i >= 0 {
		return i + 1
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	if i > 0 {
		return i
	}
	for i = n; i < len(s) && !utf8.RuneStart(s[i]); i++ {
	}
	return i
}

// Name implements document.Field.
func (f *textField) Name() string { return f.name }

// ArrayPositions implements document.Field: the field is not in an array.
func (f *textField) ArrayPositions() []uint64 { return nil }

// Options implements document.Field: indexed with term vectors, not stored.
func (f *textField) Options() bindex.FieldIndexingOptions {
	return bindex.IndexField | bindex.IncludeTermVectors
}

// Value implements document.Field: the field is not stored, so it has none.
func (f *textField) Value() []byte { return nil }

// NumPlainTextBytes implements document.Field: the text's, counted once
// (not again for the stop pairs).
func (f *textField) NumPlainTextBytes() uint64 {
	if f.derived {
		return 0
	}
	return uint64(len(f.title) + 1 + len(f.body))
}

// EncodedFieldType implements document.Field: a text field.
func (f *textField) EncodedFieldType() byte { return 't' }

// AnalyzedLength implements document.Field: the number of tokens.
func (f *textField) AnalyzedLength() int { return f.length }

// AnalyzedTokenFrequencies implements document.Field.
func (f *textField) AnalyzedTokenFrequencies() bindex.TokenFrequencies { return f.freqs }

// Size implements document.Field: the bytes the field holds, roughly,
// without walking its terms (see freqBytes).
func (f *textField) Size() int {
	if f.derived {
		return size.SizeOfPtr*4 + len(f.name) + f.freqBytes
	}
	return size.SizeOfPtr*4 + len(f.name) + len(f.title) + len(f.body) + f.freqBytes
}
