package usermodel

import (
	"context"
	"math"
	"slices"
	"strings"
	"testing"
)

// reformCase is one hand-worked reformulation.
type reformCase struct {
	name        string
	cfg         ReformConfig
	q           Vector
	judged      []Judged
	profile     Vector
	wantTerms   []TermWeight // in order, heaviest first
	wantAdded   []string
	wantDropped []string
}

func (tc reformCase) check(t *testing.T) {
	t.Helper()
	r, err := Reformulate(context.Background(), nil, tc.cfg, tc.q, tc.judged, tc.profile)
	if err != nil {
		t.Fatalf("Reformulate: %v", err)
	}
	if len(r.Terms) != len(tc.wantTerms) {
		t.Fatalf("terms %v, want %v", r.Terms, tc.wantTerms)
	}
	for i, w := range tc.wantTerms {
		if r.Terms[i].Term != w.Term || math.Abs(r.Terms[i].Weight-w.Weight) > 1e-12 {
			t.Fatalf("term %d = %v, want %v (all %v)", i, r.Terms[i], w, r.Terms)
		}
		if r.Terms[i].Weight <= 0 {
			t.Fatalf("term %v has weight <= 0", r.Terms[i])
		}
	}
	if !slices.Equal(r.Added, tc.wantAdded) {
		t.Errorf("added %v, want %v", r.Added, tc.wantAdded)
	}
	if !slices.Equal(r.Dropped, tc.wantDropped) {
		t.Errorf("dropped %v, want %v", r.Dropped, tc.wantDropped)
	}
}

var sqrtHalf = math.Sqrt(0.5)

// TestRocchioReformulationArithmetic checks
// q' = α·q̂ + β·mean(interested) − γ·mean(not interested), the means
// weighted by Judged.Weight, against hand computation: only the
// ExpansionTerms heaviest new terms are added, original terms stay unless
// pushed to zero or below (then they are listed in Dropped).
func TestRocchioReformulationArithmetic(t *testing.T) {
	cases := []reformCase{
		{
			// q̂ = {a .6, b .8}; fb = 2·{a .5, c .3, d .4} − 1·{b 1, e .5}.
			// a = .6+1, b = .8−1 < 0: dropped; new terms d .8 > c .6, one kept.
			name: "means, expansion cut, original term pushed below zero",
			cfg:  ReformConfig{Method: MethodRocchio, Alpha: 1, Beta: 2, Gamma: 1, ExpansionTerms: 1},
			q:    Vector{"a": 3, "b": 4},
			judged: []Judged{
				{Doc: Vector{"a": 1}, Interested: true, Weight: 1},
				{Doc: Vector{"c": 0.6, "d": 0.8}, Interested: true, Weight: 1},
				{Doc: Vector{"b": 1, "e": 0.5}, Interested: false, Weight: 1},
			},
			wantTerms:   []TermWeight{{"a", 1.6}, {"d", 0.8}},
			wantAdded:   []string{"d"},
			wantDropped: []string{"b"},
		},
		{
			// mean(rel) = (1·{x 1} + 3·{y 1})/4; mean(nonrel) = {z 1, y .2}.
			// x = .5·1 + .25; y = .75 − .5·.2; z < 0 never added.
			name: "weighted means and alpha",
			cfg:  ReformConfig{Method: MethodRocchio, Alpha: 0.5, Beta: 1, Gamma: 0.5, ExpansionTerms: 10},
			q:    Vector{"x": 1},
			judged: []Judged{
				{Doc: Vector{"x": 1}, Interested: true, Weight: 1},
				{Doc: Vector{"y": 1}, Interested: true, Weight: 3},
				{Doc: Vector{"z": 1, "y": 0.2}, Interested: false, Weight: 2},
			},
			wantTerms: []TermWeight{{"x", 0.75}, {"y", 0.65}},
			wantAdded: []string{"y"},
		},
		{
			name: "only rejections lower a query term but add nothing",
			cfg:  ReformConfig{Method: MethodRocchio, Alpha: 1, Beta: 4, Gamma: 0.15, ExpansionTerms: 40},
			q:    Vector{"a": 1, "b": 1},
			judged: []Judged{
				{Doc: Vector{"a": 1, "spam": 1}, Interested: false, Weight: 1},
			},
			wantTerms: []TermWeight{{"b", sqrtHalf}, {"a", sqrtHalf - 0.15}},
		},
		{
			name: "zero expansion terms add nothing but still reweight",
			cfg:  ReformConfig{Method: MethodRocchio, Alpha: 1, Beta: 1, ExpansionTerms: 0},
			q:    Vector{"a": 1},
			judged: []Judged{
				{Doc: Vector{"a": 0.6, "new": 0.8}, Interested: true, Weight: 1},
			},
			wantTerms: []TermWeight{{"a", 1.6}},
		},
		{
			name: "empty method means rocchio",
			cfg:  ReformConfig{Alpha: 1, Beta: 1, ExpansionTerms: 5},
			q:    Vector{"a": 1},
			judged: []Judged{
				{Doc: Vector{"b": 1}, Interested: true, Weight: 0.5},
			},
			wantTerms: []TermWeight{{"a", 1}, {"b", 1}}, // weighted mean of one doc is the doc
			wantAdded: []string{"b"},
		},
		{
			name: "ties among new terms broken by term",
			cfg:  ReformConfig{Method: MethodRocchio, Alpha: 1, Beta: 1, ExpansionTerms: 2},
			q:    Vector{"q": 1},
			judged: []Judged{
				{Doc: Vector{"zz": 0.5, "mm": 0.5, "aa": 0.5, "bb": 0.5}, Interested: true, Weight: 1},
			},
			wantTerms: []TermWeight{{"q", 1}, {"aa", 0.5}, {"bb", 0.5}},
			wantAdded: []string{"aa", "bb"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.check)
	}
}

// TestIdeDecHiSubtractsOnlyTheHighestRankedRejection: Ide's dec-hi adds
// every interested document (a sum, not a mean; α is 1 whatever the
// config) and subtracts the single rejected document ranked highest, a
// known rank beating an unknown one.
func TestIdeDecHiSubtractsOnlyTheHighestRankedRejection(t *testing.T) {
	tc := reformCase{
		name: "ide",
		cfg:  ReformConfig{Method: MethodIde, Alpha: 5, Beta: 9, Gamma: 9, ExpansionTerms: 10},
		q:    Vector{"a": 1},
		judged: []Judged{
			{Doc: Vector{"c": 5}, Interested: false, Weight: 1, Rank: 0},   // rank unknown: not the highest
			{Doc: Vector{"b": 1}, Interested: true, Weight: 1, Rank: 3},    // + b 1
			{Doc: Vector{"a": 0.5}, Interested: false, Weight: 1, Rank: 5}, // ranked lower: ignored
			{Doc: Vector{"b": 0.5, "c": 1}, Interested: true, Weight: 2, Rank: 4},
			{Doc: Vector{"b": 0.3, "d": 1}, Interested: false, Weight: 1, Rank: 2}, // highest: subtracted
		},
		// a = 1 (q̂, untouched: the rank-5 rejection is not subtracted);
		// b = 1 + 2·0.5 − 0.3; c = 2·1; d = −1, not added.
		wantTerms: []TermWeight{{"c", 2}, {"b", 1.7}, {"a", 1}},
		wantAdded: []string{"c", "b"},
	}
	tc.check(t)
}

// TestRM3InterpolatesQueryAndRelevanceModel: RM3 mixes two L1
// distributions, λ·P(w|q) + (1−λ)·P(w|R), with P(w|R) = Σ_d P(w|d)·P(d)
// over the interested documents (P(d) their normalised weights) cut to
// the expansion terms and the query terms, then renormalised.
func TestRM3InterpolatesQueryAndRelevanceModel(t *testing.T) {
	judged := []Judged{
		{Doc: Vector{"a": 0.6, "c": 0.8}, Interested: true, Weight: 1},
		{Doc: Vector{"c": 1}, Interested: true, Weight: 3},
		{Doc: Vector{"a": 1, "z": 1}, Interested: false, Weight: 5}, // RM3 ignores these
	}
	// P(w|R): a = (.6/1.4)·¼, c = (.8/1.4)·¼ + 1·¾; sums to 1.
	ra := 0.6 / 1.4 / 4
	rc := 0.8/1.4/4 + 0.75
	cases := []reformCase{
		{
			name: "lambda 0.5", cfg: ReformConfig{Method: MethodRM3, RM3Lambda: 0.5, ExpansionTerms: 10},
			q: Vector{"a": 1, "b": 1}, judged: judged,
			wantTerms: []TermWeight{{"c", 0.5 * rc}, {"a", 0.5*0.5 + 0.5*ra}, {"b", 0.5 * 0.5}},
			wantAdded: []string{"c"},
		},
		{
			name: "lambda 0.8", cfg: ReformConfig{Method: MethodRM3, RM3Lambda: 0.8, ExpansionTerms: 10},
			q: Vector{"a": 1, "b": 1}, judged: judged,
			wantTerms: []TermWeight{{"a", 0.8*0.5 + 0.2*ra}, {"b", 0.8 * 0.5}, {"c", 0.2 * rc}},
			wantAdded: []string{"c"},
		},
		{
			name: "lambda 1 is the query alone", cfg: ReformConfig{Method: MethodRM3, RM3Lambda: 1, ExpansionTerms: 10},
			q: Vector{"a": 1, "b": 1}, judged: judged,
			wantTerms: []TermWeight{{"a", 0.5}, {"b", 0.5}},
		},
		{
			name: "lambda 0 is the relevance model alone", cfg: ReformConfig{Method: MethodRM3, RM3Lambda: 0, ExpansionTerms: 10},
			q: Vector{"a": 1, "b": 1}, judged: judged,
			wantTerms:   []TermWeight{{"c", rc}, {"a", ra}},
			wantAdded:   []string{"c"},
			wantDropped: []string{"b"},
		},
		{
			// P(w|R) = {a .2, c .5, d .3}; one expansion term (c) is kept
			// with the query term a, renormalised over {a, c}.
			name: "expansion cut renormalises the kept terms", cfg: ReformConfig{Method: MethodRM3, RM3Lambda: 0.5, ExpansionTerms: 1},
			q:         Vector{"a": 4},
			judged:    []Judged{{Doc: Vector{"a": 0.2, "c": 0.5, "d": 0.3}, Interested: true, Weight: 0.7}},
			wantTerms: []TermWeight{{"a", 0.5 + 0.5*0.2/0.7}, {"c", 0.5 * 0.5 / 0.7}},
			wantAdded: []string{"c"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t)
			r, _ := Reformulate(context.Background(), nil, tc.cfg, tc.q, tc.judged, nil)
			sum := 0.0
			for _, tw := range r.Terms {
				sum += tw.Weight
			}
			if math.Abs(sum-1) > 1e-12 {
				t.Errorf("RM3 weights sum to %v, want a distribution (1)", sum)
			}
		})
	}
}

// TestReformulateRefusesBadInput: an unknown method, a feedback weight
// that is NaN, infinite or negative, or a vector with NaN or an empty term
// is an error, not a query.
func TestReformulateRefusesBadInput(t *testing.T) {
	good := Vector{"a": 1}
	cases := []struct {
		name    string
		cfg     ReformConfig
		q       Vector
		judged  []Judged
		errText string
	}{
		{"unknown method", ReformConfig{Method: "bm25-prf"}, good, nil, `"bm25-prf"`},
		{"NaN feedback weight", DefaultReformConfig(), good, []Judged{{Doc: good, Interested: true, Weight: math.NaN()}}, "weight"},
		{"infinite feedback weight", DefaultReformConfig(), good, []Judged{{Doc: good, Interested: true, Weight: math.Inf(1)}}, "weight"},
		{"negative feedback weight", DefaultReformConfig(), good, []Judged{{Doc: good, Interested: false, Weight: -0.5}}, "weight"},
		{"NaN in a document", DefaultReformConfig(), good, []Judged{{Doc: Vector{"a": math.NaN()}, Interested: true, Weight: 1}}, "NaN"},
		{"NaN in the query", DefaultReformConfig(), Vector{"a": math.NaN()}, nil, "NaN"},
		{"empty term in the query", DefaultReformConfig(), Vector{"": 1}, nil, "empty term"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Reformulate(context.Background(), nil, tc.cfg, tc.q, tc.judged, nil)
			if err == nil {
				t.Fatalf("accepted: %+v", r)
			}
			if !strings.Contains(err.Error(), tc.errText) {
				t.Errorf("error %q does not mention %q", err, tc.errText)
			}
			if len(r.Terms) != 0 {
				t.Errorf("an error came with terms %v", r.Terms)
			}
		})
	}
}

// TestReformulateWithoutFeedbackOrProfileKeepsTheQuery: with nothing to
// learn from, every method returns the query's own terms with weights
// proportional to the query's, so BM25 ranks exactly as before.
func TestReformulateWithoutFeedbackOrProfileKeepsTheQuery(t *testing.T) {
	q := Vector{"a": 2, "b": 1, "c": 0.5}
	for _, method := range []string{MethodRocchio, MethodIde, MethodRM3, ""} {
		for _, judged := range [][]Judged{nil, {}, {{Doc: Vector{"x": 1}, Interested: true, Weight: 0}}} {
			cfg := DefaultReformConfig()
			cfg.Method = method
			r, err := Reformulate(context.Background(), nil, cfg, q, judged, nil)
			if err != nil {
				t.Fatalf("%q: %v", method, err)
			}
			if len(r.Added) != 0 || len(r.Dropped) != 0 {
				t.Errorf("%q: added %v dropped %v, want none", method, r.Added, r.Dropped)
			}
			if len(r.Terms) != len(q) {
				t.Fatalf("%q: terms %v, want the query's %v", method, r.Terms, q)
			}
			ratio := r.Terms[0].Weight / q[r.Terms[0].Term]
			for i, tw := range r.Terms {
				if want := []string{"a", "b", "c"}[i]; tw.Term != want {
					t.Fatalf("%q: term %d is %q, want %q", method, i, tw.Term, want)
				}
				if math.Abs(tw.Weight/q[tw.Term]-ratio) > 1e-12 {
					t.Errorf("%q: %s weight %v not proportional to the query's %v", method, tw.Term, tw.Weight, q[tw.Term])
				}
			}
		}
	}
}

// TestProfileReweightsQueryTermsButNeverAddsAny: the profile's positive
// terms strengthen terms already in the new query; its negative terms
// lower query terms (and can drop one); a profile term the query and
// feedback do not have is never added.
func TestProfileReweightsQueryTermsButNeverAddsAny(t *testing.T) {
	rocchio := func(pw float64) ReformConfig {
		return ReformConfig{Method: MethodRocchio, Alpha: 1, Beta: 1, ExpansionTerms: 10, ProfileWeight: pw}
	}
	cases := []reformCase{
		{
			name: "positive profile term in the query", cfg: rocchio(0.2),
			q: Vector{"a": 1}, profile: Vector{"a": 1, "z": 1},
			wantTerms: []TermWeight{{"a", 1 + 0.2*sqrtHalf}},
		},
		{
			name: "positive profile term among the expansion terms", cfg: rocchio(0.2),
			q: Vector{"a": 1}, judged: []Judged{{Doc: Vector{"c": 1}, Interested: true, Weight: 1}},
			profile:   Vector{"c": 3},
			wantTerms: []TermWeight{{"c", 1.2}, {"a", 1}},
			wantAdded: []string{"c"},
		},
		{
			name: "negative profile term lowers a query term", cfg: rocchio(0.2),
			q: Vector{"a": 1, "b": 1}, profile: Vector{"a": -5},
			wantTerms: []TermWeight{{"b", sqrtHalf}, {"a", sqrtHalf - 0.2}},
		},
		{
			name: "strong negative profile term drops a query term", cfg: rocchio(1),
			q: Vector{"a": 1, "b": 1}, profile: Vector{"a": -5},
			wantTerms:   []TermWeight{{"b", sqrtHalf}},
			wantDropped: []string{"a"},
		},
		{
			name: "negative profile term outside the query does nothing", cfg: rocchio(1),
			q: Vector{"a": 1}, profile: Vector{"z": -1},
			wantTerms: []TermWeight{{"a", 1}},
		},
		{
			name: "profile weight 0 ignores the profile", cfg: rocchio(0),
			q: Vector{"a": 1, "b": 1}, profile: Vector{"a": -5, "b": 5},
			wantTerms: []TermWeight{{"a", sqrtHalf}, {"b", sqrtHalf}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.check)
	}
}
