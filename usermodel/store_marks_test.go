package usermodel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

func TestAddMarkNumbersLogsAndFoldsIntoProfile(t *testing.T) {
	ctx := context.Background()
	sess := loadSession(t)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	var want Profile
	for i, m := range sess.Marks {
		m.Seq = 99 // ignored: the store numbers marks
		added, prof, err := s.AddMark(ctx, m)
		if err != nil {
			t.Fatalf("AddMark %d: %v", i, err)
		}
		if added.Seq != uint64(i+1) {
			t.Errorf("mark %d got Seq %d, want %d", i, added.Seq, i+1)
		}
		if err := want.Apply(DefaultConfig(), added); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(prof, want) {
			t.Errorf("after mark %d profile = %+v, want Profile.Apply of the marks so far %+v", i+1, prof, want)
		}
		if stored, _ := s.Profile(ctx); !reflect.DeepEqual(stored, prof) {
			t.Errorf("after mark %d Profile() = %+v, want what AddMark returned %+v", i+1, stored, prof)
		}
		marks, _ := s.Marks(ctx)
		if len(marks) != i+1 || !reflect.DeepEqual(marks[i], added) {
			t.Errorf("log after mark %d = %+v, want last %+v", i+1, marks, added)
		}
	}
	checkProfileIsRebuildOfLog(t, s, "after the session")
	if p, _ := s.Profile(ctx); p.Marks != len(sess.Marks) || p.Terms["discount"] >= 0 || p.Terms["perovskit"] <= 0 {
		t.Errorf("profile %+v should count 5 marks, repel the shop's terms and attract the liked ones", p)
	}
}

func TestAddMarkFillsQueryAndResultDetailsFromTheLog(t *testing.T) {
	ctx := context.Background()
	sess := loadSession(t)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	added, _, err := s.AddMark(ctx, sess.Marks[2]) // perovskite, shown third for q-solar
	if err != nil {
		t.Fatal(err)
	}
	q, r := sess.Queries[0], sess.Queries[0].Results[2]
	if added.Query != q.Text || !reflect.DeepEqual(added.QueryVec, q.QueryVec) ||
		added.Title != r.Title || !reflect.DeepEqual(added.Source, r.Source) {
		t.Errorf("mark = %+v, want query text, query vector, title and sources from the query log", added)
	}
	own := sess.Marks[0]
	own.Title, own.Query = "my title", "my words"
	added, _, err = s.AddMark(ctx, own)
	if err != nil {
		t.Fatal(err)
	}
	if added.Title != "my title" || added.Query != "my words" || added.DocID != q.Results[0].DocID {
		t.Errorf("mark = %+v, want the mark's own title and query kept, the empty DocID filled", added)
	}
}

func TestUndoRestoresExactlyTheProfileBeforeTheMark(t *testing.T) {
	ctx := context.Background()
	sess := loadSession(t)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	if _, _, err := s.Undo(ctx); !errors.Is(err, ErrNothingToUndo) {
		t.Fatalf("Undo on an empty log: err = %v, want ErrNothingToUndo", err)
	}
	for i, m := range sess.Marks {
		before, _ := s.Profile(ctx)
		marksBefore, _ := s.Marks(ctx)
		added, _, err := s.AddMark(ctx, m)
		if err != nil {
			t.Fatal(err)
		}
		undone, after, err := s.Undo(ctx)
		if err != nil {
			t.Fatalf("Undo after mark %d: %v", i+1, err)
		}
		if !reflect.DeepEqual(undone, added) {
			t.Errorf("Undo removed %+v, want the last mark %+v", undone, added)
		}
		if !reflect.DeepEqual(after, before) {
			t.Errorf("mark %d: profile after Undo = %+v\nwant exactly the one before the mark %+v", i+1, after, before)
		}
		if stored, _ := s.Profile(ctx); !reflect.DeepEqual(stored, before) {
			t.Errorf("mark %d: stored profile after Undo differs from the one before the mark", i+1)
		}
		if marks, _ := s.Marks(ctx); !reflect.DeepEqual(marks, marksBefore) {
			t.Errorf("mark %d: log after Undo = %+v, want %+v", i+1, marks, marksBefore)
		}
		// Keep it for the next round; it takes the undone mark's Seq.
		if again, _, err := s.AddMark(ctx, m); err != nil || again.Seq != uint64(i+1) {
			t.Fatalf("re-adding mark %d: Seq %d, %v", i+1, again.Seq, err)
		}
	}
	for range sess.Marks {
		if _, _, err := s.Undo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if p, _ := s.Profile(ctx); !reflect.DeepEqual(p, Profile{}) {
		t.Errorf("profile after undoing everything = %+v, want the empty profile", p)
	}
}

func TestStoredProfileIsAlwaysRebuildOfTheLog(t *testing.T) {
	tight := DefaultConfig()
	tight.MaxTerms, tight.MaxDocTerms, tight.DecayPerMark = 12, 6, 0.8
	noTime := DefaultConfig()
	noTime.HalfLife = 0
	hours := DefaultConfig()
	hours.HalfLife = 3 * time.Hour
	tests := []struct {
		name string
		cfg  Config
		seed uint64
	}{
		{"default config", DefaultConfig(), 1},
		{"tight pruning, fast decay", tight, 2},
		{"no time decay", noTime, 3},
		{"half-life of hours", hours, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(tc.seed, 42))
			s, path := openTestStore(t, StoreOptions{Config: tc.cfg})
			at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			queries := []QueryRecord{randomQuery(rng, "a", 8, at), randomQuery(rng, "b", 8, at)}
			recordAll(t, s, queries)
			for op := range 100 {
				at = at.Add(time.Duration(rng.IntN(240)) * time.Minute)
				if rng.IntN(4) == 0 {
					if _, _, err := s.Undo(ctx); err != nil && !errors.Is(err, ErrNothingToUndo) {
						t.Fatalf("op %d Undo: %v", op, err)
					}
				} else if _, _, err := s.AddMark(ctx, randomMark(rng, queries[rng.IntN(2)], at)); err != nil {
					t.Fatalf("op %d AddMark: %v", op, err)
				}
				checkProfileIsRebuildOfLog(t, s, fmt.Sprintf("op %d", op))
			}
			s.Close()
			r, err := OpenStore(path, StoreOptions{Config: tc.cfg})
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			checkProfileIsRebuildOfLog(t, r, "after reopen")
		})
	}
}

func TestAddMarkRefusesBadMarksAndChangesNothing(t *testing.T) {
	sess := loadSession(t)
	good := sess.Marks[0]
	with := func(f func(m *Mark)) Mark {
		m := good
		m.Doc = good.Doc.Clone()
		f(&m)
		return m
	}
	huge := Vector{}
	for i := range 60000 {
		huge[fmt.Sprintf("term%06d", i)] = 1 / math.Sqrt(60000)
	}
	tests := []struct {
		name    string
		m       Mark
		wantErr error
		want    string
	}{
		{"NaN weight in document", with(func(m *Mark) { m.Doc["panel"] = math.NaN() }), nil, "NaN"},
		{"infinite weight in document", with(func(m *Mark) { m.Doc["panel"] = math.Inf(1) }), nil, "+Inf"},
		{"empty term in document", with(func(m *Mark) { m.Doc[""] = 0.1 }), nil, "empty term"},
		{"empty document vector", with(func(m *Mark) { m.Doc = nil }), nil, "empty document vector"},
		{"NaN weight in query vector", with(func(m *Mark) { m.QueryVec = Vector{"solar": math.NaN()} }), nil, "query"},
		{"infinite weight in query vector", with(func(m *Mark) { m.QueryVec = Vector{"solar": math.Inf(-1)} }), nil, "-Inf"},
		{"empty URL", with(func(m *Mark) { m.URL = "" }), nil, "no URL"},
		{"no time", with(func(m *Mark) { m.Time = time.Time{} }), nil, "no time"},
		{"unknown query ID", with(func(m *Mark) { m.QueryID = "q-never" }), ErrUnknownQuery, "q-never"},
		{"no query ID", with(func(m *Mark) { m.QueryID = "" }), ErrUnknownQuery, "unknown query"},
		{"URL never shown for the query", with(func(m *Mark) { m.URL = "https://elsewhere.example/x" }), ErrNotShown, "elsewhere"},
		{"URL shown for another query", with(func(m *Mark) { m.URL = sess.Queries[1].Results[0].URL }), ErrNotShown, "q-solar"},
		{"huge document vector", with(func(m *Mark) { m.Doc = huge }), ErrTooLarge, "60000 terms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s, _ := openTestStore(t, StoreOptions{})
			recordAll(t, s, sess.Queries)
			if _, _, err := s.AddMark(ctx, sess.Marks[1]); err != nil {
				t.Fatal(err)
			}
			before := dumpStore(t, s)
			added, prof, err := s.AddMark(ctx, tc.m)
			if err == nil {
				t.Fatalf("AddMark accepted it as %+v", added)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "usermodel: ") {
				t.Errorf("error %q should start with usermodel: and mention %q", err, tc.want)
			}
			if !reflect.DeepEqual(added, Mark{}) || !reflect.DeepEqual(prof, Profile{}) {
				t.Errorf("a refused mark returned %+v, %+v; want zero values", added, prof)
			}
			if after := dumpStore(t, s); !reflect.DeepEqual(before, after) {
				t.Error("a refused mark changed the store")
			}
		})
	}
}

func TestConcurrentMarksGetDistinctSeqsAndAConsistentProfile(t *testing.T) {
	ctx := context.Background()
	s, _ := openTestStore(t, StoreOptions{})
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	q := randomQuery(rand.New(rand.NewPCG(5, 5)), "q", 10, at)
	recordAll(t, s, []QueryRecord{q})
	const workers, each = 4, 10
	seqs := make(chan uint64, workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			for i := range each {
				m, _, err := s.AddMark(ctx, randomMark(rng, q, at.Add(time.Duration(i)*time.Minute)))
				if err != nil {
					t.Error(err)
					return
				}
				seqs <- m.Seq
			}
		})
	}
	wg.Wait()
	close(seqs)
	seen := map[uint64]bool{}
	for seq := range seqs {
		if seen[seq] {
			t.Errorf("Seq %d given twice", seq)
		}
		seen[seq] = true
	}
	if len(seen) != workers*each {
		t.Errorf("%d marks acknowledged, want %d", len(seen), workers*each)
	}
	checkProfileIsRebuildOfLog(t, s, "after concurrent marks")
}

// TestANewMarkOnTheSameResultReplacesTheEarlierOne: marking a result of a
// search again counts once, with the latest judgement, exactly as if only
// the latest mark had been made; the same URL shown for another search is
// a judgement of its own.
func TestANewMarkOnTheSameResultReplacesTheEarlierOne(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(7, 7))
	qa, qb := randomQuery(rng, "a", 4, at), randomQuery(rng, "b", 4, at)
	qb.Results[0].URL = qa.Results[0].URL // one page shown for both searches
	docs := []Vector{randomVector(rng, 20, 60), randomVector(rng, 20, 60)}
	// step marks result r of query q (+ or -) with document docs[d].
	type step struct {
		q          QueryRecord
		r, d       int
		interested bool
	}
	tests := []struct {
		name        string
		marks, want []step
	}{
		{"+ twice is + once",
			[]step{{qa, 0, 0, true}, {qa, 0, 0, true}},
			[]step{{qa, 0, 0, true}}},
		{"+ then - is - once",
			[]step{{qa, 0, 0, true}, {qa, 0, 0, false}},
			[]step{{qa, 0, 0, false}}},
		{"- then + is + once",
			[]step{{qa, 1, 1, false}, {qa, 1, 1, true}},
			[]step{{qa, 1, 1, true}}},
		{"a replaced mark leaves its place in the order",
			[]step{{qa, 0, 0, true}, {qa, 1, 1, true}, {qa, 0, 0, false}},
			[]step{{qa, 1, 1, true}, {qa, 0, 0, false}}},
		{"the same page for another search is another mark",
			[]step{{qa, 0, 0, true}, {qb, 0, 0, true}},
			[]step{{qa, 0, 0, true}, {qb, 0, 0, true}}},
	}
	// run makes the marks one minute apart in a fresh store and returns its
	// profile and log; the marks of want are timed as the last ones of
	// marks, so that time decay is the same in both.
	run := func(t *testing.T, steps []step, from time.Time) (Profile, []Mark) {
		t.Helper()
		ctx := context.Background()
		s, _ := openTestStore(t, StoreOptions{})
		recordAll(t, s, []QueryRecord{qa, qb})
		for i, st := range steps {
			m := Mark{QueryID: st.q.ID, URL: st.q.Results[st.r].URL, Interested: st.interested,
				Time: from.Add(time.Duration(i) * time.Minute), Doc: docs[st.d]}
			if _, _, err := s.AddMark(ctx, m); err != nil {
				t.Fatalf("mark %d: %v", i+1, err)
			}
		}
		checkProfileIsRebuildOfLog(t, s, "after the marks")
		p, err := s.Profile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		marks, err := s.Marks(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p, marks
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, gotMarks := run(t, tc.marks, at)
			want, wantMarks := run(t, tc.want, at.Add(time.Duration(len(tc.marks)-len(tc.want))*time.Minute))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("profile %+v\nwant the profile of the latest marks alone %+v", got, want)
			}
			if len(gotMarks) != len(wantMarks) {
				t.Fatalf("log has %d marks, want %d", len(gotMarks), len(wantMarks))
			}
			for i := range gotMarks {
				g, w := gotMarks[i], wantMarks[i]
				g.Seq, w.Seq = 0, 0
				if !reflect.DeepEqual(g, w) {
					t.Errorf("log mark %d = %+v\nwant %+v", i+1, g, w)
				}
			}
		})
	}
}

// TestUndoOfAReplacingMarkPutsBackTheOneItReplaced: undo restores the log
// and the profile to exactly what they were before the replacing mark.
func TestUndoOfAReplacingMarkPutsBackTheOneItReplaced(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(8, 8))
	q := randomQuery(rng, "a", 4, at)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, []QueryRecord{q})
	mark := func(r int, interested bool, min int) Mark {
		return Mark{QueryID: q.ID, URL: q.Results[r].URL, Interested: interested,
			Time: at.Add(time.Duration(min) * time.Minute), Doc: randomVector(rng, 15, 60)}
	}
	first, _, err := s.AddMark(ctx, mark(0, true, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddMark(ctx, mark(1, true, 2)); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Profile(ctx)
	logBefore, _ := s.Marks(ctx)
	ch, err := s.AddMarkWith(ctx, mark(0, false, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Replaced == nil || !reflect.DeepEqual(*ch.Replaced, first) {
		t.Fatalf("AddMarkWith reports replaced %+v, want the first mark %+v", ch.Replaced, first)
	}
	undo, err := s.UndoWith(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(undo.Mark, ch.Mark) || undo.Replaced == nil || !reflect.DeepEqual(*undo.Replaced, first) {
		t.Errorf("UndoWith undid %+v and put back %+v, want the - mark and the first mark", undo.Mark, undo.Replaced)
	}
	if !reflect.DeepEqual(undo.Profile, before) {
		t.Errorf("profile after undo %+v\nwant the one before the replacing mark %+v", undo.Profile, before)
	}
	if logNow, _ := s.Marks(ctx); !reflect.DeepEqual(logNow, logBefore) {
		t.Errorf("log after undo %+v\nwant %+v", logNow, logBefore)
	}
	checkProfileIsRebuildOfLog(t, s, "after the undo")
}

// TestOpeningASchema1LogAppliesTheReplaceRule: a log written before
// schema 2, where a second mark on a result was added to the first, is
// brought to the rule on open: the latest mark on each result counts, the
// profile is rebuilt from those, and undo brings back the earlier mark.
func TestOpeningASchema1LogAppliesTheReplaceRule(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(9, 9))
	q := randomQuery(rng, "a", 3, at)
	s, path := openTestStore(t, StoreOptions{})
	recordAll(t, s, []QueryRecord{q})
	markOn := func(r int, interested bool, min int) Mark {
		return Mark{QueryID: q.ID, URL: q.Results[r].URL, Interested: interested,
			Time: at.Add(time.Duration(min) * time.Minute), Doc: randomVector(rng, 12, 40)}
	}
	first, _, err := s.AddMark(ctx, markOn(0, true, 1))
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := s.AddMark(ctx, markOn(1, true, 2))
	if err != nil {
		t.Fatal(err)
	}
	// What schema 1 wrote for a second mark on the first result: one more
	// mark in the log, no replaced/ or by_result/ buckets.
	stacked := markOn(0, false, 3)
	stacked.Seq, stacked.Query, stacked.QueryVec, stacked.Source, stacked.Title = 3, first.Query, first.QueryVec, first.Source, first.Title
	err = s.db.Update(func(tx *bbolt.Tx) error {
		root := tx.Bucket(bucketRoot)
		if err := putJSON(root.Bucket(bucketMarks), u64key(3), stacked, 0); err != nil {
			return err
		}
		for _, name := range [][]byte{bucketReplaced, bucketByResult} {
			if err := root.DeleteBucket(name); err != nil {
				return err
			}
		}
		return root.Bucket(bucketMeta).Put(keySchema, u64key(1))
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
	checkProfileIsRebuildOfLog(t, r, "after opening the schema 1 log")
	marks, _ := r.Marks(ctx)
	if len(marks) != 2 || marks[0].Seq != other.Seq || marks[1].Seq != 3 {
		t.Fatalf("log after migration: %+v, want the other mark and the stacked one (Seq %d, 3)", marks, other.Seq)
	}
	undone, _, err := r.Undo(ctx)
	if err != nil || undone.Seq != 3 {
		t.Fatalf("Undo: %+v, %v; want the stacked mark", undone, err)
	}
	if marks, _ := r.Marks(ctx); len(marks) != 2 || !reflect.DeepEqual(marks[0], first) {
		t.Errorf("log after undo: %+v, want the first mark back", marks)
	}
	checkProfileIsRebuildOfLog(t, r, "after the undo")
}
