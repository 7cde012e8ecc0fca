package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
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

// crashDoc is document i of indexer call seq at version v: a function of
// the three alone, so the parent can check that what survived is what was
// sent.
func crashDoc(seq uint64, i, v int) Document {
	rng := rand.New(rand.NewPCG(seq, uint64(i*16+v)))
	words := []string{"durable", "segment", "persister", "batch", "crash", "merge", "index", "disk", "sync", "kill"}
	var b strings.Builder
	for n := 20 + rng.IntN(200); n > 0; n-- {
		b.WriteString(words[rng.IntN(len(words))])
		b.WriteByte(' ')
	}
	return Document{
		ID:    fmt.Sprintf("crash/%d/%d", seq, i),
		Title: fmt.Sprintf("call %d document %d version %d", seq, i, v),
		Body:  b.String(),
	}
}

// crashReplaced is how many documents of the call before each call
// replaces (version 1); the last document of the call before it deletes.
const crashReplaced = 4

// crashCall is what indexer call seq sends to Index: the first
// crashReplaced documents of call seq-1 again at version 1, its own
// documents at version 0, and its document 0 once more at version 2, in
// a later batch (while the batch with version 0 may still be in flight).
// After Index, the call deletes document crashCallDocs-1 of call seq-1.
func crashCall(seq uint64) []Document {
	var docs []Document
	if seq > 1 {
		for i := range crashReplaced {
			docs = append(docs, crashDoc(seq-1, i, 1))
		}
	}
	for i := range crashCallDocs {
		docs = append(docs, crashDoc(seq, i, 0))
	}
	return append(docs, crashDoc(seq, 0, 2))
}

// crashVersions are the versions document i of call seq may have once
// calls up to acked are acknowledged and call acked+1 may have run in part
// (-1: deleted).
func crashVersions(seq uint64, i int, acked uint64) []int {
	var own, next []int // before call seq+1, after it
	switch {
	case i == 0:
		own = []int{2}
	default:
		own = []int{0}
	}
	switch {
	case i < crashReplaced:
		next = []int{1}
	case i == crashCallDocs-1:
		next = []int{-1}
	default:
		next = own
	}
	switch {
	case seq < acked: // call seq+1 was acknowledged
		return next
	case seq == acked: // call seq+1 may have run in part
		return append(own, next...)
	default: // seq is the call under way
		return append(append([]int{-1, 0}, own...), next...)
	}
}

// TestHelperIndexer is the indexer process of TestIndexSurvivesKill9, not
// a test of its own: re-executed with crashIndexEnv set, it opens the
// index and makes calls seq = first, first+1, ..., each an Index call
// with crashCall(seq) and a Delete (see crashCall), printing "ack <seq>"
// after each call returns, until it is killed.
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
		if err := ix.Index(context.Background(), crashCall(seq)); err != nil {
			fail("index call %d: %v", seq, err)
		}
		if seq > 1 {
			if err := ix.Delete(context.Background(), crashDoc(seq-1, crashCallDocs-1, 0).ID); err != nil {
				fail("delete in call %d: %v", seq, err)
			}
		}
		fmt.Fprintf(os.Stdout, "ack %d\n", seq) // os.Stdout is unbuffered
	}
	os.Exit(3)
}

// TestIndexSurvivesKill9 kills an indexing process with SIGKILL at a
// random moment after it reported calls done, reopens the index and
// checks that every document of every acknowledged call is there, as
// sent at its latest version (or deleted), that nothing else is, and that
// the collection statistics equal a recount of the documents (each lane's
// sum is written in the same batches as its documents; see writeLane),
// whatever the order the two lanes' batches landed in. bleve's batches return before
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
		// Every document of calls up to the one under way is at a
		// version it may have, and every acknowledged one is there.
		expected := 0
		for seq := uint64(1); seq <= acked+1; seq++ {
			for i := range crashCallDocs {
				versions := crashVersions(seq, i, acked)
				id := crashDoc(seq, i, 0).ID
				got, ok, err := ix.Get(ctx, id)
				if err != nil {
					t.Fatalf("round %d: get %s: %v", round, id, err)
				}
				v := -1
				if ok {
					v = -2 // not one that was sent
					for _, w := range versions {
						if want := crashDoc(seq, i, w); w >= 0 && got.Title == want.Title && got.Body == want.Body {
							v = w
						}
					}
				}
				if !slices.Contains(versions, v) {
					what := fmt.Sprintf("at version %d", v)
					switch v {
					case -1:
						what = "missing"
					case -2:
						what = fmt.Sprintf("not one sent (title %q)", got.Title)
					}
					t.Fatalf("round %d (killed %v after ack %d): document %s is %s, want one of versions %v (-1: deleted)",
						round, delay, lastAck, id, what, versions)
				}
				if v >= 0 {
					expected++
				}
			}
		}
		// The statistics equal a recount of every document in the index,
		// each analysed again from its stored text.
		ids, stated, stored := snapshotRecount(t, ix)
		if len(ids) != expected {
			t.Errorf("round %d: %d documents in the index, %d of them sent", round, len(ids), expected)
		}
		var recount int64
		for _, id := range ids {
			d, _, err := ix.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			recount += int64(ix.analyse([]Document{d})[0].text.AnalyzedLength())
		}
		if stated != recount || stored != recount {
			t.Errorf("round %d: the statistics say %d tokens in all, the documents' stored lengths %d, analysed again %d", round, stated, stored, recount)
		}
		n := len(ids)
		t.Logf("round %d: killed %v after %d acks this round; %d calls acknowledged, %d documents on disk", round, delay, waitAcks, acked, n)
		if err := ix.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
