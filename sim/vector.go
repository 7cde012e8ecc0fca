package sim

import (
	"math"
	"strings"
)

// isStopWord reports whether w is a common English word left out of
// content vectors.
func isStopWord(w string) bool {
	switch w {
	case "about", "above", "after", "again", "against", "all", "also", "and", "any", "are",
		"because", "been", "before", "being", "below", "between", "both", "but", "can",
		"could", "did", "does", "done", "during", "each", "for", "from", "further", "get",
		"had", "has", "have", "her", "here", "him", "his", "how", "into", "its", "let", "made",
		"make", "many", "may", "more", "most", "much", "new", "not", "now", "once", "one",
		"only", "other", "our", "out", "over", "put", "same", "say", "see", "she", "should",
		"some", "such", "than", "that", "the", "their", "them", "then", "there", "these",
		"they", "this", "those", "through", "too", "two", "under", "until", "upon", "use",
		"very", "was", "way", "were", "what", "when", "where", "which", "while", "who", "will",
		"with", "would", "you":
		return true
	}
	return false
}

func splitWords(s string) []string { return strings.Fields(s) }

// normalise scales v to unit length in place (a zero vector stays zero).
func normalise(v []float64) {
	var s float64
	for _, x := range v {
		s += x * x
	}
	if s == 0 {
		return
	}
	s = math.Sqrt(s)
	for i := range v {
		v[i] /= s
	}
}

// dot is the dot product of two vectors of equal length.
func dot(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
