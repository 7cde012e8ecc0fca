package node

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStartOnATakenAddressFailsCleanly: when one of the node's addresses
// is taken, Start says which one, does not panic, and releases everything
// it opened: the same configuration starts once the address is free
// (store and index unlocked, the other ports closed), and another node's
// run file in the data directory is left alone.
func TestStartOnATakenAddressFailsCleanly(t *testing.T) {
	for _, tc := range []struct {
		name, what string
		taken      func(*Config) *string
	}{
		{"gRPC", "gRPC", func(c *Config) *string { return &c.GRPCAddr }},
		{"gossip", "gossip", func(c *Config) *string { return &c.GossipAddr }},
		{"HTTP", "HTTP API", func(c *Config) *string { return &c.HTTPAddr }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// Only the taken address is fixed; the others are chosen by
			// the kernel at each start, so no other test can take them
			// between the two starts (a port found free and released
			// earlier can be).
			cfg := Config{DataDir: dir, HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0", MembershipProfile: "local"}
			holder, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			*tc.taken(&cfg) = holder.Addr().String()
			runFile := filepath.Join(dir, RunFile)
			if err := os.WriteFile(runFile, []byte(`{"http": "127.0.0.1:1"}`), 0o600); err != nil {
				t.Fatal(err)
			}

			n, err := Start(context.Background(), cfg)
			if err == nil {
				n.Close(context.Background())
				holder.Close()
				t.Fatal("started on a taken address")
			}
			want := "the " + tc.what + " address " + *tc.taken(&cfg) + " is in use"
			if !errors.Is(err, ErrAddressInUse) || !strings.Contains(err.Error(), want) {
				t.Errorf("error %q, want %q", err, want)
			}
			if _, statErr := os.Stat(runFile); statErr != nil {
				t.Errorf("the failed start removed the run file it had not written: %v", statErr)
			}

			holder.Close()
			os.Remove(runFile)
			n, err = Start(context.Background(), cfg)
			if err != nil {
				t.Fatalf("the same configuration, once the address is free: %v", err)
			}
			if err := n.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
		})
	}
}
