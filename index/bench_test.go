package index_test

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

	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
)

// allDocuments loads every document of every collection in the shared
// data (the BBC articles included), with IDs made unique per collection,
// and every query text.
func allDocuments(tb testing.TB) ([]index.Document, []string) {
	tb.Helper()
	root := testenv.DataDir(tb)
	var docs []index.Document
	var queries []string
	for _, name := range []string{"cranfield", "cisi", "med", "adi", "lisa", "npl"} {
		c, err := eval.Load(filepath.Join(root, name))
		if err != nil {
			tb.Fatalf("load %s: %v", name, err)
		}
		for _, d := range c.Docs {
			docs = append(docs, index.Document{ID: name + "/" + d.DocNo, Title: d.Title, Body: d.Text, Source: index.SourceEval})
		}
		for _, q := range c.Queries {
			queries = append(queries, q.Text)
		}
	}
	bbc, _ := filepath.Glob(filepath.Join(root, "bbc", "bbc", "*", "*.txt"))
	for _, p := range bbc {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		title, body, _ := strings.Cut(string(b), "\n")
		docs = append(docs, index.Document{ID: "bbc/" + filepath.Base(filepath.Dir(p)) + "/" + filepath.Base(p), Title: title, Body: body, Source: index.SourceEval})
	}
	return docs, queries
}

// BenchmarkIndexAllCollections indexes every document of the shared data
// (about 23,600) into a fresh on-disk index per iteration; docs/s is the
// figure in docs/BENCHMARKS.md, disk-MB the size of the index once
// compacted and closed (see compactedSize; compaction is not timed).
func BenchmarkIndexAllCollections(b *testing.B) {
	docs, _ := allDocuments(b)
	var size int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := b.TempDir()
		ix, err := index.Open(filepath.Join(dir, "ix"), index.DefaultConfig())
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := ix.Index(context.Background(), docs); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := ix.Compact(context.Background()); err != nil { // one segment: a size that does not depend on merge timing
			b.Fatal(err)
		}
		ix.Close()
		size = compactedSize(b, filepath.Join(dir, "ix"))
		b.StartTimer()
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric(float64(size)/(1<<20), "disk-MB")
}

// BenchmarkQueryAllCollections runs every query of every collection (as
// plain text, top 10 with snippets, as a person's search would) against one
// index of all the documents, and reports latency percentiles.
func BenchmarkQueryAllCollections(b *testing.B) {
	docs, queries := allDocuments(b)
	ix, err := index.Open(filepath.Join(b.TempDir(), "ix"), index.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	if err := ix.Index(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if err := ix.Compact(ctx); err != nil { // measure a settled index, not the merger
		b.Fatal(err)
	}
	var prepared []index.Query
	for _, t := range queries {
		if q, err := ix.PlainQuery(t); err == nil {
			prepared = append(prepared, q)
		}
	}
	timeSearches(b, ix, prepared, index.SearchOptions{K: 10})
}

// timeSearches runs b.N searches of queries in turn with opts and reports
// their latency's p50 and p99.
func timeSearches(b *testing.B, ix *index.Index, queries []index.Query, opts index.SearchOptions) {
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		q := queries[i%len(queries)]
		start := time.Now()
		if _, err := ix.Search(ctx, q, opts); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}

// compactedSize is the size of a compacted, closed index in dir: its
// newest segment (after Compact it holds every document) and its other
// files. Older segments are left out: scorch deletes them in the
// background, possibly after Close, so counting them would measure timing.
func compactedSize(tb testing.TB, dir string) int64 {
	tb.Helper()
	var n, newest int64
	var newestName string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if filepath.Ext(path) != ".zap" {
			n += info.Size()
		} else if d.Name() > newestName { // segment names are increasing hex numbers
			newestName, newest = d.Name(), info.Size()
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("size of %s: %v", dir, err)
	}
	return n + newest
}

// depthCorpus returns BenchmarkSearchDepth's documents (CRAN, CISI, MED,
// ADI and LISA) and queries (the long queries of the first three), as
// scripts/xapian-compare reads them.
func depthCorpus(b *testing.B, root string) ([]index.Document, []string) {
	var docs []index.Document
	var queries []string
	for i, name := range []string{"cranfield", "cisi", "med", "adi", "lisa"} {
		c, err := eval.Load(filepath.Join(root, name))
		if err != nil {
			b.Fatalf("load %s: %v", name, err)
		}
		for _, d := range c.Docs {
			docs = append(docs, index.Document{ID: name + "/" + d.DocNo, Title: d.Title, Body: d.Text, Source: index.SourceEval})
		}
		if i < 3 {
			for _, q := range c.Queries {
				queries = append(queries, q.Text)
			}
		}
	}
	return docs, queries
}

// depthIndex returns a settled (compacted) index of depthCorpus's
// documents with cfg, closed when b ends, and the corpus's queries.
func depthIndex(b *testing.B, root string, cfg index.Config) (*index.Index, []string) {
	docs, queries := depthCorpus(b, root)
	ix, err := index.Open(filepath.Join(b.TempDir(), "ix"), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ix.Close() })
	ctx := context.Background()
	if err := ix.Index(ctx, docs); err != nil {
		b.Fatal(err)
	}
	if err := ix.Compact(ctx); err != nil {
		b.Fatal(err)
	}
	return ix, queries
}

// BenchmarkSearchDepth runs the long queries of CRAN, CISI and MED as
// plain text against one settled index of CRAN, CISI, MED, ADI and LISA
// (the corpus of scripts/xapian-compare), the search call alone with
// IDsOnly, at top 10 and top 1000 (evaluation depth, and what peers ask
// for when merging), and reports latency percentiles. Profile it with
// -cpuprofile; compare with Xapian with scripts/xapian-compare/run.sh.
//
// P2PIR_BENCH_HELD_POSTINGS=N sets Config.HeldPostings; -1 holds none, so
// every search reads bleve's postings document at a time, as a term's
// first search in a snapshot does (only this benchmark reads it).
func BenchmarkSearchDepth(b *testing.B) {
	root := testenv.DataDir(b)
	cfg := index.DefaultConfig()
	if v := os.Getenv("P2PIR_BENCH_HELD_POSTINGS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n == 0 {
			b.Fatalf("P2PIR_BENCH_HELD_POSTINGS is %q; want a whole number of postings (-1: none held)", v)
		}
		cfg.HeldPostings = n
	}
	ix, queries := depthIndex(b, root, cfg)
	ctx := context.Background()
	var prepared []index.Query
	for _, t := range queries {
		if q, err := ix.PlainQuery(t); err == nil {
			prepared = append(prepared, q)
		}
	}
	for _, k := range []int{10, 1000} {
		b.Run(fmt.Sprintf("k=%d", k), func(b *testing.B) {
			for _, q := range prepared { // warm the caches and impact bounds
				if _, err := ix.Search(ctx, q, index.SearchOptions{K: k, IDsOnly: true}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			timeSearches(b, ix, prepared, index.SearchOptions{K: k, IDsOnly: true})
		})
	}
}
