package clientagent

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/p2pir/p2pir/usermodel"
)

// markOp is one step of a feedback session: mark the result URL of the
// session's search + or -, or (undo) take back the latest mark.
type markOp struct {
	url        string
	interested bool
	undo       bool
}

// feedbackOutcome is what a session leaves behind: the profile, apart from
// the time of the latest mark, and the learned precision of every source.
type feedbackOutcome struct {
	terms   usermodel.Vector
	marks   int
	version uint64
	sources map[string][2]float64 // name -> {Alpha, Beta}
}

// runFeedback searches once in a fresh agent, applies ops to its results
// and returns the outcome.
func runFeedback(t *testing.T, ops []markOp) feedbackOutcome {
	t.Helper()
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	resp := f.search(t, Request{Query: "jaguar"})
	for i, op := range ops {
		var err error
		if op.undo {
			_, _, err = f.ag.Undo(ctx)
		} else {
			_, _, err = f.ag.Mark(ctx, resp.QueryID, op.url, op.interested)
		}
		if err != nil {
			t.Fatalf("step %d %+v: %v", i+1, op, err)
		}
	}
	p, err := f.store.Profile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := f.ag.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := feedbackOutcome{terms: p.Terms, marks: p.Marks, version: p.Version, sources: map[string][2]float64{}}
	for _, st := range stats {
		out.sources[st.Name] = [2]float64{st.Alpha, st.Beta}
	}
	return out
}

// TestAMarkCountsOnceInProfileAndSourcePrecision: marking a result again
// replaces the earlier mark in the profile and in the Beta posterior of
// its sources, and undo takes a mark's effect back exactly, both there and
// in the sources.
func TestAMarkCountsOnceInProfileAndSourcePrecision(t *testing.T) {
	plus := func(url string) markOp { return markOp{url: url, interested: true} }
	minus := func(url string) markOp { return markOp{url: url} }
	undo := markOp{undo: true}
	tests := []struct {
		name      string
		ops, same []markOp
	}{
		{"+ twice is + once", []markOp{plus(corpusCat), plus(corpusCat)}, []markOp{plus(corpusCat)}},
		{"+ then - is - once", []markOp{plus(corpusCat), minus(corpusCat)}, []markOp{minus(corpusCat)}},
		{"undo of + restores the sources' precision", []markOp{plus(corpusCat), undo}, nil},
		{"undo of - restores the sources' precision", []markOp{plus(corpusXF), minus(corpusCat), undo}, []markOp{plus(corpusXF)}},
		{"undo of a replacing mark brings back the replaced one", []markOp{plus(corpusCat), minus(corpusCat), undo}, []markOp{plus(corpusCat)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, want := runFeedback(t, tc.ops), runFeedback(t, tc.same)
			if got.marks != want.marks || got.version != want.version || !reflect.DeepEqual(got.terms, want.terms) {
				t.Errorf("profile: %d marks, version %d, terms %v\nwant %d marks, version %d, terms %v",
					got.marks, got.version, got.terms, want.marks, want.version, want.terms)
			}
			if !reflect.DeepEqual(got.sources, want.sources) {
				t.Errorf("source precision (alpha, beta) %v, want %v", got.sources, want.sources)
			}
			if len(got.sources) == 0 {
				t.Error("test premise: the marked results should have sources")
			}
		})
	}
}

// TestUndoMarkTakesBackOnlyTheLatestMarksResult: UndoMark on the result
// of the latest mark undoes it like Undo; on another result it refuses
// with ErrNotLatestMark and changes nothing, in the profile or in the
// sources' precision.
func TestUndoMarkTakesBackOnlyTheLatestMarksResult(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	resp := f.search(t, Request{Query: "jaguar"})
	for _, m := range []struct {
		url        string
		interested bool
	}{{corpusCat, true}, {corpusXF, false}} {
		if _, _, err := f.ag.Mark(ctx, resp.QueryID, m.url, m.interested); err != nil {
			t.Fatal(err)
		}
	}
	state := func() (usermodel.Profile, []SourceStats) {
		p, err := f.store.Profile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.ag.Sources(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return p, st
	}
	p0, s0 := state()
	if _, _, err := f.ag.UndoMark(ctx, corpusCat); !errors.Is(err, ErrNotLatestMark) {
		t.Fatalf("UndoMark on the earlier mark's result: %v, want ErrNotLatestMark", err)
	}
	if p1, s1 := state(); p1.Version != p0.Version || p1.Marks != 2 || !reflect.DeepEqual(s0, s1) {
		t.Fatalf("a refused UndoMark changed the profile (version %d to %d, %d marks) or the sources", p0.Version, p1.Version, p1.Marks)
	}
	m, p, err := f.ag.UndoMark(ctx, corpusXF)
	if err != nil || m.URL != corpusXF || p.Marks != 1 {
		t.Fatalf("UndoMark on the latest mark's result: %v, mark %s, %d marks left", err, m.URL, p.Marks)
	}
}
