package serveragent

import (
	"context"
	"fmt"
	"testing"
	"time"

	"golang.org/x/time/rate"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// searchAs makes calls Search calls to srv over TCP as the node id, and
// returns how many were served; any refusal but RESOURCE_EXHAUSTED fails
// the test.
func searchAs(t *testing.T, id *identity.Identity, srv *tnode, calls int) int {
	t.Helper()
	cc, err := TLSDialer{Identity: id}.Dial(context.Background(), srv.addr, srv.id.NodeID())
	if err != nil {
		t.Fatal(err)
	}
	defer cc.Close()
	cl := p2pirv1.NewPeerClient(cc)
	served := 0
	for i := range calls {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		req := &p2pirv1.SearchRequest{QueryId: fmt.Sprintf("%.8s-%d", id.NodeID(), i), Origin: &p2pirv1.NodeInfo{NodeId: id.NodeID()},
			Text: "x", K: 1, Visited: []string{id.NodeID()}}
		_, err := cl.Search(ctx, req)
		cancel()
		switch status.Code(err) {
		case codes.OK:
			served++
		case codes.ResourceExhausted:
		default:
			t.Fatalf("call %d of %s: %v", i, id.NodeID(), err)
		}
	}
	return served
}

// 200 calls spread over 5 fresh node IDs from one address (real gRPC over
// loopback) are served only as far as the budgets a new key does not
// reset allow: the nodes new to the server share one budget (RateNew),
// one address has one (RatePerAddress), the server one in all
// (RateTotal). A peer that proved its ID and has been known for
// EstablishedAfter is still served from the same address once the fresh
// ones are turned away, except when the server as a whole is over its
// budget. Rates are tiny so that no bucket refills while the test runs:
// each burst is the budget.
func TestRateLimitsThatANewKeyDoesNotReset(t *testing.T) {
	const ids, callsEach, slow = 5, 40, rate.Limit(0.001)
	tests := []struct {
		name string
		set  func(*Config)
		// served is how many of the fresh nodes' calls are served: the
		// burst of the budget that binds (Burst 40 times the rate's
		// multiple of RatePerPeer), less the one call the established
		// peer made while it was new.
		served        int
		establishedOK bool
	}{
		{"one address has a budget", func(c *Config) {}, 120 - 1, true}, // the defaults: 3 × and 5 × RatePerPeer
		{"nodes new to the server share a budget", func(c *Config) { c.RatePerAddress = rate.Inf; c.RateNew = slow }, 40 - 1, true},
		{"the server has a budget", func(c *Config) { c.RateNew, c.RatePerAddress = rate.Inf, rate.Inf; c.RateTotal = 2 * slow }, 80 - 1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.RatePerPeer, cfg.Burst = slow, 40
			cfg.EstablishedAfter = time.Nanosecond // known at all is known for long enough here
			tc.set(&cfg)
			srv := newTCPNode(t, "srv", cfg, nil)
			// The established peer gossips first: it proves its ID and
			// joins the table.
			old, err := identity.Generate()
			if err != nil {
				t.Fatal(err)
			}
			gossipAs(t, old, srv, &p2pirv1.ProfileExchange{Sender: &p2pirv1.NodeInfo{NodeId: old.NodeID()}})

			served := 0
			for range ids {
				fresh, err := identity.Generate()
				if err != nil {
					t.Fatal(err)
				}
				served += searchAs(t, fresh, srv, callsEach)
			}
			if served != tc.served {
				t.Fatalf("%d of %d calls from %d fresh node IDs served, want %d", served, ids*callsEach, ids, tc.served)
			}
			if ok := searchAs(t, old, srv, 1) == 1; ok != tc.establishedOK {
				t.Fatalf("the established peer served: %v, want %v", ok, tc.establishedOK)
			}
		})
	}
}

// BenchmarkCallAdmission is the cost of the budgets on every incoming
// call: an established peer's call draws on two token buckets, a new
// node's on four (rates high enough that none is refused).
func BenchmarkCallAdmission(b *testing.B) {
	cfg, err := Config{RatePerPeer: 1e9, Burst: 1e9}.resolve()
	if err != nil {
		b.Fatal(err)
	}
	for _, established := range []bool{true, false} {
		name := "new"
		if established {
			name = "established"
		}
		b.Run(name, func(b *testing.B) {
			l := newCallLimits(cfg)
			now := time.Now()
			for i := 0; b.Loop(); i++ {
				if why := l.admit("p2p1node", "192.0.2.1", established, now.Add(time.Duration(i))); why != "" {
					b.Fatal(why)
				}
			}
		})
	}
}
