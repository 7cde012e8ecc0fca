package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
	"github.com/spf13/cobra"
)

func newEvalCmd(a *app) *cobra.Command {
	var (
		collection string
		asJSON     bool
		runFile    string
		qrelsFile  string
		tag        string
		k          int
		feedback   string
		judged     int
		baseRun    string
		reform     = usermodel.DefaultReformConfig()
		returning  bool
		mix        []string
		agentCfg   = clientagent.DefaultConfig()
		shortQ     int
		topicsDir  string
	)
	cmd := &cobra.Command{
		Use:   "eval --collection DIR [--json] [--run FILE]",
		Short: "Measure retrieval quality on a standard test collection",
		Long: `Index a test collection into a temporary index, run every query as plain text
(no query syntax), and report MAP, P@10, nDCG@10, R-precision and recall@100
exactly as trec_eval computes them: queries without relevant documents are
left out, unjudged documents count as non-relevant.

Recognised collections (by their file names): Cranfield (cran.all.1400,
cran.qry, cranqrel), CISI, MED, ADI (*.ALL, *.QRY, *.REL), CACM (cacm.all,
query.text, qrels.text), LISA (LISA*.nnn, LISA.QUE, LISARJ.NUM) and NPL
(doc-text, query-text, rlv-ass). See ../shared/data/SOURCES.md.

--run writes a TREC run file (qid Q0 docno rank score tag) and --qrels the
judgments used; "trec_eval -m map -m P.10 -m ndcg_cut.10 -m Rprec -m
recall.100 QRELS RUN" reproduces the figures.`,
		Example: `  p2pir eval --collection ../shared/data/cranfield
  p2pir eval --collection ../shared/data/med --json --run med.run --qrels med.qrels`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if topicsDir != "" {
				return runTopicalEval(cmd, a, topicsDir, eval.ReturningOptions{Judged: judged, Agent: agentCfg}, asJSON)
			}
			if collection == "" {
				return usageError{fmt.Errorf("eval: --collection DIR is required")}
			}
			switch feedback {
			case "", usermodel.MethodRocchio, usermodel.MethodIde, usermodel.MethodRM3:
			default:
				return usageError{fmt.Errorf("eval: --feedback takes rocchio, ide or rm3, not %q", feedback)}
			}
			if k < 100 || k > index.MaxK {
				return usageError{fmt.Errorf("eval: --k must be between 100 and %d (recall@100 needs 100)", index.MaxK)}
			}
			ctx := cmd.Context()
			c, err := eval.Load(collection)
			if err != nil {
				return err
			}
			if returning {
				agentCfg.Reform.ExpansionTerms = reform.ExpansionTerms
				return runReturningEval(cmd, a, c, mix, eval.ReturningOptions{Judged: judged, Agent: agentCfg, ShortQueries: shortQ}, asJSON)
			}
			_, ix, cleanup, err := tempIndex()
			if err != nil {
				return err
			}
			defer cleanup()
			start := time.Now()
			bar := newProgress(a.stderr, len(c.Docs), "indexing "+c.Name)
			if err := eval.IndexCollection(ctx, ix, c, func(done, total int) { bar.set(done) }); err != nil {
				return err
			}
			bar.finish()
			if err := ix.Compact(ctx); err != nil {
				return err
			}
			indexed := time.Since(start)
			start = time.Now()
			run, skipped, err := eval.SearchAll(ctx, ix, c, k)
			if err != nil {
				return err
			}
			searched := time.Since(start)
			for _, id := range skipped {
				fmt.Fprintf(a.stderr, "p2pir: eval: query %s has no searchable words; it retrieves nothing\n", id)
			}
			if feedback != "" {
				reform.Method = feedback
				return runFeedbackEval(cmd, a, ix, c, eval.FeedbackOptions{Judged: judged, K: k, Reform: reform}, asJSON, runFile, baseRun, qrelsFile, tag)
			}
			qrels := c.Qrels.WithRelevant(1)
			sum, _, err := eval.Evaluate(run, qrels)
			if err != nil {
				return err
			}
			if runFile != "" {
				if err := writeFileAtomic(runFile, func(w io.Writer) error { return eval.WriteRun(w, tag, run) }); err != nil {
					return err
				}
			}
			if qrelsFile != "" {
				if err := writeFileAtomic(qrelsFile, func(w io.Writer) error { return eval.WriteQrels(w, qrels) }); err != nil {
					return err
				}
			}
			if asJSON {
				return writeEvalJSON(a.stdout, c, sum)
			}
			fmt.Fprintf(a.stdout, "collection   %s (%d docs, %d queries evaluated of %d)\n", c.Name, len(c.Docs), sum.NumQ, len(c.Queries))
			fmt.Fprintf(a.stdout, "map          %.4f\nP_10         %.4f\nndcg_cut_10  %.4f\nRprec        %.4f\nrecall_100   %.4f\n",
				sum.MAP, sum.P10, sum.NDCG10, sum.RPrec, sum.Recall100)
			fmt.Fprintf(a.stdout, "indexed in %v, %d queries in %v\n", indexed.Round(time.Millisecond), len(c.Queries), searched.Round(time.Millisecond))
			return nil
		},
	}
	cmd.Flags().StringVar(&collection, "collection", "", "folder of a test collection (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"collection", "docs", "queries", "map", "p_10", "ndcg_cut_10", "r_prec", "recall_100"} (trec_eval's P_10 and Rprec)`)
	cmd.Flags().StringVar(&runFile, "run", "", "write the TREC run file here")
	cmd.Flags().StringVar(&qrelsFile, "qrels", "", "write the relevance judgments used (TREC qrels) here")
	cmd.Flags().StringVar(&tag, "tag", "p2pir-bm25", "run tag in the run file")
	cmd.Flags().IntVar(&k, "k", 1000, "results per query")
	cmd.Flags().StringVar(&feedback, "feedback", "", "simulate relevance feedback: rocchio, ide (Ide dec-hi) or rm3 (pseudo-relevance, no judgments); scores both rounds on the residual collection")
	cmd.Flags().IntVar(&judged, "judged", 10, "with --feedback: how many top results the simulated person judges")
	cmd.Flags().StringVar(&baseRun, "base-run", "", "with --feedback: write round 0's top k here (--run gets round 1 without the judged documents)")
	cmd.Flags().IntVar(&reform.ExpansionTerms, "fb-terms", reform.ExpansionTerms, "with --feedback: expansion terms added")
	cmd.Flags().Float64Var(&reform.Alpha, "alpha", reform.Alpha, "with --feedback rocchio: weight of the original query")
	cmd.Flags().Float64Var(&reform.Beta, "beta", reform.Beta, "with --feedback rocchio: weight of relevant documents")
	cmd.Flags().Float64Var(&reform.Gamma, "gamma", reform.Gamma, "with --feedback rocchio: weight of non-relevant documents")
	cmd.Flags().BoolVar(&returning, "returning-person", false, "the returning-person experiment: learn from half the queries' marks, test the other half with the user model off and on, over an index mixing --collection with the --mix collections")
	cmd.Flags().Float64Var(&agentCfg.Rerank.ProfileWeight, "rerank-weight", agentCfg.Rerank.ProfileWeight, "with --returning-person: weight of profile similarity in re-ranking (0 turns re-ranking off)")
	cmd.Flags().Float64Var(&agentCfg.Reform.ProfileWeight, "reform-profile-weight", agentCfg.Reform.ProfileWeight, "with --returning-person: weight of the profile in query reformulation")
	cmd.Flags().Float64Var(&agentCfg.SimilarQuery, "similar-query", agentCfg.SimilarQuery, "with --returning-person: least similarity of a past query for its marks to reformulate (above 1 turns it off)")
	cmd.Flags().StringVar(&topicsDir, "personal-topics", "", "the topical-personalisation experiment on a topic-labelled corpus (e.g. ../shared/data/bbc): for each topic, a person interested in it types ambiguous one-word queries; half teach the user model, half are scored with it off and on")
	cmd.Flags().IntVar(&shortQ, "short-queries", 0, "with --returning-person: cut test queries to their first N index terms, as people type short queries (0 keeps them whole)")
	cmd.Flags().StringArrayVar(&mix, "mix", nil, "with --returning-person: another collection folder whose documents share the index (repeatable)")
	cmd.Flags().Float64Var(&reform.RM3Lambda, "rm3-lambda", reform.RM3Lambda, "with --feedback rm3: weight of the original query")
	return cmd
}

// returningJSON is the --json shape of p2pir eval --returning-person.
type returningJSON struct {
	Person    string   `json:"person"`
	Mixed     []string `json:"mixed_with"`
	Docs      int      `json:"docs"`
	Learn     int      `json:"learn_queries"`
	Test      int      `json:"test_queries"`
	Marks     int      `json:"marks"`
	OffMAP    float64  `json:"profile_off_map_at_100"`
	OnMAP     float64  `json:"profile_on_map_at_100"`
	OffP10    float64  `json:"profile_off_p_10"`
	OnP10     float64  `json:"profile_on_p_10"`
	OffNDCG10 float64  `json:"profile_off_ndcg_cut_10"`
	OnNDCG10  float64  `json:"profile_on_ndcg_cut_10"`
}

func runReturningEval(cmd *cobra.Command, a *app, person *eval.Collection, mixDirs []string, opts eval.ReturningOptions, asJSON bool) error {
	ctx := cmd.Context()
	var others []*eval.Collection
	names := []string{} // "mixed_with": [] when none, not null
	for _, d := range mixDirs {
		c, err := eval.Load(d)
		if err != nil {
			return err
		}
		if c.Name == person.Name {
			return usageError{fmt.Errorf("--mix %s is the person's own collection", d)}
		}
		others = append(others, c)
		names = append(names, c.Name)
	}
	tmp, ix, cleanup, err := tempIndex()
	if err != nil {
		return err
	}
	defer cleanup()
	qrels, err := eval.MixedIndex(ctx, ix, person, others...)
	if err != nil {
		return err
	}
	if err := ix.Compact(ctx); err != nil {
		return err
	}
	st, err := usermodel.OpenStore(filepath.Join(tmp, "state.db"), usermodel.DefaultStoreOptions())
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := eval.RunReturningPerson(ctx, ix, st, person, qrels, opts)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(returningJSON{
			Person: out.Person, Mixed: names, Docs: out.DocsInIndex, Learn: out.Learn, Test: out.Test, Marks: out.Marks,
			OffMAP: out.Off.MAP, OnMAP: out.On.MAP, OffP10: out.Off.P10, OnP10: out.On.P10, OffNDCG10: out.Off.NDCG10, OnNDCG10: out.On.NDCG10,
		})
	}
	fmt.Fprintf(a.stdout, "person %s over %d docs (mixed with %v): learned from %d queries (%d marks), tested on %d\n",
		out.Person, out.DocsInIndex, names, out.Learn, out.Marks, out.Test)
	printComparison(a.stdout, "profile off", "profile on", "map@100", out.Off, out.On)
	return nil
}

// topicalJSON is one person's line in p2pir eval --personal-topics --json.
type topicalJSON struct {
	Topic     string  `json:"topic"`
	Learn     int     `json:"learn_queries"`
	Test      int     `json:"test_queries"`
	Marks     int     `json:"marks"`
	OffMAP    float64 `json:"profile_off_map_at_100"`
	OnMAP     float64 `json:"profile_on_map_at_100"`
	OffP10    float64 `json:"profile_off_p_10"`
	OnP10     float64 `json:"profile_on_p_10"`
	OffNDCG10 float64 `json:"profile_off_ndcg_cut_10"`
	OnNDCG10  float64 `json:"profile_on_ndcg_cut_10"`
}

func runTopicalEval(cmd *cobra.Command, a *app, dir string, opts eval.ReturningOptions, asJSON bool) error {
	ctx := cmd.Context()
	tc, err := eval.LoadTopics(dir)
	if err != nil {
		return err
	}
	tmp, ix, cleanup, err := tempIndex()
	if err != nil {
		return err
	}
	defer cleanup()
	if err := eval.IndexTopics(ctx, ix, tc); err != nil {
		return err
	}
	if err := ix.Compact(ctx); err != nil {
		return err
	}
	queries := eval.AmbiguousQueries(ix, tc, 60, 15, 0.6)
	var rows []topicalJSON
	var mean topicalJSON
	mean.Topic = "mean"
	for _, topic := range tc.Topics {
		st, err := usermodel.OpenStore(filepath.Join(tmp, topic+".db"), usermodel.DefaultStoreOptions())
		if err != nil {
			return err
		}
		out, err := eval.RunTopicalPerson(ctx, ix, st, tc, topic, queries, opts)
		st.Close()
		if err != nil {
			return err
		}
		r := topicalJSON{Topic: topic, Learn: out.Learn, Test: out.Test, Marks: out.Marks,
			OffMAP: out.Off.MAP, OnMAP: out.On.MAP, OffP10: out.Off.P10, OnP10: out.On.P10, OffNDCG10: out.Off.NDCG10, OnNDCG10: out.On.NDCG10}
		rows = append(rows, r)
		n := float64(len(tc.Topics))
		mean.Learn, mean.Test, mean.Marks = r.Learn, r.Test, mean.Marks+r.Marks
		mean.OffMAP += r.OffMAP / n
		mean.OnMAP += r.OnMAP / n
		mean.OffP10 += r.OffP10 / n
		mean.OnP10 += r.OnP10 / n
		mean.OffNDCG10 += r.OffNDCG10 / n
		mean.OnNDCG10 += r.OnNDCG10 / n
	}
	rows = append(rows, mean)
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"queries": queries, "persons": rows})
	}
	fmt.Fprintf(a.stdout, "%d ambiguous one-word queries: %s\n", len(queries), strings.Join(queries, " "))
	fmt.Fprintf(a.stdout, "%-14s %6s %6s   %-17s %-17s %-17s\n", "person", "learn", "test", "MAP@100 off→on", "P@10 off→on", "nDCG@10 off→on")
	for _, r := range rows {
		fmt.Fprintf(a.stdout, "%-14s %6d %6d   %.4f → %.4f   %.4f → %.4f   %.4f → %.4f\n", r.Topic, r.Learn, r.Test, r.OffMAP, r.OnMAP, r.OffP10, r.OnP10, r.OffNDCG10, r.OnNDCG10)
	}
	return nil
}

// feedbackJSON is the --json shape of p2pir eval --feedback.
type feedbackJSON struct {
	evalJSON
	Feedback             string  `json:"feedback"`
	Judged               int     `json:"judged"`
	ResidualQueries      int     `json:"residual_queries"`
	BaselineResidualMAP  float64 `json:"baseline_residual_map"`
	BaselineResidualP10  float64 `json:"baseline_residual_p_10"`
	FeedbackResidualMAP  float64 `json:"feedback_residual_map"`
	FeedbackResidualP10  float64 `json:"feedback_residual_p_10"`
	FeedbackResidualNDCG float64 `json:"feedback_residual_ndcg_cut_10"`
}

func runFeedbackEval(cmd *cobra.Command, a *app, ix *index.Index, c *eval.Collection, opts eval.FeedbackOptions, asJSON bool, runFile, baseRunFile, qrelsFile, tag string) error {
	ctx := cmd.Context()
	out, err := eval.RunFeedback(ctx, ix, c, opts)
	if err != nil {
		return err
	}
	for _, id := range out.Skipped {
		fmt.Fprintf(a.stderr, "p2pir: eval: query %s has no searchable words; it retrieves nothing\n", id)
	}
	full, _, err := eval.Evaluate(out.BaseRun, c.Qrels.WithRelevant(1))
	if err != nil {
		return err
	}
	writes := []struct {
		path  string
		write func(io.Writer) error
	}{
		{runFile, func(w io.Writer) error { return eval.WriteRun(w, tag+"-"+opts.Reform.Method, out.FeedbackRun) }},
		{baseRunFile, func(w io.Writer) error { return eval.WriteRun(w, tag, out.BaseRun) }},
		{qrelsFile, func(w io.Writer) error { return eval.WriteQrels(w, out.ResidualQrels) }},
	}
	for _, wr := range writes {
		if wr.path != "" {
			if err := writeFileAtomic(wr.path, wr.write); err != nil {
				return err
			}
		}
	}
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(feedbackJSON{
			evalJSON: evalJSON{Collection: c.Name, Docs: len(c.Docs), Queries: full.NumQ,
				MAP: full.MAP, P10: full.P10, NDCG10: full.NDCG10, RPrec: full.RPrec, Recall100: full.Recall100},
			Feedback: opts.Reform.Method, Judged: opts.Judged, ResidualQueries: out.Feedback.NumQ,
			BaselineResidualMAP: out.Base.MAP, BaselineResidualP10: out.Base.P10,
			FeedbackResidualMAP: out.Feedback.MAP, FeedbackResidualP10: out.Feedback.P10, FeedbackResidualNDCG: out.Feedback.NDCG10,
		})
	}
	fmt.Fprintf(a.stdout, "collection   %s (%d docs), feedback %s on the top %d, residual collection (%d queries)\n",
		c.Name, len(c.Docs), opts.Reform.Method, opts.Judged, out.Feedback.NumQ)
	printComparison(a.stdout, "round 0", "round 1", "map", out.Base, out.Feedback)
	return nil
}

// tempIndex opens an index in a new temporary folder; cleanup closes it
// and removes the folder.
func tempIndex() (dir string, ix *index.Index, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "p2pir-eval-")
	if err != nil {
		return "", nil, nil, fmt.Errorf("eval: temporary index: %w", err)
	}
	ix, err = index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, nil, err
	}
	return dir, ix, func() { ix.Close(); os.RemoveAll(dir) }, nil
}

// printComparison prints two summaries side by side.
func printComparison(w io.Writer, left, right, mapLabel string, l, r eval.Summary) {
	fmt.Fprintf(w, "%-14s%-14s%s\n", "", left, right)
	for _, row := range []struct {
		name string
		l, r float64
	}{{mapLabel, l.MAP, r.MAP}, {"P_10", l.P10, r.P10}, {"ndcg_cut_10", l.NDCG10, r.NDCG10}} {
		fmt.Fprintf(w, "%-14s%-14.4f%.4f\n", row.name, row.l, row.r)
	}
}

// evalJSON is the --json shape of p2pir eval.
type evalJSON struct {
	Collection string  `json:"collection"`
	Docs       int     `json:"docs"`
	Queries    int     `json:"queries"`
	MAP        float64 `json:"map"`
	P10        float64 `json:"p_10"`
	NDCG10     float64 `json:"ndcg_cut_10"`
	RPrec      float64 `json:"r_prec"`
	Recall100  float64 `json:"recall_100"`
}

func writeEvalJSON(w io.Writer, c *eval.Collection, s eval.Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(evalJSON{
		Collection: c.Name, Docs: len(c.Docs), Queries: s.NumQ,
		MAP: s.MAP, P10: s.P10, NDCG10: s.NDCG10, RPrec: s.RPrec, Recall100: s.Recall100,
	})
}

// writeFileAtomic writes through a temporary file and renames it into
// place, so a crash never leaves a half-written file under the final name.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
