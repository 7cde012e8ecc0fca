package usermodel

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// onDisk reports whether the query log in the file holds search id.
func onDisk(t *testing.T, s *Store, id string) bool {
	t.Helper()
	_, ok := dumpStore(t, s)["usermodel/queries/"+id]
	return ok
}

// TestRecordedSearchIsSeenAtOnceAndWrittenInTheBackground: a search is
// found by Query as soon as RecordQuery returns, before it is in the file,
// and the background writer puts it there after the delay, on its own.
func TestRecordedSearchIsSeenAtOnceAndWrittenInTheBackground(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{QueryLogDelay: 20 * time.Millisecond})
	q := randomQuery(rand.New(rand.NewPCG(1, 1)), "q1", 3, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	if err := s.RecordQuery(ctx, q); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Query(ctx, "q1")
	if err != nil || !ok || got.Text != q.Text {
		t.Fatalf("Query right after RecordQuery = %v %v %v", got.Text, ok, err)
	}
	for !onDisk(t, s, "q1") {
		time.Sleep(5 * time.Millisecond)
	}
	if got, ok, err := s.Query(ctx, "q1"); err != nil || !ok || got.Text != q.Text {
		t.Fatalf("Query once written = %v %v %v", got.Text, ok, err)
	}
}

// TestHeldSearchesSurviveCloseAndMarks: with a delay longer than the test,
// a mark writes the held searches in its own transaction (its search is
// in the file with it), and Close writes the rest: reopened, the store
// has them all.
func TestHeldSearchesSurviveCloseAndMarks(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t, StoreOptions{QueryLogDelay: time.Hour})
	rng := rand.New(rand.NewPCG(2, 2))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := randomQuery(rng, "a", 3, at)
	if err := s.RecordQuery(ctx, a); err != nil {
		t.Fatal(err)
	}
	if onDisk(t, s, "a") {
		t.Fatal("the search was written before the delay, with no mark")
	}
	if _, _, err := s.AddMark(ctx, Mark{QueryID: "a", URL: a.Results[0].URL, Interested: true, Time: at, Doc: Vector{"x": 1}}); err != nil {
		t.Fatal(err)
	}
	if !onDisk(t, s, "a") {
		t.Error("a mark was written without its search")
	}
	if err := s.RecordQuery(ctx, randomQuery(rng, "b", 3, at)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordQuery(ctx, randomQuery(rng, "c", 3, at)); err == nil {
		t.Error("RecordQuery on a closed store succeeded")
	}
	s2, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for _, id := range []string{"a", "b"} {
		if _, ok, err := s2.Query(ctx, id); err != nil || !ok {
			t.Errorf("search %s after close and reopen: %v %v", id, ok, err)
		}
	}
}

// TestAFailedMarkKeepsTheHeldSearches: a mark that fails (its result was
// not shown) rolls back its transaction, and the searches it would have
// written stay held and are still written later.
func TestAFailedMarkKeepsTheHeldSearches(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{QueryLogDelay: time.Hour})
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := s.RecordQuery(ctx, randomQuery(rand.New(rand.NewPCG(3, 3)), "a", 3, at)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddMark(ctx, Mark{QueryID: "a", URL: "https://never.shown/", Time: at, Doc: Vector{"x": 1}}); err == nil {
		t.Fatal("a mark on a result never shown succeeded")
	}
	if _, ok, _ := s.Query(ctx, "a"); !ok {
		t.Fatal("the failed mark lost the held search")
	}
	if err := s.FlushQueries(ctx); err != nil {
		t.Fatal(err)
	}
	if !onDisk(t, s, "a") {
		t.Error("the held search was not written by FlushQueries")
	}
}

// TestQueryLogUnderConcurrentUse: searches recorded, looked up, flushed
// and marked from many goroutines are all found afterwards and all in
// the file once closed (run with -race).
func TestQueryLogUnderConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t, StoreOptions{QueryLogDelay: time.Millisecond})
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 9))
			for i := range 25 {
				id := fmt.Sprintf("g%d-%d", g, i)
				q := randomQuery(rng, id, 2, at)
				if err := s.RecordQuery(ctx, q); err != nil {
					t.Error(err)
					return
				}
				if _, ok, err := s.Query(ctx, id); !ok || err != nil {
					t.Errorf("search %s not found right after recording it: %v", id, err)
				}
				switch i % 10 {
				case 3:
					if err := s.FlushQueries(ctx); err != nil {
						t.Error(err)
					}
				case 7:
					if _, _, err := s.AddMark(ctx, Mark{QueryID: id, URL: q.Results[0].URL, Time: at, Doc: Vector{"x": 1}}); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	n := 0
	for k := range dumpStore(t, s2) {
		if strings.HasPrefix(k, "usermodel/queries/") && !strings.HasSuffix(k, "#seq") {
			n++
		}
	}
	if n != 200 {
		t.Errorf("the file holds %d searches, want all 200", n)
	}
}

// TestDeferredUpdatesLandInOrderAndFailuresAlone: updates made with
// UpdateTxLater are not in the file until the background writer (or
// another write) writes them; they land in the order they were made and
// before a write made after them, which sees their effect; one that fails
// is dropped alone, and neither the others nor that later write fail
// with it.
func TestDeferredUpdatesLandInOrderAndFailuresAlone(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{QueryLogDelay: time.Hour})
	put := func(key, value string, fail bool) func(Tx) error {
		return func(tx Tx) error {
			r, err := tx.Records("later-test")
			if err != nil {
				return err
			}
			if err := r.Put(key, []byte(value)); err != nil {
				return err
			}
			if fail {
				return fmt.Errorf("update %s=%s fails", key, value)
			}
			return nil
		}
	}
	for _, u := range []struct {
		key, value string
		fail       bool
	}{{"a", "1", false}, {"b", "2", true}, {"a", "3", false}} {
		if err := s.UpdateTxLater(ctx, "test", put(u.key, u.value, u.fail)); err != nil {
			t.Fatal(err)
		}
	}
	read := func(key string) (string, bool) {
		var v []byte
		var ok bool
		if err := s.ViewRecords(ctx, "later-test", func(r *Records) error { v, ok = r.Get(key); return nil }); err != nil {
			t.Fatal(err)
		}
		return string(v), ok
	}
	if _, ok := read("a"); ok {
		t.Fatal("a deferred update was written at once")
	}
	// A write made after them sees them, in order, and succeeds.
	err := s.UpdateRecords(ctx, "later-test", func(r *Records) error {
		a, _ := r.Get("a")
		return r.Put("c", append([]byte("a was "), a...))
	})
	if err != nil {
		t.Fatalf("a write after a failing deferred update failed: %v", err)
	}
	if c, _ := read("c"); c != "a was 3" {
		t.Errorf("the later write saw %q, want %q", c, "a was 3")
	}
	if _, ok := read("b"); ok {
		t.Error("the failing deferred update was written")
	}
	if err := s.FlushQueries(ctx); err != nil {
		t.Errorf("nothing held, but FlushQueries: %v", err)
	}
}

// TestDeferredUpdatesAreWrittenInTheBackground: with a short delay, a
// deferred update reaches the file on its own.
func TestDeferredUpdatesAreWrittenInTheBackground(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{QueryLogDelay: 10 * time.Millisecond})
	err := s.UpdateTxLater(ctx, "test", func(tx Tx) error {
		r, err := tx.Records("later-test")
		if err != nil {
			return err
		}
		return r.Put("k", []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	for {
		var ok bool
		if err := s.ViewRecords(ctx, "later-test", func(r *Records) error { _, ok = r.Get("k"); return nil }); err != nil {
			t.Fatal(err)
		}
		if ok {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestStoredQueryJSONIsWhatMarshalGives checks that a query log entry
// written from a record's JSON (what RecordQuery holds) is byte for byte
// the JSON of storedQuery, so the file reads back as before, and that
// the limit is checked at the largest order number.
func TestStoredQueryJSONIsWhatMarshalGives(t *testing.T) {
	at := time.Date(2026, 12, 7, 4, 50, 0, 123456789, time.FixedZone("", 3600))
	for _, tc := range []struct {
		name  string
		order uint64
		rec   QueryRecord
	}{
		{"bare", 1, QueryRecord{ID: "A", Time: at}},
		{"full", 42, QueryRecord{ID: "B", Text: `galaxy "<b>" & 'c'`, Time: at,
			Expanded: []TermWeight{{Term: "galaxi", Weight: 0.75}, {Term: "telescop", Weight: 1e-9}},
			QueryVec: Vector{"galaxi": 0.6, "telescop": 0.8},
			Results:  []ShownResult{{URL: "https://a.example/?q=1&r=2", DocID: "d1", Title: "Ä title", Content: "bad \xff utf-8", Source: []string{"local", "peer:x"}, Rank: 1}}}},
		{"largest order", math.MaxUint64, QueryRecord{ID: "C", Text: "x", Time: at}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := json.Marshal(storedQuery{Order: tc.order, Record: tc.rec})
			if err != nil {
				t.Fatal(err)
			}
			raw, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			if got := storedQueryJSON(tc.order, raw); string(got) != string(want) {
				t.Errorf("storedQueryJSON = %s\nwant json.Marshal's %s", got, want)
			}
			max, _ := json.Marshal(storedQuery{Order: math.MaxUint64, Record: tc.rec})
			if n := storedQueryLen(raw); n != len(max) {
				t.Errorf("storedQueryLen = %d, want %d (the entry at the largest order number)", n, len(max))
			}
		})
	}
}

// TestHeldSearchesKeepTheLatestWithinTheBound: searches held past the
// query log's bound (the writer far behind) drop the earliest, as the
// log's own eviction would, and the array they are held in stays within
// about twice the bound however many searches come.
func TestHeldSearchesKeepTheLatestWithinTheBound(t *testing.T) {
	const bound = 5
	l := newWriteBehind(time.Hour, bound)
	for i := range 1000 {
		l.add(heldQuery{id: fmt.Sprint("q", i), raw: []byte(fmt.Sprintf(`{"id":"q%d","text":"t%d"}`, i, i))})
		if len(l.pending) > bound || cap(l.pending) > 2*bound+2 {
			t.Fatalf("after %d searches: %d held in an array of %d, want at most %d in at most %d", i+1, len(l.pending), cap(l.pending), bound, 2*bound+2)
		}
	}
	for i := range 1000 {
		id := fmt.Sprint("q", i)
		got, ok, err := l.find(id)
		if err != nil {
			t.Fatal(err)
		}
		if want := i >= 1000-bound; ok != want || (ok && got.Text != fmt.Sprint("t", i)) {
			t.Errorf("find(%s) = %q, %v; want held: %v", id, got.Text, ok, want)
		}
	}
}
