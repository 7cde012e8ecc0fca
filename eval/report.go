package eval

import (
	"bufio"
	"fmt"
	"io"
)

// WriteReport writes scores in trec_eval's output layout, so a report can be
// compared line by line with `trec_eval -q -m num_q -m num_ret -m num_rel
// -m num_rel_ret -m map -m Rprec -m P.10 -m recall.100 -m ndcg_cut.10`:
// one "name<TAB>qid<TAB>value" line per measure (name padded to 22
// characters, scores with four decimals), measures in trec_eval's order,
// first for each query of per (pass nil for a summary only), then for "all"
// preceded by the run tag (trec_eval's runid line).
func WriteReport(w io.Writer, tag string, sum Summary, per []PerQuery) error {
	bw := bufio.NewWriter(w)
	for _, q := range per {
		writeMeasures(bw, q.QID, -1, q.Measures)
	}
	fmt.Fprintf(bw, "%-22s\t%s\t%s\n", "runid", "all", tag)
	writeMeasures(bw, "all", sum.NumQ, sum.Measures)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}

// writeMeasures writes the lines of one query (numQ < 0: no num_q line,
// as in trec_eval's per-query output where num_q would always be 1).
func writeMeasures(w io.Writer, qid string, numQ int, m Measures) {
	count := func(name string, v int) { fmt.Fprintf(w, "%-22s\t%s\t%d\n", name, qid, v) }
	score := func(name string, v float64) { fmt.Fprintf(w, "%-22s\t%s\t%6.4f\n", name, qid, v) }
	if numQ >= 0 {
		count("num_q", numQ)
	}
	count("num_ret", m.NumRet)
	count("num_rel", m.NumRel)
	count("num_rel_ret", m.NumRelRet)
	score("map", m.MAP)
	score("Rprec", m.RPrec)
	score("P_10", m.P10)
	score("recall_100", m.Recall100)
	score("ndcg_cut_10", m.NDCG10)
}
