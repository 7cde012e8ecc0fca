package serveragent

import (
	"sync"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket per calling node, at most max of them:
// beyond that an arbitrary one is forgotten (it starts again full, which
// errs on the side of serving).
type limiters struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	max   int
	byID  map[string]*rate.Limiter
}

func newLimiters(limit rate.Limit, burst, max int) *limiters {
	return &limiters{limit: limit, burst: burst, max: max, byID: map[string]*rate.Limiter{}}
}

// allow reports whether the node id may make one more call now.
func (l *limiters) allow(id string) bool { return l.get(id).Allow() }

// get returns id's bucket, made full if it has none.
func (l *limiters) get(id string) *rate.Limiter {
	l.mu.Lock()
	lim := l.byID[id]
	if lim == nil {
		for k := range l.byID {
			if len(l.byID) < l.max {
				break
			}
			delete(l.byID, k)
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.byID[id] = lim
	}
	l.mu.Unlock()
	return lim
}
