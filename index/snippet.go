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
	"github.com/blevesearch/bleve/v2/search"
	bindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Snippet is a short passage of a document around the query's terms, with
// the matching words marked so every front end can render them its own way.
type Snippet struct {
	// Text is plain text with runs of white space collapsed.
	Text string `json:"text"`
	// Highlights are the byte ranges of Text that matched query terms.
	Highlights []Span `json:"highlights,omitempty"`
}

// Span is a half-open byte range [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Marked returns Text with every highlight wrapped in open and close
// (e.g. "<mark>" and "</mark>" after HTML-escaping, or terminal bold).
// escape, if not nil, is applied to every piece of text between marks.
func (s Snippet) Marked(open, close string, escape func(string) string) string {
	if escape == nil {
		escape = func(x string) string { return x }
	}
	var b strings.Builder
	at := 0
	for _, h := range s.Highlights {
		if h.Start < at || h.End > len(s.Text) || h.Start >= h.End {
			continue
		}
		b.WriteString(escape(s.Text[at:h.Start]))
		b.WriteString(open)
		b.WriteString(escape(s.Text[h.Start:h.End]))
		b.WriteString(close)
		at = h.End
	}
	b.WriteString(escape(s.Text[at:]))
	return b.String()
}

// termMatch is where a query term, or a whole phrase, occurs in a
// document's body.
type termMatch struct {
	start, end int // byte offsets in the body
	term       string
	// words is how many query words the match covers: 1 for a term, the
	// phrase's length for a phrase, so a window holding the phrase is
	// preferred to one holding only some of its words.
	words int
}

// leadSnippet is the opening of body, for hits with no matches in it.
func (ix *Index) leadSnippet(body string) Snippet {
	return render(body, 0, wordEnd(body, 0, ix.cfg.SnippetRunes), nil)
}

// snippet picks the window of body (about Config.SnippetRunes bytes) that
// holds the most distinct query terms, then the most matches. ms are the
// matches in body, in order of position.
func (ix *Index) snippet(body string, ms []termMatch) Snippet {
	if body == "" {
		return Snippet{}
	}
	if len(ms) == 0 {
		return ix.leadSnippet(body)
	}
	width := ix.cfg.SnippetRunes
	best := bestWindow(ms, width)
	// Start a little before the first match, at a word boundary.
	start := wordStart(body, ms[best].start, width/5)
	end := wordEnd(body, start, width)
	var spans []Span
	for _, m := range ms[best:] {
		if m.end > end {
			break
		}
		spans = append(spans, Span{m.start, m.end})
	}
	return render(body, start, end, spans)
}

// bestWindow returns the first match i whose window (the matches from i
// on that end within width bytes of its start) scores best: the query
// words it covers (each distinct term or phrase counted once, by its
// words), then the matches it holds. One pass with two ends: a window
// starting later ends no earlier (whatever ended within width of an
// earlier start ends within width of a later one), and the words covered
// are counted per term as matches enter and leave it.
func bestWindow(ms []termMatch, width int) int {
	ids := make(map[string]int, 8)
	term := make([]int, len(ms)) // ms[i]'s term, numbered
	var words []int              // a term's words
	for i, m := range ms {
		id, ok := ids[m.term]
		if !ok {
			id = len(words)
			ids[m.term] = id
			words = append(words, m.words)
		}
		term[i] = id
	}
	in := make([]int, len(words)) // matches of each term in the window
	best, bestScore := 0, -1
	distinct, j := 0, 0 // the window is ms[i:j]
	for i := range ms {
		if j < i {
			j = i
		}
		for j < len(ms) && ms[j].end-ms[i].start <= width {
			if in[term[j]] == 0 {
				distinct += words[term[j]]
			}
			in[term[j]]++
			j++
		}
		if score := distinct*1000 + (j - i); score > bestScore {
			best, bestScore = i, score
		}
		if j > i { // ms[i] leaves the window
			if in[term[i]]--; in[term[i]] == 0 {
				distinct -= words[term[i]]
			}
		}
	}
	return best
}

// wordStart moves back from pos by up to back bytes, stopping after a
// space so the snippet does not start mid-word.
func wordStart(s string, pos, back int) int {
	lo := max(0, pos-back)
	for i := lo; i < pos; i++ {
		if s[i] == ' ' || s[i] == '\n' || s[i] == '\t' {
			return i + 1
		}
	}
	if lo == 0 {
		return 0
	}
	return pos
}

// wordEnd returns an end offset about width bytes after start, extended or
// cut to a word boundary and never inside a rune.
func wordEnd(s string, start, width int) int {
	end := start + width
	if end >= len(s) {
		return len(s)
	}
	for i := end; i > start+width/2; i-- {
		if s[i] == ' ' || s[i] == '\n' || s[i] == '\t' {
			return i
		}
	}
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return end
}

// render copies s[start:end] with white space collapsed and the spans
// (offsets in s) translated to offsets in the output; ellipses mark cuts.
// It visits s rune by rune, as unicode.IsSpace sees it, but copies each
// run of other runes at once.
func render(s string, start, end int, spans []Span) Snippet {
	var b strings.Builder
	b.Grow(end - start + 2*len("… "))
	var out []Span
	if start > 0 {
		b.WriteString("… ")
	}
	space := false
	run := -1 // start of the run of non-space runes not yet copied
	flush := func(i int) {
		if run >= 0 {
			b.WriteString(s[run:i])
			run = -1
		}
	}
	si, i := 0, start
	for i < end {
		if si < len(spans) && i == spans[si].Start {
			flush(i)
			if space && b.Len() > 0 {
				b.WriteByte(' ')
				space = false
			}
			from := b.Len()
			// A phrase may span a line break: collapse white space in it
			// too. A word (most highlights) has none to collapse.
			if hl := s[spans[si].Start:spans[si].End]; asciiWord(hl) {
				b.WriteString(hl)
			} else {
				b.WriteString(strings.Join(strings.Fields(hl), " "))
			}
			out = append(out, Span{from, b.Len()})
			i = spans[si].End
			si++
			continue
		}
		isSpace, size := false, 1
		if c := s[i]; c < utf8.RuneSelf {
			isSpace = asciiSpaceByte(c)
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			isSpace = unicode.IsSpace(r)
		}
		switch {
		case isSpace:
			flush(i)
			space = true
		case run < 0:
			// Everything before is copied: b.Len() is the output so far.
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			run = i
		}
		i += size
	}
	flush(i) // the last rune may end past end, as it is copied whole
	text := b.String()
	trimmed := strings.TrimRight(text, " ")
	switch {
	case end >= len(s):
		text = trimmed
	case len(trimmed) == len(text):
		b.WriteString(" …") // after text's bytes: text stays as it was
		text = b.String()
	default:
		text = trimmed + " …"
	}
	return Snippet{Text: text, Highlights: out}
}

// asciiWord reports whether s is ASCII without white space (what
// strings.Fields leaves whole).
func asciiWord(s string) bool {
	return isASCII(s) && !strings.ContainsAny(s, asciiSpace)
}

// asciiSpaceByte reports whether c is one of asciiSpace's bytes, the
// ASCII white space of unicode.IsSpace: the space, and tab to carriage
// return ('\t' '\n' '\v' '\f' '\r', contiguous).
func asciiSpaceByte(c byte) bool {
	return c == ' ' || c-'\t' <= '\r'-'\t'
}

// maxSnippetMatches bounds the occurrences of one term considered when
// placing a snippet, so a huge document costs no more than a long one.
const maxSnippetMatches = 512

// bodyMatches finds where the query terms occur in the bodies of the given
// documents, from the term vectors stored in the index (no re-analysis):
// the offsets index the text "title\nbody", so they are shifted by the
// title's length. docs must be sorted ascending; titleLens[i] is the byte
// length of docs[i]'s title.
func (ix *Index) bodyMatches(ctx context.Context, r bindex.IndexReader, terms []WeightedTerm, docs []uint64, titleLens []int) ([][]termMatch, error) {
	out := make([][]termMatch, len(docs))
	present := make([]snippetTerm, 0, len(terms))
	is, _ := r.(*scorch.IndexSnapshot)
	for _, t := range terms {
		// A term whose postings are held says which documents hold it:
		// the locations of the others are not looked for, and a term
		// none of them holds is left out. Its locations are held too,
		// once snippets asked for them in this snapshot.
		if held, read := ix.held.get(r, t.Term); read && held != nil {
			at, any := held.holding(docs)
			if !any {
				continue
			}
			st := snippetTerm{term: t.Term, at: at}
			if is != nil {
				var err error
				if st.locs, err = ix.held.locations(ctx, is, t.Term, held); err != nil {
					return nil, err
				}
			}
			present = append(present, st)
			continue
		}
		no, err := ix.absent(r, t.Term)
		if err != nil {
			return nil, err
		}
		if !no {
			present = append(present, snippetTerm{term: t.Term})
		}
	}
	var err error
	if is != nil {
		err = segmentMatches(ctx, is, present, docs, titleLens, out)
	} else {
		err = readerMatches(ctx, r, present, docs, titleLens, out)
	}
	if err != nil {
		return nil, err
	}
	for i, ms := range out {
		// A compound's joined term spans its parts' matches: the longer
		// match is highlighted (highlights must not overlap).
		out[i] = mergeMatches(ms, nil)
	}
	return out, nil
}

// addMatches appends to ms where term occurs in a body, from its locations
// in "title\nbody" (shift is the title's length plus one), at most
// maxSnippetMatches of them: enough to place a snippet, where a huge
// document has millions.
func addMatches(ms []termMatch, term string, shift int, n int, loc func(k int) (start, end uint64)) []termMatch {
	added := 0
	for k := range n {
		start, end := loc(k)
		if int(start) >= shift {
			ms = append(ms, termMatch{int(start) - shift, int(end) - shift, term, 1})
			if added++; added == maxSnippetMatches {
				break
			}
		}
	}
	return ms
}

// snippetTerm is a term whose locations bodyMatches looks for: with, when
// its postings are held, the index of each document among them (at[i],
// -1 when docs[i] does not hold the term; nil: not known) and, when held,
// its locations in them.
type snippetTerm struct {
	term string
	at   []int
	locs *heldLocs
}

// segmentMatches is bodyMatches on a scorch snapshot: each term's
// locations are taken from those held (heldLocs) or read from its
// postings only in the segments that hold some of docs, with the
// documents' numbers in their segment, and without skipping deleted
// documents (docs are live), instead of through a term reader over every
// segment of the snapshot. Matches are appended to out[i] in the order of
// terms, as readerMatches does.
func segmentMatches(ctx context.Context, is *scorch.IndexSnapshot, terms []snippetTerm, docs []uint64, titleLens []int, out [][]termMatch) error {
	if len(terms) == 0 {
		return nil
	}
	var base uint64
	next := 0 // the first of docs not in a segment before this one
	for _, ss := range is.Segments() {
		if next == len(docs) {
			break
		}
		seg := ss.Segment()
		n := seg.Count()
		lo := next
		for next < len(docs) && docs[next] < base+n {
			next++
		}
		if next == lo {
			base += n
			continue
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("term vectors: %w", err)
		}
		// The dictionary is opened for the first term whose locations
		// are not held; the list and iterator of one term are done with
		// before the next term's: the next reuses their buffers.
		var dict segment.TermDictionary
		var err error
		var pl segment.PostingsList
		var it segment.PostingsIterator
		for _, st := range terms {
			term, at := st.term, st.at
			if at != nil && !slices.ContainsFunc(at[lo:next], func(k int) bool { return k >= 0 }) {
				continue // no document of this segment holds it
			}
			if h := st.locs; h != nil {
				for i := lo; i < next; i++ {
					if at[i] >= 0 {
						n, loc := h.of(at[i])
						out[i] = addMatches(out[i], term, titleLens[i]+1, n, loc)
					}
				}
				continue
			}
			if dict == nil {
				if dict, err = seg.Dictionary(fieldText); err != nil {
					return fmt.Errorf("term vectors: %w", err)
				}
			}
			if pl, err = dict.PostingsList([]byte(term), nil, pl); err != nil {
				return fmt.Errorf("term vectors of %q: %w", term, err)
			}
			it = pl.Iterator(false, false, true, it)
			var p segment.Posting // where the iterator is
			for i := lo; i < next; i++ {
				if at != nil && at[i] < 0 {
					continue
				}
				local := docs[i] - base
				// The iterator moves forward only: a document without
				// the term leaves it on a later one, not to be asked for
				// again.
				if p == nil || p.Number() < local {
					if p, err = it.Advance(local); err != nil {
						return fmt.Errorf("term vectors of %q: %w", term, err)
					}
					if p == nil {
						break
					}
				}
				if p.Number() != local {
					continue
				}
				locs := p.Locations()
				out[i] = addMatches(out[i], term, titleLens[i]+1, len(locs), func(k int) (uint64, uint64) {
					return locs[k].Start(), locs[k].End()
				})
			}
		}
		base += n
	}
	return nil
}

// readerMatches is bodyMatches through the term readers of any index
// reader.
func readerMatches(ctx context.Context, r bindex.IndexReader, terms []snippetTerm, docs []uint64, titleLens []int, out [][]termMatch) error {
	id := make(bindex.IndexInternalID, 8)
	for _, st := range terms {
		term := st.term
		tfr, err := r.TermFieldReader(ctx, []byte(term), fieldText, false, false, true)
		if err != nil {
			return fmt.Errorf("term vectors of %q: %w", term, err)
		}
		// The reader moves forward only: a document without the term
		// leaves it on a later one, and asking for a document at or
		// before that would make bleve start the term's postings over.
		var tfd *bindex.TermFieldDoc
		for i, d := range docs {
			if st.at != nil && st.at[i] < 0 {
				continue
			}
			if tfd == nil || tfd.ID.Value() < d {
				id.SetValue(d)
				if tfd, err = tfr.Advance(id, nil); err != nil {
					tfr.Close()
					return fmt.Errorf("term vectors of %q: %w", term, err)
				}
				if tfd == nil {
					break
				}
			}
			if tfd.ID.Value() != d {
				continue
			}
			vs := tfd.Vectors
			out[i] = addMatches(out[i], term, titleLens[i]+1, len(vs), func(k int) (uint64, uint64) {
				return vs[k].Start, vs[k].End
			})
		}
		tfr.Close()
	}
	return nil
}

// phraseMatches finds where each phrase (its words as PhraseAnalyzerName
// gives them) occurs in the bodies of the given documents of r, whose
// titles are titleLens long (see phraseFinder): offsets are shifted as in
// bodyMatches, and a match spans the whole phrase. docs must be sorted
// ascending.
func (ix *Index) phraseMatches(ctx context.Context, r bindex.IndexReader, phrases [][]string, docs []uint64, titleLens []int, bodies []string) ([][]termMatch, error) {
	out := make([][]termMatch, len(docs))
	for _, words := range phrases {
		p, err := ix.planPhrase(words)
		if err != nil {
			return nil, err
		}
		if err := ix.phraseMatchesOf(ctx, r, p, docs, titleLens, bodies, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// phraseMatchesOf appends to out[i] where p's phrase occurs in the body
// of docs[i], a candidate of p (see phraseMatches).
func (ix *Index) phraseMatchesOf(ctx context.Context, r bindex.IndexReader, p *phrasePlan, docs []uint64, titleLens []int, bodies []string, out [][]termMatch) error {
	cands, err := p.searcher(ctx, r, ix.bi.Mapping())
	if err != nil {
		return err
	}
	defer cands.Close()
	f := newPhraseFinder(ctx, ix, r, p)
	defer f.close()
	sctx := &search.SearchContext{DocumentMatchPool: search.NewDocumentMatchPool(cands.DocumentMatchPoolSize()+1, 0)}
	phrase := strings.Join(p.words, " ")
	id := make(bindex.IndexInternalID, 8)
	var d *search.DocumentMatch // the candidate at or after docs[i]
	defer func() {
		if d != nil {
			sctx.DocumentMatchPool.Put(d)
		}
	}()
	for i, doc := range docs {
		if d == nil || d.IndexInternalID.Value() < doc {
			if d != nil {
				sctx.DocumentMatchPool.Put(d)
			}
			id.SetValue(doc)
			if d, err = cands.Advance(sctx, id); err != nil {
				return fmt.Errorf("phrase %q: %w", phrase, err)
			}
			if d == nil {
				break // no candidate from here on
			}
		}
		if d.IndexInternalID.Value() != doc {
			continue // not a candidate: the phrase is not there
		}
		spans, err := f.find(d, maxSnippetMatches, &docText{titleLen: titleLens[i], noTitle: true, body: bodies[i]})
		if err != nil {
			return err
		}
		shift := titleLens[i] + 1
		for _, s := range spans {
			out[i] = append(out[i], termMatch{s.start - shift, s.end - shift, phrase, len(p.words)})
		}
	}
	return nil
}

// mergeMatches adds phrase matches to term matches and orders them by
// position; where matches overlap the longer one (the phrase) wins, since
// highlights must not overlap.
func mergeMatches(terms, phrases []termMatch) []termMatch {
	all := append(terms, phrases...)
	slices.SortFunc(all, func(a, b termMatch) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(b.end, a.end)
	})
	out := all[:0]
	lastEnd := -1
	for _, m := range all {
		if m.start < lastEnd {
			continue // inside (or across) the previous match
		}
		out = append(out, m)
		lastEnd = m.end
	}
	return out
}
