package index

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// renderRuneByRune is render as it was first written, one rune at a
// time: the reference the faster render must match byte for byte.
func renderRuneByRune(s string, start, end int, spans []Span) Snippet {
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
			b.WriteString(strings.Join(strings.Fields(s[spans[si].Start:spans[si].End]), " "))
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

// TestRenderCollapsesSpaceAndMovesHighlights checks what a snippet's text
// and highlights are for white space of every kind, cuts, highlighted
// phrases across line breaks and text that is not valid UTF-8, and that
// each is what the rune-by-rune rendering gives.
func TestRenderCollapsesSpaceAndMovesHighlights(t *testing.T) {
	tests := []struct {
		name       string
		s          string
		start, end int
		spans      []Span
		want       Snippet
	}{
		{"whole text", "ranking  with\tBM25\n", 0, 19, nil, Snippet{Text: "ranking with BM25"}},
		{"cut at both ends", "a ranking with BM25 here", 2, 19, nil, Snippet{Text: "… ranking with BM25 …"}},
		{"highlights move with collapsed space", "to  rank\n\nwell", 0, 14, []Span{{4, 8}, {10, 14}},
			Snippet{Text: "to rank well", Highlights: []Span{{3, 7}, {8, 12}}}},
		{"a phrase across a line break", "see query\n  expansion now", 0, 25, []Span{{4, 21}},
			Snippet{Text: "see query expansion now", Highlights: []Span{{4, 19}}}},
		{"Unicode white space", "a\u00a0b\u2003c\u3000d", 0, len("a\u00a0b\u2003c\u3000d"), nil, Snippet{Text: "a b c d"}},
		{"next line and no-break space are space, other marks are not", "x\u0085y\u200bz", 0, len("x\u0085y\u200bz"), nil, Snippet{Text: "x y\u200bz"}},
		{"invalid UTF-8 is copied as it is", "ab\xffcd \xfe", 0, 7, nil, Snippet{Text: "ab\xffcd \xfe"}},
		{"a cut inside a rune keeps the rune whole", "naïve text", 0, 3, nil, Snippet{Text: "naï …"}},
		{"only space after the opening cut", "x   ", 1, 4, nil, Snippet{Text: "…"}},
		{"a highlight of space alone joins the words", "a \n b", 0, 5, []Span{{1, 4}}, Snippet{Text: "ab", Highlights: []Span{{1, 1}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := render(tt.s, tt.start, tt.end, tt.spans)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("render = %q %v, want %q %v", got.Text, got.Highlights, tt.want.Text, tt.want.Highlights)
			}
			if ref := renderRuneByRune(tt.s, tt.start, tt.end, tt.spans); !reflect.DeepEqual(got, ref) {
				t.Errorf("render = %q %v, the rune-by-rune rendering %q %v", got.Text, got.Highlights, ref.Text, ref.Highlights)
			}
		})
	}
}

// FuzzRenderIsTheRuneByRuneRendering checks that render gives, for any
// text, cut and highlights, exactly what the rune-by-rune rendering gives.
func FuzzRenderIsTheRuneByRuneRendering(f *testing.F) {
	f.Add("to  rank\n\nwell, naïvely\u00a0and\u3000so", uint16(0), uint16(40), []byte{4, 4, 2, 4})
	f.Add("ab\xffcd \xfe\u0085x", uint16(1), uint16(6), []byte{0, 3})
	f.Add("x", uint16(0), uint16(1), []byte{})
	f.Fuzz(func(t *testing.T, s string, start, end uint16, spanBytes []byte) {
		if len(s) == 0 {
			return
		}
		e := int(end) % (len(s) + 1)
		st := min(int(start)%(len(s)+1), e)
		// Spans from pairs of bytes: a gap after the last one, then a
		// length, in order and within s, as snippets make them (they
		// need not fall on runes: render must not care).
		var spans []Span
		at := 0
		for k := 0; k+1 < len(spanBytes); k += 2 {
			from := at + int(spanBytes[k])%8
			to := from + int(spanBytes[k+1])%8
			if to > len(s) {
				break
			}
			spans = append(spans, Span{from, to})
			at = to
		}
		got, want := render(s, st, e, spans), renderRuneByRune(s, st, e, spans)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("render(%q, %d, %d, %v) = %q %v, the rune-by-rune rendering %q %v", s, st, e, spans, got.Text, got.Highlights, want.Text, want.Highlights)
		}
	})
}

// TestASCIISpaceByteIsUnicodesSpace checks asciiSpaceByte against
// asciiSpace and unicode.IsSpace for every byte below utf8.RuneSelf.
func TestASCIISpaceByteIsUnicodesSpace(t *testing.T) {
	for c := range byte(utf8.RuneSelf) {
		want := unicode.IsSpace(rune(c))
		if got := asciiSpaceByte(c); got != want || strings.IndexByte(asciiSpace, c) >= 0 != want {
			t.Errorf("byte %#02x: asciiSpaceByte %v, in asciiSpace %v, unicode.IsSpace %v", c, got, strings.IndexByte(asciiSpace, c) >= 0, want)
		}
	}
}
