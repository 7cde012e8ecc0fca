package identity

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"

	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/peer"
)

// ServerCredentials returns gRPC transport credentials built on ServerTLS,
// for grpc.Creds.
func (id *Identity) ServerCredentials(secret []byte) (credentials.TransportCredentials, error) {
	cfg, err := id.ServerTLS(secret)
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(cfg), nil
}

// ClientCredentials returns gRPC transport credentials built on ClientTLS,
// for grpc.WithTransportCredentials on a connection to expectedNodeID.
func (id *Identity) ClientCredentials(expectedNodeID string, secret []byte) (credentials.TransportCredentials, error) {
	cfg, err := id.ClientTLS(expectedNodeID, secret)
	if err != nil {
		return nil, err
	}
	return credentials.NewTLS(cfg), nil
}

// ErrNoPeerIdentity is returned (wrapped) by PeerNodeID when the caller's
// node ID cannot be known.
var ErrNoPeerIdentity = errors.New("no peer node identity")

// PeerNodeID returns the node ID of the peer calling a gRPC handler, from
// the Ed25519 key of the certificate it authenticated with. Under
// ServerTLS every connection has one; it fails with ErrNoPeerIdentity
// outside a handler, on a connection without TLS, or without an Ed25519
// client certificate.
func PeerNodeID(ctx context.Context) (string, error) {
	p, ok := peer.FromContext(ctx)
	if !ok {
		return "", fmt.Errorf("identity: %w: no gRPC peer in the context", ErrNoPeerIdentity)
	}
	info, ok := p.AuthInfo.(credentials.TLSInfo)
	if !ok {
		return "", fmt.Errorf("identity: %w: peer %v is not connected over TLS", ErrNoPeerIdentity, p.Addr)
	}
	certs := info.State.PeerCertificates
	if len(certs) == 0 {
		return "", fmt.Errorf("identity: %w: peer %v presented no certificate", ErrNoPeerIdentity, p.Addr)
	}
	pub, ok := certs[0].PublicKey.(ed25519.PublicKey)
	if !ok {
		return "", fmt.Errorf("identity: %w: peer %v has a %v key, not Ed25519", ErrNoPeerIdentity, p.Addr, certs[0].PublicKeyAlgorithm)
	}
	return NodeIDFromPublicKey(pub), nil
}
