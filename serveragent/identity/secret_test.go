package identity

import (
	"encoding/hex"
	"errors"
	"testing"
)

// The expected keys were computed outside Go with a Python HKDF-SHA256
// (checked against RFC 5869 test case 1) and Python hmac.
func TestSecretDerivationsMatchHKDFSHA256(t *testing.T) {
	secret := []byte("correct horse battery staple")
	key, err := MemberlistKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(key), "9eb00edcdbad4eebd8592fac40a88128d97c061dad83ca2734f53403b7fe1ed6"; got != want {
		t.Errorf("MemberlistKey = %s, want %s", got, want)
	}
	mk, err := membershipKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	proof := membershipProof(mk, "p2p1eh7ddx5bksrgcytl7bkai36se4")
	if got, want := hex.EncodeToString(proof), "68444f545ba76c6eacc9f311307550e2cbc848df377bd4da481fe08cadef3a28"; got != want {
		t.Errorf("membership proof = %s, want %s", got, want)
	}
	if hex.EncodeToString(mk) == hex.EncodeToString(key) {
		t.Error("memberlist key and membership key are the same; the labels must separate them")
	}
}

func TestMemberlistKeyPerSecret(t *testing.T) {
	tests := []struct {
		name    string
		secret  []byte
		wantLen int
		wantErr error
	}{
		{"open network has no key", nil, 0, nil},
		{"empty secret has no key", []byte{}, 0, nil},
		{"15 bytes is too short", []byte("0123456789abcde"), 0, ErrWeakSecret},
		{"16 bytes gives an AES-256 key", []byte("0123456789abcdef"), 32, nil},
		{"generated secret gives an AES-256 key", []byte(NewSecret()), 32, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, err := MemberlistKey(tt.secret)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("MemberlistKey error = %v, want %v", err, tt.wantErr)
			}
			if len(key) != tt.wantLen {
				t.Fatalf("key is %d bytes, want %d", len(key), tt.wantLen)
			}
		})
	}
}

func TestNewSecretIsFreshAndPrintable(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	if len(a) != 43 {
		t.Fatalf("secret %q is %d characters, want 43", a, len(a))
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			t.Fatalf("secret %q has %q, not base64url", a, r)
		}
	}
	ka, _ := MemberlistKey([]byte(a))
	kb, _ := MemberlistKey([]byte(b))
	if hex.EncodeToString(ka) == hex.EncodeToString(kb) {
		t.Fatal("different secrets derive the same memberlist key")
	}
}
