package membership

import (
	"context"
	"log/slog"

	"github.com/hashicorp/memberlist"

	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/memo"
)

// delegate is this package's side of memberlist: it serves the node's
// metadata, carries leave notices as user broadcasts (this file), and
// receives membership events (events.go). memberlist calls it from its own
// goroutines, often holding its locks: every method returns quickly and
// never waits for the application.
type delegate struct {
	self   string // our node ID
	meta   []byte // our encoded metadata
	table  *table
	notify *notifier
	queue  *memberlist.TransmitLimitedQueue
	logger *slog.Logger
	warn   *logx.Limiter // one line a minute per event and member

	// decoded keeps metadata decoded before, by its bytes (see
	// decode). memberlist hands every member's metadata to NotifyAlive
	// at every push-pull, and at 1,000 members decoding the same JSON
	// again was most of a merge.
	decoded *Decoded
}

// decodedMeta is the outcome of decodeMeta for one encoding.
type decodedMeta struct {
	meta Meta
	boot uint64
	err  error
}

// Decoded keeps members' metadata decoded, by the exact bytes it came
// from (decoding is a pure function of them). One may be shared by the
// members of one process. Safe for concurrent use.
type Decoded struct {
	c *memo.Cache[decodedMeta]
}

// maxDecodedMeta bounds a Decoded: about one entry per member (a
// member's metadata changes only when it restarts or changes its
// address, version or name). A full cache is emptied, so a peer sending
// ever new metadata costs at most a decode each, as without a cache.
const maxDecodedMeta = 16384

// NewDecoded returns an empty Decoded.
func NewDecoded() *Decoded { return &Decoded{c: memo.New[decodedMeta](maxDecodedMeta)} }

// decode is decodeMeta(b), from the cache when the same bytes were
// decoded before.
func (d *delegate) decode(b []byte) (Meta, uint64, error) {
	r := d.decoded.c.Get(b, func() decodedMeta {
		var r decodedMeta
		r.meta, r.boot, r.err = decodeMeta(b)
		return r
	}, func(decodedMeta) bool { return len(b) <= memberlist.MetaMaxSize }) // longer: never valid, not worth keeping
	return r.meta, r.boot, r.err
}

var (
	_ memberlist.Delegate         = (*delegate)(nil)
	_ memberlist.EventDelegate    = (*delegate)(nil)
	_ memberlist.AliveDelegate    = (*delegate)(nil)
	_ memberlist.ConflictDelegate = (*delegate)(nil)
)

// newDelegate returns a delegate for the node self with encoded metadata
// meta, reporting to notify.
func newDelegate(self string, meta []byte, t *table, notify *notifier, retransmitMult int, logger *slog.Logger, warn *logx.Limiter, decoded *Decoded) *delegate {
	if decoded == nil {
		decoded = NewDecoded()
	}
	d := &delegate{self: self, meta: meta, table: t, notify: notify, logger: logger, warn: warn, decoded: decoded}
	d.queue = &memberlist.TransmitLimitedQueue{
		NumNodes:       func() int { return t.liveCount() + 1 },
		RetransmitMult: retransmitMult,
	}
	return d
}

// NodeMeta returns our metadata; Start checked that it fits the limit.
func (d *delegate) NodeMeta(limit int) []byte {
	if len(d.meta) > limit {
		return nil // cannot happen: encodeMeta caps at memberlist.MetaMaxSize
	}
	return d.meta
}

// NotifyMsg handles a user message: a leave notice, relayed onwards when
// it is news. Anything else is logged and dropped.
func (d *delegate) NotifyMsg(b []byte) {
	nodeID, boot, err := decodeLeaveNotice(b)
	if err != nil {
		d.warnf(logx.EventInvalidMessage, "", "dropping a gossip message that does not decode", logx.KeyReason, err.Error())
		return
	}
	if nodeID == d.self {
		return
	}
	m, news, changed := d.table.leaveNotice(nodeID, boot)
	if changed {
		d.notify.push(m)
	}
	if news {
		d.queue.QueueBroadcast(&noticeBroadcast{nodeID: nodeID, msg: encodeLeaveNotice(nodeID, boot)})
	}
}

// GetBroadcasts hands queued leave notices to memberlist's gossip.
func (d *delegate) GetBroadcasts(overhead, limit int) [][]byte {
	return d.queue.GetBroadcasts(overhead, limit)
}

// LocalState sends nothing beyond memberlist's own state on push-pull.
func (d *delegate) LocalState(join bool) []byte { return nil }

// MergeRemoteState has nothing to merge.
func (d *delegate) MergeRemoteState(buf []byte, join bool) {}

// warnf logs a warning of event about member (a node ID or an address)
// at most once a minute, so that a misbehaving peer whose messages repeat
// cannot flood the log.
func (d *delegate) warnf(event, member, msg string, args ...any) {
	d.warn.Warn(context.Background(), d.logger, event, member, msg, args...)
}
