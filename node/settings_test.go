package node

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/p2pir/p2pir/serveragent"
)

// TestNetworkSettingsReachTheNode: hops, fan-out and the per-peer timeout
// come from config.toml's [network] unless the node's Config (the
// flags of p2pir node) sets them, and arrive in the server agent's
// configuration.
func TestNetworkSettingsReachTheNode(t *testing.T) {
	tests := []struct {
		name   string
		file   string
		cfg    Config
		hops   int
		fanout int
		peer   time.Duration
	}{
		{"defaults", "", Config{}, 2, 4, 800 * time.Millisecond},
		{"config.toml", "[network]\nhops = 1\nfanout = 5\npeer_timeout = \"250ms\"\n", Config{}, 1, 5, 250 * time.Millisecond},
		{"Config over config.toml", "[network]\nhops = 1\nfanout = 5\npeer_timeout = \"250ms\"\n", Config{Hops: 3, FanOut: 2, PerPeerTimeout: time.Second}, 3, 2, time.Second},
		{"Server's own values over config.toml", "[network]\nfanout = 5\npeer_timeout = \"250ms\"\n", Config{Server: &serveragent.Config{PerPeerTimeout: 2 * time.Second}}, 2, 5, 2 * time.Second},
	}
	mem := NewMemNetwork()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.file != "" {
				if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(tc.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			cfg := tc.cfg
			cfg.DataDir, cfg.Transport, cfg.NoHTTP, cfg.ManualRounds, cfg.MembershipProfile = dir, mem.Transport(), true, true, "local"
			n, err := Start(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer n.Close(context.Background())
			sc := n.Server().Config()
			if n.Hops() != tc.hops || sc.Routing.Fanout != tc.fanout || sc.PerPeerTimeout != tc.peer {
				t.Fatalf("hops %d, fan-out %d, per-peer timeout %v; want %d, %d, %v", n.Hops(), sc.Routing.Fanout, sc.PerPeerTimeout, tc.hops, tc.fanout, tc.peer)
			}
			if sc.Routing.MaxFanout == 0 || sc.Routing.QueryWeight == 0 {
				t.Errorf("setting the fan-out lost the other routing defaults: %+v", sc.Routing)
			}
		})
	}
}

// TestAMemoryNodeOpensNoHTTPAndNoRunFile: with NoHTTP a node has no API
// address and writes no run file (the CLI must not find it).
func TestAMemoryNodeOpensNoHTTPAndNoRunFile(t *testing.T) {
	dir := t.TempDir()
	n, err := Start(context.Background(), Config{DataDir: dir, Transport: NewMemNetwork().Transport(), NoHTTP: true, MembershipProfile: "local"})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(context.Background())
	if n.HTTPAddr() != "" {
		t.Errorf("HTTPAddr() = %q, want none", n.HTTPAddr())
	}
	if _, err := os.Stat(filepath.Join(dir, RunFile)); !os.IsNotExist(err) {
		t.Errorf("run file: %v, want none", err)
	}
	if got := n.GRPCAddr(); got != "node-1:7070" {
		t.Errorf("GRPCAddr() = %q, want the made-up node-1:7070", got)
	}
}
