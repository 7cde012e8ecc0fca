package usermodel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// writeBehind holds the writes a search makes that its answer does not
// need, the searches recorded (RecordQuery) and the deferred updates
// (UpdateTxLater: the sources' health), and writes them in the
// background, many to one transaction (group commit): a search does not
// wait for the disk. Query sees held searches at once. Every other write
// of the Store (a mark, an undo, a setting, UpdateTx) first writes what
// is held, in its own transaction, so that writes land in the order they
// were made. A crash loses at most the last StoreOptions.QueryLogDelay of
// held writes (and the commit under way), never a mark.
type writeBehind struct {
	delay time.Duration
	// max bounds the searches held in memory: beyond it the earliest are
	// dropped, as the log's own eviction would drop them once written.
	max int

	// write serialises the transactions that write what is held.
	write sync.Mutex
	mu    sync.Mutex
	// pending are the searches not yet in a transaction, in recording
	// order; writing are those in the transaction under way (still
	// visible to Query until it commits).
	pending, writing []heldQuery
	// pendingFns and writingFns are the deferred updates, likewise.
	pendingFns, writingFns []deferredUpdate
	// failed is the last error of a background write, cleared by the next
	// successful one; the searches stay held and are written again.
	failed error

	kick    chan struct{} // something was held (buffered 1)
	stop    chan struct{} // closed by Close
	stopped chan struct{} // closed when the writer has finished
}

// deferredUpdate is one UpdateTxLater call.
type deferredUpdate struct {
	op string
	fn func(Tx) error
}

func newWriteBehind(delay time.Duration, max int) *writeBehind {
	return &writeBehind{delay: delay, max: max, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
}

// wake tells the background writer that something is held.
func (l *writeBehind) wake() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// heldQuery is a search held for the writer: its ID and its record's
// JSON, which RecordQuery checked.
type heldQuery struct {
	id  string
	raw []byte
}

// add holds q for the writer and wakes it.
func (l *writeBehind) add(q heldQuery) {
	l.mu.Lock()
	l.pending = append(l.pending, q)
	// Over the bound, the earliest go by moving the slice's start (what
	// they held is let go): copying the rest each time cost a search
	// 40 KB once the writer was a bound's worth of searches behind.
	// append copies only what is kept when it needs room, so the array
	// stays under twice the bound.
	if over := len(l.pending) - l.max; over > 0 {
		clear(l.pending[:over])
		l.pending = l.pending[over:]
	}
	l.mu.Unlock()
	l.wake()
}

// addFn holds a deferred update for the writer and wakes it.
func (l *writeBehind) addFn(u deferredUpdate) {
	l.mu.Lock()
	l.pendingFns = append(l.pendingFns, u)
	l.mu.Unlock()
	l.wake()
}

// find returns the latest held record of the search id, decoded anew
// (it shares nothing with the record given or another caller's), as the
// file would give it back.
func (l *writeBehind) find(id string) (QueryRecord, bool, error) {
	var raw []byte
	l.mu.Lock()
	for _, list := range [][]heldQuery{l.pending, l.writing} {
		for i := len(list) - 1; i >= 0 && raw == nil; i-- {
			if list[i].id == id {
				raw = list[i].raw
			}
		}
	}
	l.mu.Unlock()
	if raw == nil {
		return QueryRecord{}, false, nil
	}
	var q QueryRecord
	if err := json.Unmarshal(raw, &q); err != nil {
		return QueryRecord{}, false, fmt.Errorf("usermodel: query %q: %w", id, err)
	}
	return q, true, nil
}

// take moves what is held to writing and returns it.
func (l *writeBehind) take() ([]heldQuery, []deferredUpdate) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writing, l.pending = l.pending, nil
	l.writingFns, l.pendingFns = l.pendingFns, nil
	return l.writing, l.writingFns
}

// done ends a write: committed, the writes leave memory; failed, they go
// back in front of those held meanwhile, to be written again.
func (l *writeBehind) done(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && (len(l.writing) > 0 || len(l.writingFns) > 0) {
		l.pending = append(l.writing, l.pending...)
		if over := len(l.pending) - l.max; over > 0 {
			l.pending = l.pending[over:]
		}
		l.pendingFns = append(l.writingFns, l.pendingFns...)
		select { // written again after the delay
		case l.kick <- struct{}{}:
		default:
		}
	}
	l.writing, l.writingFns = nil, nil
}

// setFailed records how the last background write went.
func (l *writeBehind) setFailed(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = err
}

// runWriteBehind is the background writer: after something is held it
// waits up to the delay for more, then writes it all in one transaction;
// at stop it writes what is left.
func (s *Store) runWriteBehind() {
	l := s.held
	defer close(l.stopped)
	for {
		select {
		case <-l.kick:
		case <-l.stop:
			s.writeHeld(context.Background())
			return
		}
		t := time.NewTimer(l.delay)
		select {
		case <-t.C:
		case <-l.stop:
			t.Stop()
			s.writeHeld(context.Background())
			return
		}
		s.writeHeld(context.Background())
	}
}

// writeHeld writes what is held in one transaction: the searches in the
// order they were recorded (then the earliest beyond MaxQueries are
// evicted), then the deferred updates in the order they were made. When
// that transaction fails, a deferred update may be why: the searches are
// written alone, then each update alone, and an update that fails alone
// is dropped (it was learning, not anything the person did).
func (s *Store) writeHeld(ctx context.Context) error {
	s.held.write.Lock()
	defer s.held.write.Unlock()
	return s.writeHeldLocked(ctx)
}

// writeHeldLocked is writeHeld with the write lock held.
func (s *Store) writeHeldLocked(ctx context.Context) error {
	l := s.held
	qs, fns := l.take()
	if len(qs) == 0 && len(fns) == 0 {
		l.done(nil)
		return nil
	}
	err := s.run(ctx, "write the query log", txUpdate, func(b *buckets) error { return s.applyHeld(b, qs, fns) })
	if err != nil && len(fns) > 0 {
		err = s.run(ctx, "write the query log", txUpdate, func(b *buckets) error { return s.applyHeld(b, qs, nil) })
		var fnErrs []error
		for _, u := range fns {
			if e := s.run(ctx, u.op, txUpdate, func(b *buckets) error { return u.fn(Tx{b.tx}) }); e != nil {
				fnErrs = append(fnErrs, e)
			}
		}
		l.mu.Lock()
		l.writingFns = nil // tried alone: not held again
		l.mu.Unlock()
		err = errors.Join(append([]error{err}, fnErrs...)...)
	}
	l.done(err)
	l.setFailed(err)
	return err
}

// applyHeld writes held searches and deferred updates within b's
// transaction.
func (s *Store) applyHeld(b *buckets, qs []heldQuery, fns []deferredUpdate) error {
	for _, q := range qs {
		if err := writeQuery(b, q.id, q.raw); err != nil {
			return err
		}
	}
	if len(qs) > 0 {
		if err := s.evict(b); err != nil {
			return err
		}
	}
	for _, u := range fns {
		if err := u.fn(Tx{b.tx}); err != nil {
			return fmt.Errorf("%s: %w", u.op, err)
		}
	}
	return nil
}

// FlushQueries writes the searches and deferred updates held for the
// background writer, now; nil when nothing is held.
func (s *Store) FlushQueries(ctx context.Context) error {
	if s.held == nil {
		return nil
	}
	return s.writeHeld(ctx)
}

// UpdateTxLater runs fn in a read-write transaction soon: within
// StoreOptions.QueryLogDelay, in the background writer's transaction,
// after the writes held before it and before any write made after it
// (every other write of the Store writes what is held first). It is for
// writes an answer does not wait for, such as the sources' health after a
// search; fn must derive what it writes from the transaction, and may
// not run at all if it fails (alone) or the process stops first. With a
// negative QueryLogDelay it runs before UpdateTxLater returns.
func (s *Store) UpdateTxLater(ctx context.Context, op string, fn func(Tx) error) error {
	if s.held == nil {
		return s.UpdateTx(ctx, op, fn)
	}
	if s.closing.Load() {
		return fmt.Errorf("usermodel: %s: %w", op, ErrClosed)
	}
	s.held.addFn(deferredUpdate{op: op, fn: fn})
	return nil
}

// QueryLogError is the last error of the background writer (the searches
// it could not write stay in memory and are tried again); nil once a
// write succeeds.
func (s *Store) QueryLogError() error {
	if s.held == nil {
		return nil
	}
	s.held.mu.Lock()
	defer s.held.mu.Unlock()
	return s.held.failed
}

// update runs fn in one read-write transaction unless ctx is done or the
// store closed, with what the background writer holds written first in
// the same transaction (so that writes land in the order they were made);
// an error from fn or a context cancelled meanwhile rolls it all back, and
// the held writes stay held. Errors from fn come back as they are; others
// get op as context.
func (s *Store) update(ctx context.Context, op string, fn func(b *buckets) error) error {
	if s.held == nil {
		return s.run(ctx, op, txUpdate, fn)
	}
	l := s.held
	l.write.Lock()
	defer l.write.Unlock()
	qs, fns := l.take()
	var heldErr error
	err := s.run(ctx, op, txUpdate, func(b *buckets) error {
		if heldErr = s.applyHeld(b, qs, fns); heldErr != nil {
			return heldErr
		}
		return fn(b)
	})
	l.done(err)
	if heldErr == nil {
		return err
	}
	// A held write failed, not this one: write what is held the careful
	// way (each deferred update alone), then this write on its own.
	_ = s.writeHeldLocked(ctx)
	return s.run(ctx, op, txUpdate, fn)
}

// closeWriteBehind stops the background writer after it has written what
// is held; it reports a final write that failed.
func (s *Store) closeWriteBehind() error {
	if s.held == nil {
		return nil
	}
	close(s.held.stop)
	<-s.held.stopped
	if err := s.QueryLogError(); err != nil {
		return fmt.Errorf("usermodel: the last searches of the query log could not be written: %w", err)
	}
	return nil
}
