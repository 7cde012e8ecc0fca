// Package fnv1a is the 64-bit FNV-1a hash of strings, as hash/fnv's
// New64a gives it, written out so that hashing allocates nothing
// (hash/fnv's Hash64 is an interface value, which escapes to the heap):
// shingles of every candidate text and rendezvous weights of a thousand
// peers are hashed on hot paths.
package fnv1a

// Offset is the hash of no bytes, where a hash starts.
const Offset uint64 = 14695981039346656037

// prime is FNV's 64-bit prime.
const prime uint64 = 1099511628211

// String is the hash of s.
func String(s string) uint64 { return Add(Offset, s) }

// Add continues the hash h with the bytes of s.
func Add(h uint64, s string) uint64 {
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * prime
	}
	return h
}

// AddByte continues the hash h with the byte b.
func AddByte(h uint64, b byte) uint64 { return (h ^ uint64(b)) * prime }
