package usermodel

import (
	"context"
	"fmt"
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

// TestGroupCommitSharesCommitsAndIsolatesFailures: concurrent batched
// updates all land (each its own key), a failing one returns its own
// error and leaves nothing, and the others in its transaction still
// commit.
func TestGroupCommitSharesCommitsAndIsolatesFailures(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{})
	var wg sync.WaitGroup
	errs := make([]error, 64)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.UpdateTxBatched(ctx, "test", func(tx Tx) error {
				r, err := tx.Records("group-test")
				if err != nil {
					return err
				}
				if err := r.Put(fmt.Sprint(i), []byte("v")); err != nil {
					return err
				}
				if i%16 == 5 {
					return fmt.Errorf("call %d fails", i)
				}
				return nil
			})
		}()
	}
	wg.Wait()
	err := s.ViewRecords(ctx, "group-test", func(r *Records) error {
		for i, e := range errs {
			_, ok := r.Get(fmt.Sprint(i))
			switch {
			case i%16 == 5 && (e == nil || !strings.Contains(e.Error(), fmt.Sprintf("call %d fails", i)) || ok):
				t.Errorf("failing call %d: err %v, its write kept %v", i, e, ok)
			case i%16 != 5 && (e != nil || !ok):
				t.Errorf("call %d: err %v, its write kept %v", i, e, ok)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
