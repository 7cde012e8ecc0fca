package node

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
)

// BenchmarkSearchAPI is issue 13's first API bar: what the node's search
// API (GET /search, one client, top 10, no profile given) adds to the
// index's own search, measured in the same run over the same
// 3,000-document index (BenchmarkSearchAPIOpenLoop's) with the same
// queries. Each round asks every query of Cranfield, CISI and MED (in a
// seeded random order) first of the index (Index.Search, top 10 with
// snippets, the query parsed as the API parses it), then of the API
// through a keep-alive HTTP client, one request at a time. Run it with
//
//	go test -run XXX -bench 'SearchAPI$' -benchtime 3x ./node/
//
// (-benchtime Nx: N rounds after one warm-up round). It reports the p50
// and p99 of each (index-p50-ms, api-p50-ms, ...), what the API adds at
// the median (api-over-index-ms, the bar: at most 1 ms) and the CPU time
// of the whole process per search on each path (index-cpu-ms,
// api-cpu-ms; the API's includes the HTTP client's), which waiting for a
// core on a loaded machine does not inflate as it does latency.
func BenchmarkSearchAPI(b *testing.B) {
	docs, queries := loadBenchCollections(b, 3000)
	sc := serveragent.DefaultConfig()
	sc.GossipEvery, sc.ReclusterEvery = time.Hour, time.Hour
	n := startBenchNode(b, filepath.Join(b.TempDir(), "node"), sc, nil)
	defer n.Close(context.Background())
	ctx := context.Background()
	for start := 0; start < len(docs); start += 500 {
		if err := n.Index().Index(ctx, docs[start:min(start+500, len(docs))]); err != nil {
			b.Fatalf("index: %v", err)
		}
	}
	rng := rand.New(rand.NewPCG(13, 0))
	rng.Shuffle(len(queries), func(i, j int) { queries[i], queries[j] = queries[j], queries[i] })
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}, Timeout: 30 * time.Second}
	defer client.CloseIdleConnections()

	viaIndex := func(q string) {
		pq, err := n.Index().ParseQuery(q)
		if err != nil {
			b.Fatalf("parse %q: %v", q, err)
		}
		if _, err := n.Index().Search(ctx, pq, index.SearchOptions{K: 10}); err != nil {
			b.Fatalf("index search %q: %v", q, err)
		}
	}
	viaAPI := func(q string) {
		res, err := client.Get(fmt.Sprintf("http://%s/search?q=%s", n.HTTPAddr(), url.QueryEscape(q)))
		if err != nil {
			b.Fatalf("API search %q: %v", q, err)
		}
		_, err = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("API search %q: %s %v", q, res.Status, err)
		}
	}
	// round times f over every query, adding each latency to ds and
	// returning the process's CPU time over the round.
	round := func(f func(string), ds *[]time.Duration) time.Duration {
		cpu0 := cpuTime(b)
		for _, q := range queries {
			t0 := time.Now()
			f(q)
			*ds = append(*ds, time.Since(t0))
		}
		return cpuTime(b) - cpu0
	}
	var warm []time.Duration
	round(viaIndex, &warm)
	round(viaAPI, &warm)

	var ixTook, apiTook []time.Duration
	var ixCPU, apiCPU time.Duration
	b.ResetTimer()
	for range b.N {
		ixCPU += round(viaIndex, &ixTook)
		apiCPU += round(viaAPI, &apiTook)
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	ixP50, apiP50 := percentile(ixTook, 50), percentile(apiTook, 50)
	b.ReportMetric(ms(ixP50), "index-p50-ms")
	b.ReportMetric(ms(percentile(ixTook, 99)), "index-p99-ms")
	b.ReportMetric(ms(apiP50), "api-p50-ms")
	b.ReportMetric(ms(percentile(apiTook, 99)), "api-p99-ms")
	b.ReportMetric(ms(apiP50-ixP50), "api-over-index-ms")
	b.ReportMetric(ms(ixCPU)/float64(len(ixTook)), "index-cpu-ms")
	b.ReportMetric(ms(apiCPU)/float64(len(apiTook)), "api-cpu-ms")
}
