package eval

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Qrels holds relevance judgments: query id -> document id -> grade. A
// grade of at least the relevance level (1 by default) means relevant; 0 or
// a negative grade means judged not relevant. A document absent from a
// query's map is unjudged, which the measures treat as not relevant.
type Qrels map[string]map[string]int

// NumJudgments returns the number of (query, document) judgments.
func (q Qrels) NumJudgments() int {
	n := 0
	for _, m := range q {
		n += len(m)
	}
	return n
}

// NumRelevant returns the number of documents judged relevant for qid,
// that is with a grade of at least level.
func (q Qrels) NumRelevant(qid string, level int) int {
	n := 0
	for _, g := range q[qid] {
		if g >= level {
			n++
		}
	}
	return n
}

// QueryIDs returns the ids of the queries with at least one judgment, in
// numeric-aware order ("2" before "10").
func (q Qrels) QueryIDs() []string {
	ids := make([]string, 0, len(q))
	for id, m := range q {
		if len(m) > 0 {
			ids = append(ids, id)
		}
	}
	sortIDs(ids)
	return ids
}

// WithRelevant returns the qrels of the queries that have at least one
// document with a grade of at least level. trec_eval evaluates a query that
// is judged but has no relevant document (it scores 0 everywhere); drop such
// queries with this when they should not count, e.g. on a residual
// collection where feedback removed every relevant document. The inner maps
// are shared with q.
func (q Qrels) WithRelevant(level int) Qrels {
	out := Qrels{}
	for id, m := range q {
		if q.NumRelevant(id, level) > 0 {
			out[id] = m
		}
	}
	return out
}

// Validate checks that the qrels can be written as a TREC qrels file and
// read back: query and document ids are non-empty and hold no whitespace,
// and query ids do not start with '#'.
func (q Qrels) Validate() error {
	for qid, m := range q {
		if err := checkQueryID(qid); err != nil {
			return fmt.Errorf("qrels: %w", err)
		}
		for docno := range m {
			if err := checkField("docno", docno); err != nil {
				return fmt.Errorf("qrels, query %s: %w", qid, err)
			}
		}
	}
	return nil
}

// checkQueryID reports a query id that trec_eval cannot read back (see
// checkField); a query id must also not start with '#', which would make
// the line a comment.
func checkQueryID(qid string) error {
	if err := checkField("query id", qid); err != nil {
		return err
	}
	if strings.HasPrefix(qid, "#") {
		return fmt.Errorf("query id %q starts with '#', which trec_eval reads as a comment", qid)
	}
	return nil
}

// checkField reports an id or tag that trec_eval cannot read back: empty or
// holding whitespace.
func checkField(what, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s", what)
	}
	if strings.ContainsFunc(s, isTrecSpace) {
		return fmt.Errorf("%s %q contains whitespace", what, s)
	}
	return nil
}

// isTrecSpace reports the characters C's isspace treats as separators.
func isTrecSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\v', '\f', '\r':
		return true
	}
	return false
}

// WriteQrels writes q in TREC qrels format, one "qid 0 docno grade" line
// per judgment, queries in numeric-aware order and documents by docno (the
// same numeric-aware order). It fails on ids trec_eval could not read back
// (see Qrels.Validate) before writing anything.
func WriteQrels(w io.Writer, q Qrels) error {
	if err := q.Validate(); err != nil {
		return fmt.Errorf("write qrels: %w", err)
	}
	return writeLines(w, "qrels", func(line func(format string, args ...any) error) error {
		for _, qid := range q.QueryIDs() {
			for _, d := range slices.SortedFunc(maps.Keys(q[qid]), compareIDs) {
				if err := line("%s 0 %s %d\n", qid, d, q[qid][d]); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// ReadQrels reads a TREC qrels file: lines "qid iter docno grade" separated
// by whitespace, the iter column ignored, grade an integer. Blank lines and
// lines starting with '#' are skipped. A line with another number of fields,
// a grade that is not an integer, or a second judgment of the same
// (query, document) pair is an error (*ParseError with the line), as
// trec_eval refuses them too.
func ReadQrels(r io.Reader) (Qrels, error) {
	lr := newLineReader("qrels", r)
	q := Qrels{}
	seenAt := map[[2]string]int{}
	for lr.next() {
		t := strings.TrimSpace(lr.text)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Fields(t)
		if len(f) != 4 {
			return nil, lr.errorf("want \"qid iter docno grade\", got %d fields", len(f))
		}
		g, err := strconv.Atoi(f[3])
		if err != nil {
			return nil, lr.errorf("grade %q is not an integer", f[3])
		}
		key := [2]string{f[0], f[2]}
		if prev, ok := seenAt[key]; ok {
			return nil, lr.errorf("query %s judges document %s again (first on line %d)", f[0], f[2], prev)
		}
		seenAt[key] = lr.num
		m := q[f[0]]
		if m == nil {
			m = map[string]int{}
			q[f[0]] = m
		}
		m[f[2]] = g
	}
	if err := lr.failure(); err != nil {
		return nil, err
	}
	return q, nil
}
