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
