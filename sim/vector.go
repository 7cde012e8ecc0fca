package sim

import (
	"math"
	"strings"
)

// stopWords are common English words left out of content vectors.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`the and for are but not you all any can had her was one our out has him his how its may new now see two way who did get let put say she too use with that this from they have were been than them then into more some such what when which will would there their these those about other also only over very upon each most both same many much where while being does done made make only under between through during should could before after above below again further once here because until against these`) {
		m[w] = true
	}
	return m
}()

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
