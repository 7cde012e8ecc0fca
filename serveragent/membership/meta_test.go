package membership

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/memberlist"
)

// readFixtures returns the files of testdata/meta/<dir> by name.
func readFixtures(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "meta", dir, "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixtures in testdata/meta/%s: %v", dir, err)
	}
	out := make(map[string][]byte, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

// Claim: every well-formed metadata fixture decodes to a valid Meta, and
// encoding it again gives the same Meta and boot nonce (unknown fields of
// later versions are ignored).
func TestDecodeMetaAcceptsWellFormedFixtures(t *testing.T) {
	for name, b := range readFixtures(t, "valid") {
		t.Run(name, func(t *testing.T) {
			m, boot, err := decodeMeta(b)
			if err != nil {
				t.Fatalf("decodeMeta: %v", err)
			}
			if err := m.Validate(); err != nil {
				t.Errorf("decoded Meta does not validate: %v", err)
			}
			enc, err := encodeMeta(m, boot)
			if err != nil {
				t.Fatalf("encodeMeta(%+v): %v", m, err)
			}
			m2, boot2, err := decodeMeta(enc)
			if err != nil || m2 != m || boot2 != boot {
				t.Errorf("round trip: %+v %d %v, want %+v %d", m2, boot2, err, m, boot)
			}
		})
	}
}

// Claim: malformed metadata (bad JSON, wrong shape, invalid node ID or
// address or version, oversized) is refused with ErrInvalidMeta.
func TestDecodeMetaRefusesMalformedFixtures(t *testing.T) {
	for name, b := range readFixtures(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			m, _, err := decodeMeta(b)
			if !errors.Is(err, ErrInvalidMeta) {
				t.Fatalf("decodeMeta = %+v, %v; want ErrInvalidMeta", m, err)
			}
		})
	}
}

// Claim: the fixture "full.json" decodes to exactly the fields it holds,
// including a boot nonce at the top of the uint64 range.
func TestDecodeMetaFields(t *testing.T) {
	b := readFixtures(t, "valid")["full.json"]
	m, boot, err := decodeMeta(b)
	if err != nil {
		t.Fatal(err)
	}
	want := Meta{NodeID: "p2p1ngehwojpdypdmoj4kzue2gszbg", GRPCAddr: "node-7.example.org:7070", Version: "p2pir 0.3.1"}
	if m != want || boot != 1<<64-1 {
		t.Errorf("got %+v boot %d, want %+v boot %d", m, boot, want, uint64(1<<64-1))
	}
}

// Claim: Validate names the field at fault.
func TestMetaValidateNamesTheField(t *testing.T) {
	id := testNodeID("validate")
	cases := []struct {
		name string
		meta Meta
		want string // "" for valid
	}{
		{"valid", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070"}, ""},
		{"valid host name and version", Meta{NodeID: id, GRPCAddr: "peer_1.example.org:443", Version: "v1.2.3"}, ""},
		{"empty node ID", Meta{GRPCAddr: "127.0.0.1:7070"}, "node ID"},
		{"empty gRPC address", Meta{NodeID: id}, "gRPC address"},
		{"unspecified host", Meta{NodeID: id, GRPCAddr: "0.0.0.0:7070"}, "not an address peers can dial"},
		{"host name too long", Meta{NodeID: id, GRPCAddr: strings.Repeat("a", 254) + ":7070"}, "longer than"},
		{"invalid UTF-8 version", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Version: "\xff"}, "not UTF-8"},
		{"newline in version", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Version: "a\nb"}, "control character"},
		{"valid name", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: "Zoë's laptop <home>"}, ""},
		{"name too long", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: strings.Repeat("n", MaxNameLen+1)}, "name"},
		{"escape sequence in name", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: "\x1b[31mroot"}, "name"},
		{"bidi override in name", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: "alice\u202egnp.exe"}, "name"},
		{"zero-width space in name", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: "al\u200bice"}, "name"},
		{"invalid UTF-8 name", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: "\xffbob"}, "name"},
		{"name with a trailing space", Meta{NodeID: id, GRPCAddr: "127.0.0.1:7070", Name: "bob "}, "name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.meta.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidMeta) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want ErrInvalidMeta mentioning %q", err, tc.want)
			}
		})
	}
}

// Claim: the largest valid Meta still fits memberlist's metadata limit, so
// a valid configuration can always be announced.
func TestLargestValidMetaFitsMemberlist(t *testing.T) {
	m := Meta{
		NodeID:   testNodeID("largest"),
		GRPCAddr: strings.Repeat("a", maxHostLen) + ":65535",
		Version:  strings.Repeat("\u00e9", MaxVersionLen/2),
		Name:     strings.Repeat(`"`, MaxNameLen), // each escaped to two bytes
	}
	b, err := encodeMeta(m, 1<<64-1)
	if err != nil {
		t.Fatalf("encodeMeta: %v", err)
	}
	if len(b) > memberlist.MetaMaxSize {
		t.Fatalf("%d bytes > %d", len(b), memberlist.MetaMaxSize)
	}
}

// Claim: a received name no one can read safely is dropped, not the
// member: the rest of its metadata decodes; a readable name arrives as
// sent, "<" and all.
func TestDecodeMetaDropsAnUnreadableName(t *testing.T) {
	id := testNodeID("names")
	for _, tc := range []struct{ sent, want string }{
		{"kitchen <pc> & co", "kitchen <pc> & co"},
		{"\x1b]0;pwned\x07", ""},
		{"admin\u202e", ""},
		{strings.Repeat("x", MaxNameLen+1), ""},
	} {
		raw, err := json.Marshal(map[string]any{"id": id, "grpc": "127.0.0.1:7070", "n": tc.sent})
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := decodeMeta(raw)
		if err != nil {
			t.Fatalf("name %q: decodeMeta = %v, want the member without the name", tc.sent, err)
		}
		if m.NodeID != id || m.Name != tc.want {
			t.Errorf("name %q: decoded %+v, want name %q", tc.sent, m, tc.want)
		}
	}
}

// FuzzDecodeMeta checks that no input makes decodeMeta panic, and that
// whatever it accepts validates and survives a round trip.
func FuzzDecodeMeta(f *testing.F) {
	for _, dir := range []string{"valid", "invalid"} {
		for _, b := range readFixtures(f, dir) {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, boot, err := decodeMeta(b)
		if err != nil {
			if !errors.Is(err, ErrInvalidMeta) {
				t.Fatalf("error %v does not wrap ErrInvalidMeta", err)
			}
			return
		}
		if err := m.Validate(); err != nil {
			t.Fatalf("accepted %q but Validate says %v", b, err)
		}
		enc, err := encodeMeta(m, boot)
		if err != nil {
			t.Fatalf("accepted %q but cannot encode it: %v", b, err)
		}
		if m2, boot2, err := decodeMeta(enc); err != nil || m2 != m || boot2 != boot {
			t.Fatalf("round trip of %q: %+v %d %v", b, m2, boot2, err)
		}
	})
}

// Claim: the delegate's cached decoding gives exactly what decodeMeta
// gives, for valid and malformed metadata alike, the first time and from
// the cache; a caller reusing its buffer does not change what was cached;
// and the cache stays bounded however many encodings it sees.
func TestDelegateDecodeCachesDecodeMeta(t *testing.T) {
	d := &delegate{decoded: NewDecoded()}
	for _, dir := range []string{"valid", "invalid"} {
		for name, b := range readFixtures(t, dir) {
			t.Run(dir+"/"+name, func(t *testing.T) {
				want, wantBoot, wantErr := decodeMeta(b)
				for i := range 2 {
					buf := append([]byte(nil), b...)
					got, boot, err := d.decode(buf)
					clear(buf) // memberlist may reuse its buffers
					if got != want || boot != wantBoot || (err == nil) != (wantErr == nil) ||
						(err != nil && (err.Error() != wantErr.Error() || !errors.Is(err, ErrInvalidMeta))) {
						t.Errorf("decode #%d: %+v %d %v, want %+v %d %v", i+1, got, boot, err, want, wantBoot, wantErr)
					}
				}
			})
		}
	}
	m := Meta{NodeID: testNodeID("cache"), GRPCAddr: "node:7070"}
	for boot := range uint64(maxDecodedMeta + 10) {
		b, err := encodeMeta(m, boot+1)
		if err != nil {
			t.Fatal(err)
		}
		if _, got, err := d.decode(b); err != nil || got != boot+1 {
			t.Fatalf("boot %d decoded as %d, %v", boot+1, got, err)
		}
	}
	if n := d.decoded.c.Len(); n > maxDecodedMeta {
		t.Errorf("the cache holds %d encodings, want at most %d", n, maxDecodedMeta)
	}
}
