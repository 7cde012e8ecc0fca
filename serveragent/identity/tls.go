package identity

import (
	"crypto/tls"
	"fmt"
	"time"
)

// ServerTLS returns the TLS configuration of the node's gRPC server: TLS 1.3
// only, mutual authentication (a client must present a node certificate:
// one self-signed Ed25519 certificate naming its key's node ID; any node is
// accepted, and handlers learn which with PeerNodeID).
//
// With a network secret (at least MinSecretLen bytes) the server presents a
// certificate with its membership proof and refuses clients without a
// valid one; an empty secret means an open network. The server issues
// session tickets, so a node that called before can resume (see
// ClientTLS); a resumed connection is checked like a new one
// (VerifyConnection runs on every handshake, with the certificate the
// client authenticated with when the session began, against this
// configuration's secret), and the tickets' keys live in this
// configuration only: a node started anew, or with another secret, does
// not accept the tickets it issued before.
func (id *Identity) ServerTLS(secret []byte) (*tls.Config, error) {
	cert, key, err := id.certificateFor(secret)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		ClientAuth:   tls.RequireAnyClientCert,
		VerifyConnection: func(cs tls.ConnectionState) error {
			_, err := verifyPeer(cs.PeerCertificates, time.Now(), "", key, id.verified)
			return err
		},
	}, nil
}

// ClientTLS returns the TLS configuration to dial the node expectedNodeID:
// TLS 1.3 only, presenting this node's certificate, and accepting the server
// only if its certificate's key hashes to expectedNodeID.
//
// Node certificates are self-signed, so there is no CA to verify a chain
// against: InsecureSkipVerify turns off the standard chain and host name
// verification, and VerifyConnection puts the real check in its place (one
// self-signed Ed25519 certificate whose key is the node ID we expect; the
// handshake proves the server holds that key). That check runs before this
// node sends its own certificate. The host name dialled plays no part.
//
// With a network secret the server must also carry a valid membership
// proof, and this node presents its own; an empty secret means an open
// network.
//
// Connections resume TLS sessions from this identity's cache
// (SessionCacheSize), kept per expected node ID: a session is offered
// only to the node it was made with, and VerifyConnection runs on a
// resumed connection as on a new one, against the certificate the server
// proved when the session began.
func (id *Identity) ClientTLS(expectedNodeID string, secret []byte) (*tls.Config, error) {
	if err := ValidateNodeID(expectedNodeID); err != nil {
		return nil, fmt.Errorf("identity: client TLS: %w", err)
	}
	cert, key, err := id.certificateFor(secret)
	if err != nil {
		return nil, err
	}
	return &tls.Config{
		MinVersion:         tls.VersionTLS13,
		MaxVersion:         tls.VersionTLS13,
		Certificates:       []tls.Certificate{cert},
		InsecureSkipVerify: true, // replaced by VerifyConnection, see above
		ClientSessionCache: peerSessions{cache: id.sessions, node: expectedNodeID},
		VerifyConnection: func(cs tls.ConnectionState) error {
			_, err := verifyPeer(cs.PeerCertificates, time.Now(), expectedNodeID, key, id.verified)
			return err
		},
	}, nil
}
