package identity

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"testing"
	"time"

	"google.golang.org/grpc/test/bufconn"
)

// handshake runs one TLS connection over a buffered in-memory pipe
// (net.Pipe has no buffer: the server's session ticket, written before it
// reads the client's last flight, would wait forever) between a
// client with ccfg and a server with scfg, exchanging one byte each way
// (so the client reads the session ticket the server sends after the
// handshake). It returns both sides' connection states and errors.
func handshake(t testing.TB, ccfg, scfg *tls.Config) (client, server tls.ConnectionState, cerr, serr error) {
	t.Helper()
	accepted := make(chan net.Conn, 1)
	l := bufconn.Listen(64 << 10)
	defer l.Close()
	go func() {
		if c, err := l.Accept(); err == nil {
			accepted <- c
		}
	}()
	a, err := l.Dial()
	if err != nil {
		t.Fatal(err)
	}
	b := <-accepted
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer b.Close()
		s := tls.Server(b, scfg)
		if serr = s.Handshake(); serr != nil {
			return
		}
		server = s.ConnectionState()
		buf := make([]byte, 1)
		if _, serr = s.Read(buf); serr != nil {
			return
		}
		_, serr = s.Write(buf)
	}()
	c := tls.Client(a, ccfg)
	if cerr = c.Handshake(); cerr == nil {
		client = c.ConnectionState()
		buf := []byte{1}
		if _, cerr = c.Write(buf); cerr == nil {
			_, cerr = c.Read(buf)
		}
	}
	a.Close()
	<-done
	return client, server, cerr, serr
}

// tlsMust returns a function that fails t on a configuration's error.
func tlsMust(t *testing.T) func(*tls.Config, error) *tls.Config {
	return func(cfg *tls.Config, err error) *tls.Config {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
}

// TestSessionsResumeAndStillCheckIdentities: a node that called a peer
// before resumes its TLS session (no certificates sent again), the
// identity checks run on the resumed connection as on a new one, and a
// session is only ever offered to the node it was made with.
func TestSessionsResumeAndStillCheckIdentities(t *testing.T) {
	alice, bob, carol := seededIdentity(t, 1), seededIdentity(t, 2), seededIdentity(t, 3)
	mustTLS := tlsMust(t)
	bobServer := mustTLS(bob.ServerTLS(nil))

	// First call: a full handshake.
	cs, ss, cerr, serr := handshake(t, mustTLS(alice.ClientTLS(bob.NodeID(), nil)), bobServer)
	if cerr != nil || serr != nil {
		t.Fatalf("first handshake: client %v, server %v", cerr, serr)
	}
	if cs.DidResume {
		t.Fatal("the first connection resumed a session it cannot have")
	}
	// Second call: resumed, and both sides still know who the other is.
	cs, ss, cerr, serr = handshake(t, mustTLS(alice.ClientTLS(bob.NodeID(), nil)), bobServer)
	if cerr != nil || serr != nil {
		t.Fatalf("second handshake: client %v, server %v", cerr, serr)
	}
	if !cs.DidResume || !ss.DidResume {
		t.Fatalf("second connection: client resumed %v, server resumed %v; want both", cs.DidResume, ss.DidResume)
	}
	if got, err := verifyPeer(ss.PeerCertificates, time.Now(), alice.NodeID(), nil, nil); err != nil || got != alice.NodeID() {
		t.Fatalf("server side of a resumed connection sees node %q (%v), want alice %s", got, err, alice.NodeID())
	}
	if got, err := verifyPeer(cs.PeerCertificates, time.Now(), bob.NodeID(), nil, nil); err != nil || got != bob.NodeID() {
		t.Fatalf("client side of a resumed connection sees node %q (%v), want bob %s", got, err, bob.NodeID())
	}

	// Alice's session with bob is not offered to carol, even at the same
	// address: dialing carol where bob answers fails as a full handshake.
	_, _, cerr, _ = handshake(t, mustTLS(alice.ClientTLS(carol.NodeID(), nil)), bobServer)
	if !errors.Is(cerr, ErrNodeIDMismatch) {
		t.Fatalf("dialing carol where bob answers: %v, want a node ID mismatch", cerr)
	}

	// The client's check runs on a resumed connection: bob's session,
	// planted under carol's key, resumes with bob and is refused because
	// bob is not carol.
	planted := &recordingCache{ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	toBob := mustTLS(alice.ClientTLS(bob.NodeID(), nil))
	toBob.ClientSessionCache = planted
	if _, _, cerr, serr = handshake(t, toBob, bobServer); cerr != nil || serr != nil {
		t.Fatalf("handshake to record a session: client %v, server %v", cerr, serr)
	}
	if planted.last == nil {
		t.Fatal("bob issued no session ticket")
	}
	toCarol := mustTLS(alice.ClientTLS(carol.NodeID(), nil))
	toCarol.ClientSessionCache = fixedCache{planted.last}
	cs, _, cerr, _ = handshake(t, toCarol, bobServer)
	if !errors.Is(cerr, ErrNodeIDMismatch) {
		t.Fatalf("resuming bob's session while expecting carol: %v (resumed %v), want a node ID mismatch", cerr, cs.DidResume)
	}

	// The server's check runs on a resumed connection: a network whose
	// secret bob's server now requires refuses alice's session (made on
	// the open network) for lack of a membership proof, though its
	// ticket keys are the same.
	secret := []byte(NewSecret())
	closed := mustTLS(bob.ServerTLS(secret))
	closed.SetSessionTicketKeys([][32]byte{{1}})
	open := bobServer.Clone()
	open.SetSessionTicketKeys([][32]byte{{1}})
	viaOpen := mustTLS(alice.ClientTLS(bob.NodeID(), nil))
	viaOpen.ClientSessionCache = &recordingCache{ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	if _, _, cerr, serr = handshake(t, viaOpen, open); cerr != nil || serr != nil {
		t.Fatalf("handshake on the open network: client %v, server %v", cerr, serr)
	}
	_, ss, _, serr = handshake(t, viaOpen, closed)
	if !errors.Is(serr, ErrNotMember) {
		t.Fatalf("resuming an open-network session with a closed network's server: %v (resumed %v), want not a member", serr, ss.DidResume)
	}
}

// TestVerifiedCertificatesAreRemembered: a certificate's self-signature
// is checked once; a tampered certificate is refused even when its
// genuine twin was remembered.
func TestVerifiedCertificatesAreRemembered(t *testing.T) {
	alice := seededIdentity(t, 1)
	cert := alice.Certificate().Leaf
	if cert == nil {
		t.Fatal("certificate has no parsed leaf")
	}
	v := newVerifiedCerts()
	if _, err := verifyPeer([]*x509.Certificate{cert}, time.Now(), alice.NodeID(), nil, v); err != nil {
		t.Fatal(err)
	}
	if !v.has(sha256.Sum256(cert.Raw)) {
		t.Fatal("a verified certificate was not remembered")
	}
	forged := *cert
	forged.Raw = append([]byte(nil), cert.Raw...)
	forged.Signature = append([]byte(nil), cert.Signature...)
	forged.Signature[0] ^= 1
	forged.Raw[len(forged.Raw)-1] ^= 1 // its DER bytes differ too
	if _, err := verifyPeer([]*x509.Certificate{&forged}, time.Now(), alice.NodeID(), nil, v); !errors.Is(err, ErrBadCertificate) {
		t.Fatalf("forged signature: %v, want a bad certificate", err)
	}
	// The cache is bounded.
	for i := range verifiedCacheSize + 10 {
		var sum [sha256.Size]byte
		sum[0], sum[1] = byte(i), byte(i>>8)
		v.add(sum)
	}
	if len(v.set) != verifiedCacheSize || len(v.ring) != verifiedCacheSize {
		t.Fatalf("cache holds %d hashes (%d in its ring), want at most %d", len(v.set), len(v.ring), verifiedCacheSize)
	}
}

// recordingCache keeps the last session put into it.
type recordingCache struct {
	tls.ClientSessionCache
	last *tls.ClientSessionState
}

func (r *recordingCache) Put(key string, cs *tls.ClientSessionState) {
	if cs != nil {
		r.last = cs
	}
	r.ClientSessionCache.Put(key, cs)
}

// fixedCache offers one session for every key and keeps nothing.
type fixedCache struct{ cs *tls.ClientSessionState }

func (f fixedCache) Get(string) (*tls.ClientSessionState, bool) { return f.cs, true }
func (fixedCache) Put(string, *tls.ClientSessionState)          {}

// BenchmarkHandshake measures a full TLS handshake between two nodes (both
// certificates, both signatures) against a resumed one, over an in-memory
// pipe, both ends in this process as in a simulation.
func BenchmarkHandshake(b *testing.B) {
	alice, bob := seededIdentity(b, 1), seededIdentity(b, 2)
	server, err := bob.ServerTLS(nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name   string
		resume bool
		curves []tls.CurveID // the client's key exchanges; nil: Go's default (X25519 with ML-KEM first)
	}{
		{"full", false, nil}, {"resumed", true, nil},
		// What the simulator's in-memory transport offers (serveragent.MemNet).
		{"full-x25519", false, []tls.CurveID{tls.X25519}}, {"resumed-x25519", true, []tls.CurveID{tls.X25519}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			client, err := alice.ClientTLS(bob.NodeID(), nil)
			if err != nil {
				b.Fatal(err)
			}
			client.CurvePreferences = bc.curves
			if !bc.resume {
				client.ClientSessionCache = nil
			}
			if _, _, cerr, serr := handshake(b, client, server); cerr != nil || serr != nil { // a session to resume
				b.Fatalf("client %v, server %v", cerr, serr)
			}
			for b.Loop() {
				cs, _, cerr, serr := handshake(b, client, server)
				if cerr != nil || serr != nil {
					b.Fatalf("client %v, server %v", cerr, serr)
				}
				if cs.DidResume != bc.resume {
					b.Fatalf("resumed %v, want %v", cs.DidResume, bc.resume)
				}
			}
		})
	}
}
