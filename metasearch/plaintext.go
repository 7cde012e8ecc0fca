package metasearch

import (
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// plainText reduces s, a fragment of HTML or plain text from an engine, to
// one line of plain text of at most limit runes: tags removed (the contents
// of script, style and the other elements of droppedElement too), entities
// decoded, invalid UTF-8 replaced by U+FFFD, control, bidirectional and
// other invisible format characters removed, runs of white space collapsed
// to one space, no leading or trailing space.
//
// Every input is read as HTML, also a feed's "plain text" titles: feeds
// often put markup where plain text belongs, and the cost is that a "<"
// directly followed by a letter in real plain text starts a tag.
//
// Only the first maxMarkupBytes of s are read: the tokenizer reads a whole
// text run before returning it, and no title or snippet needs more.
func plainText(s string, limit int) string {
	if len(s) > maxMarkupBytes {
		s = s[:maxMarkupBytes] // a rune cut in two becomes U+FFFD below
		if lt := strings.LastIndexByte(s, '<'); lt > strings.LastIndexByte(s, '>') {
			s = s[:lt] // and a tag cut in two goes
		}
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var line lineBuilder
	line.max = limit
	if !strings.ContainsAny(s, "<&") {
		line.WriteString(s)
		return line.String()
	}
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // depth inside dropped elements
	for !line.full() {
		switch z.Next() {
		case html.ErrorToken:
			// io.EOF, or the end of a malformed input: what was read is kept.
			return line.String()
		case html.TextToken:
			if skip == 0 {
				line.WriteString(string(z.Text()))
			}
		case html.StartTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case droppedElement(a):
				skip++
			case wordBreak(a):
				line.space()
			}
		case html.SelfClosingTagToken:
			name, _ := z.TagName()
			if wordBreak(atom.Lookup(name)) {
				line.space()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case droppedElement(a):
				if skip > 0 {
					skip--
				}
			case wordBreak(a):
				line.space()
			}
		}
	}
	return line.String()
}

// maxMarkupBytes is the most of one title or snippet plainText reads.
const maxMarkupBytes = 256 << 10

// droppedElement reports elements whose content is never text to show:
// scripts, styles, embedded documents and media, form widgets. They all
// have end tags (no void elements), so entering one can be counted.
// plaintext never ends: everything after it is dropped.
func droppedElement(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Template, atom.Noscript, atom.Iframe,
		atom.Object, atom.Svg, atom.Math, atom.Noembed, atom.Noframes,
		atom.Textarea, atom.Select, atom.Head, atom.Plaintext, atom.Audio,
		atom.Video, atom.Canvas:
		return true
	}
	return false
}

// wordBreak reports elements that separate words: line breaks, blocks,
// list items and table cells.
func wordBreak(a atom.Atom) bool {
	switch a {
	case atom.Br, atom.Hr, atom.P, atom.Div, atom.Li, atom.Ul, atom.Ol,
		atom.Dl, atom.Dt, atom.Dd, atom.Tr, atom.Td, atom.Th, atom.Table,
		atom.Caption, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Section, atom.Article, atom.Header,
		atom.Footer, atom.Nav, atom.Aside, atom.Main, atom.Figure,
		atom.Figcaption, atom.Address, atom.Details, atom.Summary, atom.Body:
		return true
	}
	return false
}

// lineBuilder collects one line of text: white space collapses to single
// spaces written only between two visible runes, invisible characters are
// dropped, and at most max runes are kept.
type lineBuilder struct {
	b       strings.Builder
	max     int
	runes   int
	pending bool // a space is due before the next visible rune
}

// WriteString appends s.
func (l *lineBuilder) WriteString(s string) {
	for _, r := range s {
		if l.full() {
			return
		}
		switch {
		case unicode.IsSpace(r):
			l.pending = true
		case invisible(r):
		default:
			if l.pending && l.runes > 0 {
				if l.runes+2 > l.max {
					// No room for the space and a rune after it.
					l.runes = l.max
					return
				}
				l.b.WriteByte(' ')
				l.runes++
			}
			l.pending = false
			l.b.WriteRune(r)
			l.runes++
		}
	}
}

// space asks for a space before the next visible rune.
func (l *lineBuilder) space() { l.pending = true }

// full reports whether max runes have been written.
func (l *lineBuilder) full() bool { return l.runes >= l.max }

// String returns the line.
func (l *lineBuilder) String() string { return l.b.String() }

// invisible reports characters that are dropped from text: controls,
// bidirectional embeddings, overrides, isolates and marks (which can make
// a title display in a misleading order), zero-width space, byte-order
// marks, interlinear annotation and the noncharacters U+FFFE and U+FFFF.
// Zero-width (non-)joiners stay: scripts and emoji need them.
func invisible(r rune) bool {
	switch {
	case unicode.IsControl(r):
		return true
	case r == '\u200B', r == '\u200E', r == '\u200F', r == '\u061C', r == '\uFEFF':
		return true
	case r >= '\u202A' && r <= '\u202E', r >= '\u2066' && r <= '\u2069':
		return true
	case r >= '\uFFF9' && r <= '\uFFFB', r == '\uFFFE', r == '\uFFFF':
		return true
	}
	return false
}
