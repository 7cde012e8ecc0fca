// Package membership keeps the list of live p2pir peers and detects
// failures, using hashicorp/memberlist (SWIM gossip) rather than a home-made
// peer list.
//
// A node calls Start with its node ID, the gRPC address peers should dial,
// its software version and, optionally, seeds to join (any member's gossip
// address). Members then lists the live peers with their metadata, and
// OnChange reports joins, updates, leaves and failures as they happen.
//
// # Names and metadata
//
// Each member's memberlist name is its node ID, and its memberlist metadata
// carries the node ID again, the gRPC address, the version and the name
// the person gave the node, if any (Meta),
// encoded as a small JSON object, at most memberlist.MetaMaxSize (512)
// bytes. An alive message whose metadata does not decode, fails
// Meta.Validate (apart from the name: an unreadable name, see
// ValidateName, is dropped and the member listed without one), or names
// another node ID than the memberlist name is
// refused through memberlist's AliveDelegate: that member is not listed,
// not gossiped onwards by this node, and the refusal is logged (at most
// once a minute per name). Metadata is a claim, not a proof: the gRPC layer
// checks a peer's node ID against its key (package identity) whenever it
// connects.
//
// # One entry per node ID
//
// Because the name is the node ID, a node ID is listed at most once. When a
// second process announces a node ID that is already listed at another
// gossip address (two processes sharing a key, or a restart on another
// port), memberlist keeps the entry it has while that entry is alive or
// suspect: the newcomer is refused as a name conflict and logged, so a live
// node cannot be displaced by someone else's claim. Once the earlier entry
// has left or been declared dead, the latest announcement wins and the node
// ID is listed at its new address (memberlist's DeadNodeReclaimTime is set
// to reclaim at once). A member that still held the old entry alive when
// the newcomer was announced learns of it at its next push-pull
// (PushPullInterval: 5 s with ProfileLocal, 30 s LAN). A restart on the
// same address is ordinary memberlist business: the new process refutes its
// old incarnation.
//
// # States
//
// Members lists live members, sorted by node ID. memberlist v0.7.0 does not
// tell its users which live members are suspected (the State field of its
// Node is never filled in: hashicorp/memberlist issues 266 and 293), so a
// suspected member stays listed as StateAlive until memberlist declares it
// dead. A member that stops answering is reported StateDead; one that calls
// Leave is reported StateLeft. memberlist cannot tell those two apart
// either, so before leaving a member gossips a leave notice (a memberlist
// user broadcast, relayed by every member) naming itself and the nonce of
// its current run; a member that disappears after its notice arrived is
// reported left, and a notice that arrives after the member was reported
// dead turns it into left with a second OnChange.
//
// # Events
//
// OnChange runs on a goroutine of its own, in the order memberlist
// delivered the events, never on memberlist's goroutines: events are
// queued without bound (they are few: one per membership change) and the
// queue is drained on Shutdown.
//
// # Transports
//
// By default memberlist's own UDP+TCP transport is bound to BindAddr and
// BindPort (port 0 picks a free port; GossipAddr reports the real address).
// For simulations that run many nodes in one process, set Config.Transport
// to a transport of a MemNetwork: an in-memory network that behaves like a
// real one when a node stops (packets to it are dropped, dials to it are
// refused). memberlist's own MockNetwork is not fit for that: a send to a
// node that has shut down blocks forever, so failures are never detected
// and the sender's probe goroutine hangs.
//
// # Network secret
//
// With Config.SecretKey set (derive it with identity.MemberlistKey from the
// network secret), all gossip is encrypted with AES-GCM and unencrypted or
// differently keyed messages are dropped, so outsiders can neither join nor
// read the member list. The gRPC layer checks the same secret separately
// (package identity).
//
// # Joining
//
// Start with no seeds makes the first member of a new network. Start with
// seeds fails with ErrJoinFailed when none of them answers, unless
// Config.AllowLone is set: the node then starts alone and tries the seeds
// again every RejoinInterval until one answers.
package membership
