// Package serveragent is a p2pir node's server agent: the gRPC service
// p2pir.v1.Peer that other nodes call (Search, ExchangeProfiles, Recommend,
// FetchDocument, plus the standard health service) and the client side
// that calls them.
//
// A Node holds one node's identity, local index, user store, peer table,
// query-ID cache and latest clustering. Many Nodes can live in one process:
// there is no package-level mutable state, and peers are reached through a
// Dialer, either real TCP with mutual TLS (TLSDialer) or an in-memory
// network (MemNet, built on grpc/test/bufconn, TLS still on) for tests and
// simulations.
//
// # Search
//
// A forwarded query is answered from the local index (weighted terms, or
// the text when there are none; web pages go as they are, files only
// under a folder shared now (Config.SharedFolders), as p2pir:// links
// that FetchDocument opens, and nothing else) and, while hops_left > 0, from the peers routing.Select picks among
// those not yet visited. Calls to peers run concurrently, each with a
// deadline of min(remaining − Config.ForwardMargin, Config.PerPeerTimeout).
// Lists are merged by reciprocal rank fusion (score Σ 1/(60 + rank)), since
// BM25 scores of different indexes are not comparable; every result keeps
// the node that found it and the path it travelled. Peers that fail, time
// out or answer outside the contract are reported as unresponsive and never
// fail the query. A query ID seen before is refused with ALREADY_EXISTS.
//
// # Profiles and clusters
//
// ExchangeProfiles is push-pull gossip of fingerprints: what a node says
// about itself (authenticated by TLS) always outranks what others say about
// it (hints), and among equals the highest version wins. Recluster groups
// the known fingerprints with spherical k-means (package cluster), which
// keeps one cluster when no split is clearly better.
//
// # Recommend
//
// A peer's Recommend answers with its person's liked web pages ranked for
// the asker's fingerprint, but only while the person shares and only to a
// caller whose fingerprint falls in its own cluster (to others the answer
// is empty). Node.RecommendFromPeers asks the peers of its own cluster and
// combines the answers with recommend.Rank, keeping each peer's ranking
// and counting one person per peer.
//
// # Privacy
//
// Peers learn the terms sent in SearchPeers (the node sends the typed
// terms, never a reformulation), the node's fingerprint, cluster hint and
// a fingerprint of each query only while the person shares, and liked URLs
// and titles as above.
//
// # Abuse
//
// Every peer is taken as able to lie. A node ID a caller states about
// itself must equal its TLS identity (PERMISSION_DENIED); message sizes
// and contents are checked by the interceptors of package p2pirv1.
//
// Incoming calls draw on budgets (RESOURCE_EXHAUSTED beyond them): the
// calling node's own (Config.RatePerPeer), and, for a node not yet
// established (proved its ID to us and known for EstablishedAfter), its
// IP address's and one that all new nodes share, so that fresh keys do
// not reset the limits and established peers are served first under
// load; every call also draws on the node's total.
//
// Incoming connections are capped per IP address and in all, must finish
// their TLS and HTTP/2 handshakes within Config.HandshakeTimeout, and are
// closed after InboundIdleTimeout without a call (Node.Listener,
// NewServer).
//
// Entries of gossip about other nodes never steer connections: a node
// heard of only from others is a candidate, kept apart from the peer
// table (never routed to, passed on or dialled) until a gossip round's
// probe, over a connection pinned to its node ID, proves it; new
// candidates are rate limited per reporting peer and in all, and
// bounded. An address a node claims for itself in a call to us steers no
// search or recommendation until a call of ours there succeeds (gossip
// tries it, and drops the node after three failures). A full peer table
// lets a newcomer in only in place of a peer that is not established.
package serveragent
