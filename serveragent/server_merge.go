package serveragent

import (
	"math"
	"sort"
	"unicode/utf8"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// RRFK is the constant of reciprocal rank fusion: a result at rank r in a
// list adds 1/(RRFK + r) to its score (Cormack, Clarke and Büttcher 2009).
const RRFK = 60

// mergeRRF merges ranked lists by reciprocal rank fusion and returns the
// best k, ranked 1..k, as responder self would send them: no URL twice;
// each keeps the finder and path of the list where it ranked best (the
// earlier list on ties), with self appended to the path (a path that
// would exceed MaxPath is dropped: the contract allows none; an empty
// self appends nothing, for the origin's own use). Ties in
// score go to the URL, so the merge is reproducible.
func mergeRRF(lists [][]*p2pirv1.Result, k int, self string) []*p2pirv1.Result {
	return merge(lists, k, self, 0)
}

// mergeScores merges lists whose scores are on one scale (computed with the
// same pooled statistics, SearchResponse.corpus_scored) by score: a
// document keeps its best score, whichever node found it (replicas score
// alike), and each score is first capped at ceiling, the most any
// document can score for the query, so that a peer inflating its scores
// gains no more than a perfect match would. Otherwise as mergeRRF.
func mergeScores(lists [][]*p2pirv1.Result, k int, self string, ceiling float64) []*p2pirv1.Result {
	return merge(lists, k, self, math.Max(ceiling, math.SmallestNonzeroFloat64))
}

// merge is mergeRRF (ceiling 0) or mergeScores (ceiling > 0).
func merge(lists [][]*p2pirv1.Result, k int, self string, ceiling float64) []*p2pirv1.Result {
	type acc struct {
		best  *p2pirv1.Result
		score float64
	}
	byURL := map[string]*acc{}
	for _, list := range lists {
		for _, r := range list {
			a := byURL[r.GetUrl()]
			better := false
			if ceiling > 0 {
				sc := math.Min(math.Max(r.GetScore(), 0), ceiling)
				better = a == nil || sc > a.score
				if a == nil {
					a = &acc{best: r}
					byURL[r.GetUrl()] = a
				}
				if better {
					a.best, a.score = r, sc
				}
				continue
			}
			if a == nil {
				a = &acc{best: r}
				byURL[r.GetUrl()] = a
			} else if r.GetRank() < a.best.GetRank() {
				a.best = r
			}
			a.score += 1 / float64(RRFK+max(r.GetRank(), 1))
		}
	}
	all := make([]*acc, 0, len(byURL))
	for _, a := range byURL {
		all = append(all, a)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score > all[j].score
		}
		return all[i].best.GetUrl() < all[j].best.GetUrl()
	})
	if len(all) > k {
		all = all[:k]
	}
	out := make([]*p2pirv1.Result, len(all))
	for i, a := range all {
		b := a.best
		path := append([]string(nil), b.GetPath()...)
		if len(path) == 0 {
			path = []string{b.GetNodeId()}
		}
		if self != "" && path[len(path)-1] != self {
			path = append(path, self)
		}
		if len(path) > p2pirv1.MaxPath {
			path = nil
		}
		out[i] = &p2pirv1.Result{
			Url: b.GetUrl(), Title: b.GetTitle(), Content: b.GetContent(),
			Score: a.score, Rank: int32(i + 1), NodeId: b.GetNodeId(), Path: path, Lang: b.GetLang(),
		}
	}
	return out
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
