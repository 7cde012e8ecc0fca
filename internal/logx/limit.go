package logx

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Default limits of a Limiter.
const (
	// DefaultInterval is the least time between two lines of one event
	// about one peer.
	DefaultInterval = time.Minute
	// DefaultMaxKeys bounds the (event, peer) pairs a Limiter remembers.
	DefaultMaxKeys = 4096
)

// Limiter lets a warning about one (event, peer) pair through at most
// once per interval: the first at once, the repeats within the interval
// counted, and the count carried (KeySuppressed) by the next line let
// through. A peer that sends garbage a thousand times a second gets one
// line a minute. A flood of distinct peers costs bounded memory: at
// MaxKeys pairs the Limiter forgets them all (their next lines pass).
// Safe for concurrent use; the zero value is not usable, use NewLimiter.
type Limiter struct {
	interval time.Duration
	maxKeys  int
	now      func() time.Time

	mu   sync.Mutex
	keys map[limitKey]*limitState
}

type limitKey struct{ event, peer string }

type limitState struct {
	last       time.Time
	suppressed int
}

// NewLimiter returns a Limiter letting one line per (event, peer) through
// per interval (DefaultInterval when 0 or less), remembering at most
// DefaultMaxKeys pairs.
func NewLimiter(interval time.Duration) *Limiter {
	if interval <= 0 {
		interval = DefaultInterval
	}
	return &Limiter{interval: interval, maxKeys: DefaultMaxKeys, now: time.Now, keys: make(map[limitKey]*limitState)}
}

// allow reports whether a line of event about peer may be logged now and
// how many were held back before it.
func (l *Limiter) allow(event, peer string) (bool, int) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	k := limitKey{event, peer}
	s := l.keys[k]
	if s != nil && now.Sub(s.last) < l.interval {
		s.suppressed++
		return false, 0
	}
	if s == nil {
		if len(l.keys) >= l.maxKeys {
			clear(l.keys)
		}
		s = &limitState{}
		l.keys[k] = s
	}
	held := s.suppressed
	s.last, s.suppressed = now, 0
	return true, held
}

// Log logs msg at level on logger with the event and peer attributes and
// args, unless a line of the same event about the same peer went out
// within the interval. peer is whatever identifies the source: a node ID,
// or an address when there is none. With a nil Limiter every line goes
// out.
func (l *Limiter) Log(ctx context.Context, logger *slog.Logger, level slog.Level, event, peer, msg string, args ...any) {
	if !logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]any, 0, len(args)+6)
	attrs = append(attrs, KeyEvent, event)
	if l != nil {
		ok, held := l.allow(event, peer)
		if !ok {
			return
		}
		if held > 0 {
			args = append(args, KeySuppressed, held)
		}
	}
	logger.Log(ctx, level, msg, append(attrs, args...)...)
}

// Warn is Log at slog.LevelWarn.
func (l *Limiter) Warn(ctx context.Context, logger *slog.Logger, event, peer, msg string, args ...any) {
	l.Log(ctx, logger, slog.LevelWarn, event, peer, msg, args...)
}
