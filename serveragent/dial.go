package serveragent

import (
	"context"
	"crypto/tls"
	"fmt"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// Dialer opens a client connection to a peer, given its gRPC address and
// the node ID it must prove in the TLS handshake. Implementations must
// enforce the contract's dial options (p2pirv1.DialOptions) and pin the
// peer's node ID; a connection is lazy (grpc.NewClient), so Dial itself
// does no I/O and per-call deadlines bound every use.
type Dialer interface {
	Dial(ctx context.Context, addr, nodeID string) (*grpc.ClientConn, error)
}

// TLSDialer dials peers over TCP with mutual TLS pinned to their node IDs
// (identity.ClientCredentials).
type TLSDialer struct {
	// Identity is this node's identity, presented to the peer.
	Identity *identity.Identity
	// Secret is the optional network secret (nil for an open network).
	Secret []byte
	// Options are extra dial options, after the contract's.
	Options []grpc.DialOption
	// KeyExchanges are the TLS key exchanges offered, most preferred
	// first; nil (the default) offers Go's, the hybrid post-quantum
	// X25519MLKEM768 first, which every real connection should use. The
	// simulator's in-memory network offers X25519 alone (see MemNet).
	KeyExchanges []tls.CurveID
}

// Dial implements Dialer.
func (d TLSDialer) Dial(_ context.Context, addr, nodeID string) (*grpc.ClientConn, error) {
	if d.Identity == nil {
		return nil, fmt.Errorf("serveragent: dial %s: TLSDialer without identity", addr)
	}
	cfg, err := d.Identity.ClientTLS(nodeID, d.Secret)
	if err != nil {
		return nil, fmt.Errorf("serveragent: dial %s (%s): %w", addr, nodeID, err)
	}
	if d.KeyExchanges != nil {
		cfg.CurvePreferences = d.KeyExchanges
	}
	creds := credentials.NewTLS(cfg)
	opts := append([]grpc.DialOption{grpc.WithTransportCredentials(creds)}, p2pirv1.DialOptions()...)
	opts = append(opts, d.Options...)
	cc, err := grpc.NewClient(addr, opts...)
	if err != nil {
		return nil, fmt.Errorf("serveragent: dial %s (%s): %w", addr, nodeID, err)
	}
	return cc, nil
}
