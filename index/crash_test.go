package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/testenv"
)

// crashIndexEnv tells the re-executed test binary to act as the indexer
// process of TestIndexSurvivesKill9, and where its index is;
// crashFirstEnv is the first call number it makes.
const (
	crashIndexEnv = "P2PIR_INDEX_CRASH_DIR"
	crashFirstEnv = "P2PIR_INDEX_CRASH_FIRST"
)

// Each Index call of the indexer writes crashCallDocs documents in
// batches of crashBatch, so a call spans several bleve batches and a kill
// can land between them, within one, or while one is persisted.
const (
	crashCallDocs = 40
	crashBatch    = 16
)

// crashDoc is document i of indexer call seq: a function of both alone,
// so the parent can check that what survived is what was sent.
func crashDoc(seq uint64, i int) Document {
	rng := rand.New(rand.NewPCG(seq, uint64(i)))
	words := []string{"durable", "segment", "persister", "batch", "crash", "merge", "index", "disk", "sync", "kill"}
	var b strings.Builder
	for n := 20 + rng.IntN(200); n > 0; n-- {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	return Document{
		ID:    fmt.Sprintf("crash/%d/%d", seq, i),
		Title: fmt.Sprintf("call %d document %d", seq, i),
		Body:  b.String(),
	}
}

// TestHelperIndexer is the indexer process of TestIndexSurvivesKill9, not
// a test of its own: re-executed with crashIndexEnv set, it opens the
// index and makes Index calls seq = first, first+1, ..., each with
// crashDoc(seq, 0..crashCallDocs-1), printing "ack <seq>" after each call
// returns, until it is killed.
func TestHelperIndexer(t *testing.T) {
	dir := os.Getenv(crashIndexEnv)
	if dir == "" {
		t.Skip("helper process of TestIndexSurvivesKill9; runs only when that test re-executes the binary")
	}
	fail := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "indexer: "+format+"\n", args...)
		os.Exit(2)
	}
	first, err := strconv.ParseUint(os.Getenv(crashFirstEnv), 10, 64)
	if err != nil {
		fail("first call: %v", err)
	}
	cfg := DefaultConfig()
	cfg.BatchSize = crashBatch
	ix, err := Open(dir, cfg)
	if err != nil {
		fail("open: %v", err)
	}
	// Never outlive the parent for long, should it die before killing us.
	for seq, deadline := first, time.Now().Add(20*time.Second); time.Now().Before(deadline); seq++ {
		docs := make([]Document, crashCallDocs)
		for i := range docs {
			docs[i] = crashDoc(seq, i)
		}
		if err := ix.Index(context.Background(), docs); err != nil {
			fail("index call %d: %v", seq, err)
		}
		fmt.Fprintf(os.Stdout, "ack %d\n", seq) // os.Stdout is unbuffered
	}
	os.Exit(3)
}

// TestIndexSurvivesKill9 kills an indexing process with SIGKILL at a
// random moment after it reported calls done, reopens the index and
// checks that every document of every acknowledged call is there, as
// sent, and that the collection statistics agree with the documents
// (they are written in the same batches). bleve's batches return before
// they are on disk (unsafe_batch); Index returns only once they are.
func TestIndexSurvivesKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary; skipped with -short")
	}
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))
	dir := filepath.Join(t.TempDir(), "ix")
	var acked uint64 // highest call acknowledged over all rounds
	const rounds = 4
	for round := range rounds {
		waitAcks := 1 + rng.IntN(4)
		delay := time.Duration(rng.IntN(30000)) * time.Microsecond
		lastAck, stderr := testenv.KillAfterAcks(t, "TestHelperIndexer", []string{crashIndexEnv + "=" + dir, crashFirstEnv + "=" + strconv.FormatUint(acked+1, 10)}, waitAcks, delay)
		if lastAck <= acked {
			t.Fatalf("round %d: no new call acknowledged (last %d, before %d)", round, lastAck, acked)
		}
		acked = lastAck

		ix, err := Open(dir, DefaultConfig())
		if err != nil {
			t.Fatalf("round %d: the index does not open after kill -9: %v\nindexer stderr: %s", round, err, stderr)
		}
		ctx := context.Background()
		for seq := uint64(1); seq <= acked; seq++ {
			for i := range crashCallDocs {
				want := crashDoc(seq, i)
				got, ok, err := ix.Get(ctx, want.ID)
				if err != nil {
					t.Fatalf("round %d: get %s: %v", round, want.ID, err)
				}
				if !ok {
					t.Fatalf("round %d (killed %v after ack %d): document %s of acknowledged call %d is missing",
						round, delay, lastAck, want.ID, seq)
				}
				if got.Title != want.Title || got.Body != want.Body {
					t.Fatalf("round %d: document %s is not the one sent: title %q", round, want.ID, got.Title)
				}
			}
		}
		n, err := ix.Count()
		if err != nil {
			t.Fatal(err)
		}
		// At most the call that was under way when the kill landed is
		// there beyond the acknowledged ones, in part or whole.
		if n < acked*crashCallDocs || n > (acked+1)*crashCallDocs {
			t.Errorf("round %d: %d documents, want %d acknowledged and at most %d more", round, n, acked*crashCallDocs, crashCallDocs)
		}
		var sum int64
		for seq := uint64(1); seq <= acked+1; seq++ {
			for i := range crashCallDocs {
				l, ok, err := ix.storedLen(crashDoc(seq, i).ID)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					sum += l
				}
			}
		}
		if total := ix.totalLen.Load(); total != sum {
			t.Errorf("round %d: the statistics say %d tokens in all, the documents hold %d", round, total, sum)
		}
		t.Logf("round %d: killed %v after %d acks this round; %d calls acknowledged, %d documents on disk", round, delay, waitAcks, acked, n)
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
