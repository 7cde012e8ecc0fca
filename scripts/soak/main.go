// Command soak puts a p2pir node under sustained query and gossip load and
// records whether its memory and goroutines stay flat.
//
// It starts -nodes real nodes in this process on loopback (TLS gRPC,
// memberlist gossip with the local profile, each node gossiping every
// -gossip and re-clustering every ten gossip rounds, HTTP API), indexes
// -docs synthetic documents on each, and for -duration sends searches at
// -qps to the first node's HTTP API (GET /search, which asks the node's
// index and its peers), from -workers clients. Every -sample it records
// the process's resident set size (/proc/self/status VmRSS), the live Go
// heap (runtime/metrics /gc/heap/live:bytes: what the last collection
// found reachable, so garbage not yet collected does not blur a leak),
// the heap allocated now (HeapAlloc, with that garbage), the goroutines,
// the machine's one-minute load average (the machine may be shared), and
// the latency percentiles of the searches answered since the last
// sample, to a CSV file (-csv). At the end it
// prints a summary: the latency percentiles over the whole run, and for
// RSS, the live heap and goroutines the slope of a least-squares line over the
// second half of the samples (after the warm-up), with the growth that
// slope would give over that half as a share of the mean. A series is
// called flat when that growth is under -flat (default 10%) for memory
// and under 5% (and 20 goroutines) for goroutines.
//
// All nodes share the process, so the figures are the network's (mostly
// the first node's: it takes every search and fans it out to the
// others). Each search is recorded in the first node's state store, as a
// person's would be: the store's file grows, and the pages of it the
// node touches count in RSS.
//
//	go run ./scripts/soak -duration 10m -csv soak.csv
//	go run ./scripts/soak -duration 1m            # a quick check
package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"gonum.org/v1/gonum/stat"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/node"
	"github.com/p2pir/p2pir/serveragent"
)

// options are the command's flags.
type options struct {
	nodes    int
	docs     int
	duration time.Duration
	sample   time.Duration
	qps      float64
	workers  int
	gossip   time.Duration
	csvPath  string
	flat     float64
	keep     bool
}

func main() {
	var o options
	flag.IntVar(&o.nodes, "nodes", 4, "nodes to start on loopback (the first takes the searches)")
	flag.IntVar(&o.docs, "docs", 300, "synthetic documents indexed on each node")
	flag.DurationVar(&o.duration, "duration", 10*time.Minute, "how long the load runs")
	flag.DurationVar(&o.sample, "sample", 5*time.Second, "time between two samples")
	flag.Float64Var(&o.qps, "qps", 10, "searches a second sent to the first node, in all")
	flag.IntVar(&o.workers, "workers", 4, "clients sending the searches")
	flag.DurationVar(&o.gossip, "gossip", time.Second, "each node's gossip interval (re-clustering every 10 of them)")
	flag.StringVar(&o.csvPath, "csv", "soak.csv", "file the samples are written to")
	flag.Float64Var(&o.flat, "flat", 0.10, "largest growth over the second half, as a share of the mean, still called flat")
	flag.BoolVar(&o.keep, "keep", false, "keep the nodes' data directories")
	flag.Parse()
	if err := check(o); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	flat, err := run(ctx, o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	if !flat {
		os.Exit(3)
	}
}

// check refuses flags that cannot work.
func check(o options) error {
	switch {
	case o.nodes < 1 || o.nodes > 64:
		return fmt.Errorf("-nodes %d: want 1 to 64", o.nodes)
	case o.docs < 1:
		return fmt.Errorf("-docs %d: want at least 1", o.docs)
	case o.duration < 4*o.sample || o.sample <= 0:
		return fmt.Errorf("-duration %v: want at least four samples of -sample %v", o.duration, o.sample)
	case o.qps <= 0 || o.workers < 1:
		return fmt.Errorf("-qps %v and -workers %d must be positive", o.qps, o.workers)
	case o.gossip <= 0:
		return fmt.Errorf("-gossip %v must be positive", o.gossip)
	}
	return nil
}

// topics are the words the synthetic documents and queries are made of:
// each node writes mostly about one topic, so interest routing has
// something to route by.
var topics = [][]string{
	strings.Fields("galaxy telescope quasar nebula orbit comet asteroid pulsar supernova cosmic redshift spectrum planet eclipse meteor"),
	strings.Fields("sourdough garlic basil braise roast simmer pastry butter saffron fennel yeast dough caramel broth vinegar"),
	strings.Fields("glacier moraine icefield tundra permafrost fjord avalanche crevasse snowpack meltwater iceberg alpine summit ridge valley"),
	strings.Fields("compiler kernel scheduler mutex pointer garbage allocator thread socket protocol packet router checksum cache register"),
}

// run starts the network, loads it for o.duration and reports; flat is
// whether memory and goroutines stayed flat.
func run(ctx context.Context, o options, out io.Writer) (flat bool, err error) {
	root, err := os.MkdirTemp("", "p2pir-soak-")
	if err != nil {
		return false, err
	}
	if !o.keep {
		defer os.RemoveAll(root)
	}
	nodes, err := startNetwork(ctx, o, root)
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, n := range nodes {
			if cerr := n.Close(cctx); cerr != nil && err == nil {
				err = fmt.Errorf("closing a node: %w", cerr)
			}
		}
	}()
	if err != nil {
		return false, err
	}
	fmt.Fprintf(out, "soak: %d nodes up (%d documents each); the first, %s, takes %.1f searches a second for %v; sampling every %v to %s\n",
		len(nodes), o.docs, nodes[0].HTTPAddr(), o.qps, o.duration, o.sample, o.csvPath)

	f, err := os.Create(o.csvPath)
	if err != nil {
		return false, err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	_ = w.Write([]string{"elapsed_s", "rss_bytes", "heap_live_bytes", "heap_alloc_bytes", "goroutines", "load1", "searches", "errors", "p50_ms", "p95_ms", "p99_ms"})

	lat := &latencies{}
	lctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()
	var load sync.WaitGroup
	load.Go(func() { sendSearches(lctx, o, nodes[0].HTTPAddr(), lat) })

	var samples []sample
	start := time.Now()
	tick := time.NewTicker(o.sample)
	defer tick.Stop()
	for done := false; !done; {
		select {
		case <-lctx.Done():
			done = true
			if len(samples) > 0 && time.Since(start)-samples[len(samples)-1].elapsed < o.sample/2 {
				continue // the last tick was just now
			}
		case <-tick.C:
		}
		s := takeSample(time.Since(start), lat.take())
		samples = append(samples, s)
		_ = w.Write(s.row())
		w.Flush()
		if err := w.Error(); err != nil {
			return false, fmt.Errorf("writing %s: %w", o.csvPath, err)
		}
	}
	load.Wait()
	if ctx.Err() != nil {
		fmt.Fprintln(out, "soak: interrupted; the summary covers the samples taken")
	}
	return summarise(out, o, samples, lat.all), nil
}

// startNetwork starts o.nodes nodes under root, each joining the first,
// and indexes their documents.
func startNetwork(ctx context.Context, o options, root string) ([]*node.Node, error) {
	var nodes []*node.Node
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range o.nodes {
		sc := serveragent.DefaultConfig()
		sc.GossipEvery, sc.ReclusterEvery = o.gossip, 10*o.gossip
		cfg := node.Config{
			DataDir: filepath.Join(root, fmt.Sprintf("node%d", i)), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
			Server: &sc, MembershipProfile: "local",
		}
		if i > 0 {
			cfg.Join = []string{nodes[0].GossipAddr()}
		}
		n, err := node.Start(ctx, cfg)
		if err != nil {
			return nodes, fmt.Errorf("starting node %d: %w", i, err)
		}
		nodes = append(nodes, n)
		if err := n.Index().Index(ctx, synthDocs(rng, i, o.docs)); err != nil {
			return nodes, fmt.Errorf("indexing node %d: %w", i, err)
		}
	}
	// Wait (bounded) until the first node knows every other one.
	deadline := time.Now().Add(time.Minute)
	for nodes[0].Server().PeerCount() < len(nodes)-1 {
		if time.Now().After(deadline) {
			return nodes, fmt.Errorf("the first node knows %d of %d peers after a minute", nodes[0].Server().PeerCount(), len(nodes)-1)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return nodes, nil
}

// synthDocs makes count documents for node i, mostly of its topic.
func synthDocs(rng *rand.Rand, i, count int) []index.Document {
	docs := make([]index.Document, count)
	for j := range docs {
		topic := topics[i%len(topics)]
		if rng.IntN(4) == 0 {
			topic = topics[rng.IntN(len(topics))]
		}
		words := make([]string, 40)
		for k := range words {
			words[k] = topic[rng.IntN(len(topic))]
		}
		u := fmt.Sprintf("https://node%d.soak.example/doc%d", i, j)
		docs[j] = index.Document{ID: u, URL: u, Title: strings.Join(words[:4], " "), Body: strings.Join(words, " "), Source: index.SourceWeb}
	}
	return docs
}

// sendSearches sends searches to addr at o.qps from o.workers clients
// until ctx ends, recording each one's latency (or failure).
func sendSearches(ctx context.Context, o options, addr string, lat *latencies) {
	client := &http.Client{Timeout: 30 * time.Second}
	every := time.Duration(float64(time.Second) * float64(o.workers) / o.qps)
	var wg sync.WaitGroup
	for w := range o.workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			tick := time.NewTicker(every)
			defer tick.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				topic := topics[rng.IntN(len(topics))]
				q := topic[rng.IntN(len(topic))] + " " + topic[rng.IntN(len(topic))]
				start := time.Now()
				err := search(ctx, client, addr, q)
				if ctx.Err() != nil {
					return // cut by the end of the run: not counted
				}
				lat.add(time.Since(start), err)
			}
		})
	}
	wg.Wait()
}

// search sends one GET /search and reads the answer.
func search(ctx context.Context, c *http.Client, addr, q string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/search?k=10&q="+url.QueryEscape(q), nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return nil
}

// latencies collects the searches' latencies, per sample and in all.
type latencies struct {
	mu     sync.Mutex
	cur    []float64 // ms, since the last take
	errs   int
	all    []float64
	allErr int
}

func (l *latencies) add(d time.Duration, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.errs++
		l.allErr++
		return
	}
	ms := float64(d.Microseconds()) / 1000
	l.cur = append(l.cur, ms)
	l.all = append(l.all, ms)
}

// take returns the latencies since the last take and the failures.
func (l *latencies) take() window {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := window{ms: l.cur, errs: l.errs}
	l.cur, l.errs = nil, 0
	return w
}

// window is one sample's searches.
type window struct {
	ms   []float64
	errs int
}

// sample is one row of the CSV.
type sample struct {
	elapsed        time.Duration
	rss, heap      uint64 // heap: the live heap
	alloc          uint64
	goroutines     int
	load1          float64
	searches, errs int
	p50, p95, p99  float64
}

// takeSample reads the process's figures now.
func takeSample(elapsed time.Duration, w window) sample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	var heap uint64
	if live[0].Value.Kind() == metrics.KindUint64 {
		heap = live[0].Value.Uint64()
	}
	s := sample{elapsed: elapsed, rss: rss(), heap: heap, alloc: ms.HeapAlloc, goroutines: runtime.NumGoroutine(), load1: load1(),
		searches: len(w.ms), errs: w.errs}
	s.p50, s.p95, s.p99 = percentiles(w.ms)
	return s
}

func (s sample) row() []string {
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
	return []string{f(s.elapsed.Seconds()), strconv.FormatUint(s.rss, 10), strconv.FormatUint(s.heap, 10), strconv.FormatUint(s.alloc, 10),
		strconv.Itoa(s.goroutines), strconv.FormatFloat(s.load1, 'f', 2, 64),
		strconv.Itoa(s.searches), strconv.Itoa(s.errs), f(s.p50), f(s.p95), f(s.p99)}
}

// percentiles are the 50th, 95th and 99th percentiles of ms (0 for none).
func percentiles(ms []float64) (p50, p95, p99 float64) {
	if len(ms) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(ms)
	slices.Sort(s)
	q := func(p float64) float64 { return stat.Quantile(p, stat.Empirical, s, nil) }
	return q(0.50), q(0.95), q(0.99)
}

// load1 is the machine's one-minute load average, from /proc/loadavg (0
// where there is none).
func load1() float64 {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// rss is the process's resident set size, from /proc/self/status (0
// where there is none).
func rss() uint64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) >= 1 {
				kb, err := strconv.ParseUint(f[0], 10, 64)
				if err == nil {
					return kb << 10
				}
			}
		}
	}
	return 0
}

// trend is a series' least-squares line over the second half of a run.
type trend struct {
	name        string
	slopePerMin float64 // units a minute
	mean        float64
	growth      float64 // slope × the half's length, as a share of mean
}

// fit fits ys against xs (seconds).
func fit(name string, xs, ys []float64) trend {
	_, beta := stat.LinearRegression(xs, ys, nil, false)
	mean := stat.Mean(ys, nil)
	span := xs[len(xs)-1] - xs[0]
	t := trend{name: name, slopePerMin: beta * 60, mean: mean}
	if mean != 0 {
		t.growth = beta * span / mean
	}
	return t
}

// summarise prints the run's summary and says whether memory and
// goroutines stayed flat.
func summarise(out io.Writer, o options, samples []sample, all []float64) bool {
	half := samples[len(samples)/2:]
	if len(half) < 2 {
		fmt.Fprintln(out, "soak: too few samples for a trend")
		return false
	}
	xs := make([]float64, len(half))
	rssY, heapY, gorY := make([]float64, len(half)), make([]float64, len(half)), make([]float64, len(half))
	searches, errs := 0, 0
	for _, s := range samples {
		searches += s.searches
		errs += s.errs
	}
	for i, s := range half {
		xs[i] = s.elapsed.Seconds()
		rssY[i], heapY[i], gorY[i] = float64(s.rss)/(1<<20), float64(s.heap)/(1<<20), float64(s.goroutines)
	}
	p50, p95, p99 := percentiles(all)
	loads := make([]float64, len(samples))
	for i, s := range samples {
		loads[i] = s.load1
	}
	fmt.Fprintf(out, "soak: %d searches answered, %d failed, over %v; latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; machine load (1 min) mean %.1f, max %.1f\n",
		searches, errs, samples[len(samples)-1].elapsed.Round(time.Second), p50, p95, p99, stat.Mean(loads, nil), slices.Max(loads))
	flat := true
	for _, tr := range []struct {
		t     trend
		unit  string
		limit float64
		abs   float64 // growth under this many units is flat whatever the share
	}{
		{fit("RSS", xs, rssY), "MiB", o.flat, 0},
		{fit("live heap", xs, heapY), "MiB", o.flat, 0},
		{fit("goroutines", xs, gorY), "", 0.05, 20},
	} {
		grown := tr.t.growth * tr.t.mean
		ok := tr.t.growth < tr.limit || grown < tr.abs
		verdict := "flat"
		if !ok {
			verdict, flat = "GROWING", false
		}
		fmt.Fprintf(out, "soak: %-10s second half: mean %.1f %s, slope %+.3f %s/min, %+.1f%% over the half: %s\n",
			tr.t.name, tr.t.mean, tr.unit, tr.t.slopePerMin, tr.unit, 100*tr.t.growth, verdict)
	}
	if errs > 0 && float64(errs) > 0.01*float64(searches+errs) {
		fmt.Fprintf(out, "soak: %d of %d searches failed\n", errs, searches+errs)
		flat = false
	}
	if flat {
		fmt.Fprintln(out, "soak: memory and goroutines stayed flat")
	} else {
		fmt.Fprintln(out, "soak: NOT flat (see above)")
	}
	return flat
}
