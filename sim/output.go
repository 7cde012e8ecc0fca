package sim

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Write writes results.csv, summary.md and the PNG plots (see WritePlots)
// into dir, creating it.
func Write(dir string, res *Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	for _, f := range []struct {
		name  string
		write func(io.Writer, *Results) error
	}{{"results.csv", WriteCSV}, {"summary.md", WriteSummary}} {
		if err := writeFile(filepath.Join(dir, f.name), func(w io.Writer) error { return f.write(w, res) }); err != nil {
			return err
		}
	}
	return WritePlots(dir, res)
}

func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteCSV writes one row per strategy × round × metric, with the header
// "strategy,round,metric,value", sorted by strategy, round and metric;
// values are written with the fewest digits that read back exactly.
func WriteCSV(w io.Writer, res *Results) error {
	rows := slices.Clone(res.Rows)
	SortRows(rows)
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"strategy", "round", "metric", "value"}); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write([]string{r.Strategy, strconv.Itoa(r.Round), r.Metric, strconv.FormatFloat(r.Value, 'g', -1, 64)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// value returns a row's value and whether it exists.
func (res *Results) value(strategy string, round int, metric string) (float64, bool) {
	for _, r := range res.Rows {
		if r.Strategy == strategy && r.Round == round && r.Metric == metric {
			return r.Value, true
		}
	}
	return 0, false
}

// WriteSummary writes Markdown tables ready for the README: final-round
// quality per strategy with the ratio to the central index, cost per
// query, clustering per round, recommendation per round, and the
// configuration.
func WriteSummary(w io.Writer, res *Results) error {
	var b strings.Builder
	cfg := res.Config
	last := cfg.Rounds
	num := func(s string, round int, m string, digits int) string {
		v, ok := res.value(s, round, m)
		if !ok {
			return "–"
		}
		return strconv.FormatFloat(v, 'f', digits, 64)
	}
	fmt.Fprintf(&b, "# p2pir sim: %d nodes, %d rounds, %s placement\n\n", cfg.Nodes, cfg.Rounds, cfg.Placement)
	var doms []string
	for i, d := range res.Domains {
		doms = append(doms, fmt.Sprintf("%s (%d nodes)", d, res.NodesPerDomain[i]))
	}
	fmt.Fprintf(&b, "Domains: %s. Mode: %s. Seed: %d.\n\n", strings.Join(doms, ", "), cfg.Mode, cfg.Seed)

	fmt.Fprintf(&b, "## Quality after round %d (held-out queries)\n\n", last)
	b.WriteString("| strategy | nDCG@10 | MAP | recall@10 | recall@100 | nDCG@10 / central | MAP / central |\n|---|---|---|---|---|---|---|\n")
	for _, s := range cfg.Strategies {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s |\n", s, num(s, last, MetricNDCG10, 4), num(s, last, MetricMAP, 4),
			num(s, last, MetricRecall10, 4), num(s, last, MetricRecall100, 4), num(s, last, MetricNDCGRatio, 3), num(s, last, MetricMAPRatio, 3))
	}
	fmt.Fprintf(&b, "\n## Cost per query (round %d)\n\n", last)
	b.WriteString("| strategy | peers contacted | messages | bytes | queries reaching another domain | latency p50 (ms) | p95 (ms) | p99 (ms) |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range cfg.Strategies {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", s, num(s, last, MetricPeers, 2), num(s, last, MetricMessages, 2),
			num(s, last, MetricBytes, 0), num(s, last, MetricOffDomain, 3), num(s, last, MetricLatencyP50, 2), num(s, last, MetricLatencyP95, 2), num(s, last, MetricLatencyP99, 2))
	}
	b.WriteString("\n## Clustering of the nodes against their domains\n\n| round | purity | NMI | nodes knowing every member | summaries known |\n|---|---|---|---|---|\n")
	for r := 0; r <= last; r++ {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", r, num("clusters", r, MetricPurity, 3), num("clusters", r, MetricNMI, 3), num("clusters", r, MetricMembership, 3), num("clusters", r, MetricSummaries, 3))
	}
	fmt.Fprintf(&b, "\nClusters stable from round %s; membership complete from round %s (-1: never).\n",
		num("clusters", last, MetricClustersConv, 0), num("clusters", last, MetricMembersConv, 0))
	pk, rk := fmt.Sprintf("p_at_%d", cfg.K), fmt.Sprintf("recall_at_%d", cfg.K)
	fmt.Fprintf(&b, "\n## Recommendation\n\n| round | P@%d | recall@%d | popularity P@%d | popularity recall@%d | random P@%d | random recall@%d |\n|---|---|---|---|---|---|---|\n",
		cfg.K, cfg.K, cfg.K, cfg.K, cfg.K, cfg.K)
	for r := 0; r <= last; r++ {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s |\n", r, num("recommend", r, pk, 3), num("recommend", r, rk, 3),
			num("popularity", r, pk, 3), num("popularity", r, rk, 3), num("random", r, pk, 3), num("random", r, rk, 3))
	}
	fmt.Fprintf(&b, "\nMessages in the traces: %d; carried by the network: %d. Bytes in the traces: %d; carried: %d.\n",
		res.TraceMessages, res.Carried.Messages, res.TraceBytes, res.Carried.Bytes)
	if mb, ok := res.value("trust", last, MetricMarkedBefore); ok {
		ma, _ := res.value("trust", last, MetricMarkedAfter)
		ob, _ := res.value("trust", last, MetricOtherBefore)
		oa, _ := res.value("trust", last, MetricOtherAfter)
		fmt.Fprintf(&b, "\nTrust probe: one \"not interested\" mark on a result one peer found moved that peer's weight %.4f → %.4f and another answering peer's %.4f → %.4f.\n", mb, ma, ob, oa)
	}
	if err := res.Check(); err != nil {
		fmt.Fprintf(&b, "\n**Invariant checks failed:**\n\n")
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(&b, "- %s\n", line)
		}
	} else if !cfg.pooled() {
		b.WriteString("\nInvariant checks passed (central index on top, local search silent, traces match the traffic, no call unanswered).\n")
	} else {
		b.WriteString("\nInvariant checks passed (local search silent, traces match the traffic, no call unanswered).\n")
	}
	if above := res.AboveCentral(); cfg.pooled() && len(above) > 0 {
		b.WriteString("\nAbove the central index (pooled statistics: a network that asks only the nodes able to answer leaves out off-topic documents the central index ranks high):\n\n")
		for _, a := range above {
			fmt.Fprintf(&b, "- %s\n", a)
		}
	}
	b.WriteString("\n## Configuration\n\n```toml\n")
	b.WriteString(ConfigTOML(cfg))
	b.WriteString("```\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// ConfigTOML renders a configuration as the TOML LoadConfig reads.
func ConfigTOML(c Config) string {
	var b strings.Builder
	q := strconv.Quote
	fmt.Fprintf(&b, "nodes = %d\nrounds = %d\nseed = %d\nmode = %s\nplacement = %s\nreplication = %d\n", c.Nodes, c.Rounds, c.Seed, q(c.Mode), q(c.Placement), c.Replication)
	var ss []string
	for _, s := range c.Strategies {
		ss = append(ss, q(s))
	}
	fmt.Fprintf(&b, "strategies = [%s]\n", strings.Join(ss, ", "))
	fmt.Fprintf(&b, "two_domain_share = %g\ntest_share = %g\ntrain_queries = %d\ntest_queries = %d\ntrain_strategy = %s\n", c.TwoDomainShare, c.TestShare, c.TrainQueries, c.TestQueries, q(c.TrainStrategy))
	fmt.Fprintf(&b, "judge_depth = %d\nnoise = %g\nk = %d\ndepth = %d\nttl = %d\nwalk_hops = %d\nwalkers = %d\nfan_out = %d\noverlay_degree = %d\npeer_timeout_ms = %d\n",
		c.JudgeDepth, c.Noise, c.K, c.Depth, c.TTL, c.WalkHops, c.Walkers, c.FanOut, c.OverlayDegree, c.PeerTimeoutMS)
	fmt.Fprintf(&b, "gossip_rounds = %d\nscoring = %s\n", c.GossipRounds, q(c.Scoring))
	for _, col := range c.Collections {
		fmt.Fprintf(&b, "\n[[collections]]\npath = %s\n", q(col.Path))
		if col.Domain != "" {
			fmt.Fprintf(&b, "domain = %s\n", q(col.Domain))
		}
	}
	return b.String()
}
