package serveragent

import (
	"strings"
	"testing"

	"github.com/p2pir/p2pir/serveragent/identity"
)

// TestPeerNamesAreKeptReadableOrDropped: a peer's announced name is kept
// and listed; a later announcement without a name (a gossip path that
// carries none) keeps it; a name no one can read safely is dropped, the
// peer kept.
func TestPeerNamesAreKeptReadableOrDropped(t *testing.T) {
	a := newNode(t, NewMemNet(), "a", testConfig(), nil)
	for _, tc := range []struct {
		name, announced, want string
	}{
		{"readable", "Zoë's desk", "Zoë's desk"},
		{"escape sequence", "\x1b[2Jowned", ""},
		{"bidi override", "bob\u202egpj", ""},
		{"too long", strings.Repeat("x", 200), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id, err := identity.Generate()
			if err != nil {
				t.Fatal(err)
			}
			if err := a.node.UpsertPeer(NodeInfo{ID: id.NodeID(), Addr: "p1:7070", Name: tc.announced}); err != nil {
				t.Fatalf("UpsertPeer: %v (the peer must be kept whatever its name)", err)
			}
			if got := a.node.PeerName(id.NodeID()); got != tc.want {
				t.Errorf("PeerName = %q, want %q", got, tc.want)
			}
			if err := a.node.UpsertPeer(NodeInfo{ID: id.NodeID(), Addr: "p1:7070"}); err != nil {
				t.Fatal(err)
			}
			for _, p := range a.node.Peers() {
				if p.ID == id.NodeID() && p.Name != tc.want {
					t.Errorf("after an announcement without a name, listed as %q, want %q", p.Name, tc.want)
				}
			}
		})
	}
}
