package usermodel

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
	"gonum.org/v1/gonum/mat"
)

func TestStoreKeepsEverythingAcrossReopen(t *testing.T) {
	ctx := context.Background()
	sess := loadSession(t)
	s, path := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	for _, m := range sess.Marks {
		if _, _, err := s.AddMark(ctx, m); err != nil {
			t.Fatalf("AddMark %s: %v", m.URL, err)
		}
	}
	if err := s.SetSharing(ctx, false); err != nil {
		t.Fatal(err)
	}
	wantMarks, _ := s.Marks(ctx)
	wantProfile, _ := s.Profile(ctx)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	r, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer r.Close()
	gotMarks, err := r.Marks(ctx)
	if err != nil || !reflect.DeepEqual(gotMarks, wantMarks) {
		t.Errorf("marks after reopen = %+v, %v; want %+v", gotMarks, err, wantMarks)
	}
	gotProfile, err := r.Profile(ctx)
	if err != nil || !reflect.DeepEqual(gotProfile, wantProfile) {
		t.Errorf("profile after reopen = %+v, %v; want %+v", gotProfile, err, wantProfile)
	}
	for _, q := range sess.Queries {
		got, ok, err := r.Query(ctx, q.ID)
		if err != nil || !ok || !reflect.DeepEqual(got, q) {
			t.Errorf("query %s after reopen = %+v, %v, %v; want %+v", q.ID, got, ok, err, q)
		}
	}
	if on, err := r.Sharing(ctx); err != nil || on {
		t.Errorf("sharing after reopen = %v, %v; want false (turned off before close)", on, err)
	}
}

func TestOpenStoreRefusesNewerSchemaAndLeavesFileAlone(t *testing.T) {
	s, path := openTestStore(t, StoreOptions{})
	err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketRoot).Bucket(bucketMeta).Put(keySchema, u64key(storeSchema+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	before, _ := os.ReadFile(path)

	_, err = OpenStore(path, StoreOptions{})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("OpenStore of a newer schema: err = %v, want ErrNewerSchema", err)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("version %d", storeSchema+1)) || !strings.Contains(err.Error(), path) {
		t.Errorf("error %q should name the file and the schema versions", err)
	}
	after, _ := os.ReadFile(path)
	if !reflect.DeepEqual(before, after) {
		t.Error("refusing a newer schema modified the file")
	}
}

func TestOpenStoreRejectsBadInputWithClearError(t *testing.T) {
	dir := t.TempDir()
	notBolt := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notBolt, []byte(strings.Repeat("not a database\n", 2000)), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := DefaultConfig()
	bad.DecayPerMark = 1.5
	tests := []struct {
		name string
		path string
		opts StoreOptions
		want string
	}{
		{"empty path", "", StoreOptions{}, "empty path"},
		{"file that is not a bbolt database", notBolt, StoreOptions{}, "invalid"},
		{"directory that does not exist", filepath.Join(dir, "missing", "state.db"), StoreOptions{}, "no such file"},
		{"invalid profile config", filepath.Join(dir, "a.db"), StoreOptions{Config: bad}, "decay per mark"},
		{"negative query log size", filepath.Join(dir, "b.db"), StoreOptions{MaxQueries: -1}, "max queries"},
		{"negative open timeout", filepath.Join(dir, "c.db"), StoreOptions{OpenTimeout: -time.Second}, "open timeout"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenStore(tc.path, tc.opts)
			if err == nil {
				s.Close()
				t.Fatal("OpenStore succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should mention %q", err, tc.want)
			}
		})
	}
	if raw, _ := os.ReadFile(notBolt); !strings.HasPrefix(string(raw), "not a database") {
		t.Error("opening a file that is not a database changed it")
	}
}

func TestOpenStoreTimesOutWhileAnotherHolderHasTheLock(t *testing.T) {
	_, path := openTestStore(t, StoreOptions{})
	const wait = 150 * time.Millisecond
	start := time.Now()
	s2, err := OpenStore(path, StoreOptions{OpenTimeout: wait})
	if err == nil {
		s2.Close()
		t.Fatal("second OpenStore of a locked file succeeded")
	}
	if !errors.Is(err, bolterrors.ErrTimeout) || !strings.Contains(err.Error(), "locked by another process") {
		t.Errorf("err = %v, want a lock timeout that says so", err)
	}
	// bbolt polls the lock every 50ms and may give up one poll early.
	if el := time.Since(start); el < wait-50*time.Millisecond {
		t.Errorf("gave up after %v, want about the %v timeout", el, wait)
	}
}

func TestOpenStoreRebuildsProfileWhenConfigChanged(t *testing.T) {
	ctx := context.Background()
	sess := loadSession(t)
	s, path := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	for _, m := range sess.Marks {
		if _, _, err := s.AddMark(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := s.Profile(ctx)
	s.Close()

	cfg := DefaultConfig()
	cfg.Beta, cfg.MaxTerms = 2, 5
	r, err := OpenStore(path, StoreOptions{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	after, _ := r.Profile(ctx)
	if reflect.DeepEqual(before, after) {
		t.Fatal("profile unchanged after the config changed")
	}
	if len(after.Terms) != 5 {
		t.Errorf("profile has %d terms, want the new MaxTerms 5", len(after.Terms))
	}
	checkProfileIsRebuildOfLog(t, r, "after config change")
	// Rebuild is idempotent: the stored profile is already the rebuilt one.
	p, err := r.Rebuild(ctx)
	if err != nil || !reflect.DeepEqual(p, after) {
		t.Errorf("Rebuild = %+v, %v; want the profile rebuilt at open %+v", p, err, after)
	}
}

func TestClosedStoreReturnsErrClosed(t *testing.T) {
	sess := loadSession(t)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close = %v, want nil", err)
	}
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
	}{
		{"RecordQuery", func() error { return s.RecordQuery(ctx, sess.Queries[0]) }},
		{"Query", func() error { _, _, err := s.Query(ctx, "q-solar"); return err }},
		{"AddMark", func() error { _, _, err := s.AddMark(ctx, sess.Marks[0]); return err }},
		{"Undo", func() error { _, _, err := s.Undo(ctx); return err }},
		{"Marks", func() error { _, err := s.Marks(ctx); return err }},
		{"Profile", func() error { _, err := s.Profile(ctx); return err }},
		{"Rebuild", func() error { _, err := s.Rebuild(ctx); return err }},
		{"Sharing", func() error { _, err := s.Sharing(ctx); return err }},
		{"SetSharing", func() error { return s.SetSharing(ctx, false) }},
	}
	for _, tc := range tests {
		if err := tc.call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s on a closed store: err = %v, want ErrClosed", tc.name, err)
		}
	}
}

func TestSharingIsOnUntilTurnedOff(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{})
	for i, step := range []struct {
		set  *bool
		want bool
	}{
		{nil, true},
		{ptr(false), false},
		{ptr(true), true},
		{ptr(false), false},
	} {
		if step.set != nil {
			if err := s.SetSharing(ctx, *step.set); err != nil {
				t.Fatal(err)
			}
		}
		if on, err := s.Sharing(ctx); err != nil || on != step.want {
			t.Errorf("step %d: Sharing = %v, %v; want %v", i, on, err, step.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestOtherPackagesBucketsLiveBesideTheStore(t *testing.T) {
	ctx := context.Background()
	s, path := openTestStore(t, StoreOptions{})
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b, err := tx.CreateBucket([]byte("peers"))
		if err != nil {
			return err
		}
		return b.Put([]byte("node-1"), []byte("10.0.0.1:7070"))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	r, err := OpenStore(path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var got string
	r.db.View(func(tx *bbolt.Tx) error {
		if b := tx.Bucket([]byte("peers")); b != nil {
			got = string(b.Get([]byte("node-1")))
		}
		return nil
	})
	if got != "10.0.0.1:7070" {
		t.Errorf("another package's bucket after reopen holds %q", got)
	}
	if on, err := r.Sharing(ctx); err != nil || !on {
		t.Errorf("store beside another bucket: Sharing = %v, %v", on, err)
	}
}

// cancelsAfter is a context that turns cancelled after its Err has been
// asked n times: a cancellation that arrives while a write is running.
type cancelsAfter struct {
	context.Context
	n int
}

func (c *cancelsAfter) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

func TestCancelledContextWritesNothing(t *testing.T) {
	sess := loadSession(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	contexts := []struct {
		name string
		ctx  func() context.Context
	}{
		{"cancelled before the write", func() context.Context { return cancelled }},
		{"cancelled while the write runs", func() context.Context { return &cancelsAfter{context.Background(), 1} }},
	}
	writes := []struct {
		name string
		call func(ctx context.Context, s *Store) error
	}{
		{"RecordQuery", func(ctx context.Context, s *Store) error {
			q := sess.Queries[0]
			q.ID = "new"
			return s.RecordQuery(ctx, q)
		}},
		{"AddMark", func(ctx context.Context, s *Store) error { _, _, err := s.AddMark(ctx, sess.Marks[1]); return err }},
		{"Undo", func(ctx context.Context, s *Store) error { _, _, err := s.Undo(ctx); return err }},
		{"Rebuild", func(ctx context.Context, s *Store) error { _, err := s.Rebuild(ctx); return err }},
		{"SetSharing", func(ctx context.Context, s *Store) error { return s.SetSharing(ctx, false) }},
	}
	for _, c := range contexts {
		for _, w := range writes {
			t.Run(c.name+"/"+w.name, func(t *testing.T) {
				// Searches written at once: a cancelled write of the
				// query log must leave it as it was, too.
				s, _ := openTestStore(t, StoreOptions{QueryLogDelay: -1})
				recordAll(t, s, sess.Queries)
				if _, _, err := s.AddMark(context.Background(), sess.Marks[0]); err != nil {
					t.Fatal(err)
				}
				// Rebuild rewrites an identical profile, so make the stored one stale
				// through DB to see whether a cancelled Rebuild writes.
				s.db.Update(func(tx *bbolt.Tx) error {
					return tx.Bucket(bucketRoot).Bucket(bucketMeta).Put(keyProfile, []byte(`{"terms":{"stale":1},"marks":1}`))
				})
				before := dumpStore(t, s)
				err := w.call(c.ctx(), s)
				if !errors.Is(err, context.Canceled) {
					t.Errorf("err = %v, want context.Canceled", err)
				}
				if after := dumpStore(t, s); !reflect.DeepEqual(before, after) {
					t.Errorf("a cancelled %s changed the store", w.name)
				}
			})
		}
	}
}

// TestSharedFingerprintFollowsTheProfileAndSharing: SharedFingerprint is
// MakeFingerprint of the stored profile, made once per stored profile
// (the same vector while nothing changes) and again after a mark, and
// says whether sharing is on.
func TestSharedFingerprintFollowsTheProfileAndSharing(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{})
	rng := rand.New(rand.NewPCG(7, 7))
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	q := randomQuery(rng, "a", 4, at)
	recordAll(t, s, []QueryRecord{q})
	check := func(step string, wantOn bool) Fingerprint {
		t.Helper()
		fp, on, err := s.SharedFingerprint(ctx, 64)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		p, err := s.Profile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, err := MakeFingerprint(p, 64)
		if err != nil {
			t.Fatal(err)
		}
		if on != wantOn || !mat.Equal(fp.Vec, want.Vec) || fp.Version != want.Version {
			t.Fatalf("%s: fingerprint %v (version %d), sharing %v; want %v (version %d), sharing %v",
				step, fp.Vec.RawVector().Data[:4], fp.Version, on, want.Vec.RawVector().Data[:4], want.Version, wantOn)
		}
		return fp
	}
	empty := check("no profile yet", true)
	if again := check("no profile, asked again", true); again.Vec != empty.Vec {
		t.Error("the zero profile's fingerprint was made again, want it kept")
	}
	if _, _, err := s.AddMark(ctx, Mark{QueryID: q.ID, URL: q.Results[0].URL, Interested: true, Time: at, Doc: randomVector(rng, 20, 60)}); err != nil {
		t.Fatal(err)
	}
	first := check("after a mark", true)
	if first.IsZero() {
		t.Fatal("the fingerprint of a profile with an interested mark is zero")
	}
	if again := check("after a mark, asked again", true); again.Vec != first.Vec {
		t.Error("the fingerprint was made again for the same stored profile, want it kept")
	}
	if err := s.SetSharing(ctx, false); err != nil {
		t.Fatal(err)
	}
	check("sharing off", false)
	if _, _, err := s.AddMark(ctx, Mark{QueryID: q.ID, URL: q.Results[1].URL, Interested: true, Time: at.Add(time.Minute), Doc: randomVector(rng, 20, 60)}); err != nil {
		t.Fatal(err)
	}
	if second := check("after a second mark", false); second.Vec == first.Vec {
		t.Error("the profile changed but the fingerprint was not made again")
	}
}
