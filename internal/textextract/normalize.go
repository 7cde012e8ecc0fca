package textextract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// brk is a pending separator between two runs of text; a larger value
// wins over a smaller one.
type brk int

const (
	brkNone  brk = iota
	brkSpace     // one space
	brkLine      // a line break
	brkPara      // a paragraph break (blank line)
)

// textBuilder accumulates text with normalised whitespace: separators are
// only written between two visible runes, so the result has no leading or
// trailing whitespace, no doubled spaces and at most one blank line in a
// row. Control characters are dropped.
type textBuilder struct {
	b strings.Builder
	// lines makes '\n' in the input a line break and two or more a
	// paragraph break (plain text); otherwise '\n' is a space (HTML).
	lines   bool
	pending brk
	// newlines counts the newlines since the last visible rune.
	newlines int
}

// setBreak asks for at least separator k before the next visible rune.
func (t *textBuilder) setBreak(k brk) {
	if k > t.pending {
		t.pending = k
	}
}

// WriteString appends s. Invalid UTF-8 bytes become U+FFFD.
func (t *textBuilder) WriteString(s string) {
	for _, r := range s {
		switch {
		case r == '\n' && t.lines:
			t.newlines++
			if t.newlines >= 2 {
				t.setBreak(brkPara)
			} else {
				t.setBreak(brkLine)
			}
		case unicode.IsSpace(r):
			t.setBreak(brkSpace)
		case unicode.IsControl(r) || r == '\uFEFF':
			// dropped: NUL, escape sequences, stray byte-order marks
		default:
			t.writeRune(r)
		}
	}
}

func (t *textBuilder) writeRune(r rune) {
	if t.b.Len() > 0 {
		switch t.pending {
		case brkSpace:
			t.b.WriteByte(' ')
		case brkLine:
			t.b.WriteByte('\n')
		case brkPara:
			t.b.WriteString("\n\n")
		}
	}
	t.pending = brkNone
	t.newlines = 0
	t.b.WriteRune(r)
}

// Len is the number of bytes written so far (separators included).
func (t *textBuilder) Len() int { return t.b.Len() }

// String returns the text built so far.
func (t *textBuilder) String() string { return t.b.String() }

// normalizeText returns s with whitespace normalised; lines says whether
// newlines in s are meaningful (see textBuilder).
func normalizeText(s string, lines bool) string {
	t := textBuilder{lines: lines}
	t.b.Grow(len(s)) // the text rarely grows (only U+FFFD for a stray byte): one allocation, not a doubling series
	t.WriteString(s)
	return t.String()
}

// capTitle puts s on one line (whitespace runs become one space, control
// characters are dropped) and cuts it to MaxTitleRunes runes.
func capTitle(s string) string {
	t := normalizeText(s, false)
	if utf8.RuneCountInString(t) <= MaxTitleRunes {
		return t
	}
	n := 0
	for i := range t {
		if n == MaxTitleRunes {
			return strings.TrimSpace(t[:i])
		}
		n++
	}
	return t
}

// firstLine returns the first line of s that has visible text, as a title.
// Lines made only of punctuation and symbols (separators, the over- and
// underlines of reStructuredText and Setext headings) are skipped, and so
// are reStructuredText explicit markup blocks: a line ".." or ".. anything"
// (a comment, a directive such as ".. meta::", a target ".. _name:") and
// the indented lines that continue it.
func firstLine(s string) string {
	inMarkup := false
	for line := range strings.Lines(s) {
		if inMarkup {
			if r, _ := utf8.DecodeRuneInString(line); r == ' ' || r == '\t' || strings.TrimSpace(line) == "" {
				continue // the block goes on while lines are indented
			}
			inMarkup = false
		}
		t := capTitle(line)
		switch {
		case t == "":
		case t == ".." || strings.HasPrefix(t, ".. "):
			inMarkup = true
		case onlyPunctuation(t):
		default:
			return t
		}
	}
	return ""
}

// onlyPunctuation reports whether every non-space rune of s is punctuation
// or a symbol ("=====", "* * *", "-- --").
func onlyPunctuation(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.IsPunct(r) && !unicode.IsSymbol(r) {
			return false
		}
	}
	return true
}
