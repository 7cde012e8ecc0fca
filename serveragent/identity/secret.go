package identity

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
)

// MinSecretLen is the shortest network secret accepted, in bytes. A
// member's membership proof can be observed by anyone who connects to it,
// so a short secret could be guessed offline; 16 bytes of a random secret
// are 128 bits. Length is no proof of entropy: use NewSecret.
const MinSecretLen = 16

// HKDF labels: one key per purpose, so the memberlist key and the
// membership-proof key are independent.
const (
	memberlistKeyInfo = "p2pir memberlist key v1"
	membershipKeyInfo = "p2pir membership proof key v1"
)

// ErrWeakSecret is returned (wrapped) for a network secret shorter than
// MinSecretLen.
var ErrWeakSecret = errors.New("network secret too short")

// NewSecret returns a fresh random network secret in printable form: 32
// random bytes as unpadded base64url (43 characters, 256 bits). Share it with
// the members of the network and pass []byte(s) to this package's functions.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand crashes the program instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// checkSecret accepts an empty secret (open network) or one of at least
// MinSecretLen bytes.
func checkSecret(secret []byte) error {
	if len(secret) > 0 && len(secret) < MinSecretLen {
		return fmt.Errorf("identity: %w: %d bytes, want at least %d (generate one with NewSecret)", ErrWeakSecret, len(secret), MinSecretLen)
	}
	return nil
}

// MemberlistKey derives from the network secret the 32-byte key for
// memberlist's Config.SecretKey (AES-256-GCM encryption of gossip), as
// HKDF-SHA256(secret, no salt, info "p2pir memberlist key v1"). Every
// node with the same secret derives the same key. An empty secret means an
// open network: the key is nil and memberlist runs unencrypted. A secret
// shorter than MinSecretLen is refused with ErrWeakSecret.
func MemberlistKey(secret []byte) ([]byte, error) {
	if len(secret) == 0 {
		return nil, nil
	}
	return deriveKey(secret, memberlistKeyInfo)
}

// membershipKey derives the HMAC key of membership proofs, or nil for an
// open network.
func membershipKey(secret []byte) ([]byte, error) {
	if len(secret) == 0 {
		return nil, nil
	}
	return deriveKey(secret, membershipKeyInfo)
}

// deriveKey runs HKDF-SHA256 over a checked secret with a purpose label.
func deriveKey(secret []byte, info string) ([]byte, error) {
	if err := checkSecret(secret); err != nil {
		return nil, err
	}
	key, err := hkdf.Key(sha256.New, secret, nil, info, 32)
	if err != nil {
		return nil, fmt.Errorf("identity: deriving %q: %w", info, err)
	}
	return key, nil
}

// membershipProof is the proof a node of the network carries in its
// certificate: HMAC-SHA256(key, nodeID). Binding it to the node ID makes it
// useless with any other key.
func membershipProof(key []byte, nodeID string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(nodeID))
	return m.Sum(nil)
}
