package canonurl

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzCanonical checks, for any input, that Canonical does not panic, that
// its output is a parseable http(s) URL with no fragment, and that it is
// idempotent; and that DedupKey and CanonicalURL agree with it.
func FuzzCanonical(f *testing.F) {
	for _, seed := range []string{
		"http://example.org/",
		"HTTPS://User@WWW.Example.COM:443/a/./b/../c/%7Efile/?utm_source=x&z=1&a=%3d#frag",
		"http://Bücher.DE/ä?q=ä b",
		"http://[2001:DB8::1]:8080/%2e%2E/x",
		"http://[fe80::1%25eth0]/",
		"http://example.org/100%?a=%zz&&b",
		"http://www.www.com/a//",
		"https://example.org:0443/a%2F..",
		"http://a/../..//.//x/.",
		"http://example.org/?=&=x&a==",
		"ftp://example.org/",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := Canonical(raw)
		key := DedupKey(raw)
		if err != nil {
			return
		}
		u, perr := url.Parse(c)
		if perr != nil {
			t.Fatalf("Canonical(%q) = %q, which does not parse: %v", raw, c, perr)
		}
		if u.Scheme != "http" && u.Scheme != "https" {
			t.Fatalf("Canonical(%q) = %q has scheme %q", raw, c, u.Scheme)
		}
		if strings.Contains(c, "#") {
			t.Fatalf("Canonical(%q) = %q keeps a fragment", raw, c)
		}
		again, err := Canonical(c)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q, which is then rejected: %v", raw, c, err)
		}
		if again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", raw, c, again)
		}
		if got := CanonicalURL(u); got != c {
			t.Fatalf("CanonicalURL(parse(%q)) = %q, want %q", c, got, c)
		}
		if want := strings.TrimPrefix(strings.TrimPrefix(c, "http://"), "https://"); key != want {
			t.Fatalf("DedupKey(%q) = %q, want %q", raw, key, want)
		}
	})
}
