package textextract

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// ValidUTF8 returns s as valid UTF-8. Valid input is returned unchanged.
// Otherwise the bytes are taken to be in one of two encodings:
//
//   - If s holds no valid multi-byte UTF-8 sequence at all, it is most
//     likely a legacy 8-bit text and is decoded as Windows-1252 (a superset
//     of ISO 8859-1), so "caf\xe9" becomes "café".
//   - Otherwise s is UTF-8 with some damage, and each run of invalid bytes
//     is replaced by U+FFFD.
func ValidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	multibyte := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != utf8.RuneError && size > 1 {
			multibyte = true
			break
		}
		i += size
	}
	if !multibyte {
		if out, err := charmap.Windows1252.NewDecoder().String(s); err == nil {
			return strings.ToValidUTF8(out, "\uFFFD")
		}
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// bomEncoding reports the UTF-16 encoding announced by a byte-order mark
// at the start of b, if any.
func bomEncoding(b []byte) (encoding.Encoding, bool) {
	switch {
	case bytes.HasPrefix(b, bomUTF16LE):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), true
	case bytes.HasPrefix(b, bomUTF16BE):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), true
	}
	return nil, false
}

// decodeText turns the bytes of a text file into valid UTF-8: a UTF-8
// byte-order mark is dropped, UTF-16 with a byte-order mark is decoded, and
// anything else goes through ValidUTF8.
func decodeText(b []byte) string {
	if enc, ok := bomEncoding(b); ok {
		if out, err := enc.NewDecoder().Bytes(b); err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD")
		}
	}
	return ValidUTF8(string(bytes.TrimPrefix(b, bomUTF8)))
}
