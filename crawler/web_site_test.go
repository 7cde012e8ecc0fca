package crawler

import (
	"net/url"
	"reflect"
	"regexp"
	"testing"
)

// TestSameSite checks the same-site rule used to trust <link
// rel="canonical">: www. ignored, registrable domain (eTLD+1) compared, IPs
// only equal to themselves.
func TestSameSite(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"example.com", "example.com", true},
		{"www.example.com", "example.com", true},
		{"Example.COM", "example.com", true},
		{"blog.example.com", "shop.example.com", true},
		{"example.co.uk", "news.example.co.uk", true},
		{"example.com", "example.org", false},
		{"a.co.uk", "b.co.uk", false},
		{"alice.github.io", "bob.github.io", false},
		{"127.0.0.1", "127.0.0.1", true},
		{"127.0.0.1", "10.0.0.1", false},
		{"127.0.0.1", "localhost", false},
		{"::1", "::1", true},
	}
	for _, tc := range tests {
		if got := sameSite(tc.a, tc.b); got != tc.want {
			t.Errorf("sameSite(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// TestAllowedHosts checks the defaults and normalisation of the allowed
// domains.
func TestAllowedHosts(t *testing.T) {
	seed := func(s string) *url.URL { u, _ := url.Parse(s); return u }
	tests := []struct {
		name    string
		domains []string
		seeds   []*url.URL
		want    []string
	}{
		{"seeds' hosts with www twins", nil,
			[]*url.URL{seed("http://example.org/a"), seed("https://www.example.com:8443/"), seed("http://example.org/b")},
			[]string{"example.org", "www.example.org", "www.example.com", "example.com"}},
		{"given names normalised", []string{"Bücher.DE", "HOST.example:8080", "[::1]"}, nil,
			[]string{"xn--bcher-kva.de", "www.xn--bcher-kva.de", "host.example", "www.host.example", "::1"}},
		{"IP seeds get no www twin", nil, []*url.URL{seed("http://127.0.0.1:9/")}, []string{"127.0.0.1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := allowedHosts(tc.domains, tc.seeds)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("allowedHosts = %q, want %q", got, tc.want)
			}
		})
	}
	for _, bad := range []string{"", "  ", "-bad-.example", "a..b"} {
		if _, err := allowedHosts([]string{bad}, nil); err == nil {
			t.Errorf("allowedHosts(%q) gave no error", bad)
		}
	}
}

// TestHostPattern checks that a per-host limit rule matches the host with
// or without a port and nothing else.
func TestHostPattern(t *testing.T) {
	tests := []struct {
		host, urlHost string
		want          bool
	}{
		{"example.org", "example.org", true},
		{"example.org", "example.org:8080", true},
		{"example.org", "sub.example.org", false},
		{"example.org", "example.org.evil", false},
		{"example.org", "exampleXorg", false},
		{"127.0.0.1", "127.0.0.1:4000", true},
		{"::1", "[::1]:4000", true},
	}
	for _, tc := range tests {
		re := regexp.MustCompile(hostPattern(tc.host))
		if got := re.MatchString(tc.urlHost); got != tc.want {
			t.Errorf("hostPattern(%q) matches %q = %v, want %v", tc.host, tc.urlHost, got, tc.want)
		}
	}
}

// TestPageCanonical checks which URL names a page.
func TestPageCanonical(t *testing.T) {
	u := func(s string) *url.URL {
		if s == "" {
			return nil
		}
		v, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, final, declared, want string
	}{
		{"no declaration: fetched URL", "http://www.example.org/a/?utm_source=x", "", "http://example.org/a"},
		{"same-site declaration wins", "http://example.org/a?sort=1", "https://www.example.org/a", "https://example.org/a"},
		{"sub-domain of the site accepted", "http://example.org/a", "http://m.example.org/a", "http://m.example.org/a"},
		{"other site refused", "http://example.org/a", "http://spam.example/a", "http://example.org/a"},
		{"invalid declaration refused", "http://example.org/a", "http://example.org:99999/a", "http://example.org/a"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pageCanonical(u(tc.final), u(tc.declared))
			if err != nil || got != tc.want {
				t.Errorf("pageCanonical = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}
