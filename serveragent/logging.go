package serveragent

import (
	"context"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	grpcpeer "google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// loggedCreds are the node's server credentials with every failed
// incoming TLS handshake logged (EventHandshakeRejected): a certificate
// that does not prove a node ID, a wrong network secret, a client that
// never finished in Config.HandshakeTimeout.
type loggedCreds struct {
	credentials.TransportCredentials
	n *Node
}

// ServerHandshake implements credentials.TransportCredentials.
func (c loggedCreds) ServerHandshake(raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, info, err := c.TransportCredentials.ServerHandshake(raw)
	if err != nil {
		addr := raw.RemoteAddr().String()
		c.n.warn.Warn(context.Background(), c.n.log, logx.EventHandshakeRejected, remoteIPOr(raw.RemoteAddr()),
			"refused an incoming connection: its TLS handshake failed", logx.KeyAddr, addr, logx.KeyReason, err.Error())
	}
	return conn, info, err
}

// Clone implements credentials.TransportCredentials.
func (c loggedCreds) Clone() credentials.TransportCredentials {
	return loggedCreds{TransportCredentials: c.TransportCredentials.Clone(), n: c.n}
}

// remoteIPOr is remoteIP, or the whole address when it is not IP: what a
// source's warnings are limited by before it proved a node ID.
func remoteIPOr(a net.Addr) string {
	if k := remoteIP(a); k != "" {
		return k
	}
	return a.String()
}

// logRefusedCall logs a call the node refused as malformed or in someone
// else's name (EventInvalidMessage): the contract's validation
// (INVALID_ARGUMENT) and a gossip message whose sender is not the caller
// (PERMISSION_DENIED). Rate limits are logged where they are applied
// (caller); other failures are the node's own or normal (a query seen
// before) and not logged.
func (n *Node) logRefusedCall(ctx context.Context, info *grpc.UnaryServerInfo, err error) {
	code := status.Code(err)
	if code != codes.InvalidArgument && code != codes.PermissionDenied {
		return
	}
	id, idErr := identity.PeerNodeID(ctx)
	if idErr != nil {
		id = ""
	}
	addr := ""
	if p, ok := grpcpeer.FromContext(ctx); ok && p.Addr != nil {
		addr = p.Addr.String()
	}
	key := id
	if key == "" {
		key = addr
	}
	reason := err.Error()
	if s, ok := status.FromError(err); ok {
		reason = s.Message()
	}
	n.warn.Warn(ctx, n.log, logx.EventInvalidMessage, key, "refused a peer's invalid message",
		logx.KeyPeer, id, logx.KeyAddr, addr, "method", info.FullMethod, logx.KeyReason, reason)
}
