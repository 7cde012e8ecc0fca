package serveragent

import (
	"testing"
	"time"
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
	bad := []struct {
		name string
		cfg  Config
	}{
		{"unknown strategy", Config{Strategy: "gossip"}},
		{"K over 100", Config{K: 101}},
		{"negative timeout", Config{PerPeerTimeout: -time.Second}},
		{"too many gossip entries", Config{GossipEntries: 65}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.cfg.resolve(); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}
