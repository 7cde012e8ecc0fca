package identity

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"
)

const (
	// certValidity is how long a node certificate is valid. Certificates
	// are regenerated at every start, so this only has to outlast uptime.
	certValidity = 10 * 365 * 24 * time.Hour
	// certBackdate tolerates peers whose clock is behind ours.
	certBackdate = time.Hour
	// membershipScheme is the URI SAN scheme of the membership proof:
	// "p2pir-membership:v1:<base64url of HMAC-SHA256(key, nodeID)>". A URI
	// SAN is used rather than a private X.509 extension because an
	// extension needs an OID, and the only unregistered arc (2.25, UUIDs)
	// does not fit Go's 31-bit OID arcs.
	membershipScheme = "p2pir-membership"
	membershipPrefix = "v1:"
)

// Errors a peer's certificate can be refused with (wrapped, with details).
var (
	// ErrNodeIDMismatch: the peer's key is not the one the expected node
	// ID names.
	ErrNodeIDMismatch = errors.New("peer node ID mismatch")
	// ErrNotMember: the peer proves no membership of this private network.
	ErrNotMember = errors.New("peer is not a member of this network")
	// ErrBadCertificate: the peer's certificate is not a node certificate.
	ErrBadCertificate = errors.New("not a node certificate")
)

// newCertificate makes the self-signed certificate of a node key, with a
// membership proof when proof is not nil.
func newCertificate(priv ed25519.PrivateKey, nodeID string, proof []byte, now time.Time) (tls.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("identity: certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: nodeID},
		DNSNames:              []string{nodeID},
		NotBefore:             now.Add(-certBackdate),
		NotAfter:              now.Add(certValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	if proof != nil {
		tmpl.URIs = []*url.URL{{Scheme: membershipScheme, Opaque: membershipPrefix + base64.RawURLEncoding.EncodeToString(proof)}}
	}
	pub := priv.Public()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, priv)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("identity: creating certificate for %s: %w", nodeID, err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("identity: parsing own certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: priv, Leaf: leaf}, nil
}

// verifyPeer checks the certificates a peer presented in a TLS handshake and
// returns its node ID. A node presents exactly one certificate, self-signed
// by an Ed25519 key, naming the node ID of that key, valid at now. When
// expected is not empty the node ID must be expected; when memberKey is not
// nil the certificate must carry the membership proof for its node ID.
// The handshake has already proved the peer holds the certificate's key.
// verified, when not nil, remembers certificates whose self-signature was
// checked, so it is checked once per certificate rather than per
// handshake; every other check runs every time.
func verifyPeer(certs []*x509.Certificate, now time.Time, expected string, memberKey []byte, verified *verifiedCerts) (string, error) {
	switch {
	case len(certs) == 0:
		return "", fmt.Errorf("identity: %w: the peer presented no certificate", ErrBadCertificate)
	case len(certs) > 1:
		return "", fmt.Errorf("identity: %w: the peer presented a chain of %d certificates, a node presents one", ErrBadCertificate, len(certs))
	}
	c := certs[0]
	pub, ok := c.PublicKey.(ed25519.PublicKey)
	if !ok || c.SignatureAlgorithm != x509.PureEd25519 {
		return "", fmt.Errorf("identity: %w: the peer's key is %v signed with %v, not Ed25519", ErrBadCertificate, c.PublicKeyAlgorithm, c.SignatureAlgorithm)
	}
	if err := checkSelfSigned(c, verified); err != nil {
		return "", err
	}
	id := NodeIDFromPublicKey(pub)
	if c.Subject.CommonName != id {
		return "", fmt.Errorf("identity: %w: the certificate names %q but its key is node %s", ErrBadCertificate, c.Subject.CommonName, id)
	}
	if now.Before(c.NotBefore) || now.After(c.NotAfter) {
		return "", fmt.Errorf("identity: %w: the certificate of node %s is valid from %s to %s, not at %s (check the clocks)",
			ErrBadCertificate, id, c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if expected != "" && id != expected {
		return "", fmt.Errorf("identity: %w: expected node %s, but the peer's key is node %s", ErrNodeIDMismatch, expected, id)
	}
	if memberKey != nil {
		proof, err := certMembershipProof(c)
		if err != nil {
			return "", fmt.Errorf("identity: node %s: %w", id, err)
		}
		if proof == nil {
			return "", fmt.Errorf("identity: %w: node %s presents no membership proof (it runs without the network secret)", ErrNotMember, id)
		}
		if !hmac.Equal(proof, membershipProof(memberKey, id)) {
			return "", fmt.Errorf("identity: %w: node %s presents a membership proof made with another network secret", ErrNotMember, id)
		}
	}
	return id, nil
}

// checkSelfSigned checks that c is signed by its own key, once per
// certificate when verified is not nil.
func checkSelfSigned(c *x509.Certificate, verified *verifiedCerts) error {
	var sum [sha256.Size]byte
	if verified != nil {
		sum = sha256.Sum256(c.Raw)
		if verified.has(sum) {
			return nil
		}
	}
	if err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature); err != nil {
		return fmt.Errorf("identity: %w: the peer's certificate is not self-signed by its key: %w", ErrBadCertificate, err)
	}
	verified.add(sum)
	return nil
}

// certMembershipProof returns the membership proof a certificate carries,
// nil if it carries none, or an error if it is malformed or repeated.
func certMembershipProof(c *x509.Certificate) ([]byte, error) {
	var proof []byte
	for _, u := range c.URIs {
		if u.Scheme != membershipScheme {
			continue
		}
		if proof != nil {
			return nil, fmt.Errorf("%w: more than one membership proof", ErrNotMember)
		}
		enc, ok := strings.CutPrefix(u.Opaque, membershipPrefix)
		if !ok {
			return nil, fmt.Errorf("%w: membership proof %q has an unknown version", ErrNotMember, u.String())
		}
		p, err := base64.RawURLEncoding.DecodeString(enc)
		if err != nil || len(p) == 0 {
			return nil, fmt.Errorf("%w: membership proof %q is malformed", ErrNotMember, u.String())
		}
		proof = p
	}
	return proof, nil
}
