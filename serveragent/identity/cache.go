package identity

import (
	"crypto/sha256"
	"crypto/tls"
	"sync"
)

// SessionCacheSize is how many TLS sessions an identity keeps to resume
// connections to peers it has called before (one per peer and address,
// least recently used first out): a resumed TLS 1.3 handshake skips both
// certificate signatures and their verification, the larger part of a
// handshake's cost once the key exchange is done. About 1.5 KB each.
const SessionCacheSize = 1024

// verifiedCacheSize is how many peer certificates whose self-signature
// has been verified an identity remembers (32 bytes of hash each).
const verifiedCacheSize = 4096

// verifiedCerts remembers, by the SHA-256 of their DER bytes, certificates
// whose self-signature checked out, so that a peer met again costs a hash
// instead of an Ed25519 verification. Only the signature check is
// remembered: the same bytes always give the same answer. Everything else
// verifyPeer checks (validity period, node ID, membership proof) runs on
// every handshake. Safe for concurrent use; holds at most
// verifiedCacheSize hashes, oldest out first.
type verifiedCerts struct {
	mu   sync.Mutex
	set  map[[sha256.Size]byte]struct{}
	ring [][sha256.Size]byte // insertion order, a ring once full
	next int                 // ring slot the next hash goes into
}

// newVerifiedCerts returns an empty cache.
func newVerifiedCerts() *verifiedCerts {
	return &verifiedCerts{set: map[[sha256.Size]byte]struct{}{}}
}

// has reports whether a certificate of these DER bytes was verified.
func (v *verifiedCerts) has(sum [sha256.Size]byte) bool {
	if v == nil {
		return false
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	_, ok := v.set[sum]
	return ok
}

// add remembers a verified certificate's hash.
func (v *verifiedCerts) add(sum [sha256.Size]byte) {
	if v == nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.set[sum]; ok {
		return
	}
	if len(v.ring) < verifiedCacheSize {
		v.ring = append(v.ring, sum)
	} else {
		delete(v.set, v.ring[v.next])
		v.ring[v.next] = sum
		v.next = (v.next + 1) % verifiedCacheSize
	}
	v.set[sum] = struct{}{}
}

// peerSessions is the view of an identity's TLS session cache for
// connections to one node: crypto/tls keys sessions by server name or
// address, which says nothing of which node answers there (every node of
// a loopback network is 127.0.0.1), so the node ID is added to the key. A
// session is only ever offered to the node it was made with, and the
// identity checks of ClientTLS and ServerTLS run on resumed connections
// too (crypto/tls calls VerifyConnection on every handshake).
type peerSessions struct {
	cache tls.ClientSessionCache
	node  string
}

// Get implements tls.ClientSessionCache.
func (p peerSessions) Get(key string) (*tls.ClientSessionState, bool) {
	return p.cache.Get(p.node + "\x00" + key)
}

// Put implements tls.ClientSessionCache.
func (p peerSessions) Put(key string, cs *tls.ClientSessionState) {
	p.cache.Put(p.node+"\x00"+key, cs)
}
