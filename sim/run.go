package sim

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/p2pir/p2pir/eval"
	"github.com/p2pir/p2pir/serveragent/recommend"
)

// Row is one number of the results: a metric of a strategy in a round.
// Clustering rows have strategy "clusters"; recommendation rows have
// strategy "recommend", "popularity" or "random".
type Row struct {
	Strategy string
	Round    int
	Metric   string
	Value    float64
}

// Results are the outcome of an experiment.
type Results struct {
	// Config is the resolved configuration.
	Config Config
	// Domains names the domains, with NodesPerDomain nodes each.
	Domains        []string
	NodesPerDomain []int
	// Rows are the numbers, sorted by strategy, round and metric.
	Rows []Row
	// Latencies are the final round's search latencies in milliseconds,
	// per strategy, ascending (for the latency CDF).
	Latencies map[string][]float64
	// TraceMessages is the sum of the traces' message counts over every
	// search the harness sent through the network; Carried is what the
	// network itself counted. They agree on a sound network.
	TraceMessages int64
	// TraceBytes is the sum of the traces' bytes (sent and received).
	TraceBytes int64
	Carried    Traffic
	// LostCalls counts the calls between peers the traces report
	// unanswered (SearchResult.Lost); a sound run has none.
	LostCalls int64
}

// Options are the run's hooks; the zero value is silent.
type Options struct {
	// Progress, when set, is called with the steps done and the total
	// (one step per person per round).
	Progress func(done, total int)
	// Phase, when set, is called as each phase of the run ends, with its
	// name ("start the network", "share documents", "round 2: train",
	// ...) and how long it took: where a large run spends its time.
	Phase func(name string, took time.Duration)
}

// timer reports the phases of a run to Options.Phase.
type timer struct {
	phase func(string, time.Duration)
	start time.Time
}

// done reports the phase that began at the last call (or at the start)
// and begins the next one.
func (t *timer) done(name string) {
	now := time.Now()
	if t.phase != nil {
		t.phase(name, now.Sub(t.start))
	}
	t.start = now
}

// Metric names.
const (
	MetricNDCG10     = "ndcg10"
	MetricMAP        = "map"
	MetricRecall100  = "recall100"
	MetricRecall10   = "recall10"
	MetricOffDomain  = "off_domain_share" // also off_domain_share_<domain>, for the queries of one domain
	MetricNDCGRatio  = "ndcg10_ratio"
	MetricMAPRatio   = "map_ratio"
	MetricPeers      = "peers_per_query"
	MetricMessages   = "messages_per_query"
	MetricBytes      = "bytes_per_query"
	MetricLatencyP50 = "latency_p50_ms"
	MetricLatencyP95 = "latency_p95_ms"
	MetricLatencyP99 = "latency_p99_ms"
	MetricPurity     = "purity"
	MetricNMI        = "nmi"
	MetricMembership = "membership_complete"
	MetricSummaries  = "summaries_known"
	// The trust probe (strategy "trust", after the last round): the
	// learned weight of the peer whose result person 0 marked "not
	// interested", and of another peer that answered, before and after.
	MetricMarkedBefore = "marked_peer_weight_before"
	MetricMarkedAfter  = "marked_peer_weight_after"
	MetricOtherBefore  = "other_peer_weight_before"
	MetricOtherAfter   = "other_peer_weight_after"
	MetricClustersConv = "clusters_converged_round"
	MetricMembersConv  = "membership_converged_round"
)

// IsLatency reports whether a metric is wall-clock (and so not
// reproducible from the seed).
func IsLatency(metric string) bool { return strings.HasPrefix(metric, "latency_") }

// experiment is the state of one run.
type experiment struct {
	cfg     Config
	domains []Domain
	people  []Person
	net     Net
	central *central
	seen    []map[string]bool // person -> URLs judged
	likes   [][]string        // person -> URLs marked interested, in order
	rows    []Row
	lat     map[string][]float64
	traced  int64
	bytes   int64
	lost    int64
	par     int   // people searching at once
	nodeDom []int // node -> domain
}

// Run runs the experiment cfg describes on the network newNet builds:
// round 0 measures the network as placed; each later round, every person
// issues cfg.TrainQueries training queries with cfg.TrainStrategy and
// marks the top cfg.JudgeDepth results from the judgments, the network
// runs a gossip round, and everything is measured again on the held-out
// test queries.
func Run(ctx context.Context, cfg Config, newNet NewNetFunc, opts Options) (res *Results, err error) {
	cfg, err = cfg.Resolve()
	if err != nil {
		return nil, err
	}
	domains, err := LoadDomains(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return RunDomains(ctx, cfg, domains, newNet, opts)
}

// RunDomains is Run on domains already loaded (cfg.Collections is echoed
// in the results but not read).
func RunDomains(ctx context.Context, cfg Config, domains []Domain, newNet NewNetFunc, opts Options) (res *Results, err error) {
	cfg, err = cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if len(domains) != len(cfg.Collections) {
		return nil, fmt.Errorf("%w: %d domains for %d collections", ErrBadConfig, len(domains), len(cfg.Collections))
	}
	sizes := make([]int, len(domains))
	for i, d := range domains {
		sizes[i] = len(d.Docs)
		if len(d.Test) == 0 {
			return nil, fmt.Errorf("%w: domain %s has no judged queries", ErrBadConfig, d.Name)
		}
	}
	clock := &timer{phase: opts.Phase, start: time.Now()}
	pl, err := Place(ctx, domains, cfg.Nodes, cfg.Placement, cfg.Replication, cfg.Seed)
	if err != nil {
		return nil, err
	}
	clock.done("place documents")
	net, err := newNet(ctx, cfg, cfg.Nodes)
	if err != nil {
		return nil, fmt.Errorf("start the network: %w", err)
	}
	clock.done("start the network (membership complete)")
	defer func() { err = errors.Join(err, net.Close()) }()
	for i, docs := range pl.NodeDocs {
		batch := make([]Document, len(docs))
		for j, d := range docs {
			batch[j] = domains[pl.NodeDomain[i]].Docs[d]
		}
		if err := net.AddDocuments(ctx, i, batch); err != nil {
			return nil, fmt.Errorf("share documents on node %d: %w", i, err)
		}
	}
	clock.done("share documents")
	cen, err := newCentral(ctx, domains)
	if err != nil {
		return nil, err
	}
	defer func() { err = errors.Join(err, cen.close()) }()
	clock.done("central index")

	x := &experiment{cfg: cfg, domains: domains, net: net, central: cen,
		people: NewPeople(domains, pl.NodeDomain, cfg.TwoDomainShare, cfg.TestQueries, cfg.Seed),
		par:    parallelism(net, cfg.Parallel), nodeDom: pl.NodeDomain}
	for range x.people {
		x.seen = append(x.seen, map[string]bool{})
		x.likes = append(x.likes, nil)
	}
	var labelling [][]int
	var complete []bool
	total, done := (cfg.Rounds+1)*len(x.people), 0
	for round := 0; round <= cfg.Rounds; round++ {
		if round > 0 {
			if err := x.train(ctx, round); err != nil {
				return nil, err
			}
			clock.done(fmt.Sprintf("round %d: train", round))
		}
		if err := net.Round(ctx); err != nil {
			return nil, fmt.Errorf("round %d: gossip: %w", round, err)
		}
		clock.done(fmt.Sprintf("round %d: gossip and clustering", round))
		labels, full, err := x.measureNetwork(ctx, round)
		if err != nil {
			return nil, err
		}
		labelling = append(labelling, labels)
		complete = append(complete, full)
		if err := x.measureRecommendations(ctx, round); err != nil {
			return nil, err
		}
		clock.done(fmt.Sprintf("round %d: clusters, members and recommendations", round))
		if err := x.measureSearch(ctx, round, func() {
			done++
			if opts.Progress != nil {
				opts.Progress(done, total)
			}
		}); err != nil {
			return nil, err
		}
		clock.done(fmt.Sprintf("round %d: searches", round))
	}
	if err := x.probeTrust(ctx); err != nil {
		return nil, err
	}
	x.rows = append(x.rows, Row{"clusters", cfg.Rounds, MetricClustersConv, float64(ConvergedRound(labelling))})
	memConv := -1.0
	for r := len(complete) - 1; r >= 0 && complete[r]; r-- {
		memConv = float64(r)
	}
	x.rows = append(x.rows, Row{"clusters", cfg.Rounds, MetricMembersConv, memConv})
	SortRows(x.rows)
	names := make([]string, len(domains))
	for i, d := range domains {
		names[i] = d.Name
	}
	return &Results{Config: cfg, Domains: names, NodesPerDomain: NodesPerDomain(sizes, cfg.Nodes), Rows: x.rows,
		Latencies: x.lat, TraceMessages: x.traced, TraceBytes: x.bytes, Carried: net.Carried(), LostCalls: x.lost}, nil
}

// SortRows sorts rows by strategy, round and metric.
func SortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(strings.Compare(a.Strategy, b.Strategy), cmp.Compare(a.Round, b.Round), strings.Compare(a.Metric, b.Metric))
	})
}

// train has every person issue and judge their next training queries,
// up to x.par people at once, in lock step: every person searches their
// t-th query, then every person judges and marks its results, then the
// (t+1)-th. A node forwarding another person's query routes it with its
// own profile, which only its person's marks change, so no mark may
// land while searches run; each person's marks stay in order on their
// own node, and their judging noise comes from their own source, seeded
// by (seed, round, person). The outcome does not depend on x.par.
func (x *experiment) train(ctx context.Context, round int) error {
	type tally struct{ traced, bytes, lost int64 }
	tallies := make([]tally, len(x.people))
	queries := make([][]QueryRef, len(x.people))
	rngs := make([]*rand.Rand, len(x.people))
	for i := range x.people {
		queries[i] = x.people[i].NextTrain(x.cfg.TrainQueries)
		rngs[i] = rand.New(rand.NewPCG(x.cfg.Seed, uint64(round)<<40|uint64(i)<<8|0xa1))
	}
	defer func() {
		for _, t := range tallies {
			x.traced += t.traced
			x.bytes += t.bytes
			x.lost += t.lost
		}
	}()
	results := make([]SearchResult, len(x.people))
	for step := range x.cfg.TrainQueries {
		if err := x.forEachPerson(ctx, func(ctx context.Context, i int) error {
			if step >= len(queries[i]) {
				return nil
			}
			q := queries[i][step]
			sq := x.domains[q.Domain].Train[q.Index]
			res, err := x.net.Search(ctx, i, sq.Text, x.cfg.TrainStrategy, x.cfg.Depth)
			if err != nil {
				return fmt.Errorf("round %d: node %d: training query %s: %w", round, i, sq.ID, err)
			}
			t := &tallies[i]
			t.traced += int64(res.Messages)
			t.bytes += res.BytesSent + res.BytesReceived
			t.lost += int64(res.Lost)
			results[i] = res
			return nil
		}, nil); err != nil {
			return err
		}
		if err := x.forEachPerson(ctx, func(ctx context.Context, i int) error {
			if step >= len(queries[i]) {
				return nil
			}
			q := queries[i][step]
			sq := x.domains[q.Domain].Train[q.Index]
			res := results[i]
			top := res.URLs[:min(len(res.URLs), x.cfg.JudgeDepth)]
			for j, liked := range Judge(top, sq.Relevant, x.cfg.Noise, rngs[i]) {
				if err := x.net.Mark(ctx, i, res.QueryID, top[j], liked); err != nil {
					return fmt.Errorf("round %d: node %d: mark: %w", round, i, err)
				}
				if !x.seen[i][top[j]] {
					x.seen[i][top[j]] = true
					if liked {
						x.likes[i] = append(x.likes[i], top[j])
					}
				}
			}
			return nil
		}, nil); err != nil {
			return err
		}
	}
	return nil
}

// forEachPerson calls fn for every person, up to x.par at once, each
// person from one goroutine; done (when set) is called after each person
// from one goroutine at a time. It returns the first error a call
// returned (the cause: the calls still running are then cancelled, and
// people not yet started are skipped).
func (x *experiment) forEachPerson(ctx context.Context, fn func(ctx context.Context, i int) error, done func()) error {
	n := len(x.people)
	if x.par <= 1 {
		for i := range n {
			if err := fn(ctx, i); err != nil {
				return err
			}
			if done != nil {
				done()
			}
		}
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		mu    sync.Mutex
		first error
		wg    sync.WaitGroup
	)
	for range min(x.par, n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				err := fn(ctx, i)
				mu.Lock()
				if err != nil && first == nil {
					first = err
					cancel()
				}
				if err == nil && done != nil {
					done()
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// measureNetwork records clustering and membership; it returns the
// labelling and whether every node knows every member.
func (x *experiment) measureNetwork(ctx context.Context, round int) ([]int, bool, error) {
	labels, err := x.net.Clusters(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("round %d: clusters: %w", round, err)
	}
	members, err := x.net.Members(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("round %d: members: %w", round, err)
	}
	truth := primaryDomains(x.people)
	full := 0
	for _, m := range members {
		if m == len(x.people) {
			full++
		}
	}
	share := float64(full) / float64(len(members))
	x.rows = append(x.rows,
		Row{"clusters", round, MetricPurity, Purity(labels, truth)},
		Row{"clusters", round, MetricNMI, NMI(labels, truth)},
		Row{"clusters", round, MetricMembership, share})
	if sn, ok := x.net.(SummaryNet); ok && len(x.people) > 1 {
		known, err := sn.Summaries(ctx)
		if err != nil {
			return nil, false, fmt.Errorf("round %d: summaries: %w", round, err)
		}
		sum := 0.0
		for _, k := range known {
			sum += float64(k) / float64(len(x.people)-1)
		}
		x.rows = append(x.rows, Row{"clusters", round, MetricSummaries, sum / float64(len(known))})
	}
	return labels, share == 1, nil
}

// measureRecommendations scores each person's recommendations, and the
// popularity and random baselines over the other people's likes, against
// the relevant documents of the person's test queries not yet seen.
func (x *experiment) measureRecommendations(ctx context.Context, round int) error {
	k := x.cfg.K
	rng := rand.New(rand.NewPCG(x.cfg.Seed, uint64(round)<<32|0x4e3))
	sums := map[string][2]float64{}
	n := 0
	same := func(s string) string { return s }
	for i := range x.people {
		truth := x.people[i].TestRelevant(x.domains, x.seen[i])
		if len(truth) == 0 {
			continue
		}
		n++
		rec, err := x.net.Recommend(ctx, i, k)
		if err != nil {
			return fmt.Errorf("round %d: node %d: recommend: %w", round, i, err)
		}
		var others []recommend.PeerLikes
		for j, l := range x.likes {
			if j == i || len(l) == 0 {
				continue
			}
			pl := recommend.PeerLikes{NodeID: fmt.Sprintf("%06d", j), Similarity: 1}
			for _, u := range l {
				pl.Docs = append(pl.Docs, recommend.Liked{URL: u})
			}
			others = append(others, pl)
		}
		lists := map[string][]string{
			"recommend":  rec,
			"popularity": urls(recommend.Popularity(others, x.seen[i], same, k)),
			"random":     urls(recommend.Random(others, x.seen[i], same, k, rng)),
		}
		for _, name := range []string{"recommend", "popularity", "random"} {
			p, r := PrecisionRecall(lists[name], truth, k)
			s := sums[name]
			sums[name] = [2]float64{s[0] + p, s[1] + r}
		}
	}
	for _, name := range []string{"recommend", "popularity", "random"} {
		var p, r float64
		if n > 0 {
			p, r = sums[name][0]/float64(n), sums[name][1]/float64(n)
		}
		x.rows = append(x.rows,
			Row{name, round, fmt.Sprintf("p_at_%d", k), p},
			Row{name, round, fmt.Sprintf("recall_at_%d", k), r})
	}
	return nil
}

func urls(items []recommend.Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.URL
	}
	return out
}

// measureSearch runs every person's test queries with every strategy and
// records quality and cost, up to x.par people at once (each person's
// searches in order); step is called after each person, from one
// goroutine at a time.
func (x *experiment) measureSearch(ctx context.Context, round int, step func()) error {
	type acc struct {
		run                         eval.Run
		peers, msgs, bytes, queries float64
		recall10, offDomain         float64
		domQueries, domOff          []float64 // by the query's domain
		lat                         []float64
	}
	accs := map[string]*acc{}
	for _, s := range x.cfg.Strategies {
		accs[s] = &acc{run: eval.Run{}}
	}
	// Each person's answers go to their own slot and are added up in
	// person order, so the sums do not depend on who finished first.
	type answer struct {
		qid    string
		domain int
		res    SearchResult
	}
	answers := make([][][]answer, len(x.people)) // person -> strategy -> queries
	err := x.forEachPerson(ctx, func(ctx context.Context, i int) error {
		out := make([][]answer, len(x.cfg.Strategies))
		for _, q := range x.people[i].Test {
			sq := x.domains[q.Domain].Test[q.Index]
			qid := fmt.Sprintf("n%d.%s.%s", i, x.domains[q.Domain].Name, sq.ID)
			for si, s := range x.cfg.Strategies {
				var res SearchResult
				var err error
				if s == StrategyCentral {
					res, err = x.central.search(ctx, sq.Text, x.cfg.Depth)
				} else {
					res, err = x.net.Search(ctx, i, sq.Text, s, x.cfg.Depth)
				}
				if err != nil {
					return fmt.Errorf("round %d: node %d: %s search for query %s: %w", round, i, s, sq.ID, err)
				}
				out[si] = append(out[si], answer{qid, q.Domain, res})
			}
		}
		answers[i] = out
		return nil
	}, step)
	if err != nil {
		return err
	}
	qrels := eval.Qrels{}
	for i := range x.people {
		for _, q := range x.people[i].Test {
			sq := x.domains[q.Domain].Test[q.Index]
			qrels[fmt.Sprintf("n%d.%s.%s", i, x.domains[q.Domain].Name, sq.ID)] = sq.Relevant
		}
		for si, s := range x.cfg.Strategies {
			a := accs[s]
			for _, an := range answers[i][si] {
				res := an.res
				if s != StrategyCentral {
					x.traced += int64(res.Messages)
					x.bytes += res.BytesSent + res.BytesReceived
					x.lost += int64(res.Lost)
				}
				rs := make([]eval.Result, len(res.URLs))
				for j, u := range res.URLs {
					rs[j] = eval.Result{DocNo: u, Score: float64(len(res.URLs) - j)}
				}
				a.run[an.qid] = rs
				a.recall10 += recallAt(res.URLs, qrels[an.qid], 10)
				if a.domQueries == nil {
					a.domQueries, a.domOff = make([]float64, len(x.domains)), make([]float64, len(x.domains))
				}
				a.domQueries[an.domain]++
				for _, j := range res.Reached {
					if j < len(x.nodeDom) && x.nodeDom[j] != an.domain {
						a.offDomain++
						a.domOff[an.domain]++
						break
					}
				}
				a.peers += float64(res.PeersContacted)
				a.msgs += float64(res.Messages)
				a.bytes += float64(res.BytesSent + res.BytesReceived)
				a.queries++
				a.lat = append(a.lat, float64(res.Latency.Microseconds())/1000)
			}
		}
	}
	quality := map[string]eval.Summary{}
	for _, s := range x.cfg.Strategies {
		a := accs[s]
		sum, _, err := eval.Config{Complete: true}.Evaluate(a.run, qrels)
		if err != nil {
			return fmt.Errorf("round %d: evaluate %s: %w", round, s, err)
		}
		quality[s] = sum
		x.rows = append(x.rows,
			Row{s, round, MetricNDCG10, sum.NDCG10},
			Row{s, round, MetricMAP, sum.MAP},
			Row{s, round, MetricRecall100, sum.Recall100},
			Row{s, round, MetricRecall10, a.recall10 / a.queries},
			Row{s, round, MetricOffDomain, a.offDomain / a.queries},
			Row{s, round, MetricPeers, a.peers / a.queries},
			Row{s, round, MetricMessages, a.msgs / a.queries},
			Row{s, round, MetricBytes, a.bytes / a.queries},
			Row{s, round, MetricLatencyP50, Percentile(a.lat, 50)},
			Row{s, round, MetricLatencyP95, Percentile(a.lat, 95)},
			Row{s, round, MetricLatencyP99, Percentile(a.lat, 99)})
		for d := range a.domQueries {
			if a.domQueries[d] > 0 && len(x.domains) > 1 {
				x.rows = append(x.rows, Row{s, round, MetricOffDomain + "_" + x.domains[d].Name, a.domOff[d] / a.domQueries[d]})
			}
		}
		if round == x.cfg.Rounds {
			if x.lat == nil {
				x.lat = map[string][]float64{}
			}
			l := slices.Clone(a.lat)
			slices.Sort(l)
			x.lat[s] = l
		}
	}
	if c, ok := quality[StrategyCentral]; ok {
		for _, s := range x.cfg.Strategies {
			q := quality[s]
			x.rows = append(x.rows,
				Row{s, round, MetricNDCGRatio, ratio(q.NDCG10, c.NDCG10)},
				Row{s, round, MetricMAPRatio, ratio(q.MAP, c.MAP)})
		}
	}
	return nil
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// recallAt is the share of a query's relevant documents (grade ≥ 1) in the
// first k results; 0 for a query without any.
func recallAt(urls []string, rel map[string]int, k int) float64 {
	total := 0
	for _, g := range rel {
		if g >= 1 {
			total++
		}
	}
	if total == 0 {
		return 0
	}
	found := 0
	for i, u := range urls {
		if i == k {
			break
		}
		if rel[u] >= 1 {
			found++
		}
	}
	return float64(found) / float64(total)
}

// probeTrust checks, on a network whose nodes learn a trust per peer
// (TrustNet), that a mark teaches only the peer it is about: person 0
// floods their first held-out query, marks "not interested" the first
// result that exactly one peer found, and the rows record that peer's
// weight and another answering peer's before and after (Check requires
// the first to fall and the second to stay). No rows when the network
// does not learn per peer, or no answer had two peers to tell apart.
func (x *experiment) probeTrust(ctx context.Context) error {
	tn, ok := x.net.(TrustNet)
	if !ok || len(x.people) == 0 || len(x.people[0].Test) == 0 || !slices.Contains(x.cfg.Strategies, StrategyFlood) {
		return nil
	}
	q := x.people[0].Test[0]
	res, err := x.net.Search(ctx, 0, x.domains[q.Domain].Test[q.Index].Text, StrategyFlood, x.cfg.Depth)
	if err != nil {
		return fmt.Errorf("trust probe: search: %w", err)
	}
	x.traced += int64(res.Messages) // the network carried it: the traces must count it too
	x.bytes += res.BytesSent + res.BytesReceived
	x.lost += int64(res.Lost)
	marked, other, url := -1, -1, ""
	for i, f := range res.Finders {
		if marked < 0 && len(f) == 1 {
			marked, url = f[0], res.URLs[i]
		}
	}
	for _, f := range res.Finders {
		for _, j := range f {
			if marked >= 0 && j != marked && other < 0 {
				other = j
			}
		}
	}
	if marked < 0 || other < 0 {
		return nil
	}
	before, err := tn.PeerWeights(ctx, 0)
	if err != nil {
		return fmt.Errorf("trust probe: %w", err)
	}
	if err := x.net.Mark(ctx, 0, res.QueryID, url, false); err != nil {
		return fmt.Errorf("trust probe: %w", err)
	}
	after, err := tn.PeerWeights(ctx, 0)
	if err != nil {
		return fmt.Errorf("trust probe: %w", err)
	}
	// Nodes in memory and on loopback keep marks undecayed (see
	// startNode); in processes mode they decay with the wall clock, and
	// six decimals keep the rows the same from run to run while showing
	// any move a mark makes.
	r, six := x.cfg.Rounds, func(v float64) float64 { return math.Round(v*1e6) / 1e6 }
	x.rows = append(x.rows,
		Row{"trust", r, MetricMarkedBefore, six(before[marked])}, Row{"trust", r, MetricMarkedAfter, six(after[marked])},
		Row{"trust", r, MetricOtherBefore, six(before[other])}, Row{"trust", r, MetricOtherAfter, six(after[other])})
	return nil
}
