package crawler

import (
	"math"
	"net/url"
	"strings"
	"testing"
)

// lowerFields is a plain analyser for exact expected values: lower-case
// words split at spaces.
func lowerFields(s string) []string { return strings.Fields(strings.ToLower(s)) }

// mustScorer returns a scorer for terms with the default weights.
func mustScorer(t *testing.T, terms map[string]float64) *focusScorer {
	t.Helper()
	s, err := newFocusScorer(FocusQuery{Terms: terms, Analyze: lowerFields}, DefaultFocusScoring())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestFocusSimilarityIsCosineOfSublinearTF checks sim(text, Q) as
// FocusQuery documents it: the cosine of the query weights and 1 + ln(tf)
// of the text's terms, negative values counting as 0.
func TestFocusSimilarityIsCosineOfSublinearTF(t *testing.T) {
	tests := []struct {
		name  string
		terms map[string]float64
		text  string
		want  float64
	}{
		{"same single term", map[string]float64{"a": 1}, "A", 1},
		{"no common term", map[string]float64{"a": 1}, "b c", 0},
		{"empty text", map[string]float64{"a": 1}, "  ", 0},
		{"one of two terms", map[string]float64{"a": 1}, "a b", 1 / math.Sqrt2},
		{"repeats count 1 + ln(tf)", map[string]float64{"a": 1}, "a a a b", (1 + math.Log(3)) / math.Sqrt(math.Pow(1+math.Log(3), 2)+1)},
		{"query weights", map[string]float64{"a": 2, "b": 1}, "a b", 3 / math.Sqrt(10)},
		{"negative weight lowers", map[string]float64{"a": 1, "b": -1}, "a c", 1 / math.Sqrt(2) / math.Sqrt(2)},
		{"negative weight cancels", map[string]float64{"a": 1, "b": -1}, "a b", 0},
		{"negative cosine is 0", map[string]float64{"a": 1, "b": -1}, "b", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := mustScorer(t, tc.terms).similarity(tc.text)
			if math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("similarity = %.6f, want %.6f", got, tc.want)
			}
		})
	}
}

// TestFocusLinkScoreFormula checks a link's priority and inherited
// relevance against the formula of FocusScoring, term by term.
func TestFocusLinkScoreFormula(t *testing.T) {
	s := mustScorer(t, map[string]float64{"retrieval": 1})
	w := DefaultFocusScoring()
	tests := []struct {
		name                 string
		anchor, link         string
		parentSim, parentInh float64
		depth                int
		wantA, wantU, wantI  float64
	}{
		{"relevant parent passes on its similarity", "home", "http://x.example/home", 0.6, 0.2, 2, 0, 0, 0.6},
		{"irrelevant parent passes on a faded inheritance", "home", "http://x.example/home", 0, 0.8, 3, 0, 0, 0.4},
		{"faded inheritance wins over a weak parent", "home", "http://x.example/home", 0.1, 0.8, 3, 0, 0, 0.4},
		{"anchor and URL words", "Retrieval", "http://x.example/retrieval/intro.html", 0, 0, 2, 1, 1 / math.Sqrt2, 0},
		{"seed's children", "x", "http://x.example/", 0, 0, 2, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, _ := url.Parse(tc.link)
			p, inh := s.linkScore(tc.anchor, u, tc.parentSim, tc.parentInh, tc.depth)
			want := w.Anchor*tc.wantA + w.URL*tc.wantU + w.Parent*tc.wantI + w.DepthBonus/float64(tc.depth-1)
			if math.Abs(p-want) > 1e-12 || math.Abs(inh-tc.wantI) > 1e-12 {
				t.Errorf("priority, inherited = %.6f, %.6f; want %.6f, %.6f", p, inh, want, tc.wantI)
			}
		})
	}
}

// TestURLWords checks the words taken from a URL for its similarity.
func TestURLWords(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://x.example/topics/information-retrieval/ranking.html", "topics information retrieval ranking"},
		{"http://x.example/search?q=bm25+ranking&lang=en", "search q bm25 ranking lang en"},
		{"http://x.example/index.php", ""},
		{"http://x.example/", ""},
		{"http://x.example/Caf%C3%A9/a_b", "Café a b"},
		{"http://x.example/p?q=%zz", "p q zz"},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := urlWords(u); got != tc.want {
			t.Errorf("urlWords(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
