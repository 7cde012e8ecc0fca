package membership

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/memberlist"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// MaxVersionLen is the longest Meta.Version accepted, in bytes.
const MaxVersionLen = 64

// MaxNameLen is the longest Meta.Name accepted, in bytes: 48 ASCII
// characters, 16 to 24 in most other scripts. With the longest host name
// and version it keeps the metadata within memberlist's 512 bytes.
const MaxNameLen = 48

// maxHostLen is the longest host name of a gRPC address (a DNS name).
const maxHostLen = 253

// Meta is what a member tells the others about itself. It travels in
// memberlist's node metadata.
type Meta struct {
	// NodeID is the member's node ID (identity.NodeIDFromPublicKey). It is
	// also the member's memberlist name.
	NodeID string
	// GRPCAddr is the host:port at which peers reach the member's gRPC
	// service. The host is an IP address or a DNS name and may not be an
	// unspecified address (0.0.0.0, ::): peers must be able to dial it.
	GRPCAddr string
	// Version is the member's software version, free text of at most
	// MaxVersionLen bytes without control characters; it may be empty.
	Version string
	// Name is the name the member's person gave it, for people to tell
	// nodes apart (ValidateName); it may be empty. Names are claims: two
	// nodes may announce the same one, and nothing routes by it. A
	// received name that fails ValidateName is dropped (the member is
	// listed without one), never shown.
	Name string
}

// ErrInvalidMeta is returned (wrapped) for metadata that does not decode or
// does not validate.
var ErrInvalidMeta = errors.New("membership: invalid member metadata")

// Validate reports whether m can be announced: a well-formed node ID, a
// dialable gRPC address and a short printable version.
func (m Meta) Validate() error {
	if err := identity.ValidateNodeID(m.NodeID); err != nil {
		return fmt.Errorf("%w: node ID: %w", ErrInvalidMeta, err)
	}
	if err := validateGRPCAddr(m.GRPCAddr); err != nil {
		return fmt.Errorf("%w: gRPC address: %w", ErrInvalidMeta, err)
	}
	if err := validateVersion(m.Version); err != nil {
		return fmt.Errorf("%w: version: %w", ErrInvalidMeta, err)
	}
	if err := ValidateName(m.Name); err != nil {
		return fmt.Errorf("%w: name: %w", ErrInvalidMeta, err)
	}
	return nil
}

// ValidateName accepts a node name people can read safely: at most
// MaxNameLen bytes of UTF-8, no control or formatting characters (no
// line breaks, escape sequences, bidirectional overrides or zero-width
// characters that would make one name pass for another or garble a
// terminal), no line or paragraph separators, and no spaces at either
// end. The empty name (none) is valid.
func ValidateName(name string) error {
	if len(name) > MaxNameLen {
		return fmt.Errorf("%d bytes, want at most %d", len(name), MaxNameLen)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%q is not UTF-8", name)
	}
	for _, r := range name {
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			return fmt.Errorf("%q holds the invisible or control character %U", name, r)
		}
	}
	if strings.TrimSpace(name) != name {
		return fmt.Errorf("%q starts or ends with a space", name)
	}
	return nil
}

// validateGRPCAddr accepts host:port with a port in 1..65535 and a host
// that is a specified IP address or a plausible DNS name.
func validateGRPCAddr(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %w", addr, err)
	}
	if p, err := strconv.ParseUint(port, 10, 16); err != nil || p == 0 {
		return fmt.Errorf("%q: port %q is not in 1..65535", addr, port)
	}
	if host == "" {
		return fmt.Errorf("%q has no host: peers could not dial it", addr)
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.IsUnspecified() {
			return fmt.Errorf("%q: %s is not an address peers can dial; announce a reachable one", addr, host)
		}
		return nil
	}
	if len(host) > maxHostLen {
		return fmt.Errorf("%q: host name longer than %d bytes", addr, maxHostLen)
	}
	for i, r := range host {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_') {
			return fmt.Errorf("%q: character %q at %d is not allowed in a host name", addr, r, i)
		}
	}
	return nil
}

// validateVersion accepts short printable UTF-8.
func validateVersion(v string) error {
	if len(v) > MaxVersionLen {
		return fmt.Errorf("%d bytes, want at most %d", len(v), MaxVersionLen)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("%q is not UTF-8", v)
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return fmt.Errorf("%q holds control character %U", v, r)
		}
	}
	return nil
}

// wireMeta is the encoded form of Meta: a small JSON object with short
// keys. Unknown keys are ignored when decoding, so later versions can add
// fields. Boot is a random nonce drawn at every Start; leave notices name
// it, so a notice from an earlier run of a node never applies to a later one.
type wireMeta struct {
	ID      string `json:"id"`
	GRPC    string `json:"grpc"`
	Version string `json:"v,omitempty"`
	Name    string `json:"n,omitempty"`
	Boot    uint64 `json:"boot,omitempty"`
}

// encodeMeta validates and encodes m with the boot nonce, refusing results
// longer than memberlist.MetaMaxSize.
func encodeMeta(m Meta, boot uint64) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<" in a name is 1 byte, not 6: the limit is small
	if err := enc.Encode(wireMeta{ID: m.NodeID, GRPC: m.GRPCAddr, Version: m.Version, Name: m.Name, Boot: boot}); err != nil {
		return nil, fmt.Errorf("%w: encoding: %w", ErrInvalidMeta, err)
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(b) > memberlist.MetaMaxSize {
		return nil, fmt.Errorf("%w: %d bytes encoded, memberlist allows %d", ErrInvalidMeta, len(b), memberlist.MetaMaxSize)
	}
	return b, nil
}

// decodeMeta decodes and validates metadata received from the network. It
// never panics on any input.
func decodeMeta(b []byte) (Meta, uint64, error) {
	if len(b) == 0 {
		return Meta{}, 0, fmt.Errorf("%w: empty", ErrInvalidMeta)
	}
	if len(b) > memberlist.MetaMaxSize {
		return Meta{}, 0, fmt.Errorf("%w: %d bytes, memberlist allows %d", ErrInvalidMeta, len(b), memberlist.MetaMaxSize)
	}
	if b = bytes.TrimSpace(b); len(b) == 0 || b[0] != '{' {
		return Meta{}, 0, fmt.Errorf("%w: not a JSON object", ErrInvalidMeta)
	}
	var w wireMeta
	if err := json.Unmarshal(b, &w); err != nil {
		return Meta{}, 0, fmt.Errorf("%w: %w", ErrInvalidMeta, err)
	}
	m := Meta{NodeID: w.ID, GRPCAddr: w.GRPC, Version: w.Version, Name: w.Name}
	if ValidateName(m.Name) != nil {
		m.Name = "" // a name no one can read safely: the member, without it
	}
	if err := m.Validate(); err != nil {
		return Meta{}, 0, err
	}
	return m, w.Boot, nil
}
