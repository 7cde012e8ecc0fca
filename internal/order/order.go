// Package order sorts slices of large values by moving each value once:
// the order is found on the values' indexes (cheap to swap), then the
// values are put in it.
package order

import "slices"

// Stable sorts s stably by cmp (as slices.SortStableFunc(s, cmp) does,
// the same order to the element), comparing values in place and moving
// each one at most once. scratch, when it holds at least len(s) entries,
// is used instead of a new index slice.
func Stable[T any](s []T, cmp func(a, b *T) int, scratch []int32) {
	idx := scratch[:0]
	if cap(idx) < len(s) {
		idx = make([]int32, 0, len(s))
	}
	for i := range s {
		idx = append(idx, int32(i))
	}
	slices.SortStableFunc(idx, func(i, j int32) int { return cmp(&s[i], &s[j]) })
	Permute(s, idx)
}

// Permute puts s in the order given: s[i] becomes the old s[order[i]].
// order must be a permutation of s's indexes; it is used as scratch and
// left undefined. Each element is moved once, following the
// permutation's cycles.
func Permute[T any](s []T, order []int32) {
	for start := range s {
		if order[start] < 0 || int(order[start]) == start {
			continue
		}
		tmp := s[start]
		i := start
		for {
			j := int(order[i])
			order[i] = -1
			if j == start {
				s[i] = tmp
				break
			}
			s[i] = s[j]
			i = j
		}
	}
}
