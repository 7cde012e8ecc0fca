package canonurl

import "testing"

// TestDedupKeyCollapses checks that URLs differing only in what
// ARCHITECTURE §2.4 says to ignore (scheme, www., fragment, tracking
// parameters) share a key, and that different pages do not.
func TestDedupKeyCollapses(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"http and https collapse", "http://example.org/a", "https://example.org/a", true},
		{"www. and bare host collapse", "https://www.example.org/a", "https://example.org/a", true},
		{"fragment ignored", "https://example.org/a#top", "https://example.org/a", true},
		{"tracking parameters ignored", "https://example.org/a?utm_source=x&fbclid=1", "https://example.org/a", true},
		{"parameter order ignored", "https://example.org/a?x=1&y=2", "https://example.org/a?y=2&x=1", true},
		{"trailing slash ignored", "https://example.org/a/", "https://example.org/a", true},
		{"default port ignored", "https://example.org:443/a", "http://example.org:80/a", true},
		{"different path differs", "https://example.org/a", "https://example.org/b", false},
		{"different query value differs", "https://example.org/a?id=1", "https://example.org/a?id=2", false},
		{"different port differs", "https://example.org:8443/a", "https://example.org/a", false},
		{"different host differs", "https://example.org/a", "https://example.com/a", false},
		{"path case differs", "https://example.org/A", "https://example.org/a", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, kb := DedupKey(tc.a), DedupKey(tc.b)
			if (ka == kb) != tc.same {
				t.Errorf("DedupKey(%q) = %q, DedupKey(%q) = %q; same = %v, want %v", tc.a, ka, tc.b, kb, ka == kb, tc.same)
			}
		})
	}
}

// TestDedupKeyForm checks the exact shape of keys, valid and invalid.
func TestDedupKeyForm(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"scheme-less canonical form", "HTTPS://www.Example.org/a/?utm_medium=x&b=1#f", "example.org/a?b=1"},
		{"root", "http://example.org", "example.org/"},
		{"unparseable input kept, fragment cut", "  not a url#frag ", "not a url"},
		{"unsupported scheme kept", "ftp://example.org/a", "ftp://example.org/a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DedupKey(tc.in); got != tc.want {
				t.Errorf("DedupKey(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}
