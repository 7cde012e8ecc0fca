package canonurl

import (
	"errors"
	"net/url"
	"testing"
)

// TestCanonicalRules checks each rule of the package documentation on its
// own, then in combination.
func TestCanonicalRules(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// Scheme and host.
		{"scheme and host are lower-cased", "HTTP://EXAMPLE.ORG/Path", "http://example.org/Path"},
		{"path case is kept", "http://example.org/A/b/C", "http://example.org/A/b/C"},
		{"white space around is trimmed", "  http://example.org/a \n", "http://example.org/a"},
		{"IDNA host to ASCII", "http://Bücher.DE/x", "http://xn--bcher-kva.de/x"},
		{"punycode host kept", "http://xn--bcher-kva.de/x", "http://xn--bcher-kva.de/x"},
		{"full-width host folded", "http://ＥＸＡＭＰＬＥ.com/", "http://example.com/"},
		{"eszett kept (non-transitional)", "http://faß.de/", "http://xn--fa-hia.de/"},
		{"trailing dot of host dropped", "http://example.org./a", "http://example.org/a"},
		{"underscore in host accepted", "http://my_host.example.org/", "http://my_host.example.org/"},
		{"IPv4 host kept", "http://127.0.0.1:8080/a", "http://127.0.0.1:8080/a"},
		{"IPv6 host shortened", "http://[2001:DB8:0:0:0:0:0:1]:8080/", "http://[2001:db8::1]:8080/"},
		{"IPv6 default port dropped", "https://[::1]:443/x", "https://[::1]/x"},
		{"IPv6 zone kept, separator escaped", "http://[fe80::1%25eth0]/", "http://[fe80::1%25eth0]/"},
		// The fuzz crasher of issue 14: a zone that is itself "%".
		{"IPv6 zone escaped byte by byte", "http://[::%%]", "http://[::%25%25]/"},
		{"IPv6 zone with escaped space", "http://[fe80::1%25en%200]/", "http://[fe80::1%25en%200]/"},
		{"user info dropped", "http://user:secret@example.org/a", "http://example.org/a"},

		// www.
		{"www. dropped", "http://www.example.org/", "http://example.org/"},
		{"WWW. dropped after lower-casing", "http://WWW.Example.org/", "http://example.org/"},
		{"repeated www. dropped", "http://www.www.example.org/", "http://example.org/"},
		{"www. kept when no dotted name remains", "http://www.com/", "http://www.com/"},
		{"www inside a name kept", "http://wwwexample.org/", "http://wwwexample.org/"},
		{"www. on a sub-domain only at the start", "http://a.www.example.org/", "http://a.www.example.org/"},

		// Ports.
		{"http default port dropped", "http://example.org:80/a", "http://example.org/a"},
		{"https default port dropped", "https://example.org:443/a", "https://example.org/a"},
		{"port 443 kept for http", "http://example.org:443/a", "http://example.org:443/a"},
		{"port 80 kept for https", "https://example.org:80/a", "https://example.org:80/a"},
		{"other port kept", "http://example.org:8080/a", "http://example.org:8080/a"},
		{"leading zeros of port dropped", "http://example.org:0080/a", "http://example.org/a"},
		{"empty port dropped", "http://example.org:/a", "http://example.org/a"},

		// Fragment.
		{"fragment dropped", "http://example.org/a#section-2", "http://example.org/a"},
		{"hash-bang fragment dropped", "http://example.org/#!/page", "http://example.org/"},
		{"empty fragment dropped", "http://example.org/a#", "http://example.org/a"},

		// Path.
		{"empty path becomes /", "http://example.org", "http://example.org/"},
		{"root keeps its slash", "http://example.org/", "http://example.org/"},
		{"trailing slash removed", "http://example.org/a/b/", "http://example.org/a/b"},
		{"several trailing slashes removed", "http://example.org/a//", "http://example.org/a"},
		{"inner double slash kept", "http://example.org/a//b", "http://example.org/a//b"},
		{"dot segment removed", "http://example.org/a/./b", "http://example.org/a/b"},
		{"dot-dot segment resolved", "http://example.org/a/b/../c", "http://example.org/a/c"},
		{"dot-dot above root stops at root", "http://example.org/../../a", "http://example.org/a"},
		{"trailing dot-dot", "http://example.org/a/b/..", "http://example.org/a"},
		{"trailing dot", "http://example.org/a/.", "http://example.org/a"},
		{"dots inside a segment kept", "http://example.org/a..b/.c/d.", "http://example.org/a..b/.c/d."},
		{"escaped dot segment resolved", "http://example.org/a/%2E%2E/b", "http://example.org/b"},
		{"escaped dot segment lower-case hex", "http://example.org/a/%2e/b", "http://example.org/a/b"},

		// Percent-encoding.
		{"unreserved escapes decoded", "http://example.org/%7Euser/%41%62%2D", "http://example.org/~user/Ab-"},
		{"reserved escapes kept, hex upper-cased", "http://example.org/a%2fb%3a", "http://example.org/a%2Fb%3A"},
		{"escaped slash is not a slash", "http://example.org/a%2F..", "http://example.org/a%2F.."},
		{"space escaped", "http://example.org/a b", "http://example.org/a%20b"},
		{"non-ASCII path escaped as UTF-8", "http://example.org/ä", "http://example.org/%C3%A4"},
		{"escaped non-ASCII upper-cased", "http://example.org/%c3%a4", "http://example.org/%C3%A4"},
		{"stray percent escaped", "http://example.org/100%", "http://example.org/100%25"},
		{"bad escape escaped", "http://example.org/%zz", "http://example.org/%25zz"},
		{"sub-delims literal in path", "http://example.org/a;b=c,d!$'()*+", "http://example.org/a;b=c,d!$'()*+"},
		{"brackets in path escaped", "http://example.org/[x]", "http://example.org/%5Bx%5D"},

		// Query.
		{"query sorted by name", "http://example.org/?b=2&a=1&c=3", "http://example.org/?a=1&b=2&c=3"},
		{"repeated names sorted by value", "http://example.org/?a=2&a=1", "http://example.org/?a=1&a=2"},
		{"empty query dropped", "http://example.org/a?", "http://example.org/a"},
		{"empty pieces dropped", "http://example.org/a?&&x=1&", "http://example.org/a?x=1"},
		{"name without value kept as is", "http://example.org/a?flag&x=", "http://example.org/a?flag&x="},
		{"utm_ parameters removed", "http://example.org/a?utm_source=news&utm_medium=email&id=7", "http://example.org/a?id=7"},
		{"tracking parameter names ignore case", "http://example.org/a?UTM_Campaign=x&FBCLID=y", "http://example.org/a"},
		{"click identifiers removed", "http://example.org/a?gclid=1&msclkid=2&yclid=3&fbclid=4&igshid=5&q=go", "http://example.org/a?q=go"},
		{"mail and analytics parameters removed", "http://example.org/a?mc_cid=1&mc_eid=2&_ga=3&ref_src=4&p=1", "http://example.org/a?p=1"},
		{"escaped tracking name removed", "http://example.org/a?utm%5Fsource=x", "http://example.org/a"},
		{"look-alike name kept", "http://example.org/a?utmsource=x&myutm_x=1", "http://example.org/a?myutm_x=1&utmsource=x"},
		{"query escapes normalised", "http://example.org/?q=%7e%2f%e4 b", "http://example.org/?q=~%2F%E4%20b"},
		{"plus kept literally", "http://example.org/?q=a+b", "http://example.org/?q=a+b"},
		{"escaped ampersand stays in value", "http://example.org/?q=a%26b&a=1", "http://example.org/?a=1&q=a%26b"},
		{"equals inside value kept", "http://example.org/?q=a=b", "http://example.org/?q=a=b"},
		{"semicolon is not a separator", "http://example.org/?a=1;b=2", "http://example.org/?a=1;b=2"},
		{"query on empty path", "http://example.org?x=1", "http://example.org/?x=1"},

		// Everything at once.
		{"all rules together",
			"HTTPS://User@WWW.Example.COM:443/a/./b/../c/%7Efile/?utm_source=x&z=1&a=%3d#frag",
			"https://example.com/a/c/~file?a=%3D&z=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical(tc.in)
			if err != nil {
				t.Fatalf("Canonical(%q): unexpected error %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("Canonical(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			again, err := Canonical(got)
			if err != nil || again != got {
				t.Errorf("not idempotent: Canonical(%q) = %q, %v", got, again, err)
			}
		})
	}
}

// TestCanonicalRejects checks that input which is not an absolute http(s)
// URL gets a clear error of the documented kind.
func TestCanonicalRejects(t *testing.T) {
	tests := []struct {
		name, in string
		want     error // nil: any error
	}{
		{"empty string", "", ErrUnsupportedScheme},
		{"relative path", "/a/b", ErrUnsupportedScheme},
		{"scheme-relative", "//example.org/a", ErrUnsupportedScheme},
		{"ftp scheme", "ftp://example.org/a", ErrUnsupportedScheme},
		{"file URL", "file:///etc/passwd", ErrUnsupportedScheme},
		{"mailto", "mailto:me@example.org", ErrUnsupportedScheme},
		{"javascript", "javascript:alert(1)", ErrUnsupportedScheme},
		{"opaque http", "http:example.org", ErrNoHost},
		{"no host", "http:///a", ErrNoHost},
		{"port only", "http://:80/a", ErrNoHost},
		{"port too large", "http://example.org:65536/", ErrInvalidHost},
		{"empty label", "http://a..example.org/", ErrInvalidHost},
		{"bad punycode", "http://xn--zz.example/", ErrInvalidHost},
		{"leading hyphen label", "http://-a.example/", ErrInvalidHost},
		{"only a dot", "http://./", ErrInvalidHost},
		{"IPv6 zone a URL cannot carry (non-ASCII)", "http://[::%\xc2]", ErrInvalidHost},
		{"host not UTF-8", "http://\x8e/", ErrInvalidHost},
		{"space in host", "http://exa mple.org/", nil},
		{"unclosed IPv6", "http://[::1/", nil},
		{"control character", "http://example.org/\x7f\x00", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Canonical(tc.in)
			if err == nil {
				t.Fatalf("Canonical(%q) = %q, want an error", tc.in, got)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Canonical(%q) error %v, want %v", tc.in, err, tc.want)
			}
		})
	}
}

// TestCanonicalURLMatchesCanonical checks that the parsed-URL entry point
// gives the same result as the string one, and falls back to the URL
// without fragment when it cannot canonicalise.
func TestCanonicalURLMatchesCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ordinary URL", "http://WWW.example.org:80/a/?utm_id=1&b=2#x", "http://example.org/a?b=2"},
		{"escaped slash preserved", "http://example.org/a%2Fb/%41", "http://example.org/a%2Fb/A"},
		{"non-ASCII and escaped slash", "http://example.org/x%2Fy/ä", "http://example.org/x%2Fy/%C3%A4"},
		{"unsupported scheme falls back", "ftp://Example.org/a#frag", "ftp://Example.org/a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := url.Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := CanonicalURL(u); got != tc.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if c, err := Canonical(tc.in); err == nil && c != tc.want {
				t.Errorf("Canonical(%q) = %q disagrees with CanonicalURL %q", tc.in, c, tc.want)
			}
		})
	}
	if got := CanonicalURL(nil); got != "" {
		t.Errorf("CanonicalURL(nil) = %q, want empty", got)
	}
}

// TestCanonicalURLHandBuilt checks a URL built in code, whose RawPath is
// inconsistent with Path: Path wins.
func TestCanonicalURLHandBuilt(t *testing.T) {
	u := &url.URL{Scheme: "https", Host: "Example.org", Path: "/a b/c", RawPath: "/other"}
	if got, want := CanonicalURL(u), "https://example.org/a%20b/c"; got != want {
		t.Errorf("CanonicalURL = %q, want %q", got, want)
	}
}
