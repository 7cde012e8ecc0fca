package node

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	ireval "github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
)

// BenchmarkSearchAPIOpenLoop is issue 11's load bar: the node's search API
// (GET /search, through the client agent, its user model and the query
// log) under an open-loop load of a fixed rate, over a 3,000-document index
// of real test collections (all of Cranfield and CISI, the start of MED),
// queried with the words of the collections' own queries in a seeded
// random order.
// Open loop (vegeta's constant pacer): requests leave on schedule whether
// or not earlier ones have answered, so a slow server shows as latency,
// not as a lower rate. Run it with
//
//	go test -run XXX -bench SearchAPIOpenLoop -benchtime 1x ./node/
//
// P2PIR_LOAD_RATE (requests a second, default 200) and P2PIR_LOAD_SECONDS
// (default 30) set the load; P2PIR_LOAD_WORKERS caps the requests in
// flight (default 4 per request a second): issue 13's bar is 1,000
// requests a second from 8 concurrent clients,
//
//	P2PIR_LOAD_RATE=1000 P2PIR_LOAD_WORKERS=8 go test -run XXX -bench SearchAPIOpenLoop -benchtime 1x ./node/
//
// where a server too slow for the rate shows as a lower req/s (the 8
// clients wait for their answers) as well as latency. It reports p50-ms, p99-ms, max-ms, the rate
// achieved (req/s), the share of requests that failed (errors) and the
// CPU time of the whole process (server and load generator) per request
// (cpu-ms/req), which a busy machine does not inflate as it does latency.
func BenchmarkSearchAPIOpenLoop(b *testing.B) {
	rate := envInt(b, "P2PIR_LOAD_RATE", 200)
	secs := envInt(b, "P2PIR_LOAD_SECONDS", 30)
	workers := envInt(b, "P2PIR_LOAD_WORKERS", 4*rate)
	n, queries := apiBenchNode(b)

	rng := rand.New(rand.NewPCG(11, 0))
	rng.Shuffle(len(queries), func(i, j int) { queries[i], queries[j] = queries[j], queries[i] })
	targets := make([]vegeta.Target, len(queries))
	for i, q := range queries {
		targets[i] = vegeta.Target{Method: http.MethodGet, URL: fmt.Sprintf("http://%s/search?q=%s", n.HTTPAddr(), url.QueryEscape(q))}
	}
	// Warm up: every query once, so the measured run sees warm caches as a
	// running node does.
	for _, tg := range targets {
		res, err := http.Get(tg.URL)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("warm-up %s: %v %v", tg.URL, err, res)
		}
		res.Body.Close()
	}

	b.ResetTimer()
	for range b.N {
		attacker := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.Workers(uint64(min(workers, vegeta.DefaultWorkers))), vegeta.MaxWorkers(uint64(workers)), vegeta.KeepAlive(true))
		var m vegeta.Metrics
		cpu0 := cpuTime(b)
		pace := vegeta.ConstantPacer{Freq: rate, Per: time.Second}
		for res := range attacker.Attack(vegeta.NewStaticTargeter(targets...), pace, time.Duration(secs)*time.Second, "search") {
			m.Add(res)
		}
		m.Close()
		cpu := cpuTime(b) - cpu0
		if len(m.Errors) > 0 {
			b.Logf("errors: %v", m.Errors)
		}
		ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
		b.ReportMetric(ms(m.Latencies.P50), "p50-ms")
		b.ReportMetric(ms(m.Latencies.P99), "p99-ms")
		b.ReportMetric(ms(m.Latencies.Max), "max-ms")
		b.ReportMetric(m.Throughput, "req/s")
		b.ReportMetric(1-m.Success, "errors")
		b.ReportMetric(ms(cpu)/float64(m.Requests), "cpu-ms/req")
	}
}

// apiBenchNode starts a node for the API benchmarks, closed when the
// benchmark ends, with gossip and re-clustering out of the way, indexes
// 3,000 documents of the test collections into it (checking that it holds
// them all), and returns it with the collections' queries.
func apiBenchNode(b *testing.B) (*Node, []string) {
	b.Helper()
	docs, queries := loadBenchCollections(b, 3000)
	sc := serveragent.DefaultConfig()
	sc.GossipEvery, sc.ReclusterEvery = time.Hour, time.Hour
	n := startBenchNode(b, filepath.Join(b.TempDir(), "node"), sc, nil)
	b.Cleanup(func() { n.Close(context.Background()) })
	for start := 0; start < len(docs); start += 500 {
		if err := n.Index().Index(context.Background(), docs[start:min(start+500, len(docs))]); err != nil {
			b.Fatalf("index: %v", err)
		}
	}
	if c, err := n.Index().Count(); err != nil || c != uint64(len(docs)) {
		b.Fatalf("the index holds %d documents (%v), want %d", c, err, len(docs))
	}
	return n, queries
}

// loadBenchCollections reads Cranfield, CISI and MED from the shared test
// collections and returns their first max documents (in that order) as
// index documents, and all their queries. It skips b when they are absent.
func loadBenchCollections(b *testing.B, max int) ([]index.Document, []string) {
	b.Helper()
	var docs []index.Document
	var queries []string
	for _, name := range []string{"cranfield", "cisi", "med"} {
		dir := ""
		for _, d := range []string{os.Getenv("P2PIR_DATA"), filepath.Join("..", "..", "shared", "data")} {
			if d == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(d, name)); err == nil {
				dir = filepath.Join(d, name)
				break
			}
		}
		if dir == "" {
			b.Skipf("test collection %s not found in $P2PIR_DATA or ../shared/data; skipping", name)
		}
		c, err := ireval.Load(dir)
		if err != nil {
			b.Fatalf("load %s: %v", dir, err)
		}
		for _, d := range c.Docs {
			if len(docs) == max {
				break
			}
			u := "https://" + name + ".example/doc/" + d.DocNo
			docs = append(docs, index.Document{ID: u, URL: u, Title: d.Title, Body: d.Text, Source: index.SourceWeb})
		}
		for _, q := range c.Queries {
			// The words only: the collections' punctuation ("- (a)")
			// would be query syntax to the API.
			queries = append(queries, strings.Join(strings.FieldsFunc(q.Text, func(r rune) bool {
				return !unicode.IsLetter(r) && !unicode.IsDigit(r)
			}), " "))
		}
	}
	return docs, queries
}

// envInt is the positive integer in environment variable name, else def.
func envInt(b *testing.B, name string, def int) int {
	b.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive whole number", name, v)
	}
	return n
}

// cpuTime is the CPU time, user and system, this process has used.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatalf("getrusage: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
