package clientagent

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

func newTestAgent(tb testing.TB) *Agent {
	tb.Helper()
	dir := tb.TempDir()
	ix, err := index.Open(filepath.Join(dir, "ix"), index.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.DefaultStoreOptions())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	a, err := New(ix, st, DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func sleeper(d time.Duration, url string) Source {
	return SourceFunc(func(ctx context.Context, q *SourceQuery) ([]Hit, error) {
		select {
		case <-time.After(d):
			return []Hit{{URL: url, Title: url, Rank: 1}}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
}

// TestSilentSourceCostsItsDeadline: a source that never answers, and
// ignores its context, costs the query its deadline and no more; the
// others' results arrive and it is reported unresponsive.
func TestSilentSourceCostsItsDeadline(t *testing.T) {
	a := newTestAgent(t)
	block := make(chan struct{})
	defer close(block)
	silent := SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) { <-block; return nil, nil })
	a.AddSource("silent", silent, SourceOptions{Timeout: 150 * time.Millisecond})
	a.AddSource("quick", sleeper(time.Millisecond, "http://q/1"), SourceOptions{Timeout: time.Second})
	chosen, _, err := a.plan(context.Background(), Request{Exclude: []string{LocalName}})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	lists, bad, _ := a.fanOut(context.Background(), chosen, &SourceQuery{Text: "x", K: 10})
	took := time.Since(start)
	if took < 150*time.Millisecond || took > 400*time.Millisecond {
		t.Fatalf("fan-out took %v, want the silent source's 150ms deadline (and not much more)", took)
	}
	if len(lists) != 1 || lists[0].Source != "quick" || len(bad) != 1 || bad[0].Engine != "silent" {
		t.Fatalf("lists %+v, unresponsive %+v", lists, bad)
	}
}

// TestFailingSourceIsSuspendedThenRetried: the third failure in a row
// suspends a source (reported, not asked); after the suspension it is
// asked again, and a success clears the streak.
func TestFailingSourceIsSuspendedThenRetried(t *testing.T) {
	a := newTestAgent(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	a.now = func() time.Time { return now }
	fail := true
	calls := 0
	a.AddSource("flaky", SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) {
		calls++
		if fail {
			return nil, errors.New("503 from upstream")
		}
		return []Hit{{URL: "http://f/1", Rank: 1}}, nil
	}), SourceOptions{})
	req := Request{Exclude: []string{LocalName}}
	for i := 0; i < 3; i++ {
		chosen, _, err := a.plan(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		a.fanOut(context.Background(), chosen, &SourceQuery{K: 1})
	}
	if _, skipped, err := a.plan(context.Background(), req); err == nil || len(skipped) != 1 || calls != 3 {
		t.Fatalf("after 3 failures: err %v, skipped %+v, calls %d; want suspended", err, skipped, calls)
	}
	st, _ := a.stats.get(context.Background(), "flaky")
	if want := now.Add(30 * time.Second); !st.SuspendedUntil.Equal(want) {
		t.Fatalf("suspended until %v, want %v", st.SuspendedUntil, want)
	}
	// Forcing a suspended source asks it anyway.
	if chosen, _, err := a.plan(context.Background(), Request{Sources: []string{"flaky"}}); err != nil || len(chosen) != 1 {
		t.Fatalf("forced suspended source: %v %v", chosen, err)
	}
	now = now.Add(31 * time.Second)
	fail = false
	chosen, _, err := a.plan(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	lists, bad, _ := a.fanOut(context.Background(), chosen, &SourceQuery{K: 1})
	if len(lists) != 1 || len(bad) != 0 {
		t.Fatalf("after suspension: lists %v bad %v", lists, bad)
	}
	// A success's health is written in the background.
	if err := a.store.FlushQueries(context.Background()); err != nil {
		t.Fatal(err)
	}
	st, _ = a.stats.get(context.Background(), "flaky")
	if st.Consecutive != 0 || st.Queries != 4 || st.Failures != 3 {
		t.Fatalf("stats after recovery: %+v", st)
	}
}

// BenchmarkFanOutOverhead measures what fan-out adds over the slowest of
// three sources (2, 5 and 10 ms), state-store update included: the
// "overhead-ms-p50" metric, target < 5 ms.
func BenchmarkFanOutOverhead(b *testing.B) {
	a := newTestAgent(b)
	a.AddSource("s2", sleeper(2*time.Millisecond, "http://a/1"), SourceOptions{})
	a.AddSource("s5", sleeper(5*time.Millisecond, "http://b/1"), SourceOptions{})
	a.AddSource("s10", sleeper(10*time.Millisecond, "http://c/1"), SourceOptions{})
	chosen, _, err := a.plan(context.Background(), Request{Exclude: []string{LocalName}})
	if err != nil {
		b.Fatal(err)
	}
	over := make([]time.Duration, 0, b.N)
	for i := 0; i < b.N; i++ {
		start := time.Now()
		lists, _, _ := a.fanOut(context.Background(), chosen, &SourceQuery{K: 10})
		if _, err := Merge(MergeRRF, lists); err != nil {
			b.Fatal(err)
		}
		over = append(over, time.Since(start)-10*time.Millisecond)
	}
	slices.Sort(over)
	b.ReportMetric(float64(over[len(over)/2].Microseconds())/1000, "overhead-ms-p50")
	b.ReportMetric(float64(over[len(over)*99/100].Microseconds())/1000, "overhead-ms-p99")
}
