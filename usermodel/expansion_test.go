package usermodel

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
)

// desktopDoc is a marked desktop document's vector as the issue saw it:
// numbers, file names, paths and one-letter tokens among the words, most
// of them weighing more than the words (rare terms have high idf).
var desktopDoc = Vector{
	"9466": 0.9, "10668": 0.85, "w": 0.8, "drd_pthread_intercepts.c": 0.75,
	"omp_matinv.c": 0.7, "/usr/lib/valgrind": 0.65, "x86_64-linux:gnu": 0.6,
	"someone@example": 0.58, "ab": 0.55, "3.14": 0.5,
	"valgrindrc": 0.45, // a word, in this one document only
	"thread":     0.4, "mutex": 0.35, "race": 0.3, "pthread_mutex_lock": 0.25, "matrix": 0.2,
}

// desktopStats is the collection the document is in: every term of it
// occurs in at least two documents but valgrindrc.
func desktopStats() *tableCorpus {
	df := map[string]uint64{"valgrindrc": 1}
	for t := range desktopDoc {
		if _, ok := df[t]; !ok {
			df[t] = 7
		}
	}
	df["data"] = 30
	return &tableCorpus{n: 100, df: df}
}

// TestExpansionAddsOnlyWordsFoundInSeveralDocuments checks the filters on
// expansion terms with the default configuration: feedback from a
// desktop document never adds bare numbers, file names, paths, addresses,
// one- or two-character tokens, or terms of a single document; the
// places they would have taken go to the next heaviest words.
func TestExpansionAddsOnlyWordsFoundInSeveralDocuments(t *testing.T) {
	cfg := DefaultReformConfig()
	cases := []struct {
		name      string
		expansion int
		stats     DocFreqs
		wantAdded []string
	}{
		{
			name:      "all places, statistics known",
			expansion: 40, stats: desktopStats(),
			wantAdded: []string{"thread", "mutex", "race", "pthread_mutex_lock", "matrix"},
		},
		{
			name:      "two places go to the two heaviest words",
			expansion: 2, stats: desktopStats(),
			wantAdded: []string{"thread", "mutex"},
		},
		{
			name:      "one place: the single-document word gives it up",
			expansion: 1, stats: desktopStats(),
			wantAdded: []string{"thread"},
		},
		{
			name:      "no statistics: no document-frequency floor",
			expansion: 2, stats: nil,
			wantAdded: []string{"valgrindrc", "thread"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := cfg
			c.ExpansionTerms = tc.expansion
			q := Vector{"data": 1}
			judged := []Judged{{Doc: desktopDoc, Interested: true, Weight: 1}}
			r, err := Reformulate(context.Background(), tc.stats, c, q, judged, nil)
			if err != nil {
				t.Fatal(err)
			}
			added := slices.Clone(r.Added)
			slices.Sort(added)
			want := slices.Clone(tc.wantAdded)
			slices.Sort(want)
			if !slices.Equal(added, want) {
				t.Fatalf("added %v, want %v", r.Added, tc.wantAdded)
			}
			for _, tw := range r.Terms {
				if _, ok := q[tw.Term]; !ok && !slices.Contains(r.Added, tw.Term) {
					t.Fatalf("term %q in the query but neither typed nor added", tw.Term)
				}
			}
		})
	}
}

// TestExpansionWordRule checks the rule term by term, each filter on and
// off.
func TestExpansionWordRule(t *testing.T) {
	on := DefaultReformConfig()
	off := on
	off.WordsOnly, off.MinTermRunes = false, 0
	cases := []struct {
		term     string
		wantOn   bool
		wantOff  bool
		describe string
	}{
		{"thread", true, true, "a word"},
		{"pthread_mutex_lock", true, true, "an identifier is a word"},
		{"x86", true, true, "letters and digits"},
		{"élan", true, true, "letters beyond ASCII"},
		{"9466", false, true, "a bare number"},
		{"3.14", false, true, "a decimal"},
		{"omp_matinv.c", false, true, "a file name"},
		{"/usr/lib", false, true, "a path"},
		{`c:\temp`, false, true, "a Windows path"},
		{"someone@example", false, true, "an address"},
		{"w", false, true, "one letter"},
		{"ab", false, true, "two letters"},
		{"日本", false, true, "two characters, whatever their bytes"},
		{"日本語", true, true, "three characters"},
	}
	for _, tc := range cases {
		t.Run(tc.describe, func(t *testing.T) {
			if got := expansionWord(on, tc.term); got != tc.wantOn {
				t.Errorf("default rule on %q = %v, want %v", tc.term, got, tc.wantOn)
			}
			if got := expansionWord(off, tc.term); got != tc.wantOff {
				t.Errorf("rule turned off on %q = %v, want %v", tc.term, got, tc.wantOff)
			}
		})
	}
}

// TestExpansionShrinksAsTheQueryGetsSpecific checks the documented rule:
// up to SpecificQuery query terms, ExpansionTerms are added; beyond,
// ExpansionTerms·SpecificQuery/terms, at least one.
func TestExpansionShrinksAsTheQueryGetsSpecific(t *testing.T) {
	cfg := DefaultReformConfig()
	cfg.ExpansionTerms, cfg.SpecificQuery = 40, 12
	doc := Vector{}
	for i := range 100 {
		doc[fmt.Sprintf("word%03d", i)] = float64(200 - i)
	}
	cases := []struct {
		queryTerms int
		wantAdded  int
	}{
		{1, 40}, {12, 40}, {13, 36}, {24, 20}, {48, 10}, {480, 1}, {1000, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d query terms", tc.queryTerms), func(t *testing.T) {
			q := Vector{}
			for i := range tc.queryTerms {
				q[fmt.Sprintf("typed%04d", i)] = 1
			}
			r, err := Reformulate(context.Background(), nil, cfg, q, []Judged{{Doc: doc, Interested: true, Weight: 1}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Added) != tc.wantAdded {
				t.Fatalf("%d terms added, want %d", len(r.Added), tc.wantAdded)
			}
			for i, term := range r.Added { // the heaviest ones
				if want := fmt.Sprintf("word%03d", i); term != want {
					t.Fatalf("added %v: term %d is %q, want %q", r.Added, i, term, want)
				}
			}
		})
	}
}

// TestExpansionStatisticsFailureIsReported checks that a failing
// document-frequency lookup fails the reformulation, with the cause kept.
func TestExpansionStatisticsFailureIsReported(t *testing.T) {
	boom := errors.New("index closed")
	st := desktopStats()
	st.dfErr = boom
	_, err := Reformulate(context.Background(), st, DefaultReformConfig(), Vector{"data": 1},
		[]Judged{{Doc: desktopDoc, Interested: true, Weight: 1}}, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v, want one wrapping %v", err, boom)
	}
}
