package clientagent

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/p2pir/p2pir/usermodel"
)

// plainJudge is the computation markIndex.judge replaces: every mark of
// log[from:] in turn, skipped when its query shares no term with qvec,
// else kept when the cosine of the two queries is at least minSim.
func plainJudge(qvec usermodel.Vector, log []usermodel.Mark, from int, minSim float64) ([]usermodel.Judged, []usermodel.Vector) {
	var judged []usermodel.Judged
	var rejected []usermodel.Vector
	qnorm := qvec.Norm()
	for _, m := range log[from:] {
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

// TestMarkIndexJudgesAsEveryMarkInTurn checks the marks a search takes
// from the indexed log (markIndex.judge) against the plain computation
// over every mark (plainJudge): the same marks, in log order, with the
// same weights to the bit, and the same rejected documents, for random
// logs of queries over a small vocabulary (longer and shorter past
// queries than the query, empty ones, zero weights, repeated needs),
// every History cut and several thresholds.
func TestMarkIndexJudgesAsEveryMarkInTurn(t *testing.T) {
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
	for trial := range 300 {
		log := make([]usermodel.Mark, rng.IntN(40))
		for i := range log {
			log[i] = usermodel.Mark{Seq: uint64(i + 1), URL: fmt.Sprint("u", i), QueryVec: randomVec(5), Interested: rng.IntN(2) == 0, Doc: randomVec(3)}
		}
		var c markIndexCache
		x := c.get(log)
		for range 5 {
			q := randomVec(4)
			from := rng.IntN(len(log) + 1)
			for _, minSim := range []float64{0.1, 0.5, 0.9, 1} {
				gotJ, gotR := x.judge(q, q.Norm(), from, minSim)
				wantJ, wantR := plainJudge(q, log, from, minSim)
				if !reflect.DeepEqual(gotJ, wantJ) || !reflect.DeepEqual(gotR, wantR) {
					t.Fatalf("trial %d, query %v, from %d, least cosine %v: judged %+v rejected %v; want %+v and %v", trial, q, from, minSim, gotJ, gotR, wantJ, wantR)
				}
			}
		}
	}
}

// TestMarkIndexIsKeptWhileTheLogStands: the same log slice again is
// served by the index built for it; another slice (the store's after a
// change) gets a new index, which holds its marks.
func TestMarkIndexIsKeptWhileTheLogStands(t *testing.T) {
	log := []usermodel.Mark{{URL: "a", QueryVec: usermodel.Vector{"ice": 1}}, {URL: "b", QueryVec: usermodel.Vector{"lava": 1}}}
	var c markIndexCache
	first := c.get(log)
	if c.get(log) != first || c.get(log[:2]) != first {
		t.Fatal("the same log read again was indexed again")
	}
	changed := append([]usermodel.Mark(nil), log...)
	changed = append(changed, usermodel.Mark{URL: "c", QueryVec: usermodel.Vector{"ice": 1}})
	next := c.get(changed)
	if next == first {
		t.Fatal("a changed log was served the old log's index")
	}
	if got := next.byTerm["ice"]; !reflect.DeepEqual(got, []int32{0, 2}) {
		t.Errorf("the new index lists marks %v under ice, want [0 2]", got)
	}
	if c.get(log[:1]) == first {
		t.Error("a shorter log on the same array was served the longer log's index")
	}
}
