package membership

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/hashicorp/memberlist"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// Leave notices are memberlist user broadcasts that let the other members
// tell a member that left from one that failed, which memberlist v0.7.0
// does not tell its users. Wire form: one type byte (msgLeaveNotice), the
// leaving run's boot nonce (8 bytes, big-endian), the node ID.
const msgLeaveNotice byte = 1

// noticeLen is the length of an encoded leave notice.
const noticeLen = 1 + 8 + identity.NodeIDLen

// errBadNotice is returned (wrapped) for a user message that is not a
// well-formed leave notice.
var errBadNotice = errors.New("membership: malformed leave notice")

// encodeLeaveNotice encodes a notice that nodeID is leaving its run boot.
func encodeLeaveNotice(nodeID string, boot uint64) []byte {
	b := make([]byte, 0, noticeLen)
	b = append(b, msgLeaveNotice)
	b = binary.BigEndian.AppendUint64(b, boot)
	return append(b, nodeID...)
}

// decodeLeaveNotice decodes a notice received from the network; it never
// panics on any input.
func decodeLeaveNotice(b []byte) (nodeID string, boot uint64, err error) {
	if len(b) != noticeLen || b[0] != msgLeaveNotice {
		return "", 0, fmt.Errorf("%w: %d bytes", errBadNotice, len(b))
	}
	nodeID = string(b[9:])
	if err := identity.ValidateNodeID(nodeID); err != nil {
		return "", 0, fmt.Errorf("%w: %w", errBadNotice, err)
	}
	return nodeID, binary.BigEndian.Uint64(b[1:9]), nil
}

// noticeBroadcast is a leave notice in memberlist's transmit-limited queue.
// A newer notice for the same node replaces an older one still queued.
type noticeBroadcast struct {
	nodeID string
	msg    []byte
	// done, if not nil, is closed when the notice has been sent as often
	// as the queue allows (or was replaced).
	done chan struct{}
}

var _ memberlist.NamedBroadcast = (*noticeBroadcast)(nil)

// Invalidates reports whether o is an older notice for the same node.
func (b *noticeBroadcast) Invalidates(o memberlist.Broadcast) bool {
	ob, ok := o.(*noticeBroadcast)
	return ok && ob.nodeID == b.nodeID
}

// Name keys the broadcast in the queue.
func (b *noticeBroadcast) Name() string { return "leave/" + b.nodeID }

// Message is the encoded notice.
func (b *noticeBroadcast) Message() []byte { return b.msg }

// Finished is called by the queue once, when the notice leaves it.
func (b *noticeBroadcast) Finished() {
	if b.done != nil {
		close(b.done)
	}
}
