package membership

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/hashicorp/memberlist"

	"github.com/p2pir/p2pir/internal/logx"
)

// NotifyAlive vets every alive message before memberlist believes it: the
// metadata must decode and validate and name the same node ID as the
// memberlist name. A refused member is not listed and not gossiped on.
func (d *delegate) NotifyAlive(n *memberlist.Node) error {
	if n.Name == d.self {
		return nil // our own announcement
	}
	meta, _, err := d.decode(n.Meta)
	if err == nil && meta.NodeID != n.Name {
		err = fmt.Errorf("%w: metadata names node %q", ErrInvalidMeta, meta.NodeID)
	}
	if err != nil {
		d.warnf(logx.EventInvalidMember, n.Name, "ignoring a member whose announcement does not validate", logx.KeyPeer, n.Name, logx.KeyAddr, n.Address(), logx.KeyReason, err.Error())
		return err
	}
	return nil
}

// NotifyJoin records a member that became alive.
func (d *delegate) NotifyJoin(n *memberlist.Node) { d.alive(n) }

// NotifyUpdate records a member whose metadata or address changed.
func (d *delegate) NotifyUpdate(n *memberlist.Node) { d.alive(n) }

// alive records a member memberlist now holds alive and reports it.
func (d *delegate) alive(n *memberlist.Node) {
	if n.Name == d.self {
		return
	}
	meta, boot, err := d.decode(n.Meta)
	if err != nil {
		// NotifyAlive let it through, so this cannot happen; if it does,
		// the member stays unlisted.
		d.warnf(logx.EventInvalidMember, n.Name, "ignoring a member whose announcement does not validate", logx.KeyPeer, n.Name, logx.KeyAddr, n.Address(), logx.KeyReason, err.Error())
		return
	}
	d.notify.push(d.table.alive(meta, boot, n.Address()))
}

// NotifyLeave records a member declared dead or left, and reports it.
func (d *delegate) NotifyLeave(n *memberlist.Node) {
	if n.Name == d.self {
		return
	}
	if m, ok := d.table.gone(n.Name); ok {
		if m.State == StateDead {
			d.warnf(logx.EventMemberDead, n.Name, "a member was declared failed (it stopped answering probes, or left without notice)", logx.KeyPeer, n.Name, logx.KeyAddr, n.Address())
		} else {
			d.logger.Info("a member left", logx.KeyPeer, n.Name, logx.KeyAddr, n.Address())
		}
		d.notify.push(m)
	}
}

// NotifyConflict logs a second process announcing a node ID that is
// already listed at another address; memberlist keeps the listed one.
func (d *delegate) NotifyConflict(existing, other *memberlist.Node) {
	if existing.Name == d.self {
		d.warn.Log(context.Background(), d.logger, slog.LevelError, logx.EventInvalidMember, other.Address(), "another process claims this node's ID; is the node key shared?", logx.KeyPeer, existing.Name, logx.KeyAddr, other.Address())
		return
	}
	d.warnf(logx.EventInvalidMember, other.Address(), "a listed node was announced at a second address; keeping the first until it leaves or dies", logx.KeyPeer, existing.Name, logx.KeyAddr, other.Address(), "listed_at", existing.Address())
}
