package index

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// ContentHash is the SHA-256 of title, a NUL byte and body, as it always
// was (indexes keep it, so it must not change), for bodies shorter and
// longer than the buffer it hashes through.
func TestContentHashIsSHA256OfTitleNULBody(t *testing.T) {
	tests := []struct{ title, body string }{
		{"", ""},
		{"Title", "Body text."},
		{"Café", strings.Repeat("ü body text ", 10000)}, // over 32 KiB
		{strings.Repeat("t", 40<<10), "x"},
	}
	for _, tc := range tests {
		sum := sha256.Sum256([]byte(tc.title + "\x00" + tc.body))
		if got, want := ContentHash(tc.title, tc.body), hex.EncodeToString(sum[:]); got != want {
			t.Errorf("ContentHash(%d bytes, %d bytes) = %s, want %s", len(tc.title), len(tc.body), got, want)
		}
	}
}
