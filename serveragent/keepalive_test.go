package serveragent

import (
	"context"
	"crypto/tls"
	"io"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	grpcpeer "google.golang.org/grpc/peer"

	"github.com/p2pir/p2pir/serveragent/identity"
)

// pinger is a peer that speaks HTTP/2 itself over a real TLS connection
// with a valid node certificate, to send keepalive pings at a pace of
// its choosing (gRPC's own client never pings more often than every 10
// s). It opens no stream.
type pinger struct {
	fr     *http2.Framer
	acks   chan struct{}
	goaway chan *http2.GoAwayFrame
	closed chan struct{} // the node closed the connection
	sent   int
}

func newPinger(t *testing.T, srv *tnode) *pinger {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := id.ClientTLS(srv.id.NodeID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.NextProtos = []string{"h2"}
	conn, err := tls.Dial("tcp", srv.addr, cfg)
	if err != nil {
		t.Fatalf("the pinger's TLS handshake: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(2 * time.Minute)) // bounds a hang, not a timing claim
	if _, err := io.WriteString(conn, http2.ClientPreface); err != nil {
		t.Fatal(err)
	}
	p := &pinger{fr: http2.NewFramer(conn, conn), acks: make(chan struct{}, 1000), goaway: make(chan *http2.GoAwayFrame, 1), closed: make(chan struct{})}
	if err := p.fr.WriteSettings(); err != nil {
		t.Fatal(err)
	}
	settingsAcked := make(chan struct{})
	acked := false
	go func() { // the only reader; writes happen on the test's goroutine except this ack
		defer close(p.closed)
		for {
			f, err := p.fr.ReadFrame()
			if err != nil {
				return
			}
			switch f := f.(type) {
			case *http2.SettingsFrame:
				if !f.IsAck() && !acked {
					// Written before the test pings (it waits for this).
					p.fr.WriteSettingsAck()
					acked = true
					close(settingsAcked)
				}
			case *http2.PingFrame:
				if f.IsAck() {
					p.acks <- struct{}{}
				}
			case *http2.GoAwayFrame:
				p.goaway <- f
			}
		}
	}()
	select {
	case <-settingsAcked:
	case <-p.closed:
		t.Fatal("the node closed the connection before its settings")
	}
	return p
}

// ping sends one ping.
func (p *pinger) ping(t *testing.T) {
	t.Helper()
	p.sent++
	if err := p.fr.WritePing(false, [8]byte{byte(p.sent)}); err != nil {
		t.Fatalf("ping %d: %v", p.sent, err)
	}
}

// The keepalive enforcement policy (Config.KeepaliveMinTime,
// PermitWithoutStream): a peer pinging back to back is sent GOAWAY
// ENHANCE_YOUR_CALM "too_many_pings" and its connection closed; a peer
// that keeps an idle connection (no call in flight) alive with pings no
// more often than the policy allows gets each ping answered and stays;
// and a gRPC peer calling over its own connection before and after keeps
// that connection.
func TestAPeerPingingTooOftenIsCutOffAndAnHonestOneStays(t *testing.T) {
	const minTime = 200 * time.Millisecond
	cfg := testConfig()
	cfg.KeepaliveMinTime = minTime
	srv := newTCPNode(t, "srv", cfg, nil)

	honest, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	cc, err := TLSDialer{Identity: honest}.Dial(context.Background(), srv.addr, srv.id.NodeID())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	health := healthpb.NewHealthClient(cc)
	localAddr := func() string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var p grpcpeer.Peer
		if _, err := health.Check(ctx, &healthpb.HealthCheckRequest{}, grpc.WaitForReady(true), grpc.Peer(&p)); err != nil {
			t.Fatalf("honest peer's call: %v", err)
		}
		return p.LocalAddr.String()
	}
	before := localAddr()

	// Idle pings at the allowed pace: each waits at least minTime after
	// the last one was answered (later is only more polite).
	polite := newPinger(t, srv)
	for i := range 5 {
		if i > 0 {
			time.Sleep(minTime + 50*time.Millisecond)
		}
		polite.ping(t)
		select {
		case <-polite.acks:
		case g := <-polite.goaway:
			t.Fatalf("a peer pinging every %v with no call in flight was sent GOAWAY %v %q after %d pings", minTime, g.ErrCode, g.DebugData(), polite.sent)
		case <-polite.closed:
			t.Fatalf("the node closed a polite pinger's connection after %d pings", polite.sent)
		}
	}

	// Pings back to back: each sent as soon as the last was answered.
	rude := newPinger(t, srv)
	var goaway *http2.GoAwayFrame
	for goaway == nil {
		if rude.sent == 100 {
			t.Fatal("100 pings back to back and no GOAWAY")
		}
		rude.ping(t)
		select {
		case <-rude.acks:
		case goaway = <-rude.goaway:
		case <-rude.closed:
			t.Fatalf("the connection closed after %d pings without a GOAWAY", rude.sent)
		}
	}
	if goaway.ErrCode != http2.ErrCodeEnhanceYourCalm || string(goaway.DebugData()) != "too_many_pings" {
		t.Fatalf("GOAWAY %v %q, want ENHANCE_YOUR_CALM too_many_pings", goaway.ErrCode, goaway.DebugData())
	}
	select {
	case <-rude.closed:
	case <-time.After(time.Minute): // a bound for a hang
		t.Fatal("the node kept the connection open after its GOAWAY")
	}
	t.Logf("GOAWAY %v %q after %d pings back to back; 5 pings %v apart answered", goaway.ErrCode, goaway.DebugData(), rude.sent, minTime)

	if after := localAddr(); after != before {
		t.Fatalf("the honest peer's connection changed (%s, then %s): it was cut too", before, after)
	}
	select {
	case <-polite.closed:
		t.Fatal("the polite pinger was cut off with the rude one")
	default:
	}
}
