package usermodel

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// queryLog holds the searches recorded but not yet written, and writes
// them in the background, many to one transaction (group commit): a
// search does not wait for the disk. Query sees them at once; a crash
// loses at most the last StoreOptions.QueryLogDelay of searches (and the
// commit under way), never a mark, which is written before its method
// returns.
type queryLog struct {
	delay time.Duration
	// max bounds the searches held in memory: beyond it the earliest are
	// dropped, as the log's own eviction would drop them once written.
	max int

	// write serialises writes of the log (background and FlushQueries).
	write sync.Mutex
	mu    sync.Mutex
	// pending are the searches not yet in a transaction, in recording
	// order; writing are those in the transaction under way (still
	// visible to Query until it commits).
	pending, writing []QueryRecord
	// failed is the last error of a background write, cleared by the next
	// successful one; the searches stay pending and are written again.
	failed error

	kick    chan struct{} // a search was recorded (buffered 1)
	stop    chan struct{} // closed by Close
	stopped chan struct{} // closed when the writer has finished
}

func newQueryLog(delay time.Duration, max int) *queryLog {
	return &queryLog{delay: delay, max: max, kick: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
}

// add holds q for the writer and wakes it.
func (l *queryLog) add(q QueryRecord) {
	l.mu.Lock()
	l.pending = append(l.pending, q)
	if over := len(l.pending) - l.max; over > 0 {
		l.pending = append(l.pending[:0:0], l.pending[over:]...)
	}
	l.mu.Unlock()
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// find returns the latest held record of the search id.
func (l *queryLog) find(id string) (QueryRecord, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, list := range [][]QueryRecord{l.pending, l.writing} {
		for i := len(list) - 1; i >= 0; i-- {
			if list[i].ID == id {
				return list[i], true
			}
		}
	}
	return QueryRecord{}, false
}

// take moves the pending searches to writing and returns them.
func (l *queryLog) take() []QueryRecord {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writing, l.pending = l.pending, nil
	return l.writing
}

// done ends a write: committed, the searches leave memory; failed, they
// go back in front of those recorded meanwhile, to be written again.
func (l *queryLog) done(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && len(l.writing) > 0 {
		l.pending = append(l.writing, l.pending...)
		if over := len(l.pending) - l.max; over > 0 {
			l.pending = l.pending[over:]
		}
		select { // written again after the delay
		case l.kick <- struct{}{}:
		default:
		}
	}
	l.writing = nil
}

// failedWrite records how the last background write went.
func (l *queryLog) failedWrite(err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failed = err
}

// runQueryLog is the background writer: after a search is recorded it waits up to
// the delay for more, then writes them all in one transaction; at stop it
// writes what is left.
func (s *Store) runQueryLog() {
	l := s.qlog
	defer close(l.stopped)
	for {
		select {
		case <-l.kick:
		case <-l.stop:
			s.writeQueries(context.Background())
			return
		}
		t := time.NewTimer(l.delay)
		select {
		case <-t.C:
		case <-l.stop:
			t.Stop()
			s.writeQueries(context.Background())
			return
		}
		s.writeQueries(context.Background())
	}
}

// writeQueries writes the pending searches in one transaction, in the
// order they were recorded, then evicts the earliest beyond MaxQueries.
func (s *Store) writeQueries(ctx context.Context) error {
	l := s.qlog
	l.write.Lock()
	defer l.write.Unlock()
	qs := l.take()
	if len(qs) == 0 {
		l.done(nil)
		return nil
	}
	err := s.update(ctx, "record queries", func(b *buckets) error {
		for _, q := range qs {
			if err := writeQuery(b, q); err != nil {
				return err
			}
		}
		return s.evict(b)
	})
	l.done(err)
	l.failedWrite(err)
	return err
}

// updateWithQueries is update, with the searches the query log holds
// written first in the same transaction (a mark refers to its search,
// which may have been recorded a moment ago). If the transaction fails,
// the searches stay held for the background writer.
func (s *Store) updateWithQueries(ctx context.Context, op string, fn func(b *buckets) error) error {
	if s.qlog == nil {
		return s.update(ctx, op, fn)
	}
	l := s.qlog
	l.write.Lock()
	defer l.write.Unlock()
	qs := l.take()
	err := s.update(ctx, op, func(b *buckets) error {
		for _, q := range qs {
			if err := writeQuery(b, q); err != nil {
				return err
			}
		}
		if len(qs) > 0 {
			if err := s.evict(b); err != nil {
				return err
			}
		}
		return fn(b)
	})
	l.done(err)
	return err
}

// FlushQueries writes the searches recorded so far that are still waiting
// for the background writer, now; nil when none are waiting.
func (s *Store) FlushQueries(ctx context.Context) error {
	if s.qlog == nil {
		return nil
	}
	return s.writeQueries(ctx)
}

// QueryLogError is the last error of the background writer of the query
// log (the searches it could not write stay in memory and are tried
// again); nil once a write succeeds.
func (s *Store) QueryLogError() error {
	if s.qlog == nil {
		return nil
	}
	s.qlog.mu.Lock()
	defer s.qlog.mu.Unlock()
	return s.qlog.failed
}

// closeQueryLog stops the background writer after it has written what is
// pending; it reports a final write that failed.
func (s *Store) closeQueryLog() error {
	if s.qlog == nil {
		return nil
	}
	close(s.qlog.stop)
	<-s.qlog.stopped
	if err := s.QueryLogError(); err != nil {
		return fmt.Errorf("usermodel: the last searches of the query log could not be written: %w", err)
	}
	return nil
}
