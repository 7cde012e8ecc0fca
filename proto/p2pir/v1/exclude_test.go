package p2pirv1

import (
	"bytes"
	"encoding/hex"
	"testing"
)

// TestExcludeHashIsTruncatedSaltedSHA256 checks ExcludeHash against a value
// computed outside Go: printf 'salt-0123456789ahttps://example.org/a' |
// sha256sum, first 8 bytes.
func TestExcludeHashIsTruncatedSaltedSHA256(t *testing.T) {
	cases := []struct {
		name, salt, url, want string
	}{
		{"golden value from sha256sum", "salt-0123456789a", "https://example.org/a", "fb3a7b0992901ae8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ExcludeHash([]byte(tc.salt), tc.url)
			if hex.EncodeToString(got) != tc.want {
				t.Fatalf("ExcludeHash = %x, want %s", got, tc.want)
			}
		})
	}
}

// TestExcludeSaltUnlinksRequests checks the privacy claim of the salt: the
// same URL hashes differently under two fresh salts, so exclude lists of
// two requests cannot be matched with each other.
func TestExcludeSaltUnlinksRequests(t *testing.T) {
	a, b := NewExcludeSalt(), NewExcludeSalt()
	if len(a) != ExcludeSaltBytes || len(b) != ExcludeSaltBytes {
		t.Fatalf("salts of %d and %d bytes, want %d", len(a), len(b), ExcludeSaltBytes)
	}
	if bytes.Equal(a, b) {
		t.Fatal("two fresh salts are equal")
	}
	const u = "https://example.org/seen"
	if bytes.Equal(ExcludeHash(a, u), ExcludeHash(b, u)) {
		t.Fatal("the same URL hashes the same under different salts")
	}
	if !bytes.Equal(ExcludeHash(a, u), ExcludeHash(a, u)) {
		t.Fatal("ExcludeHash is not deterministic")
	}
}

// TestExcludeFilterFindsExactlyTheExcludedURLs checks the responder's side:
// the filter built from a request (as read from the wire) matches the URLs
// the asker hashed, and no others.
func TestExcludeFilterFindsExactlyTheExcludedURLs(t *testing.T) {
	salt := NewExcludeSalt()
	excluded := []string{"https://example.org/seen", "https://example.org/rejected"}
	req := &RecommendRequest{Asker: node("alice"), K: 5, ExcludeSalt: salt}
	for _, u := range excluded {
		req.Exclude = append(req.Exclude, ExcludeHash(salt, u))
	}
	if err := req.Validate(); err != nil {
		t.Fatalf("request with an exclude list: %v", err)
	}
	cases := []struct {
		name string
		req  *RecommendRequest
		url  string
		want bool
	}{
		{"a seen URL is excluded", req, excluded[0], true},
		{"a rejected URL is excluded", req, excluded[1], true},
		{"another URL is not", req, "https://example.org/new", false},
		{"a URL differing in one byte is not", req, "https://example.org/seen/", false},
		{"nothing is excluded without a list", &RecommendRequest{}, excluded[0], false},
		{"nothing is excluded from a nil request", nil, excluded[0], false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.req.ExcludeFilter()(tc.url); got != tc.want {
				t.Fatalf("excluded(%q) = %v, want %v", tc.url, got, tc.want)
			}
		})
	}
}
