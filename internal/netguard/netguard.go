// Package netguard keeps the connections p2pir makes on behalf of outside
// input away from the person's own machine and network.
//
// Links on web pages, URLs in the results of engines and peers, and the
// targets of redirects are chosen by others; fetching them blindly lets a
// page or a peer make the node reach a router's admin page, a cloud
// metadata service (169.254.169.254) or a service bound to loopback
// (server-side request forgery). A Dialer checks the address each
// connection actually goes to, after name resolution and at dial time, so
// a name that resolves to a private address, one whose resolution changes
// between two lookups (DNS rebinding), and a redirect are all covered.
//
// Only the places the person named may be on private addresses: a Policy
// lists them by host and port (a seed typed on the command line, a site
// added in the web UI), or turns the check off for one crawl.
package netguard

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
)

// ErrRefused is wrapped by every error of a connection the policy refuses;
// test for it with errors.Is.
var ErrRefused = errors.New("address not allowed")

// Policy says which addresses a Dialer may connect to. The zero Policy
// allows public addresses only.
type Policy struct {
	// AllowPrivate turns the check off: every address may be dialled.
	// Default false.
	AllowPrivate bool
	// Trusted lists the places the person named, as "host:port" (see
	// HostPort), which may be on any address, private ones included. The
	// host is matched as written in the URL (a name is not resolved to
	// match it), the port exactly: trusting a test server on
	// 127.0.0.1:8080 does not trust 127.0.0.1:8081. Default none.
	Trusted []string
}

// Dialer dials TCP connections under a Policy. It is safe for concurrent
// use.
type Dialer struct {
	allowAll bool
	trusted  map[string]bool
	base     *net.Dialer
}

// NewDialer returns a Dialer that makes connections with base (a zero
// net.Dialer when nil; its Control is replaced for the checked
// connections) and refuses those p forbids.
func NewDialer(p Policy, base *net.Dialer) *Dialer {
	if base == nil {
		base = &net.Dialer{}
	}
	d := &Dialer{allowAll: p.AllowPrivate, trusted: make(map[string]bool, len(p.Trusted)), base: base}
	for _, hp := range p.Trusted {
		d.trusted[normaliseAddr(hp)] = true
	}
	return d
}

// Checks reports whether the Dialer checks addresses at all (false when its
// Policy allows every address).
func (d *Dialer) Checks() bool { return !d.allowAll }

// DialContext connects to addr ("host:port") on the named network, as
// net.Dialer.DialContext does, but when addr is not trusted it refuses,
// before connecting, every address the name resolves to that is not
// public; the error then wraps ErrRefused and says which address it was.
// Use it as an http.Transport's DialContext.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if d.allowAll || d.trusted[normaliseAddr(addr)] {
		return d.base.DialContext(ctx, network, addr)
	}
	checked := *d.base
	checked.Control = func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return fmt.Errorf("%w: address %q: %w", ErrRefused, address, err)
		}
		ip, err := netip.ParseAddr(host)
		if err != nil {
			return fmt.Errorf("%w: address %q: %w", ErrRefused, address, err)
		}
		if err := Check(ip); err != nil {
			if name, _, _ := net.SplitHostPort(addr); name != host {
				return fmt.Errorf("%s resolves to %s: %w", name, host, err)
			}
			return err
		}
		return nil
	}
	checked.ControlContext = nil
	return checked.DialContext(ctx, network, addr)
}

// Check returns nil for a public address, else an error wrapping
// ErrRefused that says what kind of address ip is.
func Check(ip netip.Addr) error {
	if kind := Kind(ip); kind != "" {
		return fmt.Errorf("%w: %s is %s address; links found on the web or given by engines and peers may not lead to this machine or its network, only sites you name yourself",
			ErrRefused, ip, kind)
	}
	return nil
}

// block is an address block that is not public, and what kind it is.
type block struct {
	prefix netip.Prefix
	kind   string
}

// specialBlocks lists the address blocks that are not public beyond those
// the netip.Addr methods know (RFC 6890 and its updates).
func specialBlocks() []block {
	return []block{
		{netip.MustParsePrefix("0.0.0.0/8"), "a “this network”"},
		{netip.MustParsePrefix("100.64.0.0/10"), "a shared (carrier-grade NAT)"},
		{netip.MustParsePrefix("192.0.0.0/24"), "an IETF protocol"},
		{netip.MustParsePrefix("192.0.2.0/24"), "a documentation"},
		{netip.MustParsePrefix("198.18.0.0/15"), "a benchmarking"},
		{netip.MustParsePrefix("198.51.100.0/24"), "a documentation"},
		{netip.MustParsePrefix("203.0.113.0/24"), "a documentation"},
		{netip.MustParsePrefix("240.0.0.0/4"), "a reserved"},
		{netip.MustParsePrefix("fec0::/10"), "a site-local"},
		{netip.MustParsePrefix("2001:db8::/32"), "a documentation"},
		{netip.MustParsePrefix("100::/64"), "a discard"},
	}
}

// Kind returns what kind of non-public address ip is ("a loopback", "a
// private", "a link-local", ...), or "" for a public address. IPv4
// addresses inside IPv6 ones (mapped, NAT64, 6to4) are judged by the IPv4
// address they carry.
func Kind(ip netip.Addr) string {
	ip = ip.WithZone("").Unmap()
	if v4, ok := embeddedIPv4(ip); ok {
		return Kind(v4)
	}
	switch {
	case !ip.IsValid():
		return "an invalid"
	case ip.IsLoopback():
		return "a loopback"
	case ip.IsUnspecified():
		return "an unspecified"
	case ip.IsLinkLocalUnicast():
		return "a link-local"
	case ip.IsPrivate():
		return "a private"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast(), ip.IsLinkLocalMulticast():
		return "a multicast"
	}
	for _, b := range specialBlocks() {
		if b.prefix.Contains(ip) {
			return b.kind
		}
	}
	return ""
}

// embeddedIPv4 returns the IPv4 address an IPv6 NAT64 (64:ff9b::/96) or
// 6to4 (2002::/16) address carries.
func embeddedIPv4(ip netip.Addr) (netip.Addr, bool) {
	if !ip.Is6() {
		return netip.Addr{}, false
	}
	b := ip.As16()
	switch {
	case netip.MustParsePrefix("64:ff9b::/96").Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case netip.MustParsePrefix("2002::/16").Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// HostPort returns the "host:port" of an http or https URL as a Policy
// lists it: the host in lower case without a trailing dot, the port given
// or the scheme's default (80, 443).
func HostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "https":
			port = "443"
		default:
			port = "80"
		}
	}
	return normaliseAddr(net.JoinHostPort(u.Hostname(), port))
}

// normaliseAddr puts "host:port" in the form Policy.Trusted is matched in.
func normaliseAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return strings.ToLower(addr)
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ip, err := netip.ParseAddr(host); err == nil {
		host = ip.Unmap().String()
	}
	return net.JoinHostPort(host, port)
}
