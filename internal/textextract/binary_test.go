package textextract

import (
	"bytes"
	"testing"
)

// IsBinary follows git's NUL rule and a control-character ratio, and
// accepts UTF-16 with a byte-order mark and legacy 8-bit text.
func TestIsBinary(t *testing.T) {
	cases := []struct {
		name   string
		sample []byte
		want   bool
	}{
		{"empty", nil, false},
		{"ascii", []byte("hello\tworld\r\n"), false},
		{"utf-8", []byte("naïve ✓ 日本語\n"), false},
		{"latin-1", []byte("caf\xe9 cr\xe8me\n"), false},
		{"ansi colours", []byte("\x1b[31mred\x1b[0m log line\n"), false},
		{"utf-16 with BOM", []byte{0xFF, 0xFE, 'h', 0, 'i', 0}, false},
		{"NUL byte", []byte("text\x00more"), true},
		{"png header", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), true},
		{"utf-16 without BOM", []byte{'h', 0, 'i', 0}, true},
		{"control heavy", bytes.Repeat([]byte("a\x01\x02\x03"), 100), true},
		{"a few controls", append(bytes.Repeat([]byte("abcdefghij"), 10), 0x01, 0x02), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := IsBinary(c.sample); got != c.want {
				t.Errorf("IsBinary(%q) = %v, want %v", c.sample, got, c.want)
			}
		})
	}
}
