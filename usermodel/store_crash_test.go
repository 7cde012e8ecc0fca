package usermodel

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/p2pir/p2pir/internal/testenv"
)

// crashStoreEnv tells the re-executed test binary to act as the marker
// process, and where its store is.
const crashStoreEnv = "P2PIR_USERMODEL_CRASH_STORE"

// crashQuery is the search the marker process marks results of.
func crashQuery() QueryRecord {
	q := QueryRecord{
		ID:       "crash-query",
		Text:     "durable feedback",
		QueryVec: Vector{"durabl": 0.8, "feedback": 0.6},
		Time:     time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC),
	}
	// One result per mark the marker can make before it is killed, so
	// that no mark replaces another and the log is crashMark(1), (2), ...
	for i := range 2000 {
		q.Results = append(q.Results, ShownResult{URL: fmt.Sprintf("https://crash.example/%d", i), Rank: i + 1})
	}
	return q
}

// crashMark is the mark number seq the marker process adds: a function of
// seq alone, so the parent can check that what survived is what was sent.
func crashMark(seq uint64) Mark {
	rng := rand.New(rand.NewPCG(seq, 1234))
	q := crashQuery()
	return Mark{
		QueryID:    q.ID,
		URL:        q.Results[seq%uint64(len(q.Results))].URL,
		Interested: seq%3 != 0,
		Time:       q.Time.Add(time.Duration(seq) * time.Minute),
		Doc:        randomVector(rng, 80, 400),
	}
}

// TestHelperMarker is the marker process of TestStoreSurvivesKill9, not a
// test of its own: re-executed with crashStoreEnv set, it opens the store,
// records crashQuery, then adds crashMark(n), crashMark(n+1), ... printing
// "ack <seq>" after each AddMark returns, until it is killed.
func TestHelperMarker(t *testing.T) {
	path := os.Getenv(crashStoreEnv)
	if path == "" {
		t.Skip("helper process of TestStoreSurvivesKill9; runs only when that test re-executes the binary")
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "marker: "+format+"\n", args...)
		os.Exit(2)
	}
	ctx := context.Background()
	s, err := OpenStore(path, StoreOptions{})
	if err != nil {
		fail("open: %v", err)
	}
	if err := s.RecordQuery(ctx, crashQuery()); err != nil {
		fail("record query: %v", err)
	}
	marks, err := s.Marks(ctx)
	if err != nil {
		fail("marks: %v", err)
	}
	// Never outlive the parent for long, should it die before killing us.
	for seq, deadline := uint64(len(marks))+1, time.Now().Add(20*time.Second); time.Now().Before(deadline); seq++ {
		added, _, err := s.AddMark(ctx, crashMark(seq))
		if err != nil {
			fail("add mark %d: %v", seq, err)
		}
		fmt.Fprintf(os.Stdout, "ack %d\n", added.Seq) // os.Stdout is unbuffered
	}
	os.Exit(3)
}

func TestStoreSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary; skipped with -short")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 99))
	path := filepath.Join(t.TempDir(), "state.db")
	var acked uint64 // highest Seq acknowledged over all rounds
	const rounds = 5
	for round := range rounds {
		waitAcks := 1 + rng.IntN(20)
		delay := time.Duration(rng.IntN(4000)) * time.Microsecond
		lastAck, stderr := testenv.KillAfterAcks(t, "TestHelperMarker", []string{crashStoreEnv + "=" + path}, waitAcks, delay)
		if lastAck < acked {
			t.Fatalf("round %d: acks went back from %d to %d", round, acked, lastAck)
		}
		acked = max(acked, lastAck)

		s, err := OpenStore(path, StoreOptions{})
		if err != nil {
			t.Fatalf("round %d: the store does not open after kill -9: %v\nmarker stderr: %s", round, err, stderr)
		}
		checkBoltConsistent(t, s.db)
		marks, err := s.Marks(context.Background())
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		n := uint64(len(marks))
		if n < acked || n > acked+1 {
			t.Errorf("round %d (killed %v after ack %d): %d marks survived, want every acknowledged one (%d), at most one more",
				round, delay, lastAck, n, acked)
		}
		for i, m := range marks {
			want := crashMark(uint64(i + 1))
			if m.Seq != uint64(i+1) || m.URL != want.URL || m.Interested != want.Interested ||
				!m.Time.Equal(want.Time) || !reflect.DeepEqual(m.Doc, want.Doc) {
				t.Fatalf("round %d: mark %d is not the one the marker sent: %+v", round, i+1, m)
			}
		}
		checkProfileIsRebuildOfLog(t, s, fmt.Sprintf("round %d", round))
		t.Logf("round %d: killed %v after %d acks this round; %d marks acknowledged, %d on disk", round, delay, waitAcks, acked, n)
		acked = n // an extra committed mark counts from now on
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// checkBoltConsistent runs bbolt's own page-level consistency check.
func checkBoltConsistent(t *testing.T, db *bbolt.DB) {
	t.Helper()
	var errs []error
	db.View(func(tx *bbolt.Tx) error {
		for err := range tx.Check() {
			errs = append(errs, err)
		}
		return nil
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("bbolt check after kill -9: %v", err)
	}
}
