package sim

import (
	"fmt"
	"image/color"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// Plot file names written by WritePlots.
const (
	PlotQualityRound    = "quality_vs_round.png"
	PlotQualityMessages = "quality_vs_messages.png"
	PlotLatencyCDF      = "latency_cdf.png"
	PlotPurityRound     = "purity_vs_round.png"
	PlotRecommendRound  = "recommendation_vs_round.png"
)

// WritePlots draws the PNG plots into dir: nDCG@10 per round per strategy;
// final-round nDCG@10 against messages per query; the final round's
// latency CDF per strategy; cluster purity and NMI per round; and
// recommendation P@k per round against the popularity and random
// baselines.
func WritePlots(dir string, res *Results) error {
	cfg := res.Config
	series := func(strategy, metric string) plotter.XYs {
		var xy plotter.XYs
		for r := 0; r <= cfg.Rounds; r++ {
			if v, ok := res.value(strategy, r, metric); ok {
				xy = append(xy, plotter.XY{X: float64(r), Y: v})
			}
		}
		return xy
	}
	lines := func(title, ylabel string, names []string, data []plotter.XYs) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "round"
		p.X.Tick.Marker = roundTicks(cfg.Rounds)
		p.Y.Label.Text = ylabel
		var args []any
		for i, n := range names {
			if len(data[i]) > 0 {
				args = append(args, n, data[i])
			}
		}
		if err := plotutil.AddLinePoints(p, args...); err != nil {
			return nil, err
		}
		return p, nil
	}
	var plots []struct {
		name string
		p    *plot.Plot
	}
	add := func(name string, p *plot.Plot, err error) error {
		if err != nil {
			return fmt.Errorf("plot %s: %w", name, err)
		}
		plots = append(plots, struct {
			name string
			p    *plot.Plot
		}{name, p})
		return nil
	}

	var q []plotter.XYs
	for _, s := range cfg.Strategies {
		q = append(q, series(s, MetricNDCG10))
	}
	p, err := lines("Quality per round (held-out queries)", "nDCG@10", cfg.Strategies, q)
	if err := add(PlotQualityRound, p, err); err != nil {
		return err
	}

	p = plot.New()
	p.Title.Text = fmt.Sprintf("Quality against cost (round %d)", cfg.Rounds)
	p.X.Label.Text = "messages per query"
	p.Y.Label.Text = "nDCG@10"
	for i, s := range cfg.Strategies {
		m, ok1 := res.value(s, cfg.Rounds, MetricMessages)
		n, ok2 := res.value(s, cfg.Rounds, MetricNDCG10)
		if !ok1 || !ok2 {
			continue
		}
		sc, err := plotter.NewScatter(plotter.XYs{{X: m, Y: n}})
		if err != nil {
			return fmt.Errorf("plot %s: %w", PlotQualityMessages, err)
		}
		sc.Color = plotutil.Color(i)
		sc.Shape = plotutil.Shape(i)
		sc.Radius = vg.Points(4)
		p.Add(sc)
		p.Legend.Add(s, sc)
	}
	pad := (p.X.Max-p.X.Min)*0.05 + 0.5 // keep markers off the frame
	p.X.Min, p.X.Max = p.X.Min-pad, p.X.Max+pad
	if err := add(PlotQualityMessages, p, nil); err != nil {
		return err
	}

	var cdf []plotter.XYs
	for _, s := range cfg.Strategies {
		l := slices.Clone(res.Latencies[s])
		slices.Sort(l)
		var xy plotter.XYs
		for i, v := range l {
			xy = append(xy, plotter.XY{X: v, Y: float64(i+1) / float64(len(l))})
		}
		cdf = append(cdf, xy)
	}
	p, err = lines(fmt.Sprintf("Latency CDF (round %d)", cfg.Rounds), "share of queries", cfg.Strategies, cdf)
	if err == nil {
		p.X.Label.Text = "latency (ms)"
		p.X.Tick.Marker = plot.DefaultTicks{}
	}
	if err := add(PlotLatencyCDF, p, err); err != nil {
		return err
	}

	p, err = lines("Clustering of the nodes against their domains", "score",
		[]string{"purity", "NMI"}, []plotter.XYs{series("clusters", MetricPurity), series("clusters", MetricNMI)})
	if err := add(PlotPurityRound, p, err); err != nil {
		return err
	}

	pk := fmt.Sprintf("p_at_%d", cfg.K)
	p, err = lines("Recommendation per round", fmt.Sprintf("P@%d", cfg.K), []string{"recommend", "popularity", "random"},
		[]plotter.XYs{series("recommend", pk), series("popularity", pk), series("random", pk)})
	if err := add(PlotRecommendRound, p, err); err != nil {
		return err
	}

	for _, pl := range plots {
		pl.p.Legend.Top = true
		pl.p.Add(plotter.NewGrid())
		pl.p.BackgroundColor = color.White
		if err := pl.p.Save(7*vg.Inch, 4.5*vg.Inch, filepath.Join(dir, pl.name)); err != nil {
			return fmt.Errorf("plot %s: %w", pl.name, err)
		}
	}
	return nil
}

// roundTicks labels every round on an axis of rounds 0..rounds, or about
// ten of them when there are many.
func roundTicks(rounds int) plot.ConstantTicks {
	step := max(1, (rounds+9)/10)
	var ticks []plot.Tick
	for r := 0; r <= rounds; r++ {
		t := plot.Tick{Value: float64(r)}
		if r%step == 0 {
			t.Label = strconv.Itoa(r)
		}
		ticks = append(ticks, t)
	}
	return ticks
}
