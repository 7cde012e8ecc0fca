package usermodel

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestMarksReadAgainAreTheLogAsStored checks that reading the feedback
// log again, after any change, returns exactly what a first read of the
// stored log returns: the decoded marks kept between reads never stand in
// for changed bytes (a mark undone and another added under the same Seq)
// and the marks handed out are the caller's own.
func TestMarksReadAgainAreTheLogAsStored(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(8, 5))
	at := time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)
	q := randomQuery(rng, "q1", 10, at)
	cases := []struct {
		name   string
		change func(t *testing.T, s *Store, read []Mark)
	}{
		{"nothing changed", func(*testing.T, *Store, []Mark) {}},
		{"the caller changed its copy", func(_ *testing.T, _ *Store, read []Mark) {
			for t := range read[0].Doc {
				read[0].Doc[t] = 42
			}
			read[0].QueryVec["typed"] = 1
			read[0].Source[0] = "changed"
		}},
		{"a mark added", func(t *testing.T, s *Store, _ []Mark) {
			if _, _, err := s.AddMark(ctx, randomMark(rng, q, at)); err != nil {
				t.Fatal(err)
			}
		}},
		{"the last mark undone and another added under its Seq", func(t *testing.T, s *Store, _ []Mark) {
			if _, _, err := s.Undo(ctx); err != nil {
				t.Fatal(err)
			}
			m := randomMark(rng, q, at.Add(time.Hour))
			m.Interested = !m.Interested
			if _, _, err := s.AddMark(ctx, m); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, path := openTestStore(t, StoreOptions{})
			recordAll(t, s, []QueryRecord{q})
			for range 3 {
				if _, _, err := s.AddMark(ctx, randomMark(rng, q, at)); err != nil {
					t.Fatal(err)
				}
			}
			read, err := s.Marks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(t, s, read)
			got, err := s.Marks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// A store opened afresh on the same file decodes every mark.
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			fresh, err := OpenStore(path, StoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			defer fresh.Close()
			want, err := fresh.Marks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("marks read again:\n%+v\nwant the stored log:\n%+v", got, want)
			}
		})
	}
}

// TestSharedMarksAndProfileAreTheStoredOnes checks that the shared reads
// (SharedMarks, SharedProfile, SharedState: decoded once per stored
// value, not copied)
// always return what Marks and Profile return, after every kind of change
// (a mark added, undone, the profile rebuilt, reset): a cached profile or
// mark never stands in for changed bytes.
func TestSharedMarksAndProfileAreTheStoredOnes(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(8, 6))
	at := time.Date(2026, 12, 6, 15, 0, 0, 0, time.UTC)
	q := randomQuery(rng, "q1", 10, at)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, []QueryRecord{q})
	check := func(step string) {
		t.Helper()
		for range 2 { // the second time from the caches
			got, err := s.SharedProfile(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.Profile(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: shared profile %+v, want the stored %+v", step, got, want)
			}
			gotMarks, err := s.SharedMarks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wantMarks, err := s.Marks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(gotMarks, wantMarks) {
				t.Fatalf("%s: shared marks %+v, want the stored %+v", step, gotMarks, wantMarks)
			}
			stateProfile, stateMarks, _, err := s.SharedState(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(stateProfile, want) || !reflect.DeepEqual(stateMarks, wantMarks) {
				t.Fatalf("%s: SharedState %+v, %+v, want the stored %+v, %+v", step, stateProfile, stateMarks, want, wantMarks)
			}
		}
	}
	check("empty store")
	for i := range 3 {
		if _, _, err := s.AddMark(ctx, randomMark(rng, q, at.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
		check("mark added")
	}
	if _, _, err := s.Undo(ctx); err != nil {
		t.Fatal(err)
	}
	check("mark undone")
	if _, err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	check("profile rebuilt")
	if p, _ := s.SharedProfile(ctx); len(p.Terms) == 0 {
		t.Fatal("the profile is empty after marks: the test checks nothing")
	}
}

// TestMarksReadAfterAMarkReturnsHoldIt: while readers keep reading the log
// (and so keep the cached log warm), every mark a writer has been told is
// stored is in every read that starts afterwards, and an undone one is
// gone from them: the cached log never hides an acknowledged write.
func TestMarksReadAfterAMarkReturnsHoldIt(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, DefaultStoreOptions())
	rng := rand.New(rand.NewPCG(3, 9))
	at := time.Date(2026, 12, 6, 17, 0, 0, 0, time.UTC)
	q := randomQuery(rng, "q1", 40, at)
	recordAll(t, s, []QueryRecord{q})

	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.SharedMarks(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	defer func() { close(stop); readers.Wait() }()

	want := 0
	for i := range 30 {
		if i%4 == 3 {
			if _, _, err := s.Undo(ctx); err != nil {
				t.Fatal(err)
			}
			want--
		} else {
			m := randomMark(rng, q, at.Add(time.Duration(i)*time.Minute))
			m.URL = q.Results[i%len(q.Results)].URL
			before, err := s.Marks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := s.AddMark(ctx, m); err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(before, func(o Mark) bool { return o.URL == m.URL && o.QueryID == m.QueryID }) {
				want++ // a new result; marking one again replaces its mark
			}
		}
		for _, read := range []func(context.Context) ([]Mark, error){s.Marks, s.SharedMarks} {
			got, err := read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != want {
				t.Fatalf("after write %d: a read holds %d marks, want %d", i, len(got), want)
			}
		}
	}
}

// TestSharedMarksAreOneSliceWhileTheLogStands checks that the shared
// reads of an unchanged log return the cached slices themselves, the
// marks and their prepared queries (no copy per search), that a caller
// appending to them does not change what later reads return, and that a
// write gives the next read new slices holding it.
func TestSharedMarksAreOneSliceWhileTheLogStands(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 7))
	at := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	q := randomQuery(rng, "q1", 10, at)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, []QueryRecord{q})
	for i := range 3 {
		if _, _, err := s.AddMark(ctx, randomMark(rng, q, at.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.SharedMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	_, second, firstQueries, err := s.SharedState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != 3 || len(second) != 3 || &first[0] != &second[0] {
		t.Fatalf("two shared reads of an unchanged log of 3 marks gave %d and %d marks in different arrays; want the same 3", len(first), len(second))
	}
	_, _, secondQueries, err := s.SharedState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(firstQueries) != 3 || len(secondQueries) != 3 || &firstQueries[0] != &secondQueries[0] {
		t.Fatalf("two shared reads of an unchanged log of 3 marks gave %d and %d prepared queries in different arrays; want the same 3", len(firstQueries), len(secondQueries))
	}
	wantQueries := slices.Clone(firstQueries)
	_ = append(first, Mark{URL: "appended by a caller"})
	_ = append(firstQueries, PreparedQuery{Norm: 42, Terms: []string{"appended"}})
	want, err := s.Marks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.SharedMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after a caller appended to a shared read, shared marks are\n%+v\nwant the stored\n%+v", got, want)
	}
	_, _, gotQueries, err := s.SharedState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotQueries, wantQueries) {
		t.Fatalf("after a caller appended to a shared read, prepared queries are\n%+v\nwant\n%+v", gotQueries, wantQueries)
	}
	if _, _, err := s.AddMark(ctx, randomMark(rng, q, at.Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	after, err := s.SharedMarks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != 4 || &after[0] == &first[0] {
		t.Fatalf("after a fourth mark the shared read has %d marks (same array: %v); want 4 in a new array", len(after), &after[0] == &first[0])
	}
	_, _, afterQueries, err := s.SharedState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(afterQueries) != 4 || &afterQueries[0] == &firstQueries[0] {
		t.Fatalf("after a fourth mark the shared read has %d prepared queries (same array: %v); want 4 in a new array", len(afterQueries), &afterQueries[0] == &firstQueries[0])
	}
	if len(firstQueries) != 3 || !reflect.DeepEqual(firstQueries, wantQueries) {
		t.Fatal("a write changed a slice of prepared queries a reader was holding")
	}
	if len(first) != 3 || !reflect.DeepEqual(first, want) {
		t.Fatal("a write changed a slice a reader was holding")
	}
}
