package sim

import (
	"math"
	"slices"
)

// Purity is the share of items whose cluster's most common true class is
// their own class: Σ_clusters max_class |cluster ∩ class| / n. Labels are
// arbitrary ints (-1, "no cluster", is one more cluster). 0 for no items.
func Purity(clusters, classes []int) float64 {
	if len(clusters) == 0 {
		return 0
	}
	counts := map[int]map[int]int{}
	for i, c := range clusters {
		if counts[c] == nil {
			counts[c] = map[int]int{}
		}
		counts[c][classes[i]]++
	}
	total := 0
	for _, m := range counts {
		best := 0
		for _, n := range m {
			best = max(best, n)
		}
		total += best
	}
	return float64(total) / float64(len(clusters))
}

// NMI is the normalised mutual information of two labellings,
// I(C;K) / sqrt(H(C)·H(K)) (Strehl and Ghosh 2002), in [0, 1]. When either
// labelling has a single label (zero entropy) it is 1 if both do, else 0.
func NMI(clusters, classes []int) float64 {
	n := float64(len(clusters))
	if n == 0 {
		return 0
	}
	joint := map[[2]int]float64{}
	pc := map[int]float64{}
	pk := map[int]float64{}
	for i := range clusters {
		joint[[2]int{clusters[i], classes[i]}]++
		pc[clusters[i]]++
		pk[classes[i]]++
	}
	entropy := func(m map[int]float64) float64 {
		var h float64
		for _, c := range sortedKeys(m) {
			p := m[c] / n
			h -= p * math.Log(p)
		}
		return h
	}
	hc, hk := entropy(pc), entropy(pk)
	if hc == 0 || hk == 0 {
		if hc == 0 && hk == 0 {
			return 1
		}
		return 0
	}
	keys := make([][2]int, 0, len(joint))
	for k := range joint {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	var mi float64
	for _, k := range keys {
		pj := joint[k] / n
		mi += pj * math.Log(pj/((pc[k[0]]/n)*(pk[k[1]]/n)))
	}
	return math.Min(1, math.Max(0, mi/math.Sqrt(hc*hk)))
}

func sortedKeys(m map[int]float64) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// Percentile returns the p-th percentile (0 < p ≤ 100) of xs by the
// nearest-rank method: the smallest value with at least p% of the values
// at or below it. 0 for no values.
func Percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[max(0, min(rank, len(s))-1)]
}

// SamePartition reports whether two labellings group the items the same
// way, whatever the label numbers.
func SamePartition(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	ab, ba := map[int]int{}, map[int]int{}
	for i := range a {
		if x, ok := ab[a[i]]; ok && x != b[i] {
			return false
		}
		if y, ok := ba[b[i]]; ok && y != a[i] {
			return false
		}
		ab[a[i]], ba[b[i]] = b[i], a[i]
	}
	return true
}

// ConvergedRound returns the first round from which the labelling no
// longer changes (up to relabelling) through the last round, given the
// labelling of every round in order; -1 for no rounds.
func ConvergedRound(rounds [][]int) int {
	if len(rounds) == 0 {
		return -1
	}
	r := len(rounds) - 1
	for r > 0 && SamePartition(rounds[r-1], rounds[len(rounds)-1]) {
		r--
	}
	return r
}

// PrecisionRecall returns precision at k (hits in the top k over k) and
// recall at k (hits over the number of relevant documents; 0 when none).
func PrecisionRecall(ranked []string, relevant map[string]bool, k int) (p, r float64) {
	hits := 0
	for i, u := range ranked {
		if i == k {
			break
		}
		if relevant[u] {
			hits++
		}
	}
	p = float64(hits) / float64(k)
	if len(relevant) > 0 {
		r = float64(hits) / float64(len(relevant))
	}
	return p, r
}
