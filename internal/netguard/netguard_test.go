package netguard

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
)

func TestKind(t *testing.T) {
	tests := []struct {
		addr string
		want string // "" for public
	}{
		{"127.0.0.1", "a loopback"},
		{"127.8.9.10", "a loopback"},
		{"::1", "a loopback"},
		{"10.1.2.3", "a private"},
		{"172.16.0.1", "a private"},
		{"192.168.1.1", "a private"},
		{"fd00::1", "a private"},
		{"169.254.169.254", "a link-local"}, // cloud metadata services
		{"fe80::1%eth0", "a link-local"},
		{"0.0.0.0", "an unspecified"},
		{"::", "an unspecified"},
		{"0.1.2.3", "a “this network”"},
		{"100.64.0.1", "a shared (carrier-grade NAT)"},
		{"224.0.0.1", "a multicast"},
		{"255.255.255.255", "a reserved"},
		{"::ffff:127.0.0.1", "a loopback"},     // IPv4-mapped
		{"::ffff:10.0.0.1", "a private"},       // IPv4-mapped
		{"64:ff9b::a9fe:a9fe", "a link-local"}, // NAT64 of 169.254.169.254
		{"2002:7f00:1::1", "a loopback"},       // 6to4 of 127.0.0.1
		{"8.8.8.8", ""},
		{"93.184.215.14", ""},
		{"2606:4700:4700::1111", ""},
		{"2002:808:808::1", ""}, // 6to4 of a public address
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			ip := netip.MustParseAddr(tc.addr)
			if got := Kind(ip); got != tc.want {
				t.Errorf("Kind(%s) = %q, want %q", tc.addr, got, tc.want)
			}
			err := Check(ip)
			if (err != nil) != (tc.want != "") {
				t.Fatalf("Check(%s) = %v, want an error: %v", tc.addr, err, tc.want != "")
			}
			if err != nil && (!errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Check(%s) = %v, want ErrRefused saying %q", tc.addr, err, tc.want)
			}
		})
	}
}

// countingServer is a test server on 127.0.0.1 that counts the
// connections that reach it.
func countingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

// TestDialerRefusesPrivateAddressesBeforeConnecting dials a server on
// loopback under several policies: only its exact host and port, or a
// policy that allows everything, get through; a refused dial never
// reaches the server, and a name that resolves to loopback is refused
// like the address itself.
func TestDialerRefusesPrivateAddressesBeforeConnecting(t *testing.T) {
	// PORT stands for the port of each case's own server.
	tests := []struct {
		name    string
		trusted []string
		allow   bool
		addr    string
		ok      bool
	}{
		{"public only", nil, false, "127.0.0.1:PORT", false},
		{"name resolving to loopback", nil, false, "localhost:PORT", false},
		{"trusted host and port", []string{"127.0.0.1:PORT"}, false, "127.0.0.1:PORT", true},
		{"trusted name is not its address", []string{"127.0.0.1:PORT"}, false, "localhost:PORT", false},
		{"trusted name, other case", []string{"LocalHost:PORT"}, false, "localhost:PORT", true},
		{"another port of a trusted host", []string{"127.0.0.1:1"}, false, "127.0.0.1:PORT", false},
		{"allow private", nil, true, "127.0.0.1:PORT", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, conns := countingServer(t)
			u, _ := url.Parse(srv.URL)
			port := func(s string) string { return strings.ReplaceAll(s, "PORT", u.Port()) }
			p := Policy{AllowPrivate: tc.allow}
			for _, hp := range tc.trusted {
				p.Trusted = append(p.Trusted, port(hp))
			}
			addr := port(tc.addr)
			c, err := NewDialer(p, nil).DialContext(context.Background(), "tcp", addr)
			if tc.ok {
				if err != nil {
					t.Fatalf("DialContext(%s) = %v, want a connection", addr, err)
				}
				c.Close()
				return
			}
			if err == nil {
				c.Close()
				t.Fatalf("DialContext(%s) connected, want it refused", addr)
			}
			if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "a loopback address") {
				t.Errorf("DialContext(%s) = %v, want ErrRefused naming a loopback address", addr, err)
			}
			if n := conns.Load(); n != 0 {
				t.Errorf("%d connections reached the server, want none", n)
			}
		})
	}
}

// TestDialerThroughHTTPClient checks that a transport using the Dialer
// refuses a redirect from a trusted server to an untrusted loopback one.
func TestDialerThroughHTTPClient(t *testing.T) {
	private, conns := countingServer(t)
	public := httptest.NewServer(http.RedirectHandler(private.URL+"/secret", http.StatusFound))
	t.Cleanup(public.Close)
	pu, _ := url.Parse(public.URL)
	tr := &http.Transport{DialContext: NewDialer(Policy{Trusted: []string{HostPort(pu)}}, nil).DialContext}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get(public.URL + "/")
	if err == nil {
		resp.Body.Close()
		t.Fatal("the redirect to a private address was followed")
	}
	if !errors.Is(err, ErrRefused) {
		t.Errorf("error %v does not wrap ErrRefused", err)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("%d connections reached the private server, want none", n)
	}
}

func TestHostPort(t *testing.T) {
	tests := []struct{ url, want string }{
		{"http://Example.ORG./a", "example.org:80"},
		{"https://example.org/", "example.org:443"},
		{"http://127.0.0.1:8080/", "127.0.0.1:8080"},
		{"http://[::1]:8080/", "[::1]:8080"},
		{"https://[::ffff:127.0.0.1]/", "127.0.0.1:443"},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := HostPort(u); got != tc.want {
			t.Errorf("HostPort(%s) = %q, want %q", tc.url, got, tc.want)
		}
	}
}
