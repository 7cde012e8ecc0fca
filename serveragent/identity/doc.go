// Package identity gives a p2pir node its identity and secures the gRPC
// transport between nodes.
//
// # Identity
//
// Every node has an Ed25519 key pair, created on first start and kept in
// the data directory as a PEM file (PKCS#8, "PRIVATE KEY", mode 0600); see
// LoadOrCreate. The node ID is derived from the public key (NodeIDFromPublicKey):
// "p2p1" followed by the first 26 characters of the lowercase, unpadded
// base32 encoding of SHA-256(public key), 130 bits of the hash. A node ID
// is therefore a commitment to a key: whoever proves possession of the
// matching private key is that node, and nobody else can be.
//
// # Transport
//
// Peers talk gRPC over TLS 1.3 with mutual authentication (both ends are
// nodes). Each node presents a self-signed X.509 certificate for its
// Ed25519 key, with the node ID as CommonName and DNS SAN. There is no
// certificate authority: a peer is accepted because its key hashes to the
// node ID we expect (client side, see Identity.ClientTLS) or, on the server
// side, because it proves some node key and the handler can learn which one
// (PeerNodeID). The TLS handshake itself proves possession of the private
// key (CertificateVerify), so pinning the key is stronger than trusting a
// CA would be for this purpose.
//
// A node resumes the TLS sessions of peers it called before (TLS 1.3
// session tickets; up to SessionCacheSize sessions, each offered only to
// the node ID it was made with). A resumed handshake sends no certificates
// and no signatures: the pre-shared key of the session proves both ends
// are the two that authenticated when it began, and the ticket, encrypted
// under keys only the issuing server's configuration holds, carries the
// client certificate. Both ends still run their checks on a resumed
// connection (node ID, validity, membership proof against the server's
// current secret). Servers make new ticket keys at every start, so a
// restarted node, or one given another secret, accepts no earlier ticket.
//
// # Network secret
//
// An optional shared secret keeps a private network closed. It is bound into
// the TLS handshake rather than sent as a header: when a secret is set, each
// certificate carries a membership proof, HMAC-SHA256(K, nodeID) with K
// derived from the secret by HKDF-SHA256, in a URI SAN of scheme
// "p2pir-membership". Both ends check the other's proof during the
// handshake, so an outsider's connection fails before any RPC is read, and
// a node configured with the secret never sends its own certificate to a
// server that cannot prove membership (in TLS 1.3 the client verifies the
// server before sending its certificate). The same secret, through HKDF
// with another label, gives the AES-256 key that encrypts memberlist gossip
// (MemberlistKey).
//
// Threat model, what the secret does and does not do:
//   - An outsider without the secret cannot complete a handshake with a
//     member, in either direction: it cannot compute the proof for its own
//     node ID (HMAC is a PRF) and cannot reuse a member's proof, which names
//     the member's node ID and is useless without the member's private key.
//   - Every holder of the secret can admit any key: it is a shared secret,
//     not a CA. Removing a member means rotating the secret for everyone.
//   - An outsider who connects to a member as a client sees that member's
//     certificate (node ID and proof) before the member rejects it, because
//     TLS 1.3 servers present their certificate first. The proof reveals
//     nothing usable about the secret if the secret has high entropy, but a
//     guessable secret could be searched offline from it. Secrets shorter
//     than MinSecretLen bytes are therefore refused; use NewSecret.
//   - Passive observers see neither node IDs nor proofs: TLS 1.3 encrypts
//     certificates. The address and timing of connections stay visible.
//   - Sybil resistance, rate limits and reputation are out of scope here
//     (see the server agent).
package identity
