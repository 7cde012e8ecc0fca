package membership

import (
	"fmt"

	"github.com/hashicorp/memberlist"
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
		d.warnf("alive/"+n.Name, "[WARN] membership: ignoring member %q at %s: %v", n.Name, n.Address(), err)
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
		d.warnf("alive/"+n.Name, "[WARN] membership: ignoring member %q at %s: %v", n.Name, n.Address(), err)
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
		d.notify.push(m)
	}
}

// NotifyConflict logs a second process announcing a node ID that is
// already listed at another address; memberlist keeps the listed one.
func (d *delegate) NotifyConflict(existing, other *memberlist.Node) {
	if existing.Name == d.self {
		d.warnf("conflict/"+other.Address(), "[ERR] membership: another process at %s claims this node's ID %q; is the node key shared?", other.Address(), existing.Name)
		return
	}
	d.warnf("conflict/"+other.Address(), "[WARN] membership: node %q announced at %s while listed at %s; keeping %s until it leaves or dies", existing.Name, other.Address(), existing.Address(), existing.Address())
}
