package clientagent

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/usermodel"
)

// plainJudge is the computation pastQueries.judge replaces: every mark in
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
// (pastQueries.judge, with each past query's norm and sorted terms kept
// from search to search) against the plain computation (plainJudge): the
// same marks, in order, with the same weights to the bit, and the same
// rejected documents, for random logs of queries over a small vocabulary
// (longer and shorter past queries than the query, empty ones, zero
// weights, repeated needs), several thresholds, and one cache serving
// every log in turn, a changed mark's query being a new map.
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
	var c pastQueries
	var log []usermodel.Mark
	for trial := range 100 {
		// The log changes as a store's does: marks added, some replaced
		// (a new map for the query: the store decodes changed bytes anew).
		for range rng.IntN(5) {
			log = append(log, usermodel.Mark{URL: fmt.Sprint("u", len(log)), QueryVec: randomVec(5), Interested: rng.IntN(2) == 0, Doc: randomVec(3)})
		}
		if len(log) > 0 && rng.IntN(3) == 0 {
			i := rng.IntN(len(log))
			log[i].QueryVec = maps.Clone(log[i].QueryVec)
			for t := range log[i].QueryVec {
				log[i].QueryVec[t] = rng.Float64()
			}
		}
		for range 5 {
			q := randomVec(4)
			for _, minSim := range []float64{0.1, 0.5, 0.9, 1} {
				gotJ, gotR := c.judge(log, q, q.Norm(), minSim)
				wantJ, wantR := plainJudge(q, log, minSim)
				if !reflect.DeepEqual(gotJ, wantJ) || !reflect.DeepEqual(gotR, wantR) {
					t.Fatalf("trial %d, query %v, least cosine %v: judged %+v rejected %v; want %+v and %v", trial, q, minSim, gotJ, gotR, wantJ, wantR)
				}
			}
		}
	}
	if len(c.m) == 0 {
		t.Fatal("no past query was kept: the test does not exercise the cache")
	}
}

// TestPastQueriesStayWithinTheirBound: a person whose marks' queries keep
// changing never makes the cache hold more than maxPastQueries of them.
func TestPastQueriesStayWithinTheirBound(t *testing.T) {
	var c pastQueries
	q := usermodel.Vector{"ice": 1}
	for i := range 3 * maxPastQueries {
		marks := []usermodel.Mark{{QueryVec: usermodel.Vector{"ice": float64(i + 1)}}}
		c.judge(marks, q, q.Norm(), 0.5)
		if len(c.m) > maxPastQueries {
			t.Fatalf("after %d queries the cache holds %d, bound %d", i+1, len(c.m), maxPastQueries)
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

// BenchmarkPastQueriesAfterAMark measures the judging of a search that
// follows a mark: 500 marks (Config.History) whose queries, of three
// terms from a vocabulary of 200, are known but one, new.
func BenchmarkPastQueriesAfterAMark(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 8))
	vec := func() usermodel.Vector {
		v := usermodel.Vector{}
		for range 3 {
			v[fmt.Sprint("term", rng.IntN(200))] = rng.Float64()
		}
		return v
	}
	marks := make([]usermodel.Mark, 500)
	for i := range marks {
		marks[i] = usermodel.Mark{QueryVec: vec(), Interested: i%3 == 0}
	}
	q := marks[0].QueryVec
	var c pastQueries
	c.judge(marks, q, q.Norm(), 0.9)
	b.ReportAllocs()
	for b.Loop() {
		marks[len(marks)-1].QueryVec = vec() // the new mark
		c.judge(marks, q, q.Norm(), 0.9)
	}
}

// TestTermsSignatureNeverPassesOverASharedTerm: random sets of terms that
// share one have signatures sharing a bit (judge passes over only those
// that share none), and most small sets that share no term are told apart
// by their signatures alone (else the filter saves nothing).
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
