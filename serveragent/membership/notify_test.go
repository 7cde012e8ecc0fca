package membership

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// Claim: events reach OnChange in the order pushed, push never blocks even
// while OnChange is stuck, and close delivers everything queued before it
// returns; pushes after close are dropped.
func TestNotifierOrderNonBlockingAndDrain(t *testing.T) {
	var mu sync.Mutex
	var got []string
	release := make(chan struct{})
	n := newNotifier(func(m Member) {
		<-release // stuck until released
		mu.Lock()
		got = append(got, m.Version)
		mu.Unlock()
	})
	const count = 1000
	start := time.Now()
	for i := range count {
		n.push(Member{Meta: Meta{Version: fmt.Sprint(i)}})
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("pushing %d events while OnChange is stuck took %v", count, d)
	}
	close(release)
	n.close()
	n.push(Member{Meta: Meta{Version: "late"}})
	n.close() // a second close is harmless
	mu.Lock()
	defer mu.Unlock()
	if len(got) != count {
		t.Fatalf("delivered %d events, want %d", len(got), count)
	}
	for i, v := range got {
		if v != fmt.Sprint(i) {
			t.Fatalf("event %d is %q: out of order", i, v)
		}
	}
}

// Claim: with no OnChange, pushing and closing do nothing and do not block.
func TestNotifierWithoutCallback(t *testing.T) {
	n := newNotifier(nil)
	n.push(Member{})
	n.close()
	n.close()
}
