package membership

import (
	"log"

	"github.com/hashicorp/memberlist"
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
	logger *log.Logger
	warn   *warnLimiter
}

var (
	_ memberlist.Delegate         = (*delegate)(nil)
	_ memberlist.EventDelegate    = (*delegate)(nil)
	_ memberlist.AliveDelegate    = (*delegate)(nil)
	_ memberlist.ConflictDelegate = (*delegate)(nil)
)

// newDelegate returns a delegate for the node self with encoded metadata
// meta, reporting to notify.
func newDelegate(self string, meta []byte, t *table, notify *notifier, retransmitMult int, logger *log.Logger) *delegate {
	d := &delegate{self: self, meta: meta, table: t, notify: notify, logger: logger, warn: newWarnLimiter()}
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
		d.warnf("user message", "[WARN] membership: dropping user message: %v", err)
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

// warnf logs at most once a minute per key, so that a misbehaving peer
// whose messages repeat cannot flood the log.
func (d *delegate) warnf(key, format string, args ...any) {
	if d.warn.allow(key) {
		d.logger.Printf(format, args...)
	}
}
