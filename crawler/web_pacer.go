package crawler

import (
	"context"
	"sync"
	"time"
)

// hostPacer spaces the starts of requests to each host by a fixed delay.
// Unlike colly's LimitRule.Delay, which sleeps without looking at any
// context, its wait returns as soon as the crawl's context is done, so a
// cancelled crawl with many queued requests stops at once.
type hostPacer struct {
	delay time.Duration
	mu    sync.Mutex
	next  map[string]time.Time // host -> earliest start of its next request
}

// newHostPacer returns a pacer with the given delay between request starts.
func newHostPacer(delay time.Duration) *hostPacer {
	return &hostPacer{delay: delay, next: make(map[string]time.Time)}
}

// wait reserves the next start slot of host and sleeps until it comes, or
// returns ctx.Err() if ctx is done first.
func (p *hostPacer) wait(ctx context.Context, host string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p.mu.Lock()
	now := time.Now()
	start := now
	if next, ok := p.next[host]; ok && next.After(now) {
		start = next
	}
	p.next[host] = start.Add(p.delay)
	p.mu.Unlock()

	d := start.Sub(now)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readyIn returns how long until host's next start slot comes, without
// reserving it; zero or less means wait would return at once. A
// scheduler that picks among hosts uses it to start only requests that
// need not wait.
func (p *hostPacer) readyIn(host string, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.next[host].Sub(now)
}
