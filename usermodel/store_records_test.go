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

// TestUpdateTxSpansBucketsAtomically: one UpdateTx writes to two record
// buckets and deletes a record, all or nothing, and ViewTx reads them.
func TestUpdateTxSpansBucketsAtomically(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{})
	put := func(tx Tx, bucket, k, v string) error {
		r, err := tx.Records(bucket)
		if err != nil {
			return err
		}
		return r.Put(k, []byte(v))
	}
	err := s.UpdateTx(ctx, "seed", func(tx Tx) error {
		if err := put(tx, "one", "a", "1"); err != nil {
			return err
		}
		return put(tx, "two", "b", "2")
	})
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = s.UpdateTx(ctx, "fail", func(tx Tx) error {
		r, err := tx.Records("one")
		if err != nil {
			return err
		}
		if err := r.Delete("a"); err != nil {
			return err
		}
		if err := put(tx, "two", "c", "3"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("failing UpdateTx = %v, want boom", err)
	}
	read := func() map[string]string {
		got := map[string]string{}
		err := s.ViewTx(ctx, "read", func(tx Tx) error {
			for _, b := range []string{"one", "two"} {
				r, err := tx.Records(b)
				if err != nil {
					return err
				}
				if err := r.ForEach(func(k string, v []byte) error { got[b+"/"+k] = string(v); return nil }); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := read(); len(got) != 2 || got["one/a"] != "1" || got["two/b"] != "2" {
		t.Fatalf("after a failed UpdateTx: %v, want one/a=1 two/b=2 only", got)
	}
	err = s.UpdateTx(ctx, "delete", func(tx Tx) error {
		r, err := tx.Records("one")
		if err != nil {
			return err
		}
		return r.Delete("a")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := read(); len(got) != 1 || got["two/b"] != "2" {
		t.Fatalf("after Delete: %v, want two/b=2 only", got)
	}
}

// TestRecordsLenCountsRecords: Len counts the records of a bucket (none
// in a bucket never written), following puts, overwrites and deletes.
func TestRecordsLenCountsRecords(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{})
	lenOf := func() int {
		t.Helper()
		n := -1
		if err := s.ViewRecords(ctx, "other.pkg", func(r *Records) error { n = r.Len(); return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := lenOf(); n != 0 {
		t.Fatalf("Len of a bucket never written = %d, want 0", n)
	}
	steps := []struct {
		name string
		fn   func(*Records) error
		want int
	}{
		{"three puts", func(r *Records) error {
			for _, k := range []string{"a", "b", "c"} {
				if err := r.Put(k, []byte(k)); err != nil {
					return err
				}
			}
			return nil
		}, 3},
		{"an overwrite", func(r *Records) error { return r.Put("b", []byte("bb")) }, 3},
		{"a delete", func(r *Records) error { return r.Delete("a") }, 2},
		{"a delete of nothing", func(r *Records) error { return r.Delete("zz") }, 2},
	}
	for _, st := range steps {
		if err := s.UpdateRecords(ctx, "other.pkg", st.fn); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if n := lenOf(); n != st.want {
			t.Errorf("after %s: Len = %d, want %d", st.name, n, st.want)
		}
	}
}
