package crawler

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"unicode"
)

// FocusQuery says what a focused crawl is looking for.
//
// The similarity of a text to the query, sim(text, Q), is the cosine of
// two term vectors: Terms, and the text's terms (by Analyze) weighted
// 1 + ln(tf), a sub-linear term frequency so one repeated word does not
// make a page relevant. It lies between 0 and 1; negative weights lower
// the similarity of text that has their terms, and a negative cosine
// counts as 0.
type FocusQuery struct {
	// Terms are the analysed query terms with their weights: the query as
	// the person typed it, reformulated with the profile. At least one
	// weight must be non-zero, and all must be finite.
	Terms map[string]float64
	// Analyze turns text into terms the same way Terms were made, e.g.
	// (*index.Index).Analyze. It is called from several goroutines at once
	// and must be safe for that.
	Analyze func(string) []string
}

// focusScorer scores pages and links against a FocusQuery (see
// FocusScoring for the formula).
type focusScorer struct {
	analyze func(string) []string
	terms   map[string]float64
	norm    float64 // Euclidean norm of terms
	weights FocusScoring
}

// newFocusScorer checks q and prepares its scoring with weights.
func newFocusScorer(q FocusQuery, weights FocusScoring) (*focusScorer, error) {
	if q.Analyze == nil {
		return nil, errors.New("crawler: FocusQuery has no Analyze func")
	}
	var sum float64
	terms := make(map[string]float64, len(q.Terms))
	for t, w := range q.Terms {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return nil, fmt.Errorf("crawler: FocusQuery term %q has weight %v", t, w)
		}
		if strings.TrimSpace(t) == "" {
			return nil, errors.New("crawler: FocusQuery has an empty term")
		}
		if w != 0 {
			terms[t] = w
			sum += w * w
		}
	}
	if sum == 0 || math.IsInf(sum, 0) {
		return nil, errors.New("crawler: FocusQuery has no usable terms (a focused crawl needs a query)")
	}
	return &focusScorer{analyze: q.Analyze, terms: terms, norm: math.Sqrt(sum), weights: weights}, nil
}

// similarity returns sim(text, Q), between 0 and 1.
func (s *focusScorer) similarity(text string) float64 {
	if strings.TrimSpace(text) == "" {
		return 0
	}
	tf := make(map[string]int)
	for _, t := range s.analyze(text) {
		tf[t]++
	}
	var dot, sq float64
	for t, n := range tf {
		w := 1 + math.Log(float64(n))
		sq += w * w
		if q, ok := s.terms[t]; ok {
			dot += q * w
		}
	}
	if sq == 0 || dot <= 0 {
		return 0
	}
	return min(dot/(s.norm*math.Sqrt(sq)), 1)
}

// linkScore is the priority of a link before the host penalty, and the
// relevance I it inherits, for a link with anchor text anchor to u, found
// on a page of similarity parentSim that itself inherited
// parentInherited; depth is the link's depth (2 or more).
func (s *focusScorer) linkScore(anchor string, u *url.URL, parentSim, parentInherited float64, depth int) (priority, inherited float64) {
	w := s.weights
	inherited = max(parentSim, w.Decay*parentInherited)
	priority = w.Parent * inherited
	if w.Anchor > 0 {
		priority += w.Anchor * s.similarity(anchor)
	}
	if w.URL > 0 {
		priority += w.URL * s.similarity(urlWords(u))
	}
	if depth > 1 {
		priority += w.DepthBonus / float64(depth-1)
	}
	return priority, inherited
}

// isURLFiller reports URL words that say nothing about a page's topic
// (w in lower case).
func isURLFiller(w string) bool {
	switch w {
	case "html", "htm", "shtml", "xhtml", "php", "asp", "aspx", "jsp", "cgi",
		"index", "default", "www", "http", "https":
		return true
	}
	return false
}

// urlWords returns the words of u's path and query string (decoded,
// split at every character that is not a letter or digit), without
// file extensions and other filler, as text for the analyser.
func urlWords(u *url.URL) string {
	raw := u.Path + " " + u.RawQuery
	if q, err := url.QueryUnescape(u.RawQuery); err == nil {
		raw = u.Path + " " + q
	}
	words := strings.FieldsFunc(raw, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := words[:0]
	for _, w := range words {
		if !isURLFiller(strings.ToLower(w)) {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
