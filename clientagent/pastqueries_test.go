package clientagent

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/p2pir/p2pir/usermodel"
)

// plainJudge is the computation judgePastQueries replaces: every mark in
// turn, skipped when its query shares no term with qvec, else kept when
// the cosine of the two queries (Vector.CosineWithNorm) is at least minSim.
func plainJudge(qvec usermodel.Vector, marks []usermodel.Mark, minSim float64) ([]usermodel.Judged, []usermodel.Vector) {
	var judged []usermodel.Judged
	var rejected []usermodel.Vector
	qnorm := qvec.Norm()
	for _, m := range marks {
		shares := false
		for t := range qvec {
			if _, ok := m.QueryVec[t]; ok {
				shares = true
			}
		}
		if !shares {
			continue
		}
		sim := qvec.CosineWithNorm(qnorm, m.QueryVec)
		if sim < minSim {
			continue
		}
		judged = append(judged, usermodel.Judged{Doc: m.Doc, Interested: m.Interested, Weight: sim})
		if !m.Interested {
			rejected = append(rejected, m.Doc)
		}
	}
	return judged, rejected
}

// TestPastQueriesJudgeAsEveryMarkInTurn checks the marks a search takes
// (judgePastQueries, with each past query's norm, sorted terms and
// signature prepared once, as the store prepares them when it decodes a
// mark) against the plain computation (plainJudge): the same marks, in
// order, with the same weights to the bit, and the same rejected
// documents, for random logs of queries over a small vocabulary (longer
// and shorter past queries than the query, empty ones, zero weights,
// repeated needs, runs of marks of one search sharing its query) and
// several thresholds, the log changing from search to search: marks added
// and some replaced, only those prepared anew; the whole log and its
// latest half.
func TestPastQueriesJudgeAsEveryMarkInTurn(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 4))
	vocab := []string{"ice", "glacier", "lava", "moraine", "flow", "heat", "rock", "snow"}
	randomVec := func(maxTerms int) usermodel.Vector {
		v := usermodel.Vector{}
		for range rng.IntN(maxTerms + 1) {
			w := rng.Float64()
			if rng.IntN(10) == 0 {
				w = 0
			}
			v[vocab[rng.IntN(len(vocab))]] = w
		}
		return v
	}
	var log []usermodel.Mark
	var prepared []usermodel.PreparedQuery
	for trial := range 100 {
		// The log changes as a store's does: marks added, some replaced
		// (a new map for the query, prepared anew: the store decodes and
		// prepares changed bytes anew).
		for range rng.IntN(5) {
			m := usermodel.Mark{URL: fmt.Sprint("u", len(log)), QueryVec: randomVec(5), Interested: rng.IntN(2) == 0, Doc: randomVec(3)}
			if len(log) > 0 && rng.IntN(2) == 0 {
				// Another mark of the same search: its query again (a
				// copy, as the store decodes each mark's own).
				m.QueryVec = maps.Clone(log[len(log)-1].QueryVec)
			}
			log = append(log, m)
			prepared = append(prepared, usermodel.PrepareQuery(m.QueryVec))
		}
		if len(log) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(log))
			log[i].QueryVec = maps.Clone(log[i].QueryVec)
			for t := range log[i].QueryVec {
				log[i].QueryVec[t] = rng.Float64()
			}
			prepared[i] = usermodel.PrepareQuery(log[i].QueryVec)
		}
		// Which marks have the query of the one before, as the store
		// hands them out.
		for i := range prepared {
			prepared[i].SameAsPrevious = i > 0 && maps.Equal(log[i].QueryVec, log[i-1].QueryVec)
		}
		for range 5 {
			q := randomVec(4)
			for _, minSim := range []float64{0.1, 0.5, 0.9, 1} {
				// The whole log, and the latest marks only (Config.History),
				// whose first may have the query of a mark left out.
				for _, from := range []int{0, len(log) / 2} {
					gotJ, gotR := judgePastQueries(log[from:], prepared[from:], q, minSim)
					wantJ, wantR := plainJudge(q, log[from:], minSim)
					if !reflect.DeepEqual(gotJ, wantJ) || !reflect.DeepEqual(gotR, wantR) {
						t.Fatalf("trial %d, query %v, least cosine %v, marks from %d: judged %+v rejected %v; want %+v and %v", trial, q, minSim, from, gotJ, gotR, wantJ, wantR)
					}
				}
			}
		}
	}
}

// TestHasAnyIsSharingATerm: a past query is looked at when it shares a
// term with the query, whichever of the two is longer, and only then.
func TestHasAnyIsSharingATerm(t *testing.T) {
	for _, tc := range []struct {
		name string
		past usermodel.Vector
		q    []string
		want bool
	}{
		{"one term shared", usermodel.Vector{"ice": 1, "lava": 1}, []string{"glacier", "ice"}, true},
		{"none shared", usermodel.Vector{"ice": 1, "lava": 1}, []string{"glacier", "moraine"}, false},
		{"a longer past query", usermodel.Vector{"a": 1, "b": 1, "c": 1, "d": 1, "ice": 1}, []string{"ice"}, true},
		{"an empty past query", usermodel.Vector{}, []string{"ice"}, false},
		{"an empty query", usermodel.Vector{"ice": 1}, nil, false},
	} {
		if got := hasAny(tc.past, tc.q); got != tc.want {
			t.Errorf("%s: hasAny = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// BenchmarkJudgePastQueries measures the judging of a search over 500
// marks (Config.History) whose queries, of three terms from a vocabulary
// of 200, the store has prepared.
func BenchmarkJudgePastQueries(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 8))
	vec := func() usermodel.Vector {
		v := usermodel.Vector{}
		for range 3 {
			v[fmt.Sprint("term", rng.IntN(200))] = rng.Float64()
		}
		return v
	}
	marks := make([]usermodel.Mark, 500)
	prepared := make([]usermodel.PreparedQuery, len(marks))
	for i := range marks {
		marks[i] = usermodel.Mark{QueryVec: vec(), Interested: i%3 == 0}
		prepared[i] = usermodel.PrepareQuery(marks[i].QueryVec)
	}
	q := marks[0].QueryVec
	b.ReportAllocs()
	for b.Loop() {
		judgePastQueries(marks, prepared, q, 0.9)
	}
}
