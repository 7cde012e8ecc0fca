// Command xapian-compare measures the index package against Xapian 1.4 on
// the same text in one run and prints one table with both and the ratios:
// indexing documents per second (and the CPU time per document, which a
// loaded machine does not inflate), and the latency of the search call alone
// at top 10 and top 1000 (p50 and p99).
//
// Corpus: every document of CRAN, CISI, MED, ADI and LISA from the shared
// test collections (title and text, as `p2pir eval` indexes them; another
// set with -collections); queries: the long queries of CRAN, CISI and MED, as plain text (terms weighted by
// how often they occur). Both sides score BM25 with k1 1.2 and b 0.75 and
// stem with the English (Porter2) stemmer; the stop list of our analyser is
// handed to Xapian, which leaves stop words out of the field as ours does.
// By default (-xapian-fields 1) each side writes one positional field, the
// stemmed one, as Xapian is used on its own; ours also writes its stop
// pairs (two stop words in a row, for quoted phrases of stop words only),
// its stored and keyword fields. -xapian-fields 2 has Xapian also write a
// second positional field of every word lower-cased, unstemmed, stop words
// kept: what p2pir's index formats 2 and 3 wrote for exact phrases, and
// the default until format 4 found phrases without it. Our side is Index.Index into a new on-disk index (then
// compacted, untimed) and Index.Search with IDsOnly; Xapian's is
// xapian_side.py: TermGenerator into a new on-disk database, and
// Enquire.get_mset. Each round runs our side and then Xapian's, so noise
// from the shared machine falls on both; the table shows the medians over
// the rounds.
//
// It is not run in CI: run.sh beside this file builds and runs it from the
// repository root, and it exits 0 with a line starting "skipped:" when the
// data or Python's xapian module is absent.
//
// Usage:
//
//	go run ./scripts/xapian-compare [-data DIR] [-rounds 3] [-passes 3] [-xapian-fields 1] [-batch 2048] [-collections a,b,c,...] [-python PATH] [-json] [-corpus-out FILE] [-cpuprofile FILE]
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"

	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
)

// defaultCollections are the shared collections indexed together; the
// queries come from the first three (queryCollections), which must be
// cranfield, cisi and med in some order.
const defaultCollections = "cranfield,cisi,med,adi,lisa"

const queryCollections = 3

// errSkip marks a missing prerequisite: the run is skipped, not failed.
var errSkip = errors.New("skipped")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	switch {
	case errors.Is(err, errSkip):
		fmt.Println(err)
	case err != nil:
		fmt.Fprintln(os.Stderr, "xapian-compare:", err)
		os.Exit(1)
	}
}

// side is one engine's figures for one round.
type side struct {
	Docs          int     `json:"docs"`
	DocsPerSecond float64 `json:"docs_per_second"`
	// IndexCPU is the CPU time the process used per document while it
	// indexed (every thread: ours analyses on every core and merges in
	// the background), in milliseconds: what a loaded machine does not
	// inflate, as it does docs/s.
	IndexCPU float64 `json:"index_cpu_ms_per_doc"`
	// CompactedCPU is IndexCPU with our compaction after the indexing
	// counted too (not in the docs/s, which, like Xapian's, stop when
	// the call returns): bleve may leave merging to it. Ours only.
	CompactedCPU float64 `json:"compacted_cpu_ms_per_doc,omitempty"`
	Queries      int     `json:"queries"`
	Top10        latency `json:"top10"`
	Top1000      latency `json:"top1000"`
	// Top10IDs are the top 10 of every query, for the agreement figure.
	Top10IDs [][]string `json:"top10_ids,omitempty"`
}

// latency is the search call's latency percentiles in milliseconds, and
// the CPU time the process used per search (every thread, the garbage
// collector's included): a figure that waiting for a core on a loaded
// machine does not inflate, as it does the latencies.
type latency struct {
	P50 float64 `json:"p50_ms"`
	P99 float64 `json:"p99_ms"`
	CPU float64 `json:"cpu_ms_per_query"`
}

// corpus is what both sides index and ask, as xapian_side.py reads it.
type corpus struct {
	StopWords []string    `json:"stop_words"`
	Docs      []corpusDoc `json:"docs"`
	Queries   []string    `json:"queries"`
}

type corpusDoc struct {
	ID   string `json:"id"`
	Text string `json:"text"` // title, newline, text: what our index analyses
	doc  index.Document
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("xapian-compare", flag.ContinueOnError)
	dataDir := fs.String("data", defaultDataDir(), "the shared test collections (default $P2PIR_DATA, else ../shared/data)")
	rounds := fs.Int("rounds", 3, "rounds of both sides; the table shows medians")
	passes := fs.Int("passes", 3, "passes over the queries at each depth per round")
	python := fs.String("python", "", "a Python 3 with the xapian module (default: the first of python3 and /usr/bin/python3 that has it)")
	cols := fs.String("collections", defaultCollections, "the collections indexed, comma-separated; the queries are those of the first three")
	asJSON := fs.Bool("json", false, "print every round's figures as JSON after the table")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run (ours and the waits for Xapian) to this file")
	batch := fs.Int("batch", index.DefaultConfig().BatchSize, "our side's Config.BatchSize: documents per bleve batch")
	xfields := fs.Int("xapian-fields", 1, "positional fields Xapian writes: 1, the stemmed one alone (as ours), or 2, also an exact-phrase one (as ours before index format 4)")
	corpusOut := fs.String("corpus-out", "", "also write the corpus as xapian_side.py reads it to this file (to run that script by hand)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rounds < 1 || *passes < 1 {
		return fmt.Errorf("-rounds and -passes must be at least 1 (got %d and %d)", *rounds, *passes)
	}
	if *xfields != 1 && *xfields != 2 {
		return fmt.Errorf("-xapian-fields must be 1 or 2 (got %d)", *xfields)
	}
	if *batch < 1 {
		return fmt.Errorf("-batch must be at least 1 (got %d)", *batch)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("CPU profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("CPU profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	py, err := findPython(ctx, *python)
	if err != nil {
		return err
	}
	collections := strings.Split(*cols, ",")
	if len(collections) < queryCollections {
		return fmt.Errorf("-collections needs at least %d collections (the first %d give the queries), got %q", queryCollections, queryCollections, *cols)
	}
	c, err := loadCorpus(*dataDir, collections)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "xapian-compare-")
	if err != nil {
		return fmt.Errorf("temporary folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	corpusPath := filepath.Join(tmp, "corpus.json")
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encode the corpus for Xapian: %w", err)
	}
	if err := os.WriteFile(corpusPath, raw, 0o600); err != nil {
		return fmt.Errorf("write the corpus for Xapian: %w", err)
	}
	if *corpusOut != "" {
		if err := os.WriteFile(*corpusOut, raw, 0o600); err != nil {
			return fmt.Errorf("write the corpus: %w", err)
		}
	}
	script, err := scriptPath()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d documents (%v), %d queries (long queries of %v), %d rounds of %d passes at each depth\n",
		len(c.Docs), collections, len(c.Queries), collections[:queryCollections], *rounds, *passes)
	if *xfields == 2 {
		fmt.Fprintf(stdout, "Xapian writes a stemmed positional field and an exact-phrase one, ours the stemmed one and its stop pairs; ours in batches of %d\n", *batch)
	} else {
		fmt.Fprintf(stdout, "Both sides write one stemmed positional field, ours also its stop pairs; ours in batches of %d\n", *batch)
	}
	var ours, xap []side
	for r := 0; r < *rounds; r++ {
		o, err := oursRound(ctx, c, filepath.Join(tmp, fmt.Sprintf("ix%d", r)), *passes, *batch)
		if err != nil {
			return fmt.Errorf("round %d, p2pir: %w", r+1, err)
		}
		x, err := xapianRound(ctx, py, script, corpusPath, *passes, *xfields)
		if err != nil {
			return fmt.Errorf("round %d, Xapian: %w", r+1, err)
		}
		fmt.Fprintf(stdout, "round %d (load %s): p2pir %.0f docs/s (%.3f ms CPU each), top-1000 p50 %.2f ms; Xapian %.0f docs/s (%.3f ms CPU each), top-1000 p50 %.2f ms\n",
			r+1, loadAverage(), o.DocsPerSecond, o.IndexCPU, o.Top1000.P50, x.DocsPerSecond, x.IndexCPU, x.Top1000.P50)
		ours, xap = append(ours, o), append(xap, x)
	}
	printTable(stdout, ours, xap)
	if *asJSON {
		for i := range ours {
			ours[i].Top10IDs, xap[i].Top10IDs = nil, nil
		}
		enc := json.NewEncoder(stdout)
		return enc.Encode(map[string]any{"p2pir": ours, "xapian": xap})
	}
	return nil
}

// defaultDataDir is $P2PIR_DATA, else ../shared/data (run from the
// repository root).
func defaultDataDir() string {
	if d := os.Getenv("P2PIR_DATA"); d != "" {
		return d
	}
	return filepath.Join("..", "shared", "data")
}

// scriptPath finds xapian_side.py: beside the source of this program,
// which is where run.sh and `go run` from the repository root find it.
func scriptPath() (string, error) {
	p := filepath.Join("scripts", "xapian-compare", "xapian_side.py")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("run from the repository root (%s not found): %w", p, err)
	}
	return p, nil
}

// findPython returns a Python 3 that can import xapian, or an error
// wrapping errSkip that says how to get one.
func findPython(ctx context.Context, given string) (string, error) {
	candidates := []string{"python3", "/usr/bin/python3"}
	if given != "" {
		candidates = []string{given}
	}
	for _, p := range candidates {
		cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := exec.CommandContext(cctx, p, "-c", "import xapian").Run()
		cancel()
		if err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no Python 3 with the xapian module among %v (Debian: apt-get install python3-xapian)", errSkip, candidates)
}

// loadCorpus reads the collections; a missing folder is a skip.
func loadCorpus(dir string, collections []string) (*corpus, error) {
	tm := analysis.NewTokenMap()
	if err := tm.LoadBytes(en.EnglishStopWords); err != nil {
		return nil, fmt.Errorf("read the English stop list: %w", err)
	}
	c := &corpus{}
	for w := range tm {
		c.StopWords = append(c.StopWords, w)
	}
	sort.Strings(c.StopWords)
	for i, name := range collections {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%w: test collection %s not found (set -data or P2PIR_DATA): %v", errSkip, p, err)
		}
		col, err := eval.Load(p)
		if err != nil {
			return nil, fmt.Errorf("load %s: %w", name, err)
		}
		for _, d := range col.Docs {
			id := name + "/" + d.DocNo
			c.Docs = append(c.Docs, corpusDoc{
				ID:   id,
				Text: d.Title + "\n" + d.Text,
				doc:  index.Document{ID: id, Title: d.Title, Body: d.Text, Source: index.SourceEval},
			})
		}
		if i < queryCollections {
			for _, q := range col.Queries {
				c.Queries = append(c.Queries, q.Text)
			}
		}
	}
	return c, nil
}

// oursRound indexes the corpus into a new index in dir and times the
// search call as xapianRound times get_mset.
func oursRound(ctx context.Context, c *corpus, dir string, passes, batch int) (side, error) {
	cfg := index.DefaultConfig()
	cfg.BatchSize = batch
	ix, err := index.Open(dir, cfg)
	if err != nil {
		return side{}, err
	}
	defer os.RemoveAll(dir)
	defer ix.Close()
	docs := make([]index.Document, len(c.Docs))
	for i, d := range c.Docs {
		docs[i] = d.doc
	}
	start, cpu0 := time.Now(), processCPU()
	if err := ix.Index(ctx, docs); err != nil {
		return side{}, err
	}
	took, cpu := time.Since(start), processCPU()-cpu0
	if err := ix.Compact(ctx); err != nil { // a settled index, not the merger
		return side{}, err
	}
	compacted := processCPU() - cpu0
	out := side{Docs: len(docs), DocsPerSecond: float64(len(docs)) / took.Seconds(), IndexCPU: ms(cpu) / float64(len(docs)),
		CompactedCPU: ms(compacted) / float64(len(docs))}
	var qs []index.Query
	for _, t := range c.Queries {
		q, err := ix.PlainQuery(t)
		if err != nil {
			continue // as on Xapian's side: a query of stop words only asks nothing
		}
		qs = append(qs, q)
	}
	out.Queries = len(qs)
	for _, q := range qs { // warm-up, as on Xapian's side
		if _, err := ix.Search(ctx, q, index.SearchOptions{K: 1000, IDsOnly: true}); err != nil {
			return side{}, err
		}
	}
	for _, k := range []int{10, 1000} {
		lat := make([]time.Duration, 0, passes*len(qs))
		cpu0 := processCPU()
		for p := 0; p < passes; p++ {
			for _, q := range qs {
				t0 := time.Now()
				if _, err := ix.Search(ctx, q, index.SearchOptions{K: k, IDsOnly: true}); err != nil {
					return side{}, err
				}
				lat = append(lat, time.Since(t0))
			}
		}
		cpu := processCPU() - cpu0
		slices.Sort(lat)
		l := latency{P50: ms(lat[len(lat)*50/100]), P99: ms(lat[len(lat)*99/100]), CPU: ms(cpu) / float64(len(lat))}
		if k == 10 {
			out.Top10 = l
		} else {
			out.Top1000 = l
		}
	}
	for _, q := range qs {
		res, err := ix.Search(ctx, q, index.SearchOptions{K: 10, IDsOnly: true})
		if err != nil {
			return side{}, err
		}
		ids := make([]string, len(res.Hits))
		for i, h := range res.Hits {
			ids[i] = h.ID
		}
		out.Top10IDs = append(out.Top10IDs, ids)
	}
	return out, nil
}

// loadAverage is the machine's 1-, 5- and 15-minute load averages where
// Linux shows them, to print beside each round's timings.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// xapianRound runs xapian_side.py once.
func xapianRound(ctx context.Context, python, script, corpusPath string, passes, fields int) (side, error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(cctx, python, script, corpusPath, fmt.Sprint(passes), fmt.Sprint(fields))
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return side{}, fmt.Errorf("%s %s: %w: %s", python, script, err, bytes.TrimSpace(stderr.Bytes()))
	}
	var s side
	if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
		return side{}, fmt.Errorf("read what %s printed: %w", script, err)
	}
	return s, nil
}

// printTable prints the medians over the rounds and the ratios, and how
// far the two top 10s agree.
func printTable(w io.Writer, ours, xap []side) {
	med := func(ss []side, f func(side) float64) float64 {
		v := make([]float64, len(ss))
		for i, s := range ss {
			v[i] = f(s)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	fmt.Fprintf(w, "\n%d documents, %d queries; medians of %d rounds\n\n", ours[0].Docs, ours[0].Queries, len(ours))
	fmt.Fprintf(w, "| | Xapian 1.4 | p2pir index | ratio |\n|---|---|---|---|\n")
	xi, oi := med(xap, func(s side) float64 { return s.DocsPerSecond }), med(ours, func(s side) float64 { return s.DocsPerSecond })
	fmt.Fprintf(w, "| indexing, docs/s | %.0f | %.0f | %.2fx Xapian's rate |\n", xi, oi, oi/xi)
	rows := []struct {
		name string
		f    func(side) float64
	}{
		{"top 10, p50 ms", func(s side) float64 { return s.Top10.P50 }},
		{"top 10, p99 ms", func(s side) float64 { return s.Top10.P99 }},
		{"top 1000, p50 ms", func(s side) float64 { return s.Top1000.P50 }},
		{"top 1000, p99 ms", func(s side) float64 { return s.Top1000.P99 }},
		{"top 10, CPU ms per query", func(s side) float64 { return s.Top10.CPU }},
		{"top 1000, CPU ms per query", func(s side) float64 { return s.Top1000.CPU }},
	}
	xc, oc := med(xap, func(s side) float64 { return s.IndexCPU }), med(ours, func(s side) float64 { return s.IndexCPU })
	fmt.Fprintf(w, "| indexing, CPU ms per document | %.3f | %.3f | %.2fx Xapian's time |\n", xc, oc, oc/xc)
	occ := med(ours, func(s side) float64 { return s.CompactedCPU })
	fmt.Fprintf(w, "| the same with our compaction after it (not in our docs/s) | %.3f | %.3f | %.2fx Xapian's time |\n", xc, occ, occ/xc)
	for _, r := range rows {
		x, o := med(xap, r.f), med(ours, r.f)
		fmt.Fprintf(w, "| %s | %.3f | %.3f | %.2fx Xapian's time |\n", r.name, x, o, o/x)
	}
	if ours[0].Queries != xap[0].Queries {
		fmt.Fprintf(w, "\nThe sides ran different numbers of queries (%d and %d): no top-10 agreement.\n", ours[0].Queries, xap[0].Queries)
		return
	}
	same, total := 0, 0
	for q := range min(len(ours[0].Top10IDs), len(xap[0].Top10IDs)) {
		in := map[string]bool{}
		for _, id := range xap[0].Top10IDs[q] {
			in[id] = true
		}
		for _, id := range ours[0].Top10IDs[q] {
			if in[id] {
				same++
			}
		}
		total += max(len(ours[0].Top10IDs[q]), len(xap[0].Top10IDs[q]))
	}
	if total > 0 {
		fmt.Fprintf(w, "\nTop-10 agreement (the same documents in both top 10s, over all queries): %.1f%%\n", 100*float64(same)/float64(total))
	}
}
