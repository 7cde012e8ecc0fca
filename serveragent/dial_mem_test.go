package serveragent

import (
	"bytes"
	"context"
	"io"
	"testing"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// TestMemNetCarriesMessagesLargerThanItsBuffer: an in-memory connection
// passes a largest message (far more than its buffer) whole, the writer
// waiting for the reader as over TCP.
func TestMemNetCarriesMessagesLargerThanItsBuffer(t *testing.T) {
	m := NewMemNet()
	l, err := m.Listen("node-a:7070")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	msg := bytes.Repeat([]byte("0123456789abcdef"), p2pirv1.MaxMessageBytes/16)
	got := make(chan []byte, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- nil
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(io.LimitReader(c, int64(len(msg))))
		got <- b
	}()
	c, err := m.DialContext(context.Background(), "node-a:7070")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if n, err := c.Write(msg); err != nil || n != len(msg) {
		t.Fatalf("write %d of %d bytes: %v", n, len(msg), err)
	}
	if b := <-got; !bytes.Equal(b, msg) {
		t.Fatalf("read %d bytes, want the %d written", len(b), len(msg))
	}
}
