package serveragent

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// resolve fills zero fields with the documented defaults and refuses
// values that cannot work.
func TestConfigResolve(t *testing.T) {
	got, err := Config{Seed: 9}.resolve()
	if err != nil {
		t.Fatal(err)
	}
	if got.PerPeerTimeout != 800*time.Millisecond || got.MaxPeers != 1024 || got.Strategy != "interest" || got.Cluster.Seed != 9 {
		t.Fatalf("defaults not filled: %+v", got)
	}
	if got.RatePerAddress != 60 || got.RateNew != 100 || got.RateTotal != 500 || got.MaxConnsPerAddress != DefaultMaxConnsPerAddress {
		t.Fatalf("limits derived from RatePerPeer not filled: %+v", got)
	}
	// The peers of an experiment on one machine trust each other: with
	// RatePerPeer infinite, the limits per address and in all are off
	// too (every node calls from the same address), unless set.
	inf := DefaultConfig()
	inf.RatePerPeer = rate.Inf
	inf.MaxInboundConns = 0
	if got, err = inf.resolve(); err != nil {
		t.Fatal(err)
	}
	if got.RatePerAddress != rate.Inf || got.RateNew != rate.Inf || got.RateTotal != rate.Inf || got.MaxConnsPerAddress != -1 || got.MaxInboundConns != 1024 {
		t.Fatalf("RatePerPeer inf: %+v", got)
	}
	bad := []struct {
		name string
		cfg  Config
	}{
		{"unknown strategy", Config{Strategy: "gossip"}},
		{"K over 100", Config{K: 101}},
		{"negative timeout", Config{PerPeerTimeout: -time.Second}},
		{"too many gossip entries", Config{GossipEntries: 65}},
		{"connection cap below -1", Config{MaxConnsPerAddress: -2}},
		{"negative handshake timeout", Config{HandshakeTimeout: -time.Second}},
		{"negative rate per address", Config{RatePerAddress: -1}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.cfg.resolve(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
