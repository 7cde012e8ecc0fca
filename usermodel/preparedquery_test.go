package usermodel

import (
	"context"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

// plainSignature is termsSignature worked out another way: hash/fnv's
// FNV-1a of each term, in map order, picking one bit of 64.
func plainSignature(v Vector) uint64 {
	var sig uint64
	for t := range v {
		h := fnv.New64a()
		h.Write([]byte(t))
		sig |= 1 << (h.Sum64() % 64)
	}
	return sig
}

// checkPreparedQueries fails unless the store's shared read gives, for
// each mark, its query prepared as the plain computation gives it: the
// vector's Norm() to the bit, its terms sorted, their signature, and
// whether it is the query of the mark before; it counts the marks in
// repeats whose query is.
func checkPreparedQueries(t *testing.T, s *Store, step string, wantMarks int, repeats *int) {
	t.Helper()
	ctx := context.Background()
	for read := range 2 { // the second time from the cached log
		_, marks, queries, err := s.SharedState(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if len(marks) != wantMarks || len(queries) != len(marks) {
			t.Fatalf("%s, read %d: %d marks and %d prepared queries; want %d of each", step, read, len(marks), len(queries), wantMarks)
		}
		for i, m := range marks {
			got := queries[i]
			if math.Float64bits(got.Norm) != math.Float64bits(m.QueryVec.Norm()) {
				t.Errorf("%s: mark %d's prepared norm is %v, want Norm() = %v", step, m.Seq, got.Norm, m.QueryVec.Norm())
			}
			if want := slices.Sorted(maps.Keys(m.QueryVec)); !slices.Equal(got.Terms, want) {
				t.Errorf("%s: mark %d's prepared terms are %q, want its query's terms sorted, %q", step, m.Seq, got.Terms, want)
			}
			if want := plainSignature(m.QueryVec); got.Signature != want {
				t.Errorf("%s: mark %d's prepared signature is %#x, want %#x", step, m.Seq, got.Signature, want)
			}
			// The same query as the mark before it: its weights all equal,
			// term for term (reflect.DeepEqual, not the store's maps.Equal).
			if want := i > 0 && reflect.DeepEqual(m.QueryVec, marks[i-1].QueryVec); got.SameAsPrevious != want {
				t.Errorf("%s: mark %d's query is prepared as the same as the one before it: %v, want %v", step, m.Seq, got.SameAsPrevious, want)
			}
			if got.SameAsPrevious {
				*repeats++
			}
		}
	}
}

// TestPreparedQueriesAreThePlainComputation checks that the queries the
// store prepares when it decodes a mark (SharedState) equal, mark for
// mark, the plain computation on the mark's query vector (Norm() to the
// bit, the sorted terms, the signature of plainSignature) as the log
// changes in every way: marks added with their own queries or the query
// log's, an empty query, a mark replaced by a mark on the same result
// with another query, the replacement undone (the replaced mark back),
// a plain undo, another undo and a mark under the undone one's Seq (other
// bytes under a key the store has decoded), and the store closed and
// opened again.
func TestPreparedQueriesAreThePlainComputation(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(13, 14))
	at := time.Date(2026, 12, 7, 13, 0, 0, 0, time.UTC)
	q1 := randomQuery(rng, "q1", 10, at)
	q2 := randomQuery(rng, "q2", 10, at)
	q2.QueryVec = randomVector(rng, 12, 40)
	empty := randomQuery(rng, "empty", 10, at)
	empty.QueryVec = nil
	s, path := openTestStore(t, StoreOptions{})
	recordAll(t, s, []QueryRecord{q1, q2, empty})
	marks := 0
	add := func(t *testing.T, m Mark) {
		t.Helper()
		ch, err := s.AddMarkWith(ctx, m, nil)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Replaced == nil {
			marks++
		}
	}
	first := randomMark(rng, q2, at)
	first.QueryVec = randomVector(rng, 4, 40)
	steps := []struct {
		name string
		do   func(t *testing.T)
	}{
		{"marks with the query log's queries", func(t *testing.T) {
			for i := range 4 {
				m := randomMark(rng, q1, at.Add(time.Duration(i)*time.Minute))
				m.URL = q1.Results[i].URL
				add(t, m)
			}
		}},
		{"marks with queries of their own", func(t *testing.T) {
			add(t, first)
			for i := range 3 {
				m := randomMark(rng, q2, at.Add(time.Duration(i)*time.Minute))
				m.URL = q2.Results[i+1].URL
				m.QueryVec = randomVector(rng, 1+rng.IntN(8), 40)
				add(t, m)
			}
		}},
		{"a mark with an empty query", func(t *testing.T) {
			add(t, randomMark(rng, empty, at))
		}},
		{"a mark replaced by one with another query", func(t *testing.T) {
			m := first
			m.QueryVec = randomVector(rng, 6, 40)
			m.Interested = !m.Interested
			before := marks
			add(t, m)
			if marks != before {
				t.Fatal("the mark on the same result did not replace the earlier one: the step tests nothing")
			}
		}},
		{"the replacement undone", func(t *testing.T) {
			if _, _, err := s.Undo(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"the last mark undone", func(t *testing.T) {
			if _, _, err := s.Undo(ctx); err != nil {
				t.Fatal(err)
			}
			marks--
		}},
		{"the last mark undone and another added under its Seq, unread between", func(t *testing.T) {
			last, _, err := s.Undo(ctx)
			if err != nil {
				t.Fatal(err)
			}
			m := randomMark(rng, q2, at.Add(time.Hour))
			m.URL = q2.Results[8].URL
			m.QueryVec = randomVector(rng, 7, 40)
			marks--
			add(t, m)
			if _, stored, _, err := s.SharedState(ctx); err != nil || stored[len(stored)-1].Seq != last.Seq {
				t.Fatalf("the new mark is not under the undone one's Seq %d (%v): the step tests nothing", last.Seq, err)
			}
		}},
		{"the store opened again", func(t *testing.T) {
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			var err error
			if s, err = OpenStore(path, StoreOptions{}); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
		}},
		{"a mark added after the reopen", func(t *testing.T) {
			m := randomMark(rng, q2, at.Add(time.Hour))
			m.URL = q2.Results[9].URL
			m.QueryVec = randomVector(rng, 5, 40)
			add(t, m)
		}},
	}
	repeats := 0
	for _, step := range steps {
		step.do(t)
		checkPreparedQueries(t, s, step.name, marks, &repeats)
	}
	if repeats == 0 {
		t.Error("no mark had the query of the mark before it: SameAsPrevious was never checked true")
	}
}

// TestTermsSignatureNeverPassesOverASharedTerm: random sets of terms that
// share one have signatures sharing a bit (a search passes over only past
// queries that share none), and most small sets that share no term are
// told apart by their signatures alone (else the filter saves nothing).
func TestTermsSignatureNeverPassesOverASharedTerm(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 4))
	terms := func() []string {
		out := make([]string, 1+rng.IntN(5))
		for i := range out {
			out[i] = fmt.Sprintf("term%d", rng.IntN(400))
		}
		return out
	}
	disjoint, told := 0, 0
	for range 5000 {
		a, b := terms(), terms()
		shared := slices.ContainsFunc(a, func(s string) bool { return slices.Contains(b, s) })
		apart := termsSignature(a)&termsSignature(b) == 0
		if shared && apart {
			t.Fatalf("%q and %q share a term, but their signatures no bit", a, b)
		}
		if !shared {
			disjoint++
			if apart {
				told++
			}
		}
	}
	if told < disjoint/3 {
		t.Fatalf("signatures told apart %d of %d pairs sharing no term", told, disjoint)
	}
}

// TestPreparedCosineIsCosine checks that the cosine of two prepared
// queries is Vector.Cosine to the bit, for random vectors longer and
// shorter than each other, of equal length, empty, and with zero weights.
func TestPreparedCosineIsCosine(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 21))
	vec := func(n int) Vector {
		v := Vector{}
		for range n {
			v[fmt.Sprint("t", rng.IntN(12))] = float64(rng.IntN(4)) * rng.Float64()
		}
		return v
	}
	for trial := range 2000 {
		v, u := vec(rng.IntN(8)), vec(rng.IntN(8))
		got := PreparedCosine(v, PrepareQuery(v), u, PrepareQuery(u))
		if want := v.Cosine(u); math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("trial %d: PreparedCosine(%v, %v) = %v, Cosine %v", trial, v, u, got, want)
		}
	}
}
