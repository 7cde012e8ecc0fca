package usermodel

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// tableCorpus is a Corpus held in memory: its analyser lower-cases and
// splits on anything but letters and digits (no stop words, no stemming),
// and its statistics are a fixed table, so every idf can be worked out by
// hand.
type tableCorpus struct {
	df       map[string]uint64
	n        uint64
	dfErr    error
	countErr error
	dfCalls  int
	asked    []string
}

func (c *tableCorpus) Analyze(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

func (c *tableCorpus) DocFreq(_ context.Context, terms ...string) (map[string]uint64, error) {
	c.dfCalls++
	c.asked = append(c.asked, terms...)
	if c.dfErr != nil {
		return nil, c.dfErr
	}
	out := make(map[string]uint64, len(terms))
	for _, t := range terms {
		out[t] = c.df[t]
	}
	return out, nil
}

func (c *tableCorpus) Count() (uint64, error) {
	if c.countErr != nil {
		return 0, c.countErr
	}
	return c.n, nil
}

// newTableCorpus is a 100-document collection.
func newTableCorpus() *tableCorpus {
	return &tableCorpus{n: 100, df: map[string]uint64{
		"jaguar": 4, "cat": 20, "the": 100, "rainforest": 1, "bogus": 150,
	}}
}

// idf is ln((N+1)/(df+0.5)), the smoothed idf TFIDF documents.
func idf(n, df float64) float64 { return math.Log((n + 1) / (df + 0.5)) }

// TestTextVectorIsTFIDFUnderTheCorpusAnalyserAndStatistics: the vector of
// a text is (1 + ln tf)·ln((N+1)/(df+0.5)) per term, terms as the corpus
// analyses them, scaled to unit length.
func TestTextVectorIsTFIDFUnderTheCorpusAnalyserAndStatistics(t *testing.T) {
	cases := []struct {
		name string
		text string
		raw  map[string]float64 // before normalisation
	}{
		{
			name: "repeats, case and punctuation",
			text: "Jaguar, the CAT; the jaguar? JAGUAR!",
			raw: map[string]float64{
				"jaguar": (1 + math.Log(3)) * idf(100, 4),
				"cat":    1 * idf(100, 20),
				"the":    (1 + math.Log(2)) * idf(100, 100), // in every document, still > 0
			},
		},
		{
			name: "a term the collection has never seen is the most specific (df 0)",
			text: "ocelot cat",
			raw: map[string]float64{
				"ocelot": idf(100, 0),
				"cat":    idf(100, 20),
			},
		},
		{
			name: "a df above N (stale statistics) gives idf <= 0: term left out",
			text: "bogus rainforest",
			raw: map[string]float64{
				"rainforest": idf(100, 1),
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := TextVector(context.Background(), newTableCorpus(), tc.text)
			if err != nil {
				t.Fatal(err)
			}
			norm := 0.0
			for _, w := range tc.raw {
				norm += w * w
			}
			norm = math.Sqrt(norm)
			if len(v) != len(tc.raw) {
				t.Fatalf("vector %v, want terms of %v", v, tc.raw)
			}
			for term, w := range tc.raw {
				if got, want := v[term], w/norm; math.Abs(got-want) > 1e-12 {
					t.Errorf("%s = %v, want %v", term, got, want)
				}
			}
			if math.Abs(v.Norm()-1) > 1e-12 {
				t.Errorf("length %v, want 1", v.Norm())
			}
		})
	}
}

// TestTFVectorAsksTheStatisticsOnceForEveryTerm: one DocFreq lookup
// serves all terms, and a text without terms needs none.
func TestTFVectorAsksTheStatisticsOnceForEveryTerm(t *testing.T) {
	c := newTableCorpus()
	v, err := TFVector(context.Background(), c, map[string]int{"jaguar": 2, "cat": 1, "zero": 0})
	if err != nil {
		t.Fatal(err)
	}
	if c.dfCalls != 1 || !slices.Contains(c.asked, "jaguar") || !slices.Contains(c.asked, "cat") {
		t.Errorf("DocFreq called %d times for %v, want once for jaguar and cat", c.dfCalls, c.asked)
	}
	wj, wc := (1+math.Log(2))*idf(100, 4), idf(100, 20)
	n := math.Hypot(wj, wc)
	if len(v) != 2 || math.Abs(v["jaguar"]-wj/n) > 1e-12 || math.Abs(v["cat"]-wc/n) > 1e-12 {
		t.Errorf("TFVector = %v, want jaguar %v cat %v (tf 0 left out)", v, wj/n, wc/n)
	}

	for _, text := range []string{"", "  ", ",;!?"} {
		c := newTableCorpus()
		v, err := TextVector(context.Background(), c, text)
		if err != nil || v == nil || len(v) != 0 {
			t.Errorf("TextVector(%q) = %v, %v; want an empty vector", text, v, err)
		}
		if c.dfCalls != 0 {
			t.Errorf("TextVector(%q) asked for statistics of nothing", text)
		}
	}
}

// TestTextVectorWrapsStatisticsErrors: a failing index is reported with
// its cause, never turned into a vector.
func TestTextVectorWrapsStatisticsErrors(t *testing.T) {
	cause := errors.New("index closed")
	cases := []struct {
		name string
		c    *tableCorpus
	}{
		{"doc freq fails", &tableCorpus{n: 10, dfErr: cause}},
		{"count fails", &tableCorpus{df: map[string]uint64{}, countErr: cause}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := TextVector(context.Background(), tc.c, "some words")
			if !errors.Is(err, cause) {
				t.Fatalf("err = %v, want one wrapping %v", err, cause)
			}
			if !strings.Contains(err.Error(), "idf") {
				t.Errorf("error %q does not say what failed", err)
			}
			if v != nil {
				t.Errorf("vector %v returned with an error", v)
			}
		})
	}
}
