package eval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Result is one retrieved document of a query.
type Result struct {
	// DocNo is the document id, as in the qrels.
	DocNo string
	// Score is the retrieval score; higher ranks first.
	Score float64
}

// Run maps a query id to its retrieved documents. The order of each slice
// does not matter: like trec_eval, Evaluate and WriteRun rank by score
// (see Ranked).
type Run map[string][]Result

// Validate checks what trec_eval would refuse or misread: empty ids, ids
// with whitespace, a query id starting with '#', a docno retrieved twice for one query, and scores that
// are NaN or infinite.
func (run Run) Validate() error {
	for qid, rs := range run {
		if err := checkQueryID(qid); err != nil {
			return fmt.Errorf("run: %w", err)
		}
		seen := make(map[string]bool, len(rs))
		for _, r := range rs {
			if err := checkField("docno", r.DocNo); err != nil {
				return fmt.Errorf("run, query %s: %w", qid, err)
			}
			if seen[r.DocNo] {
				return fmt.Errorf("run, query %s: document %s retrieved twice (trec_eval rejects duplicate docs)", qid, r.DocNo)
			}
			seen[r.DocNo] = true
			if math.IsNaN(r.Score) || math.IsInf(r.Score, 0) {
				return fmt.Errorf("run, query %s, document %s: score %v is not a finite number", qid, r.DocNo, r.Score)
			}
		}
	}
	return nil
}

// formatScore writes a score with the fewest digits that parse back to the
// same float64 (strconv 'g', precision -1). trec_eval reads scores with
// atof, which rounds correctly, so it sees exactly the scores Evaluate saw
// and ranks near-ties identically; a fixed "%.6f" would merge scores that
// differ past the sixth decimal and let the docno tie-break reorder them.
func formatScore(s float64) string { return strconv.FormatFloat(s, 'g', -1, 64) }

// WriteRun writes run in TREC run format, one line per result:
//
//	qid Q0 docno rank score tag
//
// Queries come in numeric-aware id order; within a query, results are in
// trec_eval's order (see Ranked) with ranks 1..n, so the rank column agrees
// with the order trec_eval computes. Scores are written exactly (see
// formatScore). Queries with no results write nothing. It fails before
// writing anything if run does not pass Run.Validate or tag is empty or
// holds whitespace.
func WriteRun(w io.Writer, tag string, run Run) error {
	if err := checkField("run tag", tag); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	if err := run.Validate(); err != nil {
		return fmt.Errorf("write run: %w", err)
	}
	qids := make([]string, 0, len(run))
	for qid := range run {
		qids = append(qids, qid)
	}
	sortIDs(qids)
	return writeLines(w, "run", func(line func(format string, args ...any) error) error {
		for _, qid := range qids {
			for i, r := range Ranked(run[qid]) {
				if err := line("%s Q0 %s %d %s %s\n", qid, r.DocNo, i+1, formatScore(r.Score), tag); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ReadRun reads a TREC run file: lines "qid iter docno rank score tag",
// whitespace-separated, further fields ignored (as trec_eval does). The
// iter, rank and tag columns are not used. Blank lines and lines starting
// with '#' are skipped. A line with fewer than six fields, a score that is
// not a finite number, or a docno repeated within a query is an error
// (*ParseError with the line); trec_eval refuses these too, except that its
// atof would read a malformed score as 0.
func ReadRun(r io.Reader) (Run, error) {
	lr := newLineReader("run", r)
	run := Run{}
	seenAt := map[[2]string]int{}
	for lr.next() {
		t := strings.TrimSpace(lr.text)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Fields(t)
		if len(f) < 6 {
			return nil, lr.errorf("want \"qid iter docno rank score tag\", got %d fields", len(f))
		}
		score, err := strconv.ParseFloat(f[4], 64)
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
				return nil, lr.errorf("score %q is out of range", f[4])
			}
			return nil, lr.errorf("score %q is not a number", f[4])
		}
		if math.IsNaN(score) || math.IsInf(score, 0) {
			return nil, lr.errorf("score %q is not a finite number", f[4])
		}
		key := [2]string{f[0], f[2]}
		if prev, ok := seenAt[key]; ok {
			return nil, lr.errorf("query %s retrieves document %s again (first on line %d)", f[0], f[2], prev)
		}
		seenAt[key] = lr.num
		run[f[0]] = append(run[f[0]], Result{DocNo: f[2], Score: score})
	}
	if err := lr.failure(); err != nil {
		return nil, err
	}
	return run, nil
}

// writeLines writes a TREC file through a buffer: fill calls line for each
// line; the first error, from writing or flushing, is returned wrapped
// with what (e.g. "run").
func writeLines(w io.Writer, what string, fill func(line func(format string, args ...any) error) error) error {
	bw := bufio.NewWriter(w)
	line := func(format string, args ...any) error {
		_, err := fmt.Fprintf(bw, format, args...)
		return err
	}
	if err := fill(line); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", what, err)
	}
	return nil
}
