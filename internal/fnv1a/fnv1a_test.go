package fnv1a

import (
	"hash/fnv"
	"testing"
)

// TestSameAsHashFNV: String, Add and AddByte give hash/fnv's New64a sums,
// for empty, ASCII, UTF-8 and binary input, in one piece or in parts.
func TestSameAsHashFNV(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"", ""},
		{"a", ""},
		{"p2p1abc", "p2p1xyz"},
		{"Suchmaschinen", "情報"},
		{"\x00\xff", "\x80"},
	} {
		h := fnv.New64a()
		h.Write([]byte(tc.a))
		if got, want := String(tc.a), h.Sum64(); got != want {
			t.Errorf("String(%q) = %x, want %x", tc.a, got, want)
		}
		h.Write([]byte{0})
		h.Write([]byte(tc.b))
		if got, want := Add(AddByte(String(tc.a), 0), tc.b), h.Sum64(); got != want {
			t.Errorf("Add(AddByte(String(%q), 0), %q) = %x, want %x", tc.a, tc.b, got, want)
		}
	}
}

// TestStringAllocatesNothing is why the package exists.
func TestStringAllocatesNothing(t *testing.T) {
	s := "rendezvous weight of two node IDs"
	if n := testing.AllocsPerRun(100, func() { _ = String(s) }); n != 0 {
		t.Errorf("String allocates %v times a call, want 0", n)
	}
}
