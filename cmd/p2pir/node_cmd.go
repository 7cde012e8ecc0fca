package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/share"
	"github.com/p2pir/p2pir/node"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/membership"
	"github.com/p2pir/p2pir/serveragent/routing"
	"github.com/spf13/cobra"
)

func newNodeCmd(a *app) *cobra.Command {
	var (
		cfg        node.Config
		join       string
		secretFile string
		strategy   string
		tokenFile  string
		seed       uint64
		maxPeers   int
		peerRate   string
		logLevel   string
		logFormat  string
	)
	cmd := &cobra.Command{
		Use:   "node [flags]",
		Short: "Run a p2pir node: peers over gRPC, gossip membership, and the HTTP API",
		Long: `Run this person's node until interrupted: the server agent answers peers over
gRPC (TLS always on, pinned to node IDs), membership runs over memberlist
gossip, and the HTTP API on loopback serves searches that include the peers
as a source. While the node runs, "p2pir search", "mark", "profile", "peers"
and "recommend" talk to it, and "p2pir index" and "p2pir crawl" hand their
work to it: the node runs index and crawl jobs one at a time, keeps watched
folders current (p2pir index --watch DIR), and records its jobs in jobs.json
in the data directory (jobs a stop or crash cut short are reported as
interrupted at the next start).

The node logs to standard error (--log, --log-format, or config.toml's
[log]): at warn what it refused or what failed (TLS handshakes,
connections over a cap, calls over a rate limit, invalid gossip, peers
and candidates dropped, members declared failed, failing engines and
crawls), each peer's repeats of one complaint at most once a minute; at
info its start; at debug each search with its text. A query's text and
the URLs of its results never appear at info or above.

The node's identity (an Ed25519 key) is created in the data directory on
first start; its node ID is derived from the public key. With
--secret-file, only nodes holding the same secret can join or connect.

The HTTP API acts for you, so it answers only on loopback, only requests
addressed to localhost or a loopback IP, and refuses requests from other web
sites. Requests that change state (POST) need a JSON body and the node's
token in the X-P2PIR-Token header: a new token is made at every start and
kept in node.json in the data directory (readable only by you) while the node
runs; the CLI sends it. To serve the API beyond loopback, give both
--http-public and --http-token-file: every request then needs
"Authorization: Bearer <the file's token>".

For experiments (p2pir sim --mode processes starts one such node per
simulated person): --manual-rounds turns off the node's own gossip and
re-clustering timers, and each POST /network/round (JSON body {}, with the
token) runs one gossip round and a re-clustering instead; without
--manual-rounds that route answers 409; GET /network/clusters shows the
node's latest clustering. --membership local detects failed
peers fast (for nodes on one machine), --seed makes the node's random choices
(walks, exploration, clustering) the same from run to run.`,
		Example: `  p2pir node
  p2pir node --grpc :7071 --gossip :7947 --http 127.0.0.1:8081 --join 127.0.0.1:7946
  p2pir node --http 0.0.0.0:8080 --http-public --http-token-file ~/.p2pir-api-token
  p2pir node --hops 1 --fanout 5 --peer-timeout 500ms
  p2pir node --name "kitchen laptop"
  p2pir node --http 127.0.0.1:0 --grpc 127.0.0.1:0 --gossip 127.0.0.1:0 --manual-rounds --membership local --seed 7`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.DataDir = a.dataDir
			if join != "" {
				cfg.Join = strings.Split(join, ",")
			}
			if secretFile != "" {
				raw, err := os.ReadFile(secretFile)
				if err != nil {
					return fmt.Errorf("node: secret: %w", err)
				}
				cfg.Secret = []byte(strings.TrimSpace(string(raw)))
			} else if s := os.Getenv("P2PIR_SECRET"); s != "" {
				cfg.Secret = []byte(s)
			}
			switch strategy {
			case routing.Interest, routing.Flood, routing.Walk:
				// Only the strategy: the rest takes serveragent's
				// defaults, and fan-out and per-peer timeout come from
				// the flags or config.toml's [network].
				cfg.Server = &serveragent.Config{Strategy: strategy, Seed: seed, MaxPeers: maxPeers}
				if peerRate != "" {
					r, err := parsePeerRate(peerRate)
					if err != nil {
						return usageError{err}
					}
					cfg.Server.RatePerPeer = r
				}
			default:
				return usageError{fmt.Errorf("--routing takes interest, flood or walk, not %q", strategy)}
			}
			switch cfg.MembershipProfile {
			case "lan", "local":
			default:
				return usageError{fmt.Errorf("--membership takes lan or local, not %q", cfg.MembershipProfile)}
			}
			if err := membership.ValidateName(cfg.Name); err != nil {
				return usageError{fmt.Errorf("--name: %w", err)}
			}
			if maxPeers < 0 {
				return usageError{fmt.Errorf("--max-peers must not be negative, not %d", maxPeers)}
			}
			if cfg.HTTPPublic && tokenFile == "" {
				return usageError{errors.New("--http-public needs --http-token-file: every request to a public API must carry the token")}
			}
			if tokenFile != "" {
				raw, err := os.ReadFile(tokenFile)
				if err != nil {
					return fmt.Errorf("read the HTTP access token: %w", err)
				}
				cfg.HTTPAccessToken = strings.TrimSpace(string(raw))
			}
			// The node's log lines and this command's own go to standard
			// error from many goroutines: one lock keeps lines whole.
			stderr := &lockedWriter{w: a.stderr}
			logger, err := a.nodeLogger(cmd, stderr, logLevel, logFormat)
			if err != nil {
				return err
			}
			cfg.Logger = logger
			if ri, ok := a.runningNode(); ok {
				return fmt.Errorf("node: a node already runs on %s (pid %d, HTTP %s)", a.dataDir, ri.PID, ri.HTTPAddr)
			}
			n, err := node.Start(cmd.Context(), cfg)
			switch {
			case errors.Is(err, node.ErrHTTPNotLoopback):
				return usageError{fmt.Errorf("--http %s is not a loopback address: the API acts for you, so serving it to the network needs --http-public and --http-token-file FILE", cfg.HTTPAddr)}
			case errors.Is(err, node.ErrAccessTokenNeeded):
				return usageError{fmt.Errorf("the token in --http-token-file %s is too short or empty: it needs at least %d characters", tokenFile, node.MinAccessTokenLen)}
			case err != nil:
				return err
			}
			if err := n.JobsWarning(); err != nil {
				fmt.Fprintf(stderr, "p2pir: node: %v\n", err)
			}
			if self := n.Server().Self(); self.Name != "" {
				fmt.Fprintf(a.stdout, "node %q\n", self.Name)
			}
			if w := n.JoinWarning(); w != "" {
				fmt.Fprintf(stderr, "p2pir: warning: %s (p2pir peers shows the state)\n", w)
			}
			fmt.Fprintf(a.stdout, "node %s\n  web pages http://%s/  (open it in your browser)\n  HTTP API  http://%s\n  gRPC      %s\n  gossip    %s  (others join with --join %s)\n",
				n.ID(), n.HTTPAddr(), n.HTTPAddr(), n.GRPCAddr(), n.GossipAddr(), n.GossipAddr())
			<-cmd.Context().Done()
			fmt.Fprintln(a.stdout, "stopping: leaving the network, finishing calls in flight")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return n.Close(ctx)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfg.HTTPAddr, "http", "127.0.0.1:8080", "HTTP API address (on loopback unless --http-public)")
	f.BoolVar(&cfg.HTTPPublic, "http-public", false, "allow --http beyond loopback; needs --http-token-file")
	f.StringVar(&tokenFile, "http-token-file", "", "file holding the token every HTTP API request must then carry as Authorization: Bearer (at least 16 characters)")
	f.StringVar(&cfg.GRPCAddr, "grpc", ":7070", "gRPC address for peers")
	f.StringVar(&cfg.Name, "name", "", "the name peers see for this node (at most 48 bytes, no control characters; default: config.toml's name, else none: peers show the short ID)")
	f.StringVar(&cfg.GossipAddr, "gossip", ":7946", "memberlist gossip address")
	f.StringVar(&join, "join", "", "gossip addresses of nodes to join, comma-separated (any member's)")
	f.StringVar(&cfg.AdvertiseHost, "advertise", "", "host other nodes use to reach this one (default: the bind host, or 127.0.0.1)")
	f.StringVar(&strategy, "routing", routing.Interest, "how queries are forwarded to peers: interest (peers whose interests match), flood (every peer, TTL) or walk (random peers); the last two are baselines for experiments")
	f.IntVar(&cfg.Hops, "hops", 0, "forwarding steps of a search's query to the peers: 1 asks only direct peers, 2 also their peers (default: config.toml's network.hops, else 2)")
	f.IntVar(&cfg.FanOut, "fanout", 0, "most peers each node forwards a query to (default: config.toml's network.fanout, else 4)")
	f.IntVar(&cfg.Neighbours, "neighbours", 0, "peers in the overlay that flooding and random walks follow (default: config.toml's network.neighbours, else 16)")
	f.StringVar(&cfg.Scoring, "scoring", "", `how peers' answers merge: "pooled" (one scale from the peers' collection summaries) or "rrf" (by rank) (default: config.toml's network.scoring, else pooled)`)
	f.DurationVar(&cfg.PerPeerTimeout, "peer-timeout", 0, "cap on each call to one peer, e.g. 800ms (default: config.toml's network.peer_timeout, else 800ms)")
	f.BoolVar(&cfg.ManualRounds, "manual-rounds", false, "no gossip or re-clustering timers: each POST /network/round runs one round (for experiments)")
	f.StringVar(&cfg.MembershipProfile, "membership", "lan", "membership timing: lan, or local (fast failure detection, for nodes on one machine)")
	f.Uint64Var(&seed, "seed", 0, "seed of the node's random choices (walks, exploration, clustering), for reproducible experiments")
	f.IntVar(&maxPeers, "max-peers", 0, "cap on the peer table (default 1024)")
	f.StringVar(&peerRate, "peer-rate", "", `calls a second each peer may make to this node (default 20; the peers new to it, those of one address, and all together may make 5, 3 and 25 times as many), or "inf" for no limit on any of them, nor on connections per address (for experiments on one machine)`)
	f.StringVar(&secretFile, "secret-file", "", "file holding the network secret (or set P2PIR_SECRET); nodes without it cannot join")
	f.StringVar(&logLevel, "log", logx.DefaultLevel, "least severity logged to standard error: debug, info, warn or error (default: config.toml's log.level, else info); query text appears at debug only")
	f.StringVar(&logFormat, "log-format", logx.DefaultFormat, "log lines as text (key=value) or json (one object a line) (default: config.toml's log.format, else text)")
	return cmd
}

// nodeLogger builds the node's logger, writing to standard error: the
// level and format of --log and --log-format when given, else config.toml's
// [log], else info and text.
func (a *app) nodeLogger(cmd *cobra.Command, w io.Writer, level, format string) (*slog.Logger, error) {
	file, err := config.Load(filepath.Join(a.dataDir, config.FileName))
	if err != nil {
		return nil, err
	}
	if !cmd.Flags().Changed("log") {
		level = file.Log.Level
	}
	if !cmd.Flags().Changed("log-format") {
		format = file.Log.Format
	}
	if _, err := logx.ParseLevel(level); err != nil {
		return nil, usageError{fmt.Errorf("--log: %w", err)}
	}
	if err := logx.CheckFormat(format); err != nil {
		return nil, usageError{fmt.Errorf("--log-format: %w", err)}
	}
	return logx.New(w, level, format)
}

// lockedWriter makes writes to w one at a time.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write implements io.Writer.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// runningNode reports the node serving this data directory, if one runs
// and answers.
func (a *app) runningNode() (node.RunInfo, bool) {
	ri, ok := node.ReadRunFile(a.dataDir)
	if !ok {
		return ri, false
	}
	req, err := http.NewRequest(http.MethodGet, "http://"+ri.HTTPAddr+"/healthz", nil)
	if err != nil {
		return ri, false
	}
	req.Header.Set(node.TokenHeader, ri.Token) // a node with an access token asks it of every request
	c := http.Client{Timeout: time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return ri, false
	}
	resp.Body.Close()
	return ri, resp.StatusCode == http.StatusOK
}

// nodeCall calls the running node's HTTP API and decodes the JSON answer
// into out (nil: the answer is not read); an API error comes back as an
// error carrying the node's message (a usage error for 400). It sends the
// node's token (from the run file), which the API requires on requests
// that change state.
func nodeCall(ctx context.Context, ri node.RunInfo, method, path string, q url.Values, body any, out any) error {
	u := "http://" + ri.HTTPAddr + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(node.TokenHeader, ri.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("the node at %s did not answer: %w", ri.HTTPAddr, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("the node at %s: %w", ri.HTTPAddr, err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct{ Error string }
		if json.Unmarshal(raw, &e) != nil || e.Error == "" {
			e.Error = fmt.Sprintf("HTTP %d", resp.StatusCode)
		}
		err := fmt.Errorf("the node refused: %s", e.Error)
		if resp.StatusCode == http.StatusBadRequest {
			return usageError{err}
		}
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("the node's answer could not be read: %w", err)
	}
	return nil
}

// errNodeRunning explains why a command that needs the index or the store
// to itself cannot run beside a node.
func errNodeRunning(ri node.RunInfo, what string) error {
	return fmt.Errorf("a node is running on this data directory (pid %d): %s needs the node stopped, or use its API at http://%s", ri.PID, what, ri.HTTPAddr)
}

func newPeersCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "peers [--json]",
		Short: "List the peers a running node knows: name, address, state, similarity, cluster, learned trust, RTT",
		Long: `List this node (its name, and its cluster among the peers with your top
interests: fingerprints carry no words, so what the node brings to its cluster
is what it can show) and the peers it knows: the name each announces (else its
short ID), address, state, the similarity of its interests to yours, its
cluster, the trust your marks taught (the weight its results carry in fusion:
a peer never marked weighs what your own index weighs, as any stranger) and
the round-trip time. A peer whose results you kept marking not interested is
shown "ignored": its results are dropped and the node no longer asks it, until
you mark one of its results interested.

It needs a running node on this data directory (p2pir node): the peers
are what the node has met on the network.

--json prints {"self": ..., "peers": [...]} as GET /node and GET /peers give them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ri, ok := a.runningNode()
			if !ok {
				return errors.New("peers: no node is running on this data directory (start one with p2pir node)")
			}
			var self nodeSelf
			if err := nodeCall(cmd.Context(), ri, "GET", "/node", nil, nil, &self); err != nil {
				return err
			}
			var peers []peerRow
			if err := nodeCall(cmd.Context(), ri, "GET", "/peers", nil, nil, &peers); err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(a.stdout, map[string]any{"self": self, "peers": peers})
			}
			writePeersText(a.stdout, self, peers)
			fmt.Fprintln(a.stdout)
			return writeNodeShared(cmd.Context(), a.stdout, ri)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// nodeSelf is GET /node.
type nodeSelf struct {
	NodeID      string `json:"node_id"`
	Name        string `json:"name"`
	Addr        string `json:"addr"`
	Cluster     int    `json:"cluster"`
	Clusters    int    `json:"clusters"`
	ClusterSize int    `json:"cluster_size"`
	Interests   []struct {
		Term   string  `json:"term"`
		Weight float64 `json:"weight"`
	} `json:"interests"`
	Join *struct {
		Seeds        []string `json:"seeds"`
		Joined       bool     `json:"joined"`
		Error        string   `json:"error"`
		RetryEveryMS int64    `json:"retry_every_ms"`
	} `json:"join,omitempty"`
}

// peerRow is one row of GET /peers.
type peerRow struct {
	NodeID     string    `json:"node_id"`
	Name       string    `json:"name"`
	Addr       string    `json:"addr"`
	Version    string    `json:"version"`
	State      string    `json:"state"`
	Similarity float64   `json:"similarity"`
	Cluster    int       `json:"cluster"`
	RTTMS      float64   `json:"rtt_ms"`
	LastSeen   time.Time `json:"last_seen"`
	Trust      struct {
		Precision     float64 `json:"precision"`
		WeightFactor  float64 `json:"weight_factor"`
		Interested    float64 `json:"interested"`
		NotInterested float64 `json:"not_interested"`
		Answers       uint64  `json:"answers"`
		Ignored       bool    `json:"ignored"`
	} `json:"trust"`
}

func writePeersText(w io.Writer, self nodeSelf, peers []peerRow) {
	cluster := "in no cluster yet"
	if self.Cluster >= 0 {
		cluster = fmt.Sprintf("cluster %d of %d (%d %s)", self.Cluster, self.Clusters, self.ClusterSize, plural(self.ClusterSize, "node", "nodes"))
	}
	fmt.Fprintf(w, "this node: %s, %s\n", peerLabel(self.Name, self.NodeID), cluster)
	if j := self.Join; j != nil && !j.Joined {
		fmt.Fprintf(w, "not in the network yet: %s; trying again every %v\n", oneLine(j.Error), time.Duration(j.RetryEveryMS)*time.Millisecond)
	}
	if len(self.Interests) > 0 {
		terms := make([]string, 0, len(self.Interests))
		for _, t := range self.Interests {
			terms = append(terms, oneLine(t.Term))
		}
		fmt.Fprintf(w, "  your interests: %s\n", strings.Join(terms, ", "))
	}
	if len(peers) == 0 {
		fmt.Fprintln(w, "No peers yet: other nodes join this one with --join and its gossip address (p2pir node prints it).")
		return
	}
	fmt.Fprintf(w, "\n%-30s %-22s %-8s %6s %7s %7s %-22s %8s\n", "peer", "address", "state", "sim", "cluster", "trust", "marks (+/-)", "rtt")
	for _, p := range peers {
		c := "-"
		if p.Cluster >= 0 {
			c = fmt.Sprint(p.Cluster)
			if p.Cluster == self.Cluster {
				c += "*"
			}
		}
		marks := "none"
		if p.Trust.Interested+p.Trust.NotInterested >= 0.05 {
			marks = fmt.Sprintf("%.1f / %.1f", p.Trust.Interested, p.Trust.NotInterested)
		}
		if p.Trust.Ignored {
			marks += " ignored"
		}
		fmt.Fprintf(w, "%-30s %-22s %-8s %6.2f %7s %6.2fx %-22s %8v\n", fit(peerLabel(p.Name, p.NodeID), 30), fit(oneLine(p.Addr), 22), oneLine(p.State), p.Similarity, c,
			p.Trust.WeightFactor, marks, time.Duration(p.RTTMS*float64(time.Millisecond)).Round(time.Millisecond))
	}
	if self.Cluster >= 0 {
		fmt.Fprintln(w, "  * your cluster")
	}
	if slices.ContainsFunc(peers, func(p peerRow) bool { return p.Trust.Ignored }) {
		fmt.Fprintln(w, "  ignored: you kept marking its results not interested; a result of it you mark interested brings it back")
	}
}

func newRecommendCmd(a *app) *cobra.Command {
	var (
		asJSON bool
		k      int
	)
	cmd := &cobra.Command{
		Use:   "recommend [--json] [--k N]",
		Short: "Documents people like you found useful (asks the peers of your cluster)",
		Long: `Ask the peers of your cluster (people whose interests are like yours)
for the documents they marked interested, and list them best first: URL,
title, how many peers and people recommend each. Peers that share no
fingerprint give none.

It needs a running node on this data directory (p2pir node): the peers are
what the node has met on the network.

--json prints GET /recommend's answer: {"items": [{"url", "title",
"content", "score", "peers", "people"}], "unresponsive": [{"node_id",
"reason"}]}.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ri, ok := a.runningNode()
			if !ok {
				return errors.New("recommend: no node is running on this data directory (start one with p2pir node)")
			}
			var rec recommendations
			if err := nodeCall(cmd.Context(), ri, "GET", "/recommend", url.Values{"k": {fmt.Sprint(k)}}, nil, &rec); err != nil {
				return err
			}
			if asJSON {
				return writeJSONOut(a.stdout, rec)
			}
			writeRecommendations(a.stdout, rec)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&k, "k", 10, "number of recommendations")
	return cmd
}

// recommendations is the node API's answer to GET /recommend
// (serveragent.Recommendations in JSON).
type recommendations struct {
	Items []struct {
		URL    string   `json:"url"`
		Title  string   `json:"title"`
		Score  float64  `json:"score"`
		Peers  []string `json:"peers"`
		People int      `json:"people"`
	} `json:"items"`
	Unresponsive []struct {
		NodeID string `json:"node_id"`
		Reason string `json:"reason"`
	} `json:"unresponsive"`
}

// writeRecommendations prints recommendations for a person to read.
func writeRecommendations(w io.Writer, rec recommendations) {
	if len(rec.Items) == 0 {
		fmt.Fprintln(w, "No recommendations yet: peers like you have not marked anything you have not seen.")
	}
	for i, it := range rec.Items {
		fmt.Fprintf(w, "%2d. %s\n    %s  (%.2f, %s)\n", i+1, oneLine(it.Title), oneLine(it.URL), it.Score, likedBy(it.People))
	}
	for _, u := range rec.Unresponsive {
		fmt.Fprintf(w, "    unresponsive: %s: %s\n", u.NodeID, oneLine(u.Reason))
	}
}

// likedBy says how many people (one per peer) liked a recommendation.
func likedBy(people int) string {
	if people == 1 {
		return "liked by 1 person"
	}
	return fmt.Sprintf("liked by %d people", people)
}

func writeJSONOut(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func toFloat(v any) float64 {
	f, _ := v.(float64)
	return f
}

// writeNodeShared prints what the running node shares with its peers
// (GET /shared).
func writeNodeShared(ctx context.Context, w io.Writer, ri node.RunInfo) error {
	var sh struct {
		Folders []share.Folder `json:"folders"`
	}
	if err := nodeCall(ctx, ri, "GET", "/shared", nil, nil, &sh); err != nil {
		return err
	}
	writeSharedFolders(w, sh.Folders)
	return nil
}

// parsePeerRate reads --peer-rate: a positive number of calls a second, or
// "inf" for no limit.
func parsePeerRate(s string) (rate.Limit, error) {
	if s == "inf" {
		return rate.Inf, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("--peer-rate takes a positive number of calls a second or inf, not %q", s)
	}
	return rate.Limit(f), nil
}
