package identity

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"time"
)

// Identity is a node's key pair, its node ID and its TLS certificate, with
// the node's caches of TLS sessions to resume (SessionCacheSize) and of
// peer certificates already verified. Its key, ID and certificate never
// change; it is safe for concurrent use.
type Identity struct {
	priv   ed25519.PrivateKey
	pub    ed25519.PublicKey
	nodeID string
	// cert is the certificate without a membership proof (open network).
	cert tls.Certificate
	// sessions holds the TLS sessions of connections to peers, for
	// resumption (keyed by peer node ID through peerSessions).
	sessions tls.ClientSessionCache
	// verified remembers peer certificates whose self-signature checked out.
	verified *verifiedCerts
}

// New returns the identity of an Ed25519 private key, with a fresh
// self-signed certificate. It refuses a key of the wrong size or one whose
// public half does not match its seed.
func New(priv ed25519.PrivateKey) (*Identity, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("identity: private key is %d bytes, want %d", len(priv), ed25519.PrivateKeySize)
	}
	canon := ed25519.NewKeyFromSeed(priv.Seed())
	if subtle.ConstantTimeCompare(canon, priv) != 1 {
		return nil, fmt.Errorf("identity: private key is inconsistent: its public half does not belong to its seed")
	}
	pub := canon.Public().(ed25519.PublicKey)
	id := &Identity{
		priv: canon, pub: pub, nodeID: NodeIDFromPublicKey(pub),
		sessions: tls.NewLRUClientSessionCache(SessionCacheSize),
		verified: newVerifiedCerts(),
	}
	cert, err := newCertificate(id.priv, id.nodeID, nil, time.Now())
	if err != nil {
		return nil, err
	}
	id.cert = cert
	return id, nil
}

// Generate returns a new identity with a fresh random key, kept in memory
// only (simulations, tests). A node keeps its key with LoadOrCreate.
func Generate() (*Identity, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("identity: generating key: %w", err)
	}
	return New(priv)
}

// NodeID returns the node ID, derived from the public key (see
// NodeIDFromPublicKey).
func (id *Identity) NodeID() string { return id.nodeID }

// PublicKey returns the node's Ed25519 public key.
func (id *Identity) PublicKey() ed25519.PublicKey { return id.pub }

// Certificate returns the node's self-signed TLS certificate for an open
// network (no membership proof): Ed25519, CommonName and DNS SAN equal to
// the node ID, valid for ten years from when the identity was made
// (back-dated an hour for clock skew), for server and client authentication. It is regenerated in
// memory at every start; only the key is persistent. ServerTLS and
// ClientTLS build the certificate they need themselves.
func (id *Identity) Certificate() tls.Certificate { return id.cert }

// certificateFor returns the certificate to present with this secret: the
// plain one for an open network, or a fresh one carrying the membership
// proof.
func (id *Identity) certificateFor(secret []byte) (tls.Certificate, []byte, error) {
	key, err := membershipKey(secret)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	if key == nil {
		return id.cert, nil, nil
	}
	cert, err := newCertificate(id.priv, id.nodeID, membershipProof(key, id.nodeID), time.Now())
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return cert, key, nil
}

// Sign signs message with the node's private key (Ed25519), for what the
// node vouches for beyond a TLS session, e.g. its collection summary that
// peers pass on.
func (id *Identity) Sign(message []byte) []byte { return ed25519.Sign(id.priv, message) }

// LocalKey returns a 32-byte secret derived from the node's private key
// for one purpose (HMAC-SHA256 of the purpose, keyed by the key's seed):
// stable across restarts, different for every purpose and node, and never
// sent anywhere. For values the node must recognise later but peers must
// not be able to compute, e.g. the IDs of shared documents.
func (id *Identity) LocalKey(purpose string) []byte {
	m := hmac.New(sha256.New, id.priv.Seed())
	m.Write([]byte("p2pir local key\x00" + purpose))
	return m.Sum(nil)
}
