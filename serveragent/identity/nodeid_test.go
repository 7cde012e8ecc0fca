package identity

import (
	"crypto/ed25519"
	"encoding/hex"
	"strings"
	"testing"
)

// The node IDs below were computed outside Go (Python hashlib + base64) from
// the public keys of RFC 8032 section 7.1, tests 1 and 2.
func TestNodeIDIsPrefixedLowercaseBase32OfSHA256OfPublicKey(t *testing.T) {
	tests := []struct {
		name, seed, pub, want string
	}{
		{"RFC 8032 test 1",
			"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
			"d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
			"p2p1eh7ddx5bksrgcytl7bkai36se4"},
		{"RFC 8032 test 2",
			"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
			"3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
			"p2p1hh3rhufgiqst6bcssqq3t5i3tm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			priv := ed25519.NewKeyFromSeed(mustHex(t, tt.seed))
			pub := priv.Public().(ed25519.PublicKey)
			if got := hex.EncodeToString(pub); got != tt.pub {
				t.Fatalf("public key %s, RFC says %s", got, tt.pub)
			}
			if got := NodeIDFromPublicKey(pub); got != tt.want {
				t.Errorf("NodeIDFromPublicKey = %s, want %s", got, tt.want)
			}
			id, err := New(priv)
			if err != nil {
				t.Fatal(err)
			}
			if id.NodeID() != tt.want {
				t.Errorf("Identity.NodeID = %s, want %s", id.NodeID(), tt.want)
			}
			if err := ValidateNodeID(id.NodeID()); err != nil {
				t.Errorf("a derived node ID does not validate: %v", err)
			}
		})
	}
}

func TestNodeIDOfMalformedKeyIsEmpty(t *testing.T) {
	for _, n := range []int{0, 31, 33, 64} {
		if got := NodeIDFromPublicKey(make(ed25519.PublicKey, n)); got != "" {
			t.Errorf("%d-byte key: node ID %q, want empty", n, got)
		}
	}
}

func TestValidateNodeIDRejectsWhatIsNotANodeID(t *testing.T) {
	tests := []struct {
		name, id, wantErr string
	}{
		{"valid", "p2p1eh7ddx5bksrgcytl7bkai36se4", ""},
		{"empty", "", "not a node ID"},
		{"wrong prefix", "p2p2eh7ddx5bksrgcytl7bkai36se4", "not a node ID"},
		{"too short", "p2p1eh7ddx5bksrgcytl7bkai36se", "not a node ID"},
		{"too long", "p2p1eh7ddx5bksrgcytl7bkai36se4a", "not a node ID"},
		{"uppercase", "p2p1EH7ddx5bksrgcytl7bkai36se4", "not lowercase base32"},
		{"digit outside base32", "p2p1eh7ddx5bksrgcytl7bkai36se1", "not lowercase base32"},
		{"padding", "p2p1eh7ddx5bksrgcytl7bkai36se=", "not lowercase base32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateNodeID(tt.id)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateNodeID(%q) = %v, want nil", tt.id, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ValidateNodeID(%q) = %v, want error containing %q", tt.id, err, tt.wantErr)
			}
		})
	}
}

func TestNewRefusesInconsistentPrivateKey(t *testing.T) {
	a := ed25519.NewKeyFromSeed(make([]byte, 32))
	b := ed25519.NewKeyFromSeed(mustHex(t, "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"))
	mixed := append(append(ed25519.PrivateKey{}, a[:32]...), b[32:]...)
	tests := []struct {
		name    string
		key     ed25519.PrivateKey
		wantErr string
	}{
		{"short", a[:63], "64"},
		{"public half of another key", mixed, "inconsistent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.key); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("New = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
