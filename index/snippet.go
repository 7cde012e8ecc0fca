package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
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

// snippetScanBytes bounds how much of a body is analysed to place a
// snippet, so a huge document costs no more than a normal one.
const snippetScanBytes = 256 << 10

// snippet picks the window of body (about Config.SnippetRunes long) that
// holds the most distinct query terms, then the most matches.
func (ix *Index) snippet(body string, terms map[string]bool) Snippet {
	if body == "" {
		return Snippet{}
	}
	if len(body) > snippetScanBytes {
		cut := snippetScanBytes
		for cut > 0 && !utf8.RuneStart(body[cut]) {
			cut--
		}
		body = body[:cut]
	}
	width := ix.cfg.SnippetRunes
	type match struct {
		start, end int
		term       string
	}
	var ms []match
	if len(terms) > 0 {
		for _, t := range ix.analyzer.Analyze([]byte(body)) {
			if terms[string(t.Term)] {
				ms = append(ms, match{t.Start, t.End, string(t.Term)})
			}
		}
	}
	if len(ms) == 0 {
		return render(body, 0, wordEnd(body, 0, width), nil)
	}
	best, bestScore := 0, -1
	for i := range ms {
		seen := map[string]bool{}
		count := 0
		for j := i; j < len(ms) && ms[j].end-ms[i].start <= width; j++ {
			seen[ms[j].term] = true
			count++
		}
		if score := len(seen)*1000 + count; score > bestScore {
			best, bestScore = i, score
		}
	}
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
func render(s string, start, end int, spans []Span) Snippet {
	var b strings.Builder
	var out []Span
	if start > 0 {
		b.WriteString("… ")
	}
	space := false
	si := 0
	for i := start; i < end; {
		if si < len(spans) && i == spans[si].Start {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
				space = false
			}
			from := b.Len()
			b.WriteString(s[spans[si].Start:spans[si].End])
			out = append(out, Span{from, b.Len()})
			i = spans[si].End
			si++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			space = true
		} else {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	text := strings.TrimRight(b.String(), " ")
	if end < len(s) {
		text += " …"
	}
	return Snippet{Text: text, Highlights: out}
}
