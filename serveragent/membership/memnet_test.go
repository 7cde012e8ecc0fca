package membership

import (
	"errors"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"
)

// newTransports returns k transports of one network, shut down when the
// test ends.
func newTransports(t *testing.T, n *MemNetwork, k int) []*MemTransport {
	t.Helper()
	out := make([]*MemTransport, k)
	for i := range out {
		tr, err := n.NewTransport()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = tr.Shutdown() })
		out[i] = tr
	}
	return out
}

// Claim: each transport gets its own address, and advertises it whatever
// memberlist asks for.
func TestMemTransportAddresses(t *testing.T) {
	trs := newTransports(t, NewMemNetwork(), 300)
	seen := map[string]bool{}
	for _, tr := range trs {
		if seen[tr.Addr()] {
			t.Fatalf("address %s given twice", tr.Addr())
		}
		seen[tr.Addr()] = true
		ip, port, err := tr.FinalAdvertiseAddr("127.9.9.9", 1)
		if err != nil || net.JoinHostPort(ip.String(), strconv.Itoa(port)) != tr.Addr() {
			t.Errorf("FinalAdvertiseAddr = %v:%d %v, want %s", ip, port, err, tr.Addr())
		}
	}
	if trs[0].Addr() != "127.1.0.1:7946" || trs[255].Addr() != "127.1.1.0:7946" {
		t.Errorf("addresses %s, %s; want 127.1.0.1:7946, 127.1.1.0:7946", trs[0].Addr(), trs[255].Addr())
	}
}

// Claim: a packet reaches the transport at its address with the sender's
// address and a copy of the bytes; packets to an unknown or shut-down
// address are dropped without error and without blocking.
func TestMemTransportPackets(t *testing.T) {
	n := NewMemNetwork()
	trs := newTransports(t, n, 3)
	a, b, c := trs[0], trs[1], trs[2]
	buf := []byte("ping")
	if _, err := a.WriteTo(buf, b.Addr()); err != nil {
		t.Fatal(err)
	}
	buf[0] = 'X' // the sender may reuse its buffer
	select {
	case p := <-b.PacketCh():
		if string(p.Buf) != "ping" || p.From.String() != a.Addr() {
			t.Errorf("got %q from %s, want \"ping\" from %s", p.Buf, p.From, a.Addr())
		}
	case <-time.After(time.Second):
		t.Fatal("packet not delivered")
	}
	if err := c.Shutdown(); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{c.Addr(), "127.200.0.1:7946", "not an address"} {
		done := make(chan error, 1)
		go func() { _, err := a.WriteTo([]byte("x"), to); done <- err }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("WriteTo(%s) = %v, want a silent drop", to, err)
			}
		case <-time.After(time.Second):
			t.Fatalf("WriteTo(%s) blocked", to)
		}
	}
	if _, err := c.WriteTo([]byte("x"), a.Addr()); !errors.Is(err, errTransportShutdown) {
		t.Errorf("WriteTo from a shut-down transport = %v, want errTransportShutdown", err)
	}
}

// Claim: a full inbox drops further packets instead of blocking the
// sender, as a busy UDP socket would.
func TestMemTransportFullInboxDrops(t *testing.T) {
	trs := newTransports(t, NewMemNetwork(), 2)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range memInbox + 100 {
			_, _ = trs[0].WriteTo([]byte("x"), trs[1].Addr())
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("sender blocked on a full inbox")
	}
	if got := len(trs[1].PacketCh()); got != memInbox {
		t.Errorf("inbox holds %d packets, want %d", got, memInbox)
	}
}

// Claim: an accepted stream carries bytes both ways between the two
// transports' addresses; dials to unknown or shut-down addresses are
// refused at once; a dial nobody accepts fails after its timeout.
func TestMemTransportStreams(t *testing.T) {
	n := NewMemNetwork()
	trs := newTransports(t, n, 3)
	a, b, c := trs[0], trs[1], trs[2]

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // b echoes one stream
		defer wg.Done()
		conn := <-b.StreamCh()
		defer conn.Close()
		if conn.RemoteAddr().String() != a.Addr() || conn.LocalAddr().String() != b.Addr() {
			t.Errorf("server end: local %s remote %s", conn.LocalAddr(), conn.RemoteAddr())
		}
		_, _ = io.Copy(conn, io.LimitReader(conn, 5))
	}()
	conn, err := a.DialTimeout(b.Addr(), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if _, err := io.ReadFull(conn, got); err != nil || string(got) != "hello" {
		t.Errorf("echo = %q, %v", got, err)
	}
	_ = conn.Close()
	wg.Wait()

	if err := c.Shutdown(); err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{c.Addr(), "127.200.0.1:7946"} {
		start := time.Now()
		_, err := a.DialTimeout(to, 5*time.Second)
		var op *net.OpError
		if !errors.As(err, &op) || !errors.Is(err, errConnRefused) || time.Since(start) > time.Second {
			t.Errorf("dial %s = %v after %v, want an immediate refusal", to, err, time.Since(start))
		}
	}
	// b is live but nobody reads its streams now.
	start := time.Now()
	if _, err := a.DialTimeout(b.Addr(), 100*time.Millisecond); err == nil || time.Since(start) < 100*time.Millisecond {
		t.Errorf("unaccepted dial = %v after %v, want failure after the timeout", err, time.Since(start))
	}
	if _, err := c.DialTimeout(a.Addr(), time.Second); !errors.Is(err, errTransportShutdown) {
		t.Errorf("dial from a shut-down transport = %v, want errTransportShutdown", err)
	}
}

// Claim: transports can be created, used and shut down concurrently (run
// with -race).
func TestMemNetworkConcurrentUse(t *testing.T) {
	n := NewMemNetwork()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tr, err := n.NewTransport()
			if err != nil {
				t.Error(err)
				return
			}
			for range 50 {
				_, _ = tr.WriteToAddress([]byte("x"), memberlist.Address{Addr: "127.1.0.1:7946"})
			}
			_ = tr.Shutdown()
			_ = tr.Shutdown()
		}()
	}
	wg.Wait()
}
