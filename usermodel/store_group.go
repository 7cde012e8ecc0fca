package usermodel

import (
	"sync"

	"go.etcd.io/bbolt"
)

// groupCommit runs read-write transactions for many goroutines, several
// to one commit (group commit): the first caller commits at once, and the
// calls that arrive while a commit runs go together into the next one, so
// an idle store answers at the speed of one fsync and a busy one shares
// each fsync among the calls that waited for it. (bbolt's own Batch waits
// a fixed delay for company instead, which a lone call pays in full.)
type groupCommit struct {
	db *bbolt.DB

	mu      sync.Mutex
	queue   []*groupCall
	leading bool // a goroutine is committing the queue
}

// groupCall is one caller's function and where its outcome goes.
type groupCall struct {
	fn   func(*bbolt.Tx) error
	done chan error
}

// update runs fn in a read-write transaction that it may share with
// concurrent calls, and returns when that transaction has committed (nil)
// or fn's changes were rolled back (fn's error, or the commit's). fn may
// run more than once: when the shared transaction fails, every call in it
// runs again alone, so one failing call cannot fail the others.
func (g *groupCommit) update(fn func(*bbolt.Tx) error) error {
	call := &groupCall{fn: fn, done: make(chan error, 1)}
	g.mu.Lock()
	g.queue = append(g.queue, call)
	if g.leading {
		g.mu.Unlock()
		return <-call.done
	}
	g.leading = true
	g.mu.Unlock()
	g.lead()
	return <-call.done
}

// lead commits the queue, then what arrived meanwhile, until it is empty.
func (g *groupCommit) lead() {
	for {
		g.mu.Lock()
		calls := g.queue
		g.queue = nil
		if len(calls) == 0 {
			g.leading = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		if len(calls) == 1 {
			calls[0].done <- g.db.Update(calls[0].fn)
			continue
		}
		err := g.db.Update(func(tx *bbolt.Tx) error {
			for _, c := range calls {
				if err := c.fn(tx); err != nil {
					return err
				}
			}
			return nil
		})
		for _, c := range calls {
			if err != nil {
				c.done <- g.db.Update(c.fn) // alone: its own outcome
				continue
			}
			c.done <- nil
		}
	}
}
