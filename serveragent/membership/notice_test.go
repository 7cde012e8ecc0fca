package membership

import (
	"errors"
	"testing"
)

// Claim: a leave notice decodes to the node ID and boot nonce it was
// encoded with.
func TestLeaveNoticeRoundTrip(t *testing.T) {
	for _, boot := range []uint64{0, 1, 1<<64 - 1} {
		id := testNodeID("notice")
		gotID, gotBoot, err := decodeLeaveNotice(encodeLeaveNotice(id, boot))
		if err != nil || gotID != id || gotBoot != boot {
			t.Errorf("boot %d: got %q %d %v", boot, gotID, gotBoot, err)
		}
	}
}

// Claim: anything but a well-formed leave notice is refused with
// errBadNotice.
func TestDecodeLeaveNoticeRefusesMalformed(t *testing.T) {
	good := encodeLeaveNotice(testNodeID("notice"), 7)
	badID := encodeLeaveNotice(testNodeID("notice"), 7)
	copy(badID[9:], "P2P1")
	cases := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"type only", []byte{msgLeaveNotice}},
		{"truncated", good[:len(good)-1]},
		{"too long", append(append([]byte{}, good...), 'x')},
		{"unknown type", append([]byte{2}, good[1:]...)},
		{"invalid node ID", badID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := decodeLeaveNotice(tc.b); !errors.Is(err, errBadNotice) {
				t.Fatalf("decodeLeaveNotice = %v, want errBadNotice", err)
			}
		})
	}
}

// FuzzDecodeLeaveNotice checks that no input makes the decoder panic and
// that what it accepts re-encodes to the same bytes.
func FuzzDecodeLeaveNotice(f *testing.F) {
	f.Add(encodeLeaveNotice(testNodeID("notice"), 42))
	f.Add([]byte{msgLeaveNotice, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		id, boot, err := decodeLeaveNotice(b)
		if err != nil {
			return
		}
		if again := encodeLeaveNotice(id, boot); string(again) != string(b) {
			t.Fatalf("%q decodes to %q %d which encodes to %q", b, id, boot, again)
		}
	})
}
