package membership

import "time"

// State is what this node knows of a member's liveness.
type State string

// The states a Member can be in. memberlist's "suspect" state is not among
// them: memberlist v0.7.0 does not expose it, so a suspected member is
// reported alive until it is declared dead (see the package documentation).
const (
	// StateAlive: the member answers, or is only suspected of not
	// answering.
	StateAlive State = "alive"
	// StateDead: the member stopped answering and was declared dead.
	StateDead State = "dead"
	// StateLeft: the member left on purpose (Leave).
	StateLeft State = "left"
)

// Member is one node of the network as this node sees it.
type Member struct {
	Meta
	// GossipAddr is the member's memberlist address, host:port; give it to
	// Join (or --join) to join the network through this member.
	GossipAddr string
	// State is the member's liveness.
	State State
	// Since is when this node learned that the member entered State.
	Since time.Time
}
