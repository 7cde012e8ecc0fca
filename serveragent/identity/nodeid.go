package identity

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"strings"
)

// NodeIDPrefix starts every node ID. The "1" is the version of the
// derivation; a different derivation would use another prefix.
const NodeIDPrefix = "p2p1"

// nodeIDHashChars is how many base32 characters of the key hash a node ID
// keeps: 26 characters, 130 bits.
const nodeIDHashChars = 26

// NodeIDLen is the length of every node ID: the prefix and 26 base32
// characters.
const NodeIDLen = len(NodeIDPrefix) + nodeIDHashChars

// NodeIDFromPublicKey returns the node ID of an Ed25519 public key:
// NodeIDPrefix followed by the first 26 characters of the lowercase,
// unpadded base32 encoding of SHA-256(pub). A key of the wrong length has
// no node ID; the result is then "".
func NodeIDFromPublicKey(pub ed25519.PublicKey) string {
	if len(pub) != ed25519.PublicKeySize {
		return ""
	}
	sum := sha256.Sum256(pub)
	// Lowercase base32 keeps the ID a valid DNS label, safe in file names
	// and URLs.
	b32 := base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])
	return NodeIDPrefix + strings.ToLower(b32[:nodeIDHashChars])
}

// ValidateNodeID reports whether id has the form of a node ID (prefix,
// length, alphabet). It cannot tell whether a key exists for it; use it on
// node IDs that come from configuration or from the network before pinning
// a connection to them.
func ValidateNodeID(id string) error {
	if len(id) != NodeIDLen || !strings.HasPrefix(id, NodeIDPrefix) {
		return fmt.Errorf("identity: %q is not a node ID: want %q followed by %d base32 characters", id, NodeIDPrefix, nodeIDHashChars)
	}
	for i, r := range id[len(NodeIDPrefix):] {
		if !(r >= 'a' && r <= 'z' || r >= '2' && r <= '7') {
			return fmt.Errorf("identity: %q is not a node ID: character %q at %d is not lowercase base32", id, r, len(NodeIDPrefix)+i)
		}
	}
	return nil
}
