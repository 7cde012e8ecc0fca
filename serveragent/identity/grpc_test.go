package identity

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
)

// testServer is a gRPC server with the health service on 127.0.0.1, secured
// by ServerTLS, that records why handshakes failed on its side and which
// node ID each accepted call came from.
type testServer struct {
	addr string

	mu       sync.Mutex
	refusals []error
	callers  []string
}

// recordingCreds records the server's handshake errors.
type recordingCreds struct {
	credentials.TransportCredentials
	s *testServer
}

func (r recordingCreds) ServerHandshake(c net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, info, err := r.TransportCredentials.ServerHandshake(c)
	if err != nil {
		r.s.mu.Lock()
		r.s.refusals = append(r.s.refusals, err)
		r.s.mu.Unlock()
	}
	return conn, info, err
}

func startServer(t *testing.T, id *Identity, secret []byte) *testServer {
	t.Helper()
	creds, err := id.ServerCredentials(secret)
	if err != nil {
		t.Fatal(err)
	}
	s := &testServer{}
	record := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		caller, err := PeerNodeID(ctx)
		if err != nil {
			return nil, status.Errorf(codes.Unauthenticated, "%v", err)
		}
		s.mu.Lock()
		s.callers = append(s.callers, caller)
		s.mu.Unlock()
		return h(ctx, req)
	}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(recordingCreds{creds, s}), grpc.UnaryInterceptor(record))
	healthpb.RegisterHealthServer(srv, health.NewServer())
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	s.addr = lis.Addr().String()
	return s
}

func (s *testServer) callersSeen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.callers...)
}

// waitRefusal waits (a few seconds at most) for a server-side handshake
// error matching match, and returns all errors seen if none does.
func (s *testServer) waitRefusal(match func(error) bool) (bool, []error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.mu.Lock()
		refusals := append([]error(nil), s.refusals...)
		s.mu.Unlock()
		for _, e := range refusals {
			if match(e) {
				return true, nil
			}
		}
		if time.Now().After(deadline) {
			return false, refusals
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// healthCheck dials addr with creds and asks the health service, within a
// deadline.
func healthCheck(t *testing.T, addr string, creds credentials.TransportCredentials) error {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	resp, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		return err
	}
	if resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Fatalf("health status %v, want SERVING", resp.GetStatus())
	}
	return nil
}

func TestMutualTLSOverGRPC(t *testing.T) {
	server, client, stranger := seededIdentity(t, 1), seededIdentity(t, 2), seededIdentity(t, 3)
	secret := []byte("the secret of this private network")
	wrongSecret := []byte("the secret of some other network!!")

	clientCreds := func(t *testing.T, expected string, secret []byte) credentials.TransportCredentials {
		creds, err := client.ClientCredentials(expected, secret)
		if err != nil {
			t.Fatal(err)
		}
		return creds
	}
	// careless is a client with the given secret that skips checking the
	// server, so that the server's own check is what refuses it.
	careless := func(t *testing.T, secret []byte) credentials.TransportCredentials {
		cfg, err := client.ClientTLS(server.NodeID(), secret)
		if err != nil {
			t.Fatal(err)
		}
		cfg.VerifyConnection = nil
		return credentials.NewTLS(cfg)
	}

	tests := []struct {
		name         string
		serverSecret []byte
		creds        func(t *testing.T) credentials.TransportCredentials
		// wantRefused: the health check must fail at the handshake.
		wantRefused bool
		// wantClientErr: substrings of the client's error, when the client
		// is the side that refuses (its reason is then known to it).
		wantClientErr []string
		// wantServerErr: the server's handshake must fail with an error
		// for which this holds, when the server is the side that refuses.
		wantServerErr func(error) bool
	}{
		{
			name:  "expected node ID connects and the health check answers",
			creds: func(t *testing.T) credentials.TransportCredentials { return clientCreds(t, server.NodeID(), nil) },
		},
		{
			name:          "server with another key than the expected node ID is refused",
			creds:         func(t *testing.T) credentials.TransportCredentials { return clientCreds(t, stranger.NodeID(), nil) },
			wantRefused:   true,
			wantClientErr: []string{"expected node " + stranger.NodeID(), "is node " + server.NodeID()},
		},
		{
			name: "client without a certificate is refused",
			creds: func(t *testing.T) credentials.TransportCredentials {
				return credentials.NewTLS(&tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS13})
			},
			wantRefused:   true,
			wantServerErr: errorContains("client didn't provide a certificate"),
		},
		{
			name: "client with a non-node certificate is refused",
			creds: func(t *testing.T) credentials.TransportCredentials {
				cfg, err := client.ClientTLS(server.NodeID(), nil)
				if err != nil {
					t.Fatal(err)
				}
				leaf, key := ecdsaCert(t)
				cfg.Certificates = nil
				cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
					return &tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key}, nil
				}
				return credentials.NewTLS(cfg)
			},
			wantRefused:   true,
			wantServerErr: errorIs(ErrBadCertificate),
		},
		{
			name:         "member with the network secret is accepted",
			serverSecret: secret,
			creds:        func(t *testing.T) credentials.TransportCredentials { return clientCreds(t, server.NodeID(), secret) },
		},
		{
			name:          "node without the secret is refused by a private network",
			serverSecret:  secret,
			creds:         func(t *testing.T) credentials.TransportCredentials { return clientCreds(t, server.NodeID(), nil) },
			wantRefused:   true,
			wantServerErr: errorIs(ErrNotMember),
		},
		{
			name:         "node with a wrong secret refuses the server, which cannot prove membership",
			serverSecret: secret,
			creds: func(t *testing.T) credentials.TransportCredentials {
				return clientCreds(t, server.NodeID(), wrongSecret)
			},
			wantRefused:   true,
			wantClientErr: []string{"another network secret", server.NodeID()},
		},
		{
			name:          "node with a wrong secret that skips its own check is refused by the server",
			serverSecret:  secret,
			creds:         func(t *testing.T) credentials.TransportCredentials { return careless(t, wrongSecret) },
			wantRefused:   true,
			wantServerErr: errorIs(ErrNotMember),
		},
		{
			name:          "member refuses a server outside its private network",
			creds:         func(t *testing.T) credentials.TransportCredentials { return clientCreds(t, server.NodeID(), secret) },
			wantRefused:   true,
			wantClientErr: []string{"no membership proof", server.NodeID()},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startServer(t, server, tt.serverSecret)
			err := healthCheck(t, srv.addr, tt.creds(t))
			callers := srv.callersSeen()
			if !tt.wantRefused {
				if err != nil {
					t.Fatalf("health check failed: %v", err)
				}
				if len(callers) != 1 || callers[0] != client.NodeID() {
					t.Fatalf("server saw callers %v, want [%s]", callers, client.NodeID())
				}
				return
			}
			if err == nil {
				t.Fatal("health check succeeded, want refusal")
			}
			if code := status.Code(err); code != codes.Unavailable {
				t.Errorf("status %v, want Unavailable (refused at the handshake)", code)
			}
			for _, s := range tt.wantClientErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("client error %q does not contain %q", err, s)
				}
			}
			if len(callers) != 0 {
				t.Errorf("a refused client reached a handler as %v", callers)
			}
			if tt.wantServerErr != nil {
				if ok, seen := srv.waitRefusal(tt.wantServerErr); !ok {
					t.Errorf("server handshake errors %v, none is the expected refusal", seen)
				}
			}
		})
	}
}

func TestServerSpeaksOnlyTLS13(t *testing.T) {
	srv := startServer(t, seededIdentity(t, 1), nil)
	client := seededIdentity(t, 2)
	cfg, err := client.ClientTLS(seededIdentity(t, 1).NodeID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		version  uint16
		wantFail bool
	}{
		{"TLS 1.2 is refused", tls.VersionTLS12, true},
		{"TLS 1.3 is accepted", tls.VersionTLS13, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cfg.Clone()
			c.MinVersion, c.MaxVersion = tls.VersionTLS12, tt.version
			c.NextProtos = []string{"h2"}
			d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: c}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, err := d.DialContext(ctx, "tcp", srv.addr)
			if err == nil {
				conn.Close()
			}
			if (err != nil) != tt.wantFail {
				t.Fatalf("dial error %v, want failure %v", err, tt.wantFail)
			}
		})
	}
}

func TestPeerNodeIDOutsideAGRPCHandler(t *testing.T) {
	_, err := PeerNodeID(context.Background())
	if !errors.Is(err, ErrNoPeerIdentity) {
		t.Fatalf("PeerNodeID = %v, want ErrNoPeerIdentity", err)
	}
}

func TestTLSConfigsRefuseBadInput(t *testing.T) {
	id := seededIdentity(t, 1)
	tests := []struct {
		name string
		call func() error
	}{
		{"server with a short secret", func() error { _, err := id.ServerTLS([]byte("short")); return err }},
		{"client with a short secret", func() error { _, err := id.ClientTLS(id.NodeID(), []byte("short")); return err }},
		{"client pinned to no node", func() error { _, err := id.ClientTLS("", nil); return err }},
		{"client pinned to a host name", func() error { _, err := id.ClientCredentials("example.org", nil); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err == nil {
				t.Fatal("accepted, want an error")
			}
		})
	}
}

func errorIs(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

func errorContains(s string) func(error) bool {
	return func(err error) bool { return strings.Contains(err.Error(), s) }
}
