package sim

import (
	"context"
	"fmt"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/p2pir/p2pir/eval"
)

func TestFeasibility(t *testing.T) {
	if os.Getenv("FEAS") == "" {
		t.Skip("FEAS unset")
	}
	ctx := context.Background()
	cfg, err := LoadConfig("../docs/sim.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Nodes = 100
	if os.Getenv("FEAS_RANDOM") != "" {
		cfg.Placement = PlacementRandom
	}
	cfg, err = cfg.Resolve()
	if err != nil {
		t.Fatal(err)
	}
	domains, err := LoadDomains(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := Place(ctx, domains, cfg.Nodes, cfg.Placement, cfg.Replication, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	c, err := newCentral(ctx, domains)
	if err != nil {
		t.Fatal(err)
	}
	defer c.close()
	owner := map[string]int{}
	for n, docs := range pl.NodeDocs {
		for _, d := range docs {
			owner[domains[pl.NodeDomain[n]].Docs[d].URL] = n
		}
	}
	// term vectors
	tv := map[string]map[string]int{}
	dl := map[string]int{}
	var total int
	df := map[string]int{}
	for u := range owner {
		v, err := c.ix.TermVector(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		tv[u] = v
		for tm, f := range v {
			dl[u] += f
			df[tm]++
		}
		total += dl[u]
	}
	N := float64(len(owner))
	avgdl := float64(total) / N
	k1, b := 1.2, 0.75
	idf := func(tm string) float64 {
		r := (N - float64(df[tm]) + 0.5) / (float64(df[tm]) + 0.5)
		if r < 2 {
			r = 1 + r/2
		}
		return math.Log(r)
	}
	// per node summaries
	maxImp := make([]map[string]float64, cfg.Nodes)
	ndf := make([]map[string]int, cfg.Nodes)
	nlen := make([]int, cfg.Nodes)
	for n := range maxImp {
		maxImp[n], ndf[n] = map[string]float64{}, map[string]int{}
	}
	for u, n := range owner {
		for tm, f := range tv[u] {
			s := float64(f) * (k1 + 1) / (float64(f) + k1*(1-b+b*float64(dl[u])/avgdl))
			maxImp[n][tm] = math.Max(maxImp[n][tm], s)
			ndf[n][tm]++
		}
		nlen[n] += dl[u]
	}
	people := NewPeople(domains, pl.NodeDomain, 0, cfg.TestQueries, cfg.Seed)
	selectors := []string{"oracle", "maximp", "cori", "dfsum", "local-only", "top2sum"}
	budgets := []int{1, 3, 5, 8}
	runs := map[string]eval.Run{"central": {}}
	peersUsed, peersN := map[string]float64{}, map[string]float64{}
	qrels := eval.Qrels{}
	for _, p := range people {
		for _, q := range p.Test {
			sq := domains[q.Domain].Test[q.Index]
			qid := fmt.Sprintf("n%d.%s", p.Node, sq.ID)
			qrels[qid] = sq.Relevant
			res, err := c.ix.PlainQuery(sq.Text)
			if err != nil {
				continue
			}
			hits, err := searchIDs(ctx, c.ix, res, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var cr []eval.Result
			for i, h := range hits {
				cr = append(cr, eval.Result{DocNo: h.ID, Score: float64(len(hits) - i)})
			}
			runs["central"][qid] = cr
			qterms := map[string]float64{}
			for _, wt := range res.Terms {
				qterms[wt.Term] += wt.Weight
			}
			for _, sel := range selectors {
				scores := make([]float64, cfg.Nodes)
				for n := range scores {
					switch sel {
					case "oracle":
						// DCG gain of its docs in central top 10
						for i, h := range hits {
							if i >= 10 {
								break
							}
							if owner[h.ID] == n && sq.Relevant[h.ID] > 0 {
								scores[n] += 1 / math.Log2(float64(i+2))
							}
						}
					case "maximp":
						for tm, w := range qterms {
							scores[n] += w * idf(tm) * maxImp[n][tm]
						}
					case "top2sum":
						// upper bound of a doc: max, plus count of terms present
						for tm, w := range qterms {
							if ndf[n][tm] > 0 {
								scores[n] += w * idf(tm) * (maxImp[n][tm] + 0.2*math.Log1p(float64(ndf[n][tm])))
							}
						}
					case "cori":
						// CORI: T = df/(df+50+150*cw/avgcw), I = log((C+0.5)/cf)/log(C+1)
						var avgcw float64
						for _, l := range nlen {
							avgcw += float64(l)
						}
						avgcw /= float64(cfg.Nodes)
						for tm, w := range qterms {
							d := float64(ndf[n][tm])
							cf := 0.0
							for m := range ndf {
								if ndf[m][tm] > 0 {
									cf++
								}
							}
							if cf == 0 {
								continue
							}
							T := d / (d + 50 + 150*float64(nlen[n])/avgcw)
							I := math.Log((float64(cfg.Nodes)+0.5)/cf) / math.Log(float64(cfg.Nodes)+1)
							scores[n] += w * (0.4 + 0.6*T*I)
						}
					case "dfsum":
						for tm, w := range qterms {
							scores[n] += w * idf(tm) * math.Log1p(float64(ndf[n][tm]))
						}
					}
				}
				order := make([]int, 0, cfg.Nodes)
				for n := range scores {
					if n != p.Node {
						order = append(order, n)
					}
				}
				sort.SliceStable(order, func(i, j int) bool { return scores[order[i]] > scores[order[j]] })
				if sel == "maximp" {
					for _, tau := range []float64{0.3, 0.5, 0.6, 0.7, 0.8} {
						set := map[int]bool{p.Node: true}
						for i, n := range order[:5] {
							if i == 0 || scores[n] >= tau*scores[order[0]] {
								set[n] = true
							}
						}
						name := fmt.Sprintf("tau%.1f", tau)
						peersUsed[name] += float64(len(set) - 1)
						peersN[name]++
						if runs[name] == nil {
							runs[name] = eval.Run{}
						}
						var r []eval.Result
						for i, h := range hits {
							if set[owner[h.ID]] {
								r = append(r, eval.Result{DocNo: h.ID, Score: float64(len(hits) - i)})
							}
						}
						runs[name][qid] = r
					}
				}
				for _, bud := range budgets {
					set := map[int]bool{p.Node: true}
					if sel != "local-only" {
						for _, n := range order[:bud] {
							set[n] = true
						}
					}
					name := fmt.Sprintf("%s@%d", sel, bud)
					if runs[name] == nil {
						runs[name] = eval.Run{}
					}
					var r []eval.Result
					for i, h := range hits {
						if set[owner[h.ID]] {
							r = append(r, eval.Result{DocNo: h.ID, Score: float64(len(hits) - i)})
						}
					}
					runs[name][qid] = r
				}
			}
		}
	}
	cs, _, _ := eval.Config{Complete: true}.Evaluate(runs["central"], qrels)
	names := make([]string, 0, len(runs))
	for n := range runs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s, _, err := eval.Config{Complete: true}.Evaluate(runs[n], qrels)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("%-16s nDCG@10 %.4f (%.3f of central)  MAP %.4f  R@100 %.4f peers %.2f\n", n, s.NDCG10, s.NDCG10/cs.NDCG10, s.MAP, s.Recall100, peersUsed[n]/max(peersN[n], 1))
	}
}
