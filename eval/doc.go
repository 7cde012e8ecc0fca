// Package eval is the evaluation harness behind `p2pir eval`: it loads the
// classic test collections (Cranfield, CISI, MED, ADI, CACM, LISA, NPL),
// reads and writes TREC run and qrels files, and computes the measures of
// trec_eval 9.x (map, P_10, ndcg_cut_10, Rprec, recall_100 and the
// num_q / num_ret / num_rel / num_rel_ret counts) with trec_eval's exact
// semantics, so that what p2pir reports equals what trec_eval computes from
// the run file p2pir writes.
//
// Everything here is pure: plain data in, plain data out, no network and no
// index. The file readers take paths or io.Readers; the measures take a Run
// and Qrels.
//
// trec_eval semantics reproduced (from usnistgov/trec_eval: trec_eval.c,
// get_trec_results.c, get_qrels.c, form_res_rels.c, m_map.c, m_P.c,
// m_ndcg_cut.c, m_Rprec.c, m_recall.c, meas_avg.c):
//
//   - The rank column of a run is ignored. Each query's results are sorted by
//     score, highest first; equal scores are ordered by docno in decreasing
//     byte (strcmp) order. Ranked gives that order. trec_eval 9.0.8 and later
//     read scores as doubles; 9.0.7 and earlier stored them as floats, so
//     scores equal in float32 tied there (Config.Float32Scores reproduces
//     that).
//   - A run that retrieves the same docno twice for a query is an error
//     (trec_eval stops with "duplicate docs"), and so is a qrels file that
//     judges the same docno twice for a query.
//   - A document is relevant when its grade is at least the relevance level
//     (1 by default, trec_eval -l). Documents absent from the qrels are
//     non-relevant. Negative grades count as non-relevant everywhere.
//   - The evaluated queries are those present in both the qrels (with at
//     least one judgment, relevant or not) and the run (with at least one
//     result). A query judged but without any relevant document is evaluated
//     and scores 0 (trec_eval's CHANGELOG, 4/5/06: only queries with no
//     relevance information at all are ignored). A query with no results
//     is left out of the means, as trec_eval does without -c
//     (Config.Complete mirrors -c: such queries then score 0 and count).
//   - Means are arithmetic over the evaluated queries; num_ret, num_rel and
//     num_rel_ret are sums.
//   - nDCG@10 uses the grade as gain and log2(rank+1) as discount (trec_eval
//     9.0.4 and later; the 9.0 alphas left rank 1 undiscounted and divided by
//     log2(rank) below it).
//
// These were checked against a trec_eval built from its source: every
// per-query and summary figure agreed to the four decimals trec_eval prints
// on runs over all six shared collections, with exact ties, near ties,
// short runs, graded and negative judgments, and -c.
package eval
