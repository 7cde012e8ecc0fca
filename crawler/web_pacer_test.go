package crawler

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestHostPacerSpacesStarts checks that request starts to one host are at
// least the delay apart, while other hosts are not held up.
func TestHostPacerSpacesStarts(t *testing.T) {
	const delay = 40 * time.Millisecond
	p := newHostPacer(delay)
	ctx := context.Background()
	var (
		mu     sync.Mutex
		starts []time.Time
		wg     sync.WaitGroup
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.wait(ctx, "a.example"); err != nil {
				t.Error(err)
			}
			mu.Lock()
			starts = append(starts, time.Now())
			mu.Unlock()
		}()
	}
	t0 := time.Now()
	if err := p.wait(ctx, "b.example"); err != nil || time.Since(t0) > delay/2 {
		t.Errorf("another host waited %v (err %v)", time.Since(t0), err)
	}
	wg.Wait()
	first, last := starts[0], starts[0]
	for _, s := range starts {
		if s.Before(first) {
			first = s
		}
		if s.After(last) {
			last = s
		}
	}
	// Four starts need three delays between them (minus timer slack).
	if span := last.Sub(first); span < 3*delay-5*time.Millisecond {
		t.Errorf("four starts spanned %v, want at least %v", span, 3*delay)
	}
}

// TestHostPacerStopsOnCancel checks that a wait ends as soon as its context
// is cancelled.
func TestHostPacerStopsOnCancel(t *testing.T) {
	p := newHostPacer(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	if err := p.wait(ctx, "h"); err != nil { // first start is immediate
		t.Fatal(err)
	}
	time.AfterFunc(20*time.Millisecond, cancel)
	t0 := time.Now()
	err := p.wait(ctx, "h")
	if !errors.Is(err, context.Canceled) || time.Since(t0) > time.Second {
		t.Errorf("wait returned %v after %v, want context.Canceled at once", err, time.Since(t0))
	}
	if err := p.wait(ctx, "other"); !errors.Is(err, context.Canceled) {
		t.Errorf("wait on a done context = %v, want context.Canceled", err)
	}
}
