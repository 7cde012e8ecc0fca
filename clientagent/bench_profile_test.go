package clientagent_test

import (
	"context"
	"fmt"
	"github.com/p2pir/p2pir/internal/testenv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// profileMarks is the size of the profile BenchmarkSearchWithProfile
// builds: profileQueries searches with every shown result marked.
const (
	profileQueries = 20
	profileMarks   = 200
)

// BenchmarkSearchWithProfile measures what the user model costs a search:
// an index of real text (CISI), a person who made profileMarks marks on
// real documents (the top three results of each of profileQueries short
// queries marked interested, the rest not), then the same short queries
// again, each searched with the profile and with NoProfile in the same
// iteration. Searching a query that was marked before is the user model's
// heaviest case: its marks reformulate the query (expansion terms), its
// rejections filter the results and every candidate is re-ranked.
//
// Two shapes of document: "abstracts" indexes CISI's abstracts as they are
// (about 1 KiB each); "files" joins every 25 consecutive abstracts into one
// document (about 30 KiB), the size of a desktop text file, where reading
// each candidate's terms costs most.
//
// Metrics: the median latency of each kind of search, their ratio
// (profile-ms-p50 / noprofile-ms-p50) and their difference
// (profile-extra-ms: what the user model's own work costs a search); for
// reference, noprofile-candidates-ms-p50 is a search without the profile
// showing as many results as the profile re-ranks (Config.Candidates).
// This is the agent alone, without HTTP: the bar of at most twice the
// search without the profile is read end to end, through the search API,
// by node's BenchmarkSearchAPIWithProfile. Here the ratio grows whenever
// the search without the profile gets faster, whatever the profile costs,
// so the difference is the figure to compare between versions.
//
// P2PIR_BENCH_EXPANSION_TERMS=N sets the reformulation's expansion terms
// (usermodel.ReformConfig.ExpansionTerms) instead of the default, to
// measure what each expansion term costs (the sweep in
// docs/BENCHMARKS.md); only this benchmark reads it.
//
// P2PIR_BENCH_ONLY=profile issues only the searches with the profile,
// P2PIR_BENCH_ONLY=noprofile only those without it (showing K results),
// so that -cpuprofile and -benchmem show one path alone; the ratio and
// the other kinds' medians are then not reported.
func BenchmarkSearchWithProfile(b *testing.B) {
	root := testenv.DataDir(b)
	cfg := clientagent.DefaultConfig()
	if v := os.Getenv("P2PIR_BENCH_EXPANSION_TERMS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("P2PIR_BENCH_EXPANSION_TERMS is %q; want a whole number of expansion terms, at least 1", v)
		}
		cfg.Reform.ExpansionTerms = n
	}
	only := os.Getenv("P2PIR_BENCH_ONLY")
	if only != "" && only != "profile" && only != "noprofile" {
		b.Fatalf("P2PIR_BENCH_ONLY is %q; want profile, noprofile or nothing", only)
	}
	c, err := eval.Load(filepath.Join(root, "cisi"))
	if err != nil {
		b.Fatalf("load CISI: %v", err)
	}
	for _, shape := range []struct {
		name  string
		group int
	}{{"abstracts", 1}, {"files", 25}} {
		b.Run(shape.name, func(b *testing.B) {
			ctx := context.Background()
			ag, queries := profiledAgent(b, c, shape.group, cfg)
			// wide: NoProfile showing as many results as the user model
			// re-ranks, for reference: what retrieving the candidates
			// costs before any user-model work.
			wideK := clientagent.DefaultConfig().Candidates
			var with, without, wide []time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				q := queries[i%len(queries)]
				reqs := []clientagent.Request{{Query: q}, {Query: q, NoProfile: true}, {Query: q, NoProfile: true, K: wideK}}
				switch only {
				case "profile":
					reqs = reqs[:1]
				case "noprofile":
					reqs = reqs[1:2]
				}
				for _, req := range reqs {
					start := time.Now()
					resp, err := ag.Search(ctx, req)
					took := time.Since(start)
					if err != nil {
						b.Fatalf("search %q: %v", q, err)
					}
					switch {
					case !req.NoProfile:
						with = append(with, took)
						if len(resp.Expanded) == 0 {
							b.Fatalf("search %q: the profile did not reformulate a query it has marks for", q)
						}
					case req.K == 0:
						without = append(without, took)
					default:
						wide = append(wide, took)
					}
				}
			}
			b.StopTimer()
			switch only {
			case "profile":
				b.ReportMetric(medianMS(with), "profile-ms-p50")
				return
			case "noprofile":
				b.ReportMetric(medianMS(without), "noprofile-ms-p50")
				return
			}
			pw, pn := medianMS(with), medianMS(without)
			b.ReportMetric(pw, "profile-ms-p50")
			b.ReportMetric(pn, "noprofile-ms-p50")
			b.ReportMetric(medianMS(wide), "noprofile-candidates-ms-p50")
			b.ReportMetric(pw/pn, "ratio")
			b.ReportMetric(pw-pn, "profile-extra-ms")
		})
	}
}

// profiledAgent indexes c's documents (group consecutive documents joined
// into one) and returns an agent configured by cfg whose person made
// profileMarks marks, with the short queries they were made for.
func profiledAgent(b *testing.B, c *eval.Collection, group int, cfg clientagent.Config) (*clientagent.Agent, []string) {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	var docs []index.Document
	for start := 0; start < len(c.Docs); start += group {
		var sb strings.Builder
		end := min(start+group, len(c.Docs))
		for _, d := range c.Docs[start:end] {
			sb.WriteString(d.Title + "\n" + d.Text + "\n\n")
		}
		id := fmt.Sprintf("file:///home/person/cisi/%05d.txt", start)
		docs = append(docs, index.Document{ID: id, URL: id, Title: c.Docs[start].Title, Body: sb.String(), Source: index.SourceFile})
	}
	if err := ix.Index(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if err := ix.Compact(ctx); err != nil {
		b.Fatal(err)
	}
	st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ag, err := clientagent.New(ix, st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	// Short queries, as people type them: the first three terms of a
	// CISI request.
	var queries []string
	marks := 0
	for _, q := range c.Queries {
		if len(queries) == profileQueries {
			break
		}
		terms := ix.Analyze(q.Text)
		if len(terms) < 3 {
			continue
		}
		text := strings.Join(terms[:3], " ")
		resp, err := ag.Search(ctx, clientagent.Request{Query: text, NoProfile: true})
		if err != nil {
			b.Fatalf("search %q: %v", text, err)
		}
		if len(resp.Results) < profileMarks/profileQueries {
			continue
		}
		queries = append(queries, text)
		for i, r := range resp.Results[:profileMarks/profileQueries] {
			if _, _, err := ag.Mark(ctx, resp.QueryID, r.URL, i < 3); err != nil {
				b.Fatalf("mark %s: %v", r.URL, err)
			}
			marks++
		}
	}
	if marks != profileMarks {
		b.Fatalf("made %d marks, want %d", marks, profileMarks)
	}
	return ag, queries
}

// medianMS returns the median of ds in milliseconds.
func medianMS(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Microseconds()) / 1000
}
