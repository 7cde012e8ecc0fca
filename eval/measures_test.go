package eval

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
)

// l2 is log2, for writing the hand-computed nDCG discounts below.
func l2(x float64) float64 { return math.Log2(x) }

// results builds a result list from alternating docno, score pairs.
func results(pairs ...any) []Result {
	var rs []Result
	for i := 0; i < len(pairs); i += 2 {
		rs = append(rs, Result{DocNo: pairs[i].(string), Score: pairs[i+1].(float64)})
	}
	return rs
}

// numbered returns n results "p1".."pn" with decreasing scores, so that
// their ranks are 1..n in that order.
func numbered(prefix string, n int, from float64) []Result {
	rs := make([]Result, n)
	for i := range rs {
		rs[i] = Result{DocNo: fmt.Sprintf("%s%03d", prefix, i+1), Score: from - float64(i)}
	}
	return rs
}

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func sameMeasures(got, want Measures) bool {
	return approx(got.MAP, want.MAP) && approx(got.P10, want.P10) && approx(got.NDCG10, want.NDCG10) &&
		approx(got.RPrec, want.RPrec) && approx(got.Recall100, want.Recall100) &&
		got.NumRet == want.NumRet && got.NumRel == want.NumRel && got.NumRelRet == want.NumRelRet
}

// TestMeasuresPerQuery checks each trec_eval measure on tiny hand-worked
// queries. Ranks are 1-based; R is the number of relevant documents.
func TestMeasuresPerQuery(t *testing.T) {
	// 12 relevant documents r001..r012 and a run that puts two
	// non-relevant documents first, then all twelve.
	twelve := map[string]int{}
	for i := 1; i <= 12; i++ {
		twelve[fmt.Sprintf("r%03d", i)] = 1
	}
	var dcgRanks3to10, idealRanks1to10 float64 // gains of 1 over log2(r+1)
	for r := 3; r <= 10; r++ {
		dcgRanks3to10 += 1 / l2(float64(r+1))
	}
	for r := 1; r <= 10; r++ {
		idealRanks1to10 += 1 / l2(float64(r+1))
	}
	// 150 results, relevant ones at ranks 50 and 120 (R = 2).
	long := numbered("d", 150, 1000)

	tests := []struct {
		claim  string
		ranked []Result
		judged map[string]int
		want   Measures
	}{
		{
			claim: "AP sums precision at each relevant retrieved doc over R; unjudged and judged-0 docs are non-relevant; P@10 divides by 10 with 4 retrieved",
			// ranks: d1 rel, d5 unjudged, d2 rel, d4 judged 0; d3 relevant, not retrieved.
			ranked: results("d1", 0.9, "d5", 0.8, "d2", 0.7, "d4", 0.6),
			judged: map[string]int{"d1": 1, "d2": 1, "d3": 1, "d4": 0},
			want: Measures{
				MAP:       (1.0/1 + 2.0/3) / 3,
				P10:       2.0 / 10,
				RPrec:     2.0 / 3, // top 3 = d1, d5, d2
				Recall100: 2.0 / 3,
				// DCG: 1/log2(2) at rank 1, 1/log2(4) at rank 3; ideal: ranks 1, 2, 3.
				NDCG10: (1/l2(2) + 1/l2(4)) / (1/l2(2) + 1/l2(3) + 1/l2(4)),
				NumRet: 4, NumRel: 3, NumRelRet: 2,
			},
		},
		{
			claim:  "the gain at rank r is divided by log2(r+1): rank 2 by log2(3)",
			ranked: results("n", 2.0, "a", 1.0),
			judged: map[string]int{"a": 1},
			want: Measures{
				MAP: 1.0 / 2, P10: 1.0 / 10, RPrec: 0, Recall100: 1,
				NDCG10: (1 / l2(3)) / (1 / l2(2)),
				NumRet: 2, NumRel: 1, NumRelRet: 1,
			},
		},
		{
			claim: "graded nDCG: grade is the gain, ideal orders all positive grades (3, 2, 1); fewer than 10 retrieved",
			// ranks: y(2), x(3), w(0); z(1) not retrieved.
			ranked: results("y", 3.0, "x", 2.0, "w", 1.0),
			judged: map[string]int{"x": 3, "y": 2, "z": 1, "w": 0},
			want: Measures{
				MAP:       (1.0/1 + 2.0/2) / 3,
				P10:       2.0 / 10,
				RPrec:     2.0 / 3,
				Recall100: 2.0 / 3,
				NDCG10:    (2/l2(2) + 3/l2(3)) / (3/l2(2) + 2/l2(3) + 1/l2(4)),
				NumRet:    3, NumRel: 3, NumRelRet: 2,
			},
		},
		{
			claim:  "duplicate grades: twelve grade-1 docs, ideal DCG cut at 10; P@10, Rprec and recall over a longer list",
			ranked: append(results("n1", 100.0, "n2", 99.0), numbered("r", 12, 98)...),
			judged: twelve,
			want: Measures{
				// relevant at ranks 3..14: precision k/(k+2) for the k-th.
				MAP: func() float64 {
					s := 0.0
					for k := 1; k <= 12; k++ {
						s += float64(k) / float64(k+2)
					}
					return s / 12
				}(),
				P10:       8.0 / 10,
				RPrec:     10.0 / 12, // top 12 holds r001..r010
				Recall100: 12.0 / 12,
				NDCG10:    dcgRanks3to10 / idealRanks1to10,
				NumRet:    14, NumRel: 12, NumRelRet: 12,
			},
		},
		{
			claim:  "Rprec with fewer retrieved than R counts the missing ranks as non-relevant",
			ranked: results("a", 1.0),
			judged: map[string]int{"a": 1, "b": 1, "c": 1},
			want: Measures{
				MAP: 1.0 / 3, P10: 1.0 / 10, RPrec: 1.0 / 3, Recall100: 1.0 / 3,
				NDCG10: (1 / l2(2)) / (1/l2(2) + 1/l2(3) + 1/l2(4)),
				NumRet: 1, NumRel: 3, NumRelRet: 1,
			},
		},
		{
			claim:  "recall_100 ignores relevant docs past rank 100, AP does not",
			ranked: long,
			judged: map[string]int{"d050": 1, "d120": 1},
			want: Measures{
				MAP: (1.0/50 + 2.0/120) / 2, P10: 0, RPrec: 0, Recall100: 1.0 / 2, NDCG10: 0,
				NumRet: 150, NumRel: 2, NumRelRet: 2,
			},
		},
		{
			claim:  "a query judged but without relevant docs scores 0 everywhere",
			ranked: results("a", 1.0, "b", 0.5),
			judged: map[string]int{"a": 0},
			want:   Measures{NumRet: 2},
		},
		{
			claim:  "a negative grade is non-relevant and gives no gain",
			ranked: results("neg", 2.0, "b", 1.0),
			judged: map[string]int{"neg": -1, "b": 2},
			want: Measures{
				MAP: 1.0 / 2, P10: 1.0 / 10, RPrec: 0, Recall100: 1,
				NDCG10: (2 / l2(3)) / (2 / l2(2)),
				NumRet: 2, NumRel: 1, NumRelRet: 1,
			},
		},
	}
	for _, tt := range tests {
		got := scoreQuery(Ranked(tt.ranked), tt.judged, 1)
		if !sameMeasures(got, tt.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.claim, got, tt.want)
		}
	}
}

// TestRankedOrder checks trec_eval's ordering: score descending, ties by
// docno in decreasing byte order (so "9" before "10", "b" before "a").
func TestRankedOrder(t *testing.T) {
	tests := []struct {
		claim string
		in    []Result
		want  []string
	}{
		{"higher score first, whatever the input order", results("a", 1.0, "b", 3.0, "c", 2.0), []string{"b", "c", "a"}},
		{"ties by docno, decreasing", results("a", 1.0, "c", 1.0, "b", 1.0), []string{"c", "b", "a"}},
		{"tie-break compares bytes, not numbers", results("10", 1.0, "9", 1.0, "100", 1.0), []string{"9", "100", "10"}},
		{"scores one ulp apart are not ties", results("a", math.Nextafter(1, 2), "b", 1.0), []string{"a", "b"}},
		{"negative zero ties with zero", results("a", math.Copysign(0, -1), "b", 0.0), []string{"b", "a"}},
	}
	for _, tt := range tests {
		var got []string
		for _, r := range Ranked(tt.in) {
			got = append(got, r.DocNo)
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: got %v, want %v", tt.claim, got, tt.want)
		}
	}
}

// TestTiesAffectScores checks that the tie-break decides the measures: the
// relevant doc "a" tied with "b" and "c" is ranked third.
func TestTiesAffectScores(t *testing.T) {
	run := Run{"q": results("a", 1.0, "b", 1.0, "c", 1.0)}
	qrels := Qrels{"q": {"a": 1}}
	sum, _, err := Evaluate(run, qrels)
	if err != nil {
		t.Fatal(err)
	}
	if !approx(sum.MAP, 1.0/3) || !approx(sum.NDCG10, 1/l2(4)) || sum.RPrec != 0 {
		t.Errorf("tied relevant doc should rank 3rd: got MAP %v nDCG %v Rprec %v", sum.MAP, sum.NDCG10, sum.RPrec)
	}
}

// TestEvaluateQuerySelection checks which queries trec_eval averages over.
func TestEvaluateQuerySelection(t *testing.T) {
	qrels := Qrels{
		"1":  {"a": 1, "b": 1}, // in run: AP = (1/1)/2 = 0.5
		"2":  {"x": 0},         // in run, judged, no relevant doc: scores 0, still counted
		"3":  {"m": 1},         // not in run: left out (or 0 with Complete)
		"4":  {},               // no judgments at all: never evaluated
		"10": {"k": 1},         // in run: AP = 1
	}
	run := Run{
		"1":  results("a", 2.0, "z", 1.0),
		"2":  results("x", 1.0),
		"4":  results("q", 1.0),
		"10": results("k", 5.0),
		"99": results("a", 1.0), // not in qrels: ignored
		"5":  nil,               // no results: same as absent
	}
	tests := []struct {
		claim   string
		cfg     Config
		numQ    int
		mapMean float64
		qids    string
		numRel  int
		numRet  int
	}{
		{"default: mean over queries in both run and qrels, judged-but-nonrelevant included", DefaultConfig(),
			3, (0.5 + 0 + 1) / 3, "1 2 10", 3, 4},
		{"Complete (-c): every judged query, missing ones score 0 but count their relevant docs", Config{Complete: true},
			4, (0.5 + 0 + 0 + 1) / 4, "1 2 3 10", 4, 4},
	}
	for _, tt := range tests {
		sum, per, err := tt.cfg.Evaluate(run, qrels)
		if err != nil {
			t.Fatalf("%s: %v", tt.claim, err)
		}
		var qids []string
		for _, p := range per {
			qids = append(qids, p.QID)
		}
		if sum.NumQ != tt.numQ || !approx(sum.MAP, tt.mapMean) || strings.Join(qids, " ") != tt.qids ||
			sum.NumRel != tt.numRel || sum.NumRet != tt.numRet {
			t.Errorf("%s: got num_q %d map %v queries %v num_rel %d num_ret %d; want %d %v %v %d %d",
				tt.claim, sum.NumQ, sum.MAP, qids, sum.NumRel, sum.NumRet, tt.numQ, tt.mapMean, tt.qids, tt.numRel, tt.numRet)
		}
	}
}

// TestEvaluateSummary checks that the summary averages scores and sums
// counts over the evaluated queries.
func TestEvaluateSummary(t *testing.T) {
	run := Run{
		"1": results("a", 3.0, "n", 2.0, "b", 1.0), // AP (1 + 2/3)/2, P10 .2, Rprec .5, recall 1
		"2": results("n", 1.0),                     // AP 0, P10 0, Rprec 0, recall 0
	}
	qrels := Qrels{"1": {"a": 1, "b": 1}, "2": {"c": 1}}
	sum, per, err := Evaluate(run, qrels)
	if err != nil {
		t.Fatal(err)
	}
	ndcg1 := (1/l2(2) + 1/l2(4)) / (1/l2(2) + 1/l2(3))
	want := Summary{NumQ: 2, Measures: Measures{
		MAP: (1 + 2.0/3) / 2 / 2, P10: 0.2 / 2, RPrec: 0.5 / 2, Recall100: 1.0 / 2, NDCG10: ndcg1 / 2,
		NumRet: 4, NumRel: 3, NumRelRet: 2,
	}}
	if sum.NumQ != want.NumQ || !sameMeasures(sum.Measures, want.Measures) {
		t.Errorf("summary:\n got %+v\nwant %+v", sum, want)
	}
	if len(per) != 2 || per[0].QID != "1" || !approx(per[0].NDCG10, ndcg1) || per[1].MAP != 0 {
		t.Errorf("per-query: got %+v", per)
	}
}

// TestRelevanceLevel checks trec_eval -l: grades below the level are not
// relevant for MAP, P, Rprec and recall, while nDCG still uses all gains.
func TestRelevanceLevel(t *testing.T) {
	run := Run{"q": results("low", 2.0, "high", 1.0)}
	qrels := Qrels{"q": {"low": 1, "high": 2}}
	sum, _, err := Config{RelevanceLevel: 2}.Evaluate(run, qrels)
	if err != nil {
		t.Fatal(err)
	}
	wantNDCG := (1/l2(2) + 2/l2(3)) / (2/l2(2) + 1/l2(3))
	if !approx(sum.MAP, 0.5) || sum.NumRel != 1 || !approx(sum.NDCG10, wantNDCG) {
		t.Errorf("level 2: got MAP %v num_rel %d nDCG %v; want 0.5, 1, %v", sum.MAP, sum.NumRel, sum.NDCG10, wantNDCG)
	}
	zero, _, _ := Config{}.Evaluate(run, qrels)
	one, _, _ := DefaultConfig().Evaluate(run, qrels)
	if zero != one {
		t.Errorf("zero Config should equal DefaultConfig: %+v vs %+v", zero, one)
	}
}

// TestEvaluateErrors checks that bad input gives a clear error, not a panic
// or a silently wrong score.
func TestEvaluateErrors(t *testing.T) {
	good := Qrels{"1": {"a": 1}}
	tests := []struct {
		claim    string
		cfg      Config
		run      Run
		qrels    Qrels
		is       error
		contains string
	}{
		{"a docno retrieved twice is refused, as trec_eval does", DefaultConfig(),
			Run{"1": results("a", 1.0, "a", 0.5)}, good, nil, "retrieved twice"},
		{"a NaN score is refused", DefaultConfig(), Run{"1": results("a", math.NaN())}, good, nil, "not a finite number"},
		{"an infinite score is refused", DefaultConfig(), Run{"1": results("a", math.Inf(1))}, good, nil, "not a finite number"},
		{"a docno with a space is refused", DefaultConfig(), Run{"1": results("a b", 1.0)}, good, nil, "whitespace"},
		{"an empty query id in the qrels is refused", DefaultConfig(), Run{"1": results("a", 1.0)},
			Qrels{"": {"a": 1}}, nil, "empty query id"},
		{"no overlap between run and qrels", DefaultConfig(), Run{"2": results("a", 1.0)}, good, ErrNoQueries, "no queries"},
		{"empty run", DefaultConfig(), Run{}, good, ErrNoQueries, "no queries"},
		{"negative relevance level", Config{RelevanceLevel: -1}, Run{"1": results("a", 1.0)}, good, nil, "negative"},
	}
	for _, tt := range tests {
		_, _, err := tt.cfg.Evaluate(tt.run, tt.qrels)
		if err == nil {
			t.Errorf("%s: no error", tt.claim)
			continue
		}
		if tt.is != nil && !errors.Is(err, tt.is) {
			t.Errorf("%s: error %v is not %v", tt.claim, err, tt.is)
		}
		if !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("%s: error %q does not contain %q", tt.claim, err, tt.contains)
		}
	}
}

// TestFloat32Scores checks the trec_eval <= 9.0.7 mode: scores equal after
// rounding to float32 tie and the docno decides, while the default keeps
// the float64 order.
func TestFloat32Scores(t *testing.T) {
	run := Run{"q": results("b", 1+1e-9, "c", 1.0)} // same float32, different float64
	qrels := Qrels{"q": {"b": 1}}
	tests := []struct {
		claim string
		cfg   Config
		want  float64 // AP of b
	}{
		{"double scores (9.0.8+): b ranks first", DefaultConfig(), 1},
		{"float scores (<= 9.0.7): tie, c before b by docno", Config{Float32Scores: true}, 0.5},
	}
	for _, tt := range tests {
		sum, _, err := tt.cfg.Evaluate(run, qrels)
		if err != nil {
			t.Fatal(err)
		}
		if !approx(sum.MAP, tt.want) {
			t.Errorf("%s: MAP %v, want %v", tt.claim, sum.MAP, tt.want)
		}
	}
}
