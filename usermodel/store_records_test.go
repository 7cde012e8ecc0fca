package usermodel

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"
)

// TestRecordsAreKeptAndRefuseTheStoresOwnBucket: records another package
// puts are read back (also after reopening), a mark's Tx writes its
// records atomically with the mark (a failing callback leaves neither),
// and the Store's own bucket is not handed out.
func TestRecordsAreKeptAndRefuseTheStoresOwnBucket(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(9, 9))
	q := randomQuery(rng, "a", 3, at)
	s, path := openTestStore(t, StoreOptions{})
	if err := s.UpdateRecords(ctx, "other.pkg", func(r *Records) error { return r.Put("a", []byte("1")) }); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"usermodel", "usermodel/x", ""} {
		err := s.ViewRecords(ctx, name, func(*Records) error { return nil })
		if !errors.Is(err, ErrReservedBucket) {
			t.Errorf("ViewRecords(%q) = %v, want ErrReservedBucket", name, err)
		}
	}
	recordAll(t, s, []QueryRecord{q})
	boom := errors.New("boom")
	_, err := s.AddMarkWith(ctx, Mark{QueryID: q.ID, URL: q.Results[0].URL, Interested: true, Time: at, Doc: randomVector(rng, 10, 40)}, func(tx Tx, ch MarkChange) error {
		r, err := tx.Records("other.pkg")
		if err != nil {
			return err
		}
		if err := r.Put("b", []byte("2")); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("AddMarkWith with a failing callback = %v, want boom", err)
	}
	if marks, _ := s.Marks(ctx); len(marks) != 0 {
		t.Errorf("the failed mark is in the log: %+v", marks)
	}
	s.Close()
	s, err = OpenStore(path, DefaultStoreOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := map[string]string{}
	err = s.ViewRecords(ctx, "other.pkg", func(r *Records) error {
		return r.ForEach(func(k string, v []byte) error { got[k] = string(v); return nil })
	})
	if err != nil || len(got) != 1 || got["a"] != "1" {
		t.Fatalf("records after reopening = %v, %v; want only a=1 (b rolled back with the mark)", got, err)
	}
}
