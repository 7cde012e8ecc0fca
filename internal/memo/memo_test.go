package memo

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
)

func TestTheSameBytesAreDecodedOnce(t *testing.T) {
	c := New[string](10)
	var calls int
	decode := func(b []byte) func() string {
		return func() string { calls++; return "decoded " + string(b) }
	}
	for range 3 {
		for _, k := range []string{"a", "b", "a"} {
			key := []byte(k)
			if got, want := c.Get(key, decode(key), nil), "decoded "+k; got != want {
				t.Fatalf("Get(%q) = %q, want %q", k, got, want)
			}
		}
	}
	if calls != 2 {
		t.Errorf("two distinct keys were decoded %d times, want 2", calls)
	}
}

func TestTheKeyIsCopied(t *testing.T) {
	c := New[int](10)
	key := []byte("abc")
	c.Get(key, func() int { return 1 }, nil)
	key[0] = 'x' // the caller reuses its buffer
	if got := c.Get([]byte("abc"), func() int { return 2 }, nil); got != 1 {
		t.Errorf("after the caller changed its key buffer, Get(abc) = %d, want the kept 1", got)
	}
	if got := c.Get([]byte("xbc"), func() int { return 3 }, nil); got != 3 {
		t.Errorf("Get(xbc) = %d, want a fresh decode (3)", got)
	}
}

func TestResultsKeepRefusesAreNotKept(t *testing.T) {
	c := New[error](10)
	bad := fmt.Errorf("bad input")
	var calls int
	for range 3 {
		c.Get([]byte("x"), func() error { calls++; return bad }, func(err error) bool { return err == nil })
	}
	if calls != 3 || c.Len() != 0 {
		t.Errorf("a refused result was kept: %d decodes, %d entries; want 3 and 0", calls, c.Len())
	}
}

func TestTheCacheStaysWithinItsBound(t *testing.T) {
	c := New[int](4)
	for i := range 100 {
		c.Get([]byte(fmt.Sprint(i)), func() int { return i }, nil)
		if c.Len() > 4 {
			t.Fatalf("after %d keys the cache holds %d entries, bound 4", i+1, c.Len())
		}
	}
}

func TestConcurrentUseDecodesEachKeyAtMostOncePerRace(t *testing.T) {
	c := New[int](1000)
	var calls atomic.Int64
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				k := i % 50
				if got := c.Get([]byte(fmt.Sprint(k)), func() int { calls.Add(1); return k * 2 }, nil); got != k*2 {
					t.Errorf("goroutine %d: Get(%d) = %d, want %d", g, k, got, k*2)
				}
			}
		})
	}
	wg.Wait()
	// Each key is decoded at least once and, without contention on it,
	// once; racing goroutines may decode a key together, never 1,600 times.
	if n := calls.Load(); n < 50 || n > 50*8 {
		t.Errorf("%d decodes of 50 keys by 8 goroutines, want 50 to 400", n)
	}
}
