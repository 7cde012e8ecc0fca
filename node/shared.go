package node

import (
	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/membership"
)

// Shared is what the nodes of one process can share: the peers' data
// each node decodes from gossip (fingerprints, collection summaries with
// their signature checks, membership metadata), kept by the bytes it came
// from. Decoding is a pure function of those bytes, so sharing changes
// nothing a node computes; in a simulation of N nodes it decodes each
// peer's data once instead of N times and holds it once instead of N
// times (at 1,000 nodes the fingerprints alone were 8 GB). It also holds
// the client agents' analysis of peers' result text (see
// clientagent.TextTerms), for nodes whose indexes are configured alike.
// Safe for concurrent use.
type Shared struct {
	server  *serveragent.Decoded
	members *membership.Decoded
	text    *clientagent.TextTerms
}

// NewShared returns empty shared caches, for Config.Shared of every node
// of a process.
func NewShared() *Shared {
	return &Shared{server: serveragent.NewDecoded(), members: membership.NewDecoded(), text: clientagent.NewTextTerms()}
}
