package membership

import (
	"sync"
	"time"
)

// warnLimiter lets a log line with a given key through at most once per
// interval. It forgets everything when it holds maxKeys keys, so a flood of
// distinct keys costs bounded memory.
type warnLimiter struct {
	interval time.Duration
	maxKeys  int

	mu   sync.Mutex
	last map[string]time.Time
}

// newWarnLimiter allows each key once a minute, remembering up to 1024 keys.
func newWarnLimiter() *warnLimiter {
	return &warnLimiter{interval: time.Minute, maxKeys: 1024, last: make(map[string]time.Time)}
}

// allow reports whether a line with key may be logged now.
func (w *warnLimiter) allow(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := time.Now()
	if t, ok := w.last[key]; ok && now.Sub(t) < w.interval {
		return false
	}
	if len(w.last) >= w.maxKeys {
		clear(w.last)
	}
	w.last[key] = now
	return true
}
