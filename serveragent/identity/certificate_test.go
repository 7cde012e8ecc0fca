package identity

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestCertificateIsSelfSignedEd25519NamingTheNodeID(t *testing.T) {
	id := seededIdentity(t, 1)
	cert := id.Certificate()
	if len(cert.Certificate) != 1 || cert.Leaf == nil {
		t.Fatalf("want one DER certificate with its leaf, got %d", len(cert.Certificate))
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if pub, ok := leaf.PublicKey.(ed25519.PublicKey); !ok || !pub.Equal(id.PublicKey()) {
		t.Fatalf("certificate key %T is not the node's key", leaf.PublicKey)
	}
	if err := leaf.CheckSignature(leaf.SignatureAlgorithm, leaf.RawTBSCertificate, leaf.Signature); err != nil {
		t.Fatalf("not self-signed: %v", err)
	}
	if leaf.Subject.CommonName != id.NodeID() || !slices.Equal(leaf.DNSNames, []string{id.NodeID()}) {
		t.Errorf("CN %q, DNS SANs %v; want the node ID %s", leaf.Subject.CommonName, leaf.DNSNames, id.NodeID())
	}
	if len(leaf.URIs) != 0 {
		t.Errorf("open-network certificate carries URIs %v", leaf.URIs)
	}
	if leaf.NotAfter.Sub(time.Now()) < 10*365*24*time.Hour-time.Minute {
		t.Errorf("valid until %s, want ten years", leaf.NotAfter)
	}
	if !time.Now().After(leaf.NotBefore.Add(59 * time.Minute)) {
		t.Errorf("valid from %s, want an hour back for clock skew", leaf.NotBefore)
	}
	if !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageServerAuth) || !slices.Contains(leaf.ExtKeyUsage, x509.ExtKeyUsageClientAuth) {
		t.Errorf("extended key usage %v, want server and client auth", leaf.ExtKeyUsage)
	}
	// The standard verifier accepts it as its own root for that name.
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: id.NodeID(), KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t.Errorf("x509 verification of the certificate as its own root: %v", err)
	}
}

func TestVerifyPeer(t *testing.T) {
	now := time.Now()
	a, b := seededIdentity(t, 1), seededIdentity(t, 2)
	secret := []byte("a network secret of some length")
	key, err := membershipKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, _ := membershipKey([]byte("another network secret, same size"))

	withProof := mustCert(t, a.priv, a.nodeID, membershipProof(key, a.nodeID), now)
	otherSecretProof := mustCert(t, a.priv, a.nodeID, membershipProof(otherKey, a.nodeID), now)
	// b's proof transplanted into a's certificate: a cannot reuse it.
	stolenProof := mustCert(t, a.priv, a.nodeID, membershipProof(key, b.nodeID), now)
	wrongName := mustCert(t, a.priv, b.nodeID, nil, now)
	malformedProof := certWithURIs(t, a, &url.URL{Scheme: membershipScheme, Opaque: "v1:!!!"})
	futureProof := certWithURIs(t, a, &url.URL{Scheme: membershipScheme, Opaque: "v2:AAAA"})
	ecdsaLeaf, _ := ecdsaCert(t)
	twoProofs := certWithURIs(t, a,
		&url.URL{Scheme: membershipScheme, Opaque: membershipPrefix + "AAAA"},
		&url.URL{Scheme: membershipScheme, Opaque: membershipPrefix + "AAAA"})

	tests := []struct {
		name      string
		certs     []*x509.Certificate
		at        time.Time
		expected  string
		key       []byte
		wantErr   error
		wantInErr []string
	}{
		{name: "open network, any node", certs: leafs(a.Certificate().Leaf), at: now},
		{name: "expected node", certs: leafs(a.Certificate().Leaf), at: now, expected: a.nodeID},
		{name: "member with proof", certs: leafs(withProof), at: now, expected: a.nodeID, key: key},
		{name: "open network ignores a proof", certs: leafs(withProof), at: now},
		{name: "no certificate", at: now, wantErr: ErrBadCertificate, wantInErr: []string{"no certificate"}},
		{name: "chain of two", certs: leafs(a.Certificate().Leaf, b.Certificate().Leaf), at: now, wantErr: ErrBadCertificate, wantInErr: []string{"chain of 2"}},
		{name: "ECDSA key", certs: leafs(ecdsaLeaf), at: now, wantErr: ErrBadCertificate, wantInErr: []string{"not Ed25519"}},
		{name: "signed by another key", certs: leafs(signedBy(t, a, b)), at: now, wantErr: ErrBadCertificate, wantInErr: []string{"not self-signed"}},
		{name: "names another node", certs: leafs(wrongName), at: now, wantErr: ErrBadCertificate, wantInErr: []string{b.nodeID, a.nodeID}},
		{name: "expired", certs: leafs(a.Certificate().Leaf), at: now.Add(11 * 365 * 24 * time.Hour), wantErr: ErrBadCertificate, wantInErr: []string{"check the clocks"}},
		{name: "not yet valid", certs: leafs(a.Certificate().Leaf), at: now.Add(-2 * time.Hour), wantErr: ErrBadCertificate, wantInErr: []string{"check the clocks"}},
		{name: "other node than expected", certs: leafs(a.Certificate().Leaf), at: now, expected: b.nodeID, wantErr: ErrNodeIDMismatch,
			wantInErr: []string{"expected node " + b.nodeID, "is node " + a.nodeID}},
		{name: "no proof in private network", certs: leafs(a.Certificate().Leaf), at: now, key: key, wantErr: ErrNotMember, wantInErr: []string{"no membership proof"}},
		{name: "proof of another secret", certs: leafs(otherSecretProof), at: now, key: key, wantErr: ErrNotMember, wantInErr: []string{"another network secret"}},
		{name: "proof of another node", certs: leafs(stolenProof), at: now, key: key, wantErr: ErrNotMember},
		{name: "malformed proof", certs: leafs(malformedProof), at: now, key: key, wantErr: ErrNotMember, wantInErr: []string{"malformed"}},
		{name: "unknown proof version", certs: leafs(futureProof), at: now, key: key, wantErr: ErrNotMember, wantInErr: []string{"unknown version"}},
		{name: "two proofs", certs: leafs(twoProofs), at: now, key: key, wantErr: ErrNotMember, wantInErr: []string{"more than one"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := verifyPeer(tt.certs, tt.at, tt.expected, tt.key, nil)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("verifyPeer = %v, want success", err)
				}
				if got != a.nodeID {
					t.Fatalf("verifyPeer = %s, want %s", got, a.nodeID)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("verifyPeer = %q, %v; want %v", got, err, tt.wantErr)
			}
			for _, s := range tt.wantInErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
		})
	}
}

// seededIdentity returns a deterministic identity from a one-byte seed.
func seededIdentity(t testing.TB, b byte) *Identity {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = b
	id, err := New(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func leafs(c ...*x509.Certificate) []*x509.Certificate { return c }

func mustCert(t *testing.T, priv ed25519.PrivateKey, nodeID string, proof []byte, now time.Time) *x509.Certificate {
	t.Helper()
	c, err := newCertificate(priv, nodeID, proof, now)
	if err != nil {
		t.Fatal(err)
	}
	return c.Leaf
}

// nodeTemplate is a node certificate template for id, for the tests that
// build certificates newCertificate would not.
func nodeTemplate(id *Identity) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: id.nodeID},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
}

func parse(t *testing.T, der []byte, err error) *x509.Certificate {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func certWithURIs(t *testing.T, id *Identity, uris ...*url.URL) *x509.Certificate {
	tmpl := nodeTemplate(id)
	tmpl.URIs = uris
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, id.pub, id.priv)
	return parse(t, der, err)
}

// signedBy returns a certificate for subject's key and node ID, signed by
// signer's key.
func signedBy(t *testing.T, subject, signer *Identity) *x509.Certificate {
	tmpl := nodeTemplate(subject)
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer.Certificate().Leaf, subject.pub, signer.priv)
	return parse(t, der, err)
}

// ecdsaCert returns a self-signed ECDSA P-256 certificate and its key.
func ecdsaCert(t *testing.T) (*x509.Certificate, *ecdsa.PrivateKey) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	return parse(t, der, err), priv
}
