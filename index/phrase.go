package index

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bindex "github.com/blevesearch/bleve_index_api"
)

// Quoted phrases, found without a field of their own.
//
// A quoted phrase ("out of memory") matches a document holding its words
// in a row: word for word, case aside, stop words included, nothing
// stemmed ("happens before" does not match "happening before"), within
// the first Config.TermPositionBytes of the document's title or of its
// body (a phrase never runs from the title into the body). The words are
// those of PhraseAnalyzerName: the Unicode tokenizer's, lower-cased.
//
// Index format 3 wrote those words a second time, with their positions,
// into a field of their own; building it cost as much as building the
// scored field. Format 4 finds a phrase from what the scored field holds
// and reads the stored text to tell:
//
//   - English documents. The scored field keeps each term's positions,
//     counting the stop words it drops, and its offsets. A phrase with at
//     least one word the English analyser keeps is looked for where those
//     words' terms (its anchors) stand at the phrase's distances from one
//     another; the stored text around each such place is then tokenised
//     as the phrase field was, and its words compared with the phrase's
//     (sameWord spares that when every word is anchored as written).
//   - A phrase of English stop words only ("to be or not to be") is
//     anchored the same way by its stop pairs (fieldStopPairs, filed by
//     recordPairs); a single stop word has none.
//   - Documents in other languages, English ones when a single stop word
//     is the phrase, and those of formats 2 and 3 for a phrase of stop
//     words: each document that may hold the phrase (languageCandidates;
//     the old phrase field) has the positioned part of its title and body
//     tokenised and searched.
//
// Either way the words compared are the phrase field's own: the same
// tokenizer over the same pieces of text (see textField), lower-cased.

// phraseQuery matches the documents holding a phrase; it is a bleve query
// so that it combines with the other filters of a search.
type phraseQuery struct {
	ix    *Index
	words []string
}

// phraseQuery returns the query matching documents that hold words (as
// PhraseAnalyzerName gives them, at least one) in a row.
func (ix *Index) phraseQuery(words []string) *phraseQuery {
	return &phraseQuery{ix: ix, words: words}
}

// Searcher implements query.Query: the documents that may hold the phrase,
// each kept only if it does.
func (q *phraseQuery) Searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	p, err := q.ix.planPhrase(q.words)
	if err != nil {
		return nil, err
	}
	cands, err := p.searcher(ctx, r, m)
	if err != nil {
		return nil, err
	}
	f := newPhraseFinder(ctx, q.ix, r, p)
	return &verifyingSearcher{child: cands, accept: func(d *search.DocumentMatch) (bool, error) {
		spans, err := f.find(d, 1, nil)
		return len(spans) > 0, err
	}, closing: f.close}, nil
}

// searcher opens p's candidates in r; a match carries the locations of
// the anchors it holds (see phraseFinder.find).
func (p *phrasePlan) searcher(ctx context.Context, r bindex.IndexReader, m mapping.IndexMapping) (search.Searcher, error) {
	s, err := p.candidates.Searcher(ctx, r, m, search.SearcherOptions{Score: "none", IncludeTermVectors: p.anchorField != ""})
	if err != nil {
		return nil, fmt.Errorf("phrase %q: %w", strings.Join(p.words, " "), err)
	}
	return s, nil
}

// phrasePlan is how one phrase is looked for, worked out from its words.
type phrasePlan struct {
	words []string
	// anchors, when anchorField is set, hold for each word i the term of
	// anchorField that stands at the phrase's position i in an English
	// document holding the phrase ("" for none): the words' English terms
	// in fieldText, or, for a phrase of English stop words only, the
	// stop pairs (word i and word i+1) in fieldStopPairs. Such documents
	// are found by those terms' positions.
	anchorField string
	anchors     []string
	// scanMisses says that a candidate without the anchors (a document in
	// another language, or one written before fieldStopPairs) is searched
	// through rather than passed over.
	scanMisses bool
	// candidates matches every document that may hold the phrase (a
	// superset: find tells).
	candidates query.Query
}

// planPhrase works out how to look for words in the index as it is now:
// its languages decide which documents may hold the phrase.
func (ix *Index) planPhrase(words []string) (*phrasePlan, error) {
	if len(words) == 0 {
		return nil, fmt.Errorf("%w: an empty phrase", ErrBadQuery)
	}
	present, err := ix.presentLanguages()
	if err != nil {
		return nil, err
	}
	p := &phrasePlan{words: words}
	en := make([]string, len(words))
	kept, split := 0, false
	for i, w := range words {
		switch toks := ix.analyzer.Analyze([]byte(w)); len(toks) {
		case 0: // an English stop word
		case 1:
			en[i] = string(toks[0].Term)
			kept++
		default:
			// Never for one word of the phrase tokenizer; should it
			// happen, English documents are searched through.
			split = true
		}
	}
	var parts []query.Query
	legacy := false // documents of formats 2 and 3 are found by their phrase field
	switch {
	case !split && kept > 0:
		p.anchorField, p.anchors = fieldText, en
		parts = append(parts, anchorsQuery(fieldText, en))
	case !split && len(words) > 1:
		p.anchorField, p.anchors = fieldStopPairs, stopPairs(words)
		parts = append(parts, anchorsQuery(fieldStopPairs, p.anchors))
		legacy = true
	default:
		// Every English document: those of no other language present.
		all := query.NewBooleanQuery([]query.Query{query.NewMatchAllQuery()}, nil, nil)
		if len(present) > 0 {
			all.AddMustNot(anyKeyword(fieldLang, present))
		}
		parts = append(parts, all)
	}
	for _, code := range present {
		q, pairs := ix.languageCandidates(code, words)
		parts = append(parts, q)
		legacy = legacy || pairs
	}
	if legacy {
		parts = append(parts, query.NewPhraseQuery(words, fieldLegacyPhrase))
	}
	p.scanMisses = len(parts) > 1
	if len(parts) == 1 {
		p.candidates = parts[0]
	} else {
		p.candidates = query.NewDisjunctionQuery(parts)
	}
	return p, nil
}

// stopPairs returns the stop pairs of a phrase of stop words: words i and
// i+1 as recordPairs files them, at i; the last word starts none.
func stopPairs(words []string) []string {
	out := make([]string, len(words))
	for i := range len(words) - 1 {
		out[i] = words[i] + " " + words[i+1]
	}
	return out
}

// anchorsQuery matches the documents holding every anchor term in field.
func anchorsQuery(field string, anchors []string) query.Query {
	var qs []query.Query
	for i, t := range anchors {
		if t != "" && !slices.Contains(anchors[:i], t) {
			qs = append(qs, termQuery(field, t))
		}
	}
	return conjunction(qs)
}

// languageCandidates returns the documents of language code that may hold
// the phrase words: for a language whose analyser keeps or drops words
// one by one (wordwise), those holding the term of each word it keeps,
// the word taken as written in lower case, capitalised and in capitals
// (filters that run before lower-casing, such as French elision, see the
// case), or, when it drops every word in every case, its stop pairs
// (pairs true); for the others (their analysers join letters into bigrams
// or split differently), all of them.
func (ix *Index) languageCandidates(code string, words []string) (q query.Query, pairs bool) {
	parts := []query.Query{termQuery(fieldLang, code)}
	if !ix.langs.wordwise[code] {
		return parts[0], false
	}
	a := ix.langs.analysers[code]
	allDropped := true
	for _, w := range words {
		var terms []string
		for _, v := range caseForms(w) {
			toks := a.Analyze([]byte(v))
			if len(toks) != 0 {
				allDropped = false
			}
			if len(toks) != 1 {
				terms = nil // dropped (or split) in some form: no constraint
				break
			}
			if t := string(toks[0].Term); !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
		if len(terms) == 0 {
			continue
		}
		alt := make([]query.Query, len(terms))
		for i, t := range terms {
			alt[i] = termQuery(fieldText, t)
		}
		if len(alt) == 1 {
			parts = append(parts, alt[0])
		} else {
			parts = append(parts, query.NewDisjunctionQuery(alt))
		}
	}
	if allDropped && len(words) > 1 {
		parts = append(parts, anchorsQuery(fieldStopPairs, stopPairs(words)))
		pairs = true
	}
	return conjunction(parts), pairs
}

// caseForms returns w (lower case), w capitalised and w in capitals, each
// once.
func caseForms(w string) []string {
	out := []string{w}
	if r, n := utf8.DecodeRuneInString(w); r != utf8.RuneError {
		if t := string(unicode.ToTitle(r)) + w[n:]; t != w {
			out = append(out, t)
		}
	}
	if u := strings.ToUpper(w); !slices.Contains(out, u) {
		out = append(out, u)
	}
	return out
}

// conjunction matches the documents every one of qs matches.
func conjunction(qs []query.Query) query.Query {
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewConjunctionQuery(qs)
}

// span is where a phrase occurs: byte offsets in the title, "\n" and body
// of a document, the end that of the last word.
type span struct{ start, end int }

// phraseFinder finds where a phrase occurs in the candidates (its plan's
// searcher's matches) of one snapshot.
type phraseFinder struct {
	ctx     context.Context
	ix      *Index
	r       bindex.IndexReader
	p       *phrasePlan
	scratch *analyser
	words   []wordToken // tokenize's output, reused
}

func newPhraseFinder(ctx context.Context, ix *Index, r bindex.IndexReader, p *phrasePlan) *phraseFinder {
	return &phraseFinder{ctx: ctx, ix: ix, r: r, p: p, scratch: ix.analysers.Get().(*analyser)}
}

func (f *phraseFinder) close() {
	if f.scratch != nil {
		f.ix.analysers.Put(f.scratch)
		f.scratch = nil
	}
}

// docText is the part of a document phrases are looked for in.
type docText struct {
	title    string
	titleLen int  // len(title), or the stored title's length when title was not read
	noTitle  bool // the title was not read: no phrase is looked for there
	body     string
}

// at returns the text of the half [h0, h1) of the title, "\n" and body
// coordinates.
func (t *docText) at(h0, h1 int) string {
	if h0 == 0 {
		return t.title[:h1]
	}
	return t.body[h0-t.titleLen-1 : h1-t.titleLen-1]
}

// find returns where the phrase occurs in candidate d, at most limit
// places, in order; text is the document's text when the caller has it
// (nil: read from the snapshot).
func (f *phraseFinder) find(d *search.DocumentMatch, limit int, text *docText) ([]span, error) {
	if err := f.ctx.Err(); err != nil {
		return nil, err
	}
	doc := d.IndexInternalID.Value()
	locs := f.anchorLocations(d)
	// A candidate without the anchors is a document of another language
	// or one written before fieldStopPairs (see planPhrase), searched
	// through below.
	if f.p.anchorField != "" && locs == nil && !f.p.scanMisses {
		return nil, nil
	}
	// The text is read once some place needs it: a document whose
	// anchors stand nowhere at the phrase's distances is passed over
	// without reading it.
	var loadErr error
	get := func() *docText {
		if text == nil && loadErr == nil {
			t, err := f.load(doc)
			if err != nil {
				loadErr = err
				return nil
			}
			text = &t
		}
		return text
	}
	var out []span
	if locs != nil {
		out = f.anchored(locs, limit, get)
	} else if t := get(); t != nil {
		out = f.scan(limit, t)
	}
	if loadErr != nil {
		return nil, loadErr
	}
	return out, nil
}

// anchorLocations returns the locations of each of the plan's anchors
// that candidate d carries, nil when it lacks one (or the plan has none).
func (f *phraseFinder) anchorLocations(d *search.DocumentMatch) map[string][]*search.Location {
	if f.p.anchorField == "" {
		return nil
	}
	locs := map[string][]*search.Location{}
	for i := range d.FieldTermLocations {
		l := &d.FieldTermLocations[i]
		if l.Field == f.p.anchorField && slices.Contains(f.p.anchors, l.Term) {
			locs[l.Term] = append(locs[l.Term], &l.Location)
		}
	}
	for _, t := range f.p.anchors {
		if t != "" && len(locs[t]) == 0 {
			return nil
		}
	}
	return locs
}

// load reads doc's title and the part of its body phrases are looked for
// in (a packed body is inflated that far only).
func (f *phraseFinder) load(doc uint64) (docText, error) {
	id := "" // visitStored reads a scorch snapshot by number
	if _, ok := f.r.(*scorch.IndexSnapshot); !ok {
		iid := make(bindex.IndexInternalID, 8)
		iid.SetValue(doc)
		ext, err := f.r.ExternalID(iid)
		if err != nil {
			return docText{}, fmt.Errorf("ID of document %d: %w", doc, err)
		}
		id = ext
	}
	m, body, packed, err := readStored(f.r, doc, id, readTitle|readBody)
	if err != nil {
		return docText{}, err
	}
	t := docText{title: m.title, titleLen: len(m.title), body: body}
	if packed != "" {
		// Tokens starting before the bound end within a piece of it.
		limit := max(f.ix.cfg.TermPositionBytes-t.titleLen-1, 0) + analysisChunkBytes
		if t.body, err = unpackBody(packed, limit); err != nil {
			return docText{}, err
		}
	}
	return t, nil
}

// anchored checks the places where the phrase's anchors stand at its
// distances (locs: each anchor's locations in the document), reading the
// text with get (nil: it could not be read) for the first such place.
func (f *phraseFinder) anchored(locs map[string][]*search.Location, limit int, get func() *docText) []span {
	words, en := f.p.words, f.p.anchors
	for t, ls := range locs {
		// In the order the analysis found them, by position; sorted
		// here should an index hold them otherwise.
		if !slices.IsSortedFunc(ls, byPosition) {
			ls = slices.Clone(ls)
			slices.SortFunc(ls, byPosition)
			locs[t] = ls
		}
	}
	first := slices.IndexFunc(en, func(t string) bool { return t != "" })
	at := make([]*search.Location, len(en)) // the anchors' locations at one place
	var out []span
	for _, l := range locs[en[first]] {
		start := int(l.Pos) - first // the phrase's first position
		ok := start >= 0
		for i := range en {
			if at[i] = nil; ok && en[i] != "" {
				at[i] = atPosition(locs[en[i]], uint64(start+i))
				ok = at[i] != nil
			}
		}
		if !ok {
			continue
		}
		text := get()
		if text == nil {
			return nil
		}
		// Every word anchored and written as the phrase has it, in one
		// half: the words are there in a row, nothing left to check.
		exact := true
		for i, a := range at {
			same, sure := f.sameWord(text, a, i)
			ok = ok && same
			exact = exact && sure
		}
		if !ok {
			continue
		}
		var s span
		if exact {
			// The words stand at positions in a row: if the first and
			// the last are in one half, so are all.
			h0, _, _ := text.half(int(at[0].Start))
			if h, _, _ := text.half(int(at[len(at)-1].Start)); h != h0 {
				continue
			}
			s = span{int(at[0].Start), int(at[len(at)-1].End)}
		} else if s, ok = f.checkAt(text, int(l.Start), first, len(words)); !ok {
			continue
		}
		out = append(out, s)
		if len(out) == limit {
			break
		}
	}
	return out
}

func byPosition(a, b *search.Location) int { return cmp.Compare(a.Pos, b.Pos) }

// atPosition returns the location of locs (sorted by position) at pos,
// nil if none is.
func atPosition(locs []*search.Location, pos uint64) *search.Location {
	i, found := slices.BinarySearchFunc(locs, pos, func(l *search.Location, pos uint64) int { return cmp.Compare(l.Pos, pos) })
	if !found {
		return nil
	}
	return locs[i]
}

// sameWord is a quick test that the token at l (nil: no anchor there)
// may be the phrase's word k: false only when both are ASCII and differ
// case aside (its term is then another word of the same stem, "happens"
// for "happening") or it is not in the same half of the text as the
// phrase's first anchor, which spares tokenising the text around it. sure
// says the answer needs no more checking: the token is in that half and
// is the word, case aside, both ASCII. A stop pair is the words
// themselves; a place without an anchor is left to checkAt.
func (f *phraseFinder) sameWord(text *docText, l *search.Location, k int) (same, sure bool) {
	if l == nil || f.p.anchorField != fieldText {
		return true, false
	}
	h0, h1, ok := text.half(int(l.Start))
	if !ok || int(l.End) > h1 {
		return false, true
	}
	token := text.at(h0, int(l.End))[int(l.Start)-h0:]
	word := f.p.words[k]
	if !isASCII(token) || !isASCII(word) {
		return true, false
	}
	return strings.EqualFold(token, word), true
}

// isASCII reports whether every byte of s is below utf8.RuneSelf.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// checkAt tokenises the text around the word starting at byte at (the
// phrase's word k) and reports whether the phrase's n words stand there
// in a row, with where.
func (f *phraseFinder) checkAt(text *docText, at, k, n int) (span, bool) {
	h0, h1, ok := text.half(at)
	if !ok {
		return span{}, false
	}
	// A phrase's words start before the position bound and each ends
	// within a piece of it: the text past that is never tokenised (a long
	// body without white space would be, whole, at each place).
	h1 = min(h1, max(f.ix.cfg.TermPositionBytes, at+1)+analysisChunkBytes)
	back, fwd := 16*k+32, 16*(n-k)+32
	for {
		a := cutBefore(text, h0, at-back)
		b := cutAfter(text, h1, at+fwd)
		toks := f.tokens(text, a, b)
		i := slices.IndexFunc(toks, func(t wordToken) bool { return t.start == at })
		if i < 0 {
			return span{}, false
		}
		if i < k && a > h0 {
			back *= 2
			continue
		}
		if i-k+n > len(toks) && b < h1 {
			fwd *= 2
			continue
		}
		if i < k || i-k+n > len(toks) {
			return span{}, false
		}
		run := toks[i-k : i-k+n]
		for j, t := range run {
			if string(t.term) != f.p.words[j] || t.start >= f.ix.cfg.TermPositionBytes {
				return span{}, false
			}
		}
		return span{run[0].start, run[n-1].end}, true
	}
}

// half returns the part of the text (the title, or the body) byte at is
// in, as [h0, h1) in the title, "\n" and body coordinates; ok false when
// at is in neither or in a title that was not read.
func (t *docText) half(at int) (h0, h1 int, ok bool) {
	switch {
	case at < t.titleLen:
		return 0, t.titleLen, !t.noTitle
	case at > t.titleLen && at < t.titleLen+1+len(t.body):
		return t.titleLen + 1, t.titleLen + 1 + len(t.body), true
	}
	return 0, 0, false
}

// cutBefore returns a place at or before at (but not before h0) where a
// token cannot be cut in two: just after an ASCII white-space byte, or h0.
func cutBefore(text *docText, h0, at int) int {
	if at <= h0 {
		return h0
	}
	if i := strings.LastIndexAny(text.at(h0, at), asciiSpace); i >= 0 {
		return h0 + i + 1
	}
	return h0
}

// cutAfter returns a place at or after at (but not after h1) where a
// token cannot be cut in two: at an ASCII white-space byte, or h1.
func cutAfter(text *docText, h1, at int) int {
	if at >= h1 {
		return h1
	}
	h0 := 0
	if at > text.titleLen {
		h0 = text.titleLen + 1
	}
	if i := strings.IndexAny(text.at(h0, h1)[at-h0:], asciiSpace); i >= 0 {
		return at + i
	}
	return h1
}

// wordToken is a word as the phrase analyser gives it, with its offsets
// in the title, "\n" and body coordinates. term is in the finder's
// scratch space, valid until its next tokenisation, unless copied.
type wordToken struct {
	term       []byte
	start, end int
}

// tokens returns the phrase analyser's words of text[a:b] (a and b in the
// title, "\n" and body coordinates, within one half), in the finder's
// scratch space.
func (f *phraseFinder) tokens(text *docText, a, b int) []wordToken {
	var h0 int
	if a > text.titleLen {
		h0 = text.titleLen + 1
	}
	return f.tokenize(text.at(h0, b)[a-h0:], a)
}

// tokenize returns the phrase analyser's words of s, which starts at
// byte offset, in the finder's scratch space.
func (f *phraseFinder) tokenize(s string, offset int) []wordToken {
	sc := f.scratch
	sc.buf = append(sc.buf[:0], s...)
	toks := sc.filterAll(sc.tokenize(f.ix.phraseChain.tokenizer, sc.buf), f.ix.phraseChain.filters)
	f.words = f.words[:0]
	for _, t := range toks {
		f.words = append(f.words, wordToken{term: t.Term, start: offset + t.Start, end: offset + t.End})
	}
	return f.words
}

// scan looks for the phrase through the positioned part of the title and
// of the body, piece by piece as textField analyses them.
func (f *phraseFinder) scan(limit int, text *docText) []span {
	var out []span
	if !text.noTitle {
		out = f.scanHalf(0, text.title, limit, out)
	}
	if len(out) < limit {
		out = f.scanHalf(text.titleLen+1, text.body, limit, out)
	}
	return out
}

// scanHalf appends to out the occurrences of the phrase in s, which starts
// at byte offset of the title, "\n" and body coordinates.
func (f *phraseFinder) scanHalf(offset int, s string, limit int, out []span) []span {
	words := f.p.words
	n := len(words)
	// carry holds the last n-1 words of the pieces before (their terms
	// copied), for a phrase that starts in one piece and ends in the next.
	var carry []wordToken
	bound := f.ix.cfg.TermPositionBytes
	for len(s) > 0 && offset < bound {
		piece := s[:cutPoint(s, analysisChunkBytes)]
		s = s[len(piece):]
		toks := f.tokenize(piece, offset)
		at := func(k int) wordToken { // word k of the piece, carried ones before 0
			if k < 0 {
				return carry[len(carry)+k]
			}
			return toks[k]
		}
		for j := range toks {
			if toks[j].start >= bound {
				return out
			}
			first := j - n + 1
			if first < -len(carry) {
				continue
			}
			match := true
			for m := 0; m < n && match; m++ {
				match = string(at(first+m).term) == words[m]
			}
			if match {
				out = append(out, span{at(first).start, toks[j].end})
				if len(out) == limit {
					return out
				}
			}
		}
		var next []wordToken
		for k := max(len(toks)-(n-1), -len(carry)); k < len(toks); k++ {
			t := at(k)
			if k >= 0 {
				t.term = slices.Clone(t.term)
			}
			next = append(next, t)
		}
		carry = next
		offset += len(piece)
	}
	return out
}

// verifyingSearcher passes on its child's matches that accept keeps.
type verifyingSearcher struct {
	child   search.Searcher
	accept  func(*search.DocumentMatch) (bool, error)
	closing func()
}

// Next implements search.Searcher.
func (s *verifyingSearcher) Next(sctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.child.Next(sctx)
	return s.keep(sctx, d, err)
}

// Advance implements search.Searcher.
func (s *verifyingSearcher) Advance(sctx *search.SearchContext, id bindex.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.child.Advance(sctx, id)
	return s.keep(sctx, d, err)
}

// keep returns d if it is accepted, else the child's next accepted match.
func (s *verifyingSearcher) keep(sctx *search.SearchContext, d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	for d != nil && err == nil {
		ok, aerr := s.accept(d)
		if aerr != nil {
			sctx.DocumentMatchPool.Put(d)
			return nil, aerr
		}
		if ok {
			return d, nil
		}
		sctx.DocumentMatchPool.Put(d)
		d, err = s.child.Next(sctx)
	}
	return nil, err
}

// Close implements search.Searcher.
func (s *verifyingSearcher) Close() error {
	s.closing()
	return s.child.Close()
}

// Weight implements search.Searcher.
func (s *verifyingSearcher) Weight() float64 { return s.child.Weight() }

// SetQueryNorm implements search.Searcher.
func (s *verifyingSearcher) SetQueryNorm(n float64) { s.child.SetQueryNorm(n) }

// Count implements search.Searcher: the child's count, an upper bound.
func (s *verifyingSearcher) Count() uint64 { return s.child.Count() }

// Min implements search.Searcher.
func (s *verifyingSearcher) Min() int { return s.child.Min() }

// Size implements search.Searcher.
func (s *verifyingSearcher) Size() int { return s.child.Size() }

// DocumentMatchPoolSize implements search.Searcher.
func (s *verifyingSearcher) DocumentMatchPoolSize() int { return s.child.DocumentMatchPoolSize() }
