package identity

import (
	"bytes"
	"crypto/ed25519"
	"testing"
)

// TestLocalKeyIsStablePerKeyAndPurpose: the same key and purpose give the
// same secret (across restarts: a new Identity of the same key), another
// purpose or another key a different one.
func TestLocalKeyIsStablePerKeyAndPurpose(t *testing.T) {
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	a, err := New(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	again, err := New(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	other, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	k := a.LocalKey("shared documents")
	switch {
	case len(k) != 32:
		t.Fatalf("key of %d bytes, want 32", len(k))
	case !bytes.Equal(k, again.LocalKey("shared documents")):
		t.Fatal("the same key and purpose gave another secret")
	case bytes.Equal(k, a.LocalKey("something else")):
		t.Fatal("two purposes share a secret")
	case bytes.Equal(k, other.LocalKey("shared documents")):
		t.Fatal("two nodes share a secret")
	case bytes.Contains(k, seed[:8]):
		t.Fatal("the secret shows the seed")
	}
}
