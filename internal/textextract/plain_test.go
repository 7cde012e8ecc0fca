package textextract

import (
	"strings"
	"testing"
)

// Plain keeps line structure (line and paragraph breaks), normalises
// spaces, and takes the first visible line as title.
func TestPlain(t *testing.T) {
	long := strings.Repeat("x", MaxTitleRunes+10)
	cases := []struct {
		name      string
		src       []byte
		wantTitle string
		wantText  string
	}{
		{"latin-1 with CRLF", readFixture(t, "latin1.txt"), "First line is the title",
			"First line is the title\n\nSecond paragraph, café and naïve.\nSame paragraph, new line."},
		{"utf-16 with BOM", readFixture(t, "utf16.txt"), "UTF-16 notes", "UTF-16 notes\nZebras and résumé café."},
		{"leading blank lines and spaces", []byte("\n \n\t  Title  here \nbody   text\n\n\n\nnext"), "Title here", "Title here\nbody text\n\nnext"},
		{"old mac line ends", []byte("one\rtwo\r\rthree"), "one", "one\ntwo\n\nthree"},
		{"utf-8 BOM", []byte("\xEF\xBB\xBFhello"), "hello", "hello"},
		{"control characters dropped", []byte("a\x00b\x07c\x1b[0m"), "abc[0m", "abc[0m"},
		{"long title capped", []byte(long + "\nbody"), long[:MaxTitleRunes], long + "\nbody"},
		{"empty", nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := Plain(c.src)
			if res.Title != c.wantTitle || res.Text != c.wantText {
				t.Errorf("got %q / %q, want %q / %q", res.Title, res.Text, c.wantTitle, c.wantText)
			}
		})
	}
}

// The title of plain text (and reStructuredText read as plain text) is the
// first line that is real text: never a line made only of punctuation
// (reST over- and underlines, separators) and never a reST explicit markup
// line (".. comment", ".. directive::", ".. _target:") or the indented
// lines that continue it.
func TestPlainTitleSkipsReSTMarkup(t *testing.T) {
	cases := []struct {
		name string
		src  []byte
		want string
	}{
		{"over- and underlined reST title after a target and a comment", readFixture(t, "overlined.rst"), "Zebra Migration Field Guide"},
		{"underlined title after a separator line", readFixture(t, "underlined.txt"), "Crossing Notes"},
		{"overline directly on the first line", []byte("=====\nTitle\n=====\nbody"), "Title"},
		{"bare comment marker", []byte("..\n   still the comment\nReal title\n"), "Real title"},
		{"directive with options", []byte(".. meta::\n   :keywords: zebra\n\nGuide to zebras\n"), "Guide to zebras"},
		{"spaced punctuation separator", []byte("* * *\n-- --\nAfter the rule\n"), "After the rule"},
		{"ellipsis starting a sentence is text", []byte("...and so it begins\n"), "...and so it begins"},
		{"punctuation inside words is text", []byte("C++ -- a tour\n"), "C++ -- a tour"},
		{"only punctuation gives no title", []byte("=====\n-----\n"), ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Plain(c.src).Title; got != c.want {
				t.Errorf("title = %q, want %q", got, c.want)
			}
		})
	}
}
