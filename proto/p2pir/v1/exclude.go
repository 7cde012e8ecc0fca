package p2pirv1

import (
	"crypto/rand"
	"crypto/sha256"
)

// NewExcludeSalt returns ExcludeSaltBytes fresh random bytes for
// RecommendRequest.exclude_salt. Use a new salt for every request, so
// exclude lists cannot be linked across requests.
func NewExcludeSalt() []byte {
	salt := make([]byte, ExcludeSaltBytes)
	rand.Read(salt) // never fails (crypto/rand, Go 1.24 and later)
	return salt
}

// ExcludeHash returns the RecommendRequest.exclude entry for a document:
// the first ExcludeHashBytes bytes of SHA-256(salt || canonicalURL). The
// asker and the responder must both hash the canonical URL (as
// internal/canonurl makes it), or the same document will not match.
func ExcludeHash(salt []byte, canonicalURL string) []byte {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(canonicalURL))
	return h.Sum(nil)[:ExcludeHashBytes]
}

// ExcludeFilter returns a test of whether the asker excluded the document
// with a given canonical URL, for the responder. It hashes each URL with
// the request's salt and looks it up in the request's hashes; with no
// exclude list it reports false for every URL.
func (r *RecommendRequest) ExcludeFilter() func(canonicalURL string) bool {
	set := make(map[string]bool, len(r.GetExclude()))
	for _, h := range r.GetExclude() {
		set[string(h)] = true
	}
	salt := r.GetExcludeSalt()
	return func(canonicalURL string) bool {
		return len(set) > 0 && set[string(ExcludeHash(salt, canonicalURL))]
	}
}
