package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// snapshotRecount reads one snapshot of ix and returns its documents' IDs,
// the total length its statistics hold (totalLenOf) and the sum of the
// lengths stored with its documents.
func snapshotRecount(t *testing.T, ix *Index) (ids []string, stated, recounted int64) {
	t.Helper()
	r := snapshotReader(t, ix)
	var err error
	if stated, err = ix.totalLenOf(r); err != nil {
		t.Fatal(err)
	}
	all, err := r.DocIDReaderAll()
	if err != nil {
		t.Fatal(err)
	}
	defer all.Close()
	for {
		n, err := all.Next()
		if err != nil {
			t.Fatal(err)
		}
		if n == nil {
			break
		}
		id, err := r.ExternalID(n)
		if err != nil {
			t.Fatal(err)
		}
		l, ok, err := storedLenIn(r, id)
		if err != nil || !ok {
			t.Fatalf("document %s listed but not read: %v", id, err)
		}
		ids = append(ids, id)
		recounted += l
	}
	return ids, stated, recounted
}

// laneDoc is document id at version v: its length differs by version, so
// a replacement counted wrong shows in the total.
func laneDoc(id string, v int) Document {
	return Document{ID: id, Title: fmt.Sprintf("version %d", v), Body: strings.Repeat("glacier moraine ", 1+(v*7+len(id))%13)}
}

// Batches written at once through both lanes, replacing documents of
// batches still in flight, of batches already written and of each other,
// and deleting some, leave the statistics equal to a recount of the
// documents, and each document at its latest version; so does the index
// reopened.
func TestLanesKeepTheTotalWhateverTheOrder(t *testing.T) {
	tests := []struct {
		name  string
		batch int
		calls int // concurrent Index calls
	}{
		{"one call, batches of 3", 3, 1},
		{"three calls at once, batches of 2", 2, 3},
		{"three calls at once, batches of 5", 5, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ix")
			cfg := DefaultConfig()
			cfg.BatchSize = tc.batch
			ix, err := Open(dir, cfg)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			// Each call writes ids 0..19 of its own, then its ids own0..9
			// at versions 1 and 2 in later batches of the same call (ID
			// conflicts across its own batches in flight), each time
			// with shared/0..9, which every call writes (ID conflicts
			// across calls; which call's version stays is not defined).
			var wg sync.WaitGroup
			errs := make(chan error, tc.calls)
			for c := range tc.calls {
				wg.Go(func() {
					var docs []Document
					for i := range 20 {
						docs = append(docs, laneDoc(fmt.Sprintf("c%d/%d", c, i), c))
					}
					for v := 1; v <= 2; v++ {
						for i := range 10 {
							docs = append(docs, laneDoc(fmt.Sprintf("own%d/%d", c, i), v), laneDoc(fmt.Sprintf("shared/%d", i), c*2+v))
						}
					}
					errs <- ix.Index(ctx, docs)
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			sameTotal := func(when string) {
				ids, stated, recounted := snapshotRecount(t, ix)
				if stated != recounted {
					t.Errorf("%s: the statistics say %d tokens, the %d documents hold %d", when, stated, len(ids), recounted)
				}
			}
			sameTotal("written at once")
			// Replace what is written, delete some of it and some absent.
			var again []Document
			for c := range tc.calls {
				for i := range 20 {
					again = append(again, laneDoc(fmt.Sprintf("c%d/%d", c, i), 9))
				}
			}
			if err := ix.Index(ctx, again); err != nil {
				t.Fatal(err)
			}
			sameTotal("replaced")
			if err := ix.Delete(ctx, "c0/1", "c0/2", "own0/3", "absent", "c0/1"); err != nil {
				t.Fatal(err)
			}
			check := func(ix *Index, when string) {
				ids, stated, recounted := snapshotRecount(t, ix)
				if stated != recounted {
					t.Errorf("%s: the statistics say %d tokens, the %d documents hold %d", when, stated, len(ids), recounted)
				}
				if want := tc.calls*30 + 10 - 3; len(ids) != want {
					t.Errorf("%s: %d documents, want %d", when, len(ids), want)
				}
				for c := range tc.calls {
					for i := range 10 {
						id := fmt.Sprintf("own%d/%d", c, i)
						d, ok, err := ix.Get(ctx, id)
						if err != nil {
							t.Fatal(err)
						}
						if id == "own0/3" {
							if ok {
								t.Errorf("%s: deleted %s is there", when, id)
							}
							continue
						}
						if want := laneDoc(id, 2); !ok || d.Title != want.Title {
							t.Errorf("%s: %s has title %q (there: %v), want the latest, %q", when, id, d.Title, ok, want.Title)
						}
					}
				}
			}
			check(ix, "written")
			if err := ix.Close(); err != nil {
				t.Fatal(err)
			}
			if ix, err = Open(dir, cfg); err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			check(ix, "reopened")
		})
	}
}

// A search's statistics are those of the snapshot it reads: while batches
// replacing and adding documents are written through both lanes, every
// snapshot's total equals the sum of its documents' lengths.
func TestSnapshotsSeeConsistentTotals(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BatchSize = 4
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	done := make(chan error, 1)
	go func() {
		var err error
		for round := 0; round < 6 && err == nil; round++ {
			var docs []Document
			for i := range 40 {
				docs = append(docs, laneDoc(fmt.Sprintf("d%d", (i+round*13)%60), round))
			}
			err = ix.Index(ctx, docs)
		}
		done <- err
	}()
	checked := 0
	for writing := true; writing; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			writing = false
		default:
		}
		ids, stated, recounted := snapshotRecount(t, ix)
		if stated != recounted {
			t.Fatalf("a snapshot of %d documents states %d tokens, they hold %d", len(ids), stated, recounted)
		}
		checked++
	}
	t.Logf("%d snapshots checked", checked)
}

// Close while an Index call writes batches through both lanes waits for
// the batches in flight: the call either finishes or is refused
// (ErrClosed), a write after Close is refused, and the index reopened
// holds statistics equal to a recount, with every document of a call
// that finished.
func TestCloseDuringWrites(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	cfg := DefaultConfig()
	cfg.BatchSize = 2
	ix, err := Open(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for i := range 200 {
		docs = append(docs, laneDoc(fmt.Sprint(i%150), i))
	}
	progressed := make(chan struct{})
	var once sync.Once
	result := make(chan error, 1)
	go func() {
		result <- ix.IndexWithProgress(context.Background(), docs, func(done, total int) { once.Do(func() { close(progressed) }) })
	}()
	<-progressed
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	indexErr := <-result
	if indexErr != nil && !errors.Is(indexErr, ErrClosed) {
		t.Fatalf("the call cut short by Close: %v, want nil or %v", indexErr, ErrClosed)
	}
	if _, _, err := ix.writeBatch(ix.analyse(docs[:1])); !errors.Is(err, ErrClosed) {
		t.Errorf("a write after Close: %v, want %v", err, ErrClosed)
	}
	ix, err = Open(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	ids, stated, recounted := snapshotRecount(t, ix)
	if stated != recounted {
		t.Errorf("reopened: %d tokens stated, the %d documents hold %d", stated, len(ids), recounted)
	}
	if indexErr == nil && len(ids) != 150 {
		t.Errorf("reopened after a call that finished: %d documents, want 150", len(ids))
	}
}

// An index of format 2 (one absolute total, no lanes) opens: it is
// upgraded to the current format in place, its total kept as the base, and writes
// after it keep the total equal to a recount, reopened too.
func TestOpenUpgradesFormat2(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var docs []Document
	for i := range 10 {
		docs = append(docs, laneDoc(fmt.Sprint(i), 1))
	}
	mustIndex(t, ix, docs...)
	// Rewrite it as format 2 wrote it: the total under keyStats, no
	// lane sums.
	_, total, err := ix.snapshotStats()
	if err != nil {
		t.Fatal(err)
	}
	b := ix.bi.NewBatch()
	b.SetInternal(keySchema, []byte("2"))
	b.SetInternal(keyStats, []byte(fmt.Sprintf(`{"total_len":%d}`, total)))
	for _, k := range keyLanes {
		b.DeleteInternal(k)
	}
	if err := batchDurably(ctx, ix.bi, b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		if ix, err = Open(dir, DefaultConfig()); err != nil {
			t.Fatalf("round %d: open: %v", round, err)
		}
		if v, err := ix.bi.GetInternal(keySchema); err != nil || string(v) != fmt.Sprint(schemaVersion) {
			t.Errorf("round %d: format %q (%v), want %d", round, v, err, schemaVersion)
		}
		ids, stated, recounted := snapshotRecount(t, ix)
		if stated != recounted {
			t.Errorf("round %d: %d tokens stated, the %d documents hold %d", round, stated, len(ids), recounted)
		}
		// Replace some, add some, delete one.
		mustIndex(t, ix, laneDoc("3", 5), laneDoc("4", 6), laneDoc(fmt.Sprint("new", round), 2))
		if err := ix.Delete(ctx, "7"); err != nil {
			t.Fatal(err)
		}
		if ids, stated, recounted = snapshotRecount(t, ix); stated != recounted {
			t.Errorf("round %d, written: %d tokens stated, the %d documents hold %d", round, stated, len(ids), recounted)
		}
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
