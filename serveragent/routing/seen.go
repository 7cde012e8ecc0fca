package routing

import (
	"container/list"
	"sync"
	"time"
)

// Seen remembers query IDs for a while, so a query that reaches a node
// again (a loop A→B→A, or two paths) is refused instead of processed
// twice. It holds at most Max IDs (the oldest forgotten first) and forgets
// an ID after TTL. Safe for concurrent use.
type Seen struct {
	mu    sync.Mutex
	ttl   time.Duration
	max   int
	order *list.List // of entry, oldest first
	byID  map[string]*list.Element
}

type entry struct {
	id string
	at time.Time
}

// NewSeen returns an empty cache (defaults: ttl 2 minutes, max 100,000).
func NewSeen(ttl time.Duration, max int) *Seen {
	if ttl <= 0 {
		ttl = 2 * time.Minute
	}
	if max <= 0 {
		max = 100_000
	}
	return &Seen{ttl: ttl, max: max, order: list.New(), byID: map[string]*list.Element{}}
}

// FirstTime records id at now and reports whether it was new (not seen
// within the TTL).
func (s *Seen) FirstTime(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := s.order.Front(); e != nil; e = s.order.Front() {
		if now.Sub(e.Value.(entry).at) < s.ttl {
			break
		}
		delete(s.byID, e.Value.(entry).id)
		s.order.Remove(e)
	}
	if _, ok := s.byID[id]; ok {
		return false
	}
	s.byID[id] = s.order.PushBack(entry{id, now})
	for s.order.Len() > s.max {
		e := s.order.Front()
		delete(s.byID, e.Value.(entry).id)
		s.order.Remove(e)
	}
	return true
}

// Len returns the number of IDs remembered.
func (s *Seen) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Len()
}
