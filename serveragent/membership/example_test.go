package membership_test

import (
	"fmt"
	"log"
	"time"

	"github.com/p2pir/p2pir/serveragent/membership"
)

// Two nodes in one process over an in-memory network: the second joins
// through the first, and each lists the other with its metadata.
func Example() {
	network := membership.NewMemNetwork()
	start := func(nodeID, grpcAddr string, join ...string) *membership.Membership {
		tr, err := network.NewTransport()
		if err != nil {
			log.Fatal(err)
		}
		cfg := membership.DefaultConfig()
		cfg.NodeID, cfg.GRPCAddr, cfg.Version = nodeID, grpcAddr, "example"
		cfg.Profile = membership.ProfileLocal
		cfg.Transport = tr
		cfg.Join = join
		m, err := membership.Start(cfg)
		if err != nil {
			log.Fatal(err)
		}
		return m
	}
	first := start("p2p1aaaaaaaaaaaaaaaaaaaaaaaaaa", "first.example:7070")
	defer first.Shutdown()
	second := start("p2p1bbbbbbbbbbbbbbbbbbbbbbbbbb", "second.example:7070", first.GossipAddr())
	defer second.Shutdown()

	for len(first.Members()) == 0 {
		time.Sleep(10 * time.Millisecond)
	}
	for _, m := range first.Members() {
		fmt.Println(m.NodeID, m.GRPCAddr, m.State, m.GossipAddr == second.GossipAddr())
	}
	// Output:
	// p2p1bbbbbbbbbbbbbbbbbbbbbbbbbb second.example:7070 alive true
}
