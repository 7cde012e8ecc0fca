package eval

import (
	"cmp"
	"slices"
	"strconv"
)

// Ranked returns a copy of results in trec_eval's order: score descending,
// and equal scores by docno in decreasing byte order (trec_eval's
// comp_sim_docno in form_res_rels.c compares strcmp(b, a)). This is the
// order in which trec_eval 9.0.8 and later rank a run file, whatever its
// rank column says; Evaluate and WriteRun both use it.
func Ranked(results []Result) []Result { return ranked(results, false) }

// ranked sorts a copy of results in trec_eval's order. With float32 set,
// scores are compared after rounding to float32, as trec_eval up to 9.0.7
// did (its TEXT_RESULTS.sim was a float; usnistgov/trec_eval issue #34 and
// pull request #38 made it a double): scores that round to the same float32
// tie, and the docno decides.
func ranked(results []Result, float32 bool) []Result {
	out := slices.Clone(results)
	if float32 {
		slices.SortStableFunc(out, compareTrec32)
	} else {
		slices.SortStableFunc(out, compareTrec)
	}
	return out
}

// compareTrec orders two results as trec_eval does (see Ranked).
func compareTrec(a, b Result) int {
	if c := cmp.Compare(b.Score, a.Score); c != 0 {
		return c
	}
	return cmp.Compare(b.DocNo, a.DocNo)
}

// compareTrec32 orders two results as trec_eval up to 9.0.7 does.
func compareTrec32(a, b Result) int {
	if c := cmp.Compare(float32(b.Score), float32(a.Score)); c != 0 {
		return c
	}
	return cmp.Compare(b.DocNo, a.DocNo)
}

// compareIDs orders query ids for output: ids that are both unsigned
// integers compare numerically ("2" before "10"), anything else by bytes.
// It only affects the order of lines written; trec_eval sorts on its own.
func compareIDs(a, b string) int {
	if isUint(a) && isUint(b) {
		x, errA := strconv.ParseUint(a, 10, 64)
		y, errB := strconv.ParseUint(b, 10, 64)
		if errA == nil && errB == nil && x != y {
			return cmp.Compare(x, y)
		}
	}
	return cmp.Compare(a, b)
}

// sortIDs sorts ids with compareIDs.
func sortIDs(ids []string) { slices.SortFunc(ids, compareIDs) }
