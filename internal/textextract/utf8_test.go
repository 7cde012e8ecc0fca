package textextract

import (
	"testing"
	"unicode/utf8"
)

// ValidUTF8 leaves valid text alone, decodes legacy 8-bit text as
// Windows-1252 and replaces damage in UTF-8 text with U+FFFD.
func TestValidUTF8(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"valid unchanged", "naïve ✓ 日本", "naïve ✓ 日本"},
		{"latin-1", "caf\xe9 cr\xe8me", "café crème"},
		{"windows-1252 punctuation", "\x93quoted\x94 \x96 \x80", "“quoted” – €"},
		{"damaged utf-8", "naïve \xff end", "naïve \uFFFD end"},
		{"truncated sequence in utf-8", "naïve \xe2\x9c", "naïve \uFFFD"},
		{"8-bit bytes that look truncated", "ok \xe2\x9c", "ok âœ"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ValidUTF8(c.in)
			if got != c.want {
				t.Errorf("ValidUTF8(%q) = %q, want %q", c.in, got, c.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("result %q is not valid UTF-8", got)
			}
		})
	}
}
