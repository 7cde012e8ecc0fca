package sim

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/node"
	"github.com/p2pir/p2pir/serveragent"
)

// ProcessOptions tunes NewProcessNet.
type ProcessOptions struct {
	// Binary is the p2pir executable every node runs ("p2pir node").
	// Required; the p2pir command passes os.Executable().
	Binary string
	// Env is added to each node process's environment (a test binary that
	// runs as p2pir when a variable is set, say).
	Env []string
	// StartTimeout bounds how long one node may take to write its run
	// file after it is started. Default 30s.
	StartTimeout time.Duration
	// StopTimeout bounds how long Close waits for the nodes to leave
	// after SIGTERM before it kills them. Default 15s.
	StopTimeout time.Duration
	// CallTimeout bounds each call to a node's HTTP API. Default 60s.
	CallTimeout time.Duration
}

// procNet is a network of separate "p2pir node" OS processes on
// loopback, driven through their HTTP API (node/api.go) as a person's
// CLI would: searches with a routing strategy, marks, recommendations,
// and, since every node runs with --manual-rounds, the gossip and
// re-clustering rounds (POST /network/round). Each node's directory holds
// its seeded key (written before it starts, so node IDs are the same
// from run to run), its index, its config.toml and node.log, its output.
//
// The documents are indexed into each node's data directory before its
// process starts, as "p2pir index" before "p2pir node" (a running node
// holds its index): the processes start at the first call other than
// AddDocuments.
type procNet struct {
	cfg     Config
	opts    ProcessOptions
	dir     string
	nodes   []*procNode
	index   map[string]int // node ID → node number
	started bool
	// startErr is why the start failed, returned by every later call.
	startErr error
	client   *http.Client
}

// procNode is one node process.
type procNode struct {
	dir    string
	cmd    *exec.Cmd
	log    *os.File
	info   node.RunInfo
	exited chan struct{} // closed when the process has ended
	err    error         // the process's exit, once exited is closed
}

// NewProcessNet returns the constructor of a network whose nodes are
// separate "p2pir node" processes (opts.Binary) on 127.0.0.1.
func NewProcessNet(opts ProcessOptions) NewNetFunc {
	if opts.StartTimeout <= 0 {
		opts.StartTimeout = 30 * time.Second
	}
	if opts.StopTimeout <= 0 {
		opts.StopTimeout = 15 * time.Second
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = time.Minute
	}
	return func(ctx context.Context, cfg Config, n int) (Net, error) {
		return newProcNet(cfg, n, opts)
	}
}

// newProcNet prepares n node directories: seeded keys and config.toml.
func newProcNet(cfg Config, n int, opts ProcessOptions) (_ Net, err error) {
	if n < 1 {
		return nil, fmt.Errorf("%w: a network needs at least one node", ErrBadConfig)
	}
	if opts.Binary == "" {
		return nil, errors.New("sim: processes mode needs the p2pir binary to run")
	}
	dir, err := os.MkdirTemp("", "p2pir-sim-proc-")
	if err != nil {
		return nil, fmt.Errorf("sim: node directories: %w", err)
	}
	net := &procNet{cfg: cfg, opts: opts, dir: dir, index: map[string]int{}, client: &http.Client{}}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	// The peers source waits for the slowest hop of the deepest strategy,
	// as in memory mode; the per-peer timeout (a flag) bounds each call.
	peersTimeout := time.Duration(cfg.PeerTimeoutMS*max(cfg.TTL, cfg.WalkHops, 2)) * time.Millisecond
	conf := fmt.Sprintf("# written by p2pir sim --mode processes\n[network]\ntimeout = %q\n", peersTimeout.String())
	for i := range n {
		d := filepath.Join(dir, fmt.Sprintf("node-%04d", i))
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, fmt.Errorf("sim: node directory: %w", err)
		}
		if err := writeSeededKey(filepath.Join(d, "node.key"), cfg.Seed, i); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(d, "config.toml"), []byte(conf), 0o600); err != nil {
			return nil, fmt.Errorf("sim: node config: %w", err)
		}
		net.nodes = append(net.nodes, &procNode{dir: d})
	}
	return net, nil
}

// Nodes implements Net.
func (net *procNet) Nodes() int { return len(net.nodes) }

// AddDocuments implements Net: the documents go into node i's index on
// disk as web pages (http URLs), before its process starts.
func (net *procNet) AddDocuments(ctx context.Context, i int, docs []Document) (err error) {
	if net.started {
		return fmt.Errorf("node %d: processes mode indexes documents before the nodes start, not after", i)
	}
	ix, err := index.Open(filepath.Join(net.nodes[i].dir, "index"), index.DefaultConfig())
	if err != nil {
		return fmt.Errorf("node %d: open the index: %w", i, err)
	}
	defer func() { err = errors.Join(err, ix.Close()) }()
	batch := make([]index.Document, len(docs))
	for j, d := range docs {
		batch[j] = index.Document{ID: d.URL, URL: d.URL, Title: d.Title, Body: d.Text, Source: index.SourceWeb}
	}
	if err := ix.Index(ctx, batch); err != nil {
		return fmt.Errorf("node %d: index documents: %w", i, err)
	}
	return nil
}

// start starts every node process, node 0 first and the others joining
// through it, and waits until every node knows every other; only the
// first call does anything, later ones return its error.
func (net *procNet) start(ctx context.Context) error {
	if !net.started {
		net.started = true
		net.startErr = net.startAll(ctx)
	}
	return net.startErr
}

func (net *procNet) startAll(ctx context.Context) error {
	if err := net.startProcess(0, ""); err != nil {
		return err
	}
	if err := net.waitRunFile(ctx, 0); err != nil {
		return err
	}
	for i := 1; i < len(net.nodes); i++ {
		if err := net.startProcess(i, net.nodes[0].info.Gossip); err != nil {
			return err
		}
	}
	for i := 1; i < len(net.nodes); i++ {
		if err := net.waitRunFile(ctx, i); err != nil {
			return err
		}
	}
	for i, p := range net.nodes {
		net.index[p.info.NodeID] = i
	}
	return net.waitMembership(ctx)
}

// startProcess starts node i's process, joining through join if set.
// Settings mirror memory mode's (nodenet.go): manual rounds, the local
// membership profile, a seed per node, a peer table for the whole
// network, the fan-out and per-peer timeout of the configuration.
func (net *procNet) startProcess(i int, join string) error {
	p := net.nodes[i]
	args := []string{"--data", p.dir, "node",
		"--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0",
		"--manual-rounds", "--membership", "local",
		"--seed", strconv.FormatUint(net.cfg.Seed*1_000_003+uint64(i)+1, 10),
		"--max-peers", strconv.Itoa(max(1024, net.cfg.Nodes)),
		"--fanout", strconv.Itoa(net.cfg.FanOut),
		"--neighbours", strconv.Itoa(net.cfg.OverlayDegree),
		"--scoring", net.cfg.Scoring,
		// As in memory mode: the nodes trust each other, and a rate
		// limiter refills by the wall clock, so a call refused for its
		// rate would depend on how fast the machine runs the experiment.
		"--peer-rate", "inf",
		"--peer-timeout", (time.Duration(net.cfg.PeerTimeoutMS) * time.Millisecond).String(),
	}
	if join != "" {
		args = append(args, "--join", join)
	}
	log, err := os.OpenFile(filepath.Join(p.dir, "node.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("node %d: log file: %w", i, err)
	}
	cmd := exec.Command(net.opts.Binary, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.Env = append(os.Environ(), net.opts.Env...)
	cmd.SysProcAttr = nodeProcAttr()
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("node %d: start %s: %w", i, net.opts.Binary, err)
	}
	p.cmd, p.log, p.exited = cmd, log, make(chan struct{})
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return nil
}

// waitRunFile waits until node i's process has written its run file
// (its HTTP API is then serving), it exits, StartTimeout passes or ctx
// ends.
func (net *procNet) waitRunFile(ctx context.Context, i int) error {
	p := net.nodes[i]
	ctx, cancel := context.WithTimeout(ctx, net.opts.StartTimeout)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if ri, ok := node.ReadRunFile(p.dir); ok && ri.PID == p.cmd.Process.Pid {
			p.info = ri
			return nil
		}
		select {
		case <-p.exited:
			return fmt.Errorf("node %d exited before it served (%v); its output:\n%s", i, p.err, logTail(p.dir))
		case <-ctx.Done():
			return fmt.Errorf("node %d: waiting for its run file %s: %w; its output:\n%s", i, filepath.Join(p.dir, node.RunFile), ctx.Err(), logTail(p.dir))
		case <-tick.C:
		}
	}
}

// logTail is the end of a node's log, for error messages.
func logTail(dir string) string {
	raw, _ := os.ReadFile(filepath.Join(dir, "node.log"))
	if len(raw) > 2000 {
		raw = raw[len(raw)-2000:]
	}
	return string(raw)
}

// waitMembership waits until every node knows every other (memberlist
// gossips on its own timers) or ctx ends.
func (net *procNet) waitMembership(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute+time.Duration(len(net.nodes))*200*time.Millisecond)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		members, err := net.members(ctx)
		if err == nil && !slices.ContainsFunc(members, func(m int) bool { return m < len(net.nodes) }) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sim: waiting for every node to know the others (last: %v, %v): %w", members, err, ctx.Err())
		case <-tick.C:
		}
	}
}

// call sends one request to node i's HTTP API, with the node's token,
// and decodes the JSON answer into out (if not nil); a status other than
// 200 is an error with the API's message.
func (net *procNet) call(ctx context.Context, i int, method, path string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, net.opts.CallTimeout)
	defer cancel()
	p := net.nodes[i]
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("node %d: %s %s: %w", i, method, path, err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+p.info.HTTPAddr+path, rd)
	if err != nil {
		return fmt.Errorf("node %d: %s %s: %w", i, method, path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(node.TokenHeader, p.info.Token)
	resp, err := net.client.Do(req)
	if err != nil {
		return fmt.Errorf("node %d: %s %s: %w", i, method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("node %d: %s %s: read the answer: %w", i, method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(raw, &e)
		return fmt.Errorf("node %d: %s %s: %s: %s", i, method, path, resp.Status, e.Error)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("node %d: %s %s: decode the answer: %w", i, method, path, err)
	}
	return nil
}

// searchAnswer is the part of POST /search's answer the harness reads.
type searchAnswer struct {
	QueryID string `json:"query_id"`
	Results []struct {
		URL     string   `json:"url"`
		Engines []string `json:"engines"`
	} `json:"results"`
	Trace clientagent.SearchTrace `json:"trace"`
}

// Search implements Net with POST /search on node i: the same request
// memory mode gives the client agent (sources, routing, hops, fan-out),
// and the same reading of its trace.
func (net *procNet) Search(ctx context.Context, i int, text, strategy string, k int) (SearchResult, error) {
	if err := net.start(ctx); err != nil {
		return SearchResult{}, err
	}
	r, err := searchRequest(net.cfg, text, strategy, k)
	if err != nil {
		return SearchResult{}, err
	}
	req := struct {
		Q       string   `json:"q"`
		K       int      `json:"k"`
		Sources []string `json:"sources"`
		Routing string   `json:"routing,omitempty"`
		Hops    int      `json:"hops,omitempty"`
		FanOut  int      `json:"fan_out,omitempty"`
	}{r.Query, r.K, r.Sources, r.Routing, r.Hops, r.FanOut}
	start := time.Now()
	var ans searchAnswer
	if err := net.call(ctx, i, http.MethodPost, "/search", req, &ans); err != nil {
		return SearchResult{}, fmt.Errorf("search %q: %w", text, err)
	}
	out := SearchResult{QueryID: ans.QueryID, Latency: time.Since(start)}
	for _, r := range ans.Results {
		out.URLs = append(out.URLs, r.URL)
		out.Finders = append(out.Finders, finders(r.Engines, i, net.index))
	}
	readTrace(&out, i, net.index, ans.Trace)
	return out, nil
}

// PeerWeights implements TrustNet with GET /peers on node i (each peer's
// trust.weight_factor).
func (net *procNet) PeerWeights(ctx context.Context, i int) (map[int]float64, error) {
	if err := net.start(ctx); err != nil {
		return nil, err
	}
	var peers []struct {
		NodeID string `json:"node_id"`
		Trust  struct {
			WeightFactor float64 `json:"weight_factor"`
		} `json:"trust"`
	}
	if err := net.call(ctx, i, http.MethodGet, "/peers", nil, &peers); err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	out := make(map[int]float64, len(peers))
	for _, p := range peers {
		if j, ok := net.index[p.NodeID]; ok {
			out[j] = p.Trust.WeightFactor
		}
	}
	return out, nil
}

// Mark implements Net with POST /mark on node i.
func (net *procNet) Mark(ctx context.Context, i int, queryID, u string, interested bool) error {
	if err := net.start(ctx); err != nil {
		return err
	}
	body := map[string]any{"query_id": queryID, "url": u, "interested": interested}
	if err := net.call(ctx, i, http.MethodPost, "/mark", body, nil); err != nil {
		return fmt.Errorf("mark: %w", err)
	}
	return nil
}

// Round implements Net as memory mode does: every node gossips once,
// then every node re-clusters (POST /network/round with one step each).
func (net *procNet) Round(ctx context.Context) error {
	if err := net.start(ctx); err != nil {
		return err
	}
	steps := []string{"recluster"}
	for range net.cfg.GossipRounds {
		steps = append([]string{"gossip"}, steps...)
	}
	for _, step := range steps {
		for i := range net.nodes {
			if err := net.call(ctx, i, http.MethodPost, "/network/round", map[string]any{"steps": []string{step}}, nil); err != nil {
				return fmt.Errorf("round: %w", err)
			}
		}
	}
	return nil
}

// Clusters implements Net with node 0's clustering (GET
// /network/clusters), as memory mode does; -1 for a node it has not
// clustered.
func (net *procNet) Clusters(ctx context.Context) ([]int, error) {
	if err := net.start(ctx); err != nil {
		return nil, err
	}
	var c struct {
		Assign map[string]int `json:"assign"`
	}
	if err := net.call(ctx, 0, http.MethodGet, "/network/clusters", nil, &c); err != nil {
		return nil, fmt.Errorf("clusters: %w", err)
	}
	out := make([]int, len(net.nodes))
	for i, p := range net.nodes {
		l, ok := c.Assign[p.info.NodeID]
		if !ok {
			l = -1
		}
		out[i] = l
	}
	return out, nil
}

// Members implements Net: the rows of each node's GET /peers, plus itself.
func (net *procNet) Members(ctx context.Context) ([]int, error) {
	if err := net.start(ctx); err != nil {
		return nil, err
	}
	return net.members(ctx)
}

func (net *procNet) members(ctx context.Context) ([]int, error) {
	out := make([]int, len(net.nodes))
	for i := range net.nodes {
		var peers []json.RawMessage
		if err := net.call(ctx, i, http.MethodGet, "/peers", nil, &peers); err != nil {
			return out, fmt.Errorf("members: %w", err)
		}
		out[i] = len(peers) + 1
	}
	return out, nil
}

// Recommend implements Net with GET /recommend on node i.
func (net *procNet) Recommend(ctx context.Context, i int, k int) ([]string, error) {
	if err := net.start(ctx); err != nil {
		return nil, err
	}
	var rec struct {
		Items []struct {
			URL string `json:"url"`
		} `json:"items"`
	}
	if err := net.call(ctx, i, http.MethodGet, "/recommend?"+url.Values{"k": {strconv.Itoa(k)}}.Encode(), nil, &rec); err != nil {
		return nil, fmt.Errorf("recommend: %w", err)
	}
	urls := make([]string, 0, len(rec.Items))
	for _, it := range rec.Items {
		urls = append(urls, it.URL)
	}
	return urls, nil
}

// Carried implements Net from every node's GET /metrics: the Search
// requests its gRPC server received and the bytes of those requests and
// of the answers. A node whose metrics cannot be read counts nothing,
// which the harness's check against the traces then reports.
func (net *procNet) Carried() Traffic {
	var t Traffic
	if !net.started {
		return t
	}
	for i := range net.nodes {
		s, _ := net.nodeTraffic(i) // a shortfall shows in the harness's check
		t.Messages += s.Messages
		t.Bytes += s.Bytes
	}
	return t
}

// nodeTraffic is Carried for node i.
func (net *procNet) nodeTraffic(i int) (Traffic, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.nodes[i].info.HTTPAddr+"/metrics", nil)
	if err != nil {
		return Traffic{}, fmt.Errorf("node %d: metrics: %w", i, err)
	}
	resp, err := net.client.Do(req)
	if err != nil {
		return Traffic{}, fmt.Errorf("node %d: metrics: %w", i, err)
	}
	defer resp.Body.Close()
	return searchTraffic(resp.Body)
}

// searchTraffic reads, from Prometheus text, the Search requests a
// node's gRPC server received (p2pir_rpc_messages_total with side
// "server", method "Search", message "request") and the bytes of
// requests and responses (p2pir_rpc_bytes_total, side "server", method
// "Search").
func searchTraffic(r io.Reader) (Traffic, error) {
	var t Traffic
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, rest, ok := strings.Cut(line, "{")
		if !ok || name != "p2pir_rpc_messages_total" && name != "p2pir_rpc_bytes_total" {
			continue
		}
		labelText, valueText, ok := strings.Cut(rest, "}")
		if !ok {
			return t, fmt.Errorf("metrics: malformed line %q", line)
		}
		labels := map[string]string{}
		for _, kv := range strings.Split(labelText, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			uq, err := strconv.Unquote(v)
			if err != nil {
				return t, fmt.Errorf("metrics: label in %q: %w", line, err)
			}
			labels[strings.TrimSpace(k)] = uq
		}
		if labels["side"] != "server" || labels["method"] != serveragent.MethodSearch {
			continue
		}
		fields := strings.Fields(valueText)
		if len(fields) == 0 {
			return t, fmt.Errorf("metrics: no value in %q", line)
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			return t, fmt.Errorf("metrics: value in %q: %w", line, err)
		}
		switch {
		case name == "p2pir_rpc_messages_total" && labels["message"] == "request":
			t.Messages += int64(v)
		case name == "p2pir_rpc_bytes_total":
			t.Bytes += int64(v)
		}
	}
	if err := sc.Err(); err != nil {
		return t, fmt.Errorf("metrics: %w", err)
	}
	return t, nil
}

// Close implements Net: every node gets SIGTERM (it leaves the network
// and closes its index and store), and a node still running after
// StopTimeout is killed. The directories are removed when every node
// stopped cleanly; otherwise they are kept, with each node's node.log,
// and the error names them.
func (net *procNet) Close() error {
	var errs []error
	for _, p := range net.nodes {
		if p.cmd != nil {
			_ = p.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	deadline := time.NewTimer(net.opts.StopTimeout)
	defer deadline.Stop()
	for i, p := range net.nodes {
		if p.cmd == nil {
			continue
		}
		select {
		case <-p.exited:
		case <-deadline.C:
			// Every later node gets its kill at once.
			deadline.Reset(0)
			_ = p.cmd.Process.Kill()
			<-p.exited
			errs = append(errs, fmt.Errorf("node %d did not stop within %v of SIGTERM and was killed", i, net.opts.StopTimeout))
		}
		if p.err != nil {
			errs = append(errs, fmt.Errorf("node %d: %w", i, p.err))
		}
		p.log.Close()
	}
	net.nodes = nil
	if len(errs) > 0 {
		return fmt.Errorf("sim: stop the node processes (their logs are in %s): %w", net.dir, errors.Join(errs...))
	}
	if err := os.RemoveAll(net.dir); err != nil {
		return fmt.Errorf("sim: remove the node directories: %w", err)
	}
	return nil
}
