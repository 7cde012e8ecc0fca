package clientagent_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"github.com/p2pir/p2pir/internal/testenv"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/metasearch"
	"github.com/p2pir/p2pir/usermodel"
)

// mergeDepth is how deep the merge experiment ranks: engines return at
// most metasearch.MaxCount results per request.
const mergeDepth = metasearch.MaxCount

// docURL is the URL under which the split engines publish document no.
func docURL(no string) string { return "http://docs.test/" + no }

// searxngServer serves ix's results as SearXNG's JSON (/search?q=..&format=json).
func searxngServer(tb testing.TB, ix *index.Index, name string) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits := serveQuery(ix, r.URL.Query().Get("q"))
		type res struct {
			URL       string   `json:"url"`
			Title     string   `json:"title"`
			Content   string   `json:"content"`
			Engine    string   `json:"engine"`
			Engines   []string `json:"engines"`
			Positions []int    `json:"positions"`
			Score     float64  `json:"score"`
			Category  string   `json:"category"`
		}
		out := struct {
			Query   string `json:"query"`
			Number  int    `json:"number_of_results"`
			Results []res  `json:"results"`
			Answers []any  `json:"answers"`
			Unresp  []any  `json:"unresponsive_engines"`
		}{Query: r.URL.Query().Get("q"), Number: len(hits), Answers: []any{}, Unresp: []any{}}
		for i, h := range hits {
			out.Results = append(out.Results, res{docURL(h.ID), h.Title, h.Snippet.Text, name, []string{name}, []int{i + 1}, h.Score, "general"})
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}))
}

// rssServer serves ix's results as OpenSearch 1.1 RSS (/rss?q={searchTerms}&n={count}).
func rssServer(tb testing.TB, ix *index.Index) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits := serveQuery(ix, r.URL.Query().Get("q"))
		type item struct {
			Title       string `xml:"title"`
			Link        string `xml:"link"`
			Description string `xml:"description"`
		}
		type channel struct {
			Title string `xml:"title"`
			Total int    `xml:"http://a9.com/-/spec/opensearch/1.1/ totalResults"`
			Items []item `xml:"item"`
		}
		out := struct {
			XMLName xml.Name `xml:"rss"`
			Version string   `xml:"version,attr"`
			Channel channel  `xml:"channel"`
		}{Version: "2.0", Channel: channel{Title: "split", Total: len(hits)}}
		for _, h := range hits {
			out.Channel.Items = append(out.Channel.Items, item{h.Title, docURL(h.ID), h.Snippet.Text})
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(xml.Header))
		xml.NewEncoder(w).Encode(out)
	}))
}

func serveQuery(ix *index.Index, q string) []index.Hit {
	pq, err := ix.PlainQuery(q)
	if err != nil {
		return nil
	}
	res, err := ix.Search(context.Background(), pq, index.SearchOptions{K: mergeDepth})
	if err != nil {
		return nil
	}
	return res.Hits
}

// BenchmarkMergeSplitCollection is the merge-quality experiment: a
// collection split into three disjoint thirds, each served by its own
// index behind a real HTTP engine on loopback (two speaking SearXNG's
// JSON, one OpenSearch RSS, queried through package metasearch), the three
// answers fused; compared in the same run with one index over everything,
// all at depth 100. Metrics: MAP of each method and its ratio to the
// single index.
//
// Two splits: "disjoint" puts document i in third i mod 3; "overlap" also
// in third (i+1) mod 3, as real engines overlap. On disjoint lists RRF
// and round-robin order the same ranks the same way (only ties and mirror
// collapsing differ); overlap is where fusion has evidence to combine.
//
// Each split then runs mergeWithProfile: RRF through the client agent
// with the user model off and on (a profile from marks on other queries),
// map-rrf-noprofile against map-rrf-profile and their ratio.
func BenchmarkMergeSplitCollection(b *testing.B) {
	root := testenv.DataDir(b)
	for _, sc := range []struct {
		name, split string
	}{{"cranfield", "disjoint"}, {"cisi", "disjoint"}, {"cranfield", "overlap"}, {"cisi", "overlap"}} {
		name := sc.name
		b.Run(sc.name+"-"+sc.split, func(b *testing.B) {
			c, err := eval.Load(filepath.Join(root, name))
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			qrels := c.Qrels.WithRelevant(1)
			full := openIndex(b, c.Docs)
			parts := make([]*index.Index, 3)
			for p := range parts {
				var docs []eval.Doc
				for i, d := range c.Docs {
					if i%3 == p || (sc.split == "overlap" && (i+1)%3 == p) {
						docs = append(docs, d)
					}
				}
				parts[p] = openIndex(b, docs)
			}
			s0, s1, s2 := searxngServer(b, parts[0], "third0"), searxngServer(b, parts[1], "third1"), rssServer(b, parts[2])
			defer s0.Close()
			defer s1.Close()
			defer s2.Close()
			e0, _ := metasearch.NewSearXNG("third0", s0.URL, metasearch.Options{})
			e1, _ := metasearch.NewSearXNG("third1", s1.URL, metasearch.Options{})
			e2, err := metasearch.NewOpenSearch("third2", s2.URL+"/rss?q={searchTerms}&n={count}", metasearch.Options{})
			if err != nil {
				b.Fatal(err)
			}
			engines := []metasearch.Engine{e0, e1, e2}
			methods := []string{clientagent.MergeRRF, clientagent.MergeCombMNZ, clientagent.MergeCombSUM, clientagent.MergeRoundRobin}
			runs := map[string]eval.Run{"single": {}}
			for _, m := range methods {
				runs[m] = eval.Run{}
			}
			var fanout []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, q := range c.Queries {
					pq, err := full.PlainQuery(q.Text)
					if err != nil {
						continue
					}
					rs, err := eval.SearchOne(ctx, full, pq, mergeDepth)
					if err != nil {
						b.Fatal(err)
					}
					runs["single"][q.ID] = rs
					start := time.Now()
					lists := make([]clientagent.SourceHits, len(engines))
					errs := make([]error, len(engines))
					var wg sync.WaitGroup
					for j, e := range engines {
						wg.Go(func() {
							hits, err := clientagent.EngineSource{Engine: e}.Search(ctx, &clientagent.SourceQuery{Text: q.Text, K: mergeDepth})
							lists[j], errs[j] = clientagent.SourceHits{Source: e.Name(), Weight: 1, Hits: hits}, err
						})
					}
					wg.Wait()
					fanout = append(fanout, time.Since(start))
					for j, err := range errs {
						if err != nil {
							b.Fatalf("%s: %v", engines[j].Name(), err)
						}
					}
					for _, m := range methods {
						merged, err := clientagent.Merge(m, lists)
						if err != nil {
							b.Fatal(err)
						}
						run := make([]eval.Result, 0, mergeDepth)
						for j, h := range merged {
							if j == mergeDepth {
								break
							}
							run = append(run, eval.Result{DocNo: h.URL[len(docURL("")):], Score: float64(len(merged) - j)})
						}
						runs[m][q.ID] = run
					}
				}
			}
			b.StopTimer()
			single, _, err := eval.Evaluate(runs["single"], qrels)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(single.MAP, "map-single")
			for _, m := range methods {
				s, _, err := eval.Evaluate(runs[m], qrels)
				if err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(s.MAP, "map-"+m)
				b.ReportMetric(s.MAP/single.MAP, "ratio-"+m)
			}
			slices.Sort(fanout)
			b.ReportMetric(float64(fanout[len(fanout)/2].Microseconds())/1000, "3-engine-ms-p50")

			off, on, tested := mergeWithProfile(b, c, full, engines, qrels)
			// The same queries fused directly, with equal weights: the agent
			// also weighs the engines by what the marks taught.
			direct, _, err := eval.Evaluate(runs[clientagent.MergeRRF], tested)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(direct.MAP, "map-rrf-tested")
			b.ReportMetric(off.MAP, "map-rrf-noprofile")
			b.ReportMetric(on.MAP, "map-rrf-profile")
			b.ReportMetric(on.MAP/off.MAP, "ratio-profile")
		})
	}
}

// mergeWithProfile is the merge experiment through the client agent with
// and without a profile built from marks on other queries: a person asks
// the three engines (not the local index, which only gives the statistics
// of the results' vectors) the even-numbered queries with the user model
// on and marks the top 10 by the judgments; the odd-numbered queries are
// then fused by RRF at depth 100 with the model off and on. Both are
// scored on the odd-numbered queries, which it returns with their
// judgments.
func mergeWithProfile(b *testing.B, c *eval.Collection, stats *index.Index, engines []metasearch.Engine, qrels eval.Qrels) (off, on eval.Summary, tested eval.Qrels) {
	b.Helper()
	ctx := context.Background()
	st, err := usermodel.OpenStore(filepath.Join(b.TempDir(), "state.db"), usermodel.DefaultStoreOptions())
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	cfg := clientagent.DefaultConfig()
	cfg.K, cfg.Candidates = mergeDepth, mergeDepth
	ag, err := clientagent.New(stats, st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	for _, e := range engines {
		names = append(names, e.Name())
		if err := ag.AddSource(e.Name(), clientagent.EngineSource{Engine: e}, clientagent.SourceOptions{Timeout: time.Minute}); err != nil {
			b.Fatal(err)
		}
	}
	docNo := func(url string) string { return url[len(docURL("")):] }
	runs := map[bool]eval.Run{false: {}, true: {}}
	tested = eval.Qrels{}
	for i, q := range c.Queries {
		if len(qrels[q.ID]) == 0 {
			continue
		}
		if i%2 == 0 {
			resp, err := ag.Search(ctx, clientagent.Request{Query: q.Text, K: 10, Sources: names})
			if err != nil {
				continue // nothing searchable in the text
			}
			for _, r := range resp.Results {
				if _, _, err := ag.Mark(ctx, resp.QueryID, r.URL, qrels[q.ID][docNo(r.URL)] >= 1); err != nil {
					b.Fatal(err)
				}
			}
			continue
		}
		for _, noProfile := range []bool{true, false} {
			resp, err := ag.Search(ctx, clientagent.Request{Query: q.Text, K: mergeDepth, NoProfile: noProfile, Sources: names})
			if err != nil {
				break
			}
			if len(resp.Unresponsive) > 0 {
				b.Fatalf("query %s: %v", q.ID, resp.Unresponsive)
			}
			run := make([]eval.Result, 0, len(resp.Results))
			for j, r := range resp.Results {
				run = append(run, eval.Result{DocNo: docNo(r.URL), Score: float64(len(resp.Results) - j)})
			}
			runs[!noProfile][q.ID] = run
			tested[q.ID] = qrels[q.ID]
		}
	}
	if off, _, err = eval.Evaluate(runs[false], tested); err != nil {
		b.Fatal(err)
	}
	if on, _, err = eval.Evaluate(runs[true], tested); err != nil {
		b.Fatal(err)
	}
	return off, on, tested
}

func openIndex(tb testing.TB, docs []eval.Doc) *index.Index {
	tb.Helper()
	ix, err := index.Open(filepath.Join(tb.TempDir(), "ix"), index.DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ix.Close() })
	c := &eval.Collection{Name: "part", Docs: docs}
	if err := eval.IndexCollection(context.Background(), ix, c, nil); err != nil {
		tb.Fatal(err)
	}
	if err := ix.Compact(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return ix
}
