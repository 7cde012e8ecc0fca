package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/serveragent/membership"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/routing"
	"github.com/p2pir/p2pir/usermodel"
)

// RunFile, in the data directory, tells the CLI a node is running and
// where its HTTP API is; the node removes it when it stops.
const RunFile = "node.json"

// RunInfo is the content of RunFile.
type RunInfo struct {
	NodeID   string `json:"node_id"`
	HTTPAddr string `json:"http"`
	GRPCAddr string `json:"grpc"`
	Gossip   string `json:"gossip"`
	PID      int    `json:"pid"`
	// Token goes in TokenHeader on requests that change state.
	Token string `json:"token"`
}

func (n *Node) writeRunFile() error {
	raw, _ := json.MarshalIndent(RunInfo{n.ID(), n.HTTPAddr(), n.GRPCAddr(), n.GossipAddr(), os.Getpid(), n.apiToken}, "", "  ")
	p := filepath.Join(n.cfg.DataDir, RunFile)
	tmp := p + ".tmp"
	_ = os.Remove(tmp) // WriteFile keeps an existing file's mode; the token must stay private
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return fmt.Errorf("write the run file: %w", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		return fmt.Errorf("write the run file: %w", err)
	}
	n.wroteRunFile = true
	return nil
}

// ReadRunFile returns the running node's RunInfo from dataDir, if any.
func ReadRunFile(dataDir string) (RunInfo, bool) {
	raw, err := os.ReadFile(filepath.Join(dataDir, RunFile))
	if err != nil {
		return RunInfo{}, false
	}
	var ri RunInfo
	if json.Unmarshal(raw, &ri) != nil || ri.HTTPAddr == "" {
		return RunInfo{}, false
	}
	return ri, true
}

// routes is the HTTP API, documented with examples in docs/API.md. JSON
// in and out; errors as {"error": "..."}: 400 for bad input (413 for a
// body over 64 KiB), 404 for an unknown route and 405 for a method a
// route does not take (jsonErrors), 500 otherwise.
//
//	GET  /healthz                     {"node_id", "status": "ok"}
//	GET  /search?q=&k=&no_profile=1&source=&exclude=&merge=&timeout_ms=
//	                                  the client agent's answer, SearXNG's shape;
//	                                  never crawls (crawl=1 or source=crawl is a 400);
//	                                  timeout_ms (1 to 600000; absent: config.toml's
//	                                  search.timeout) is the whole search's deadline
//	POST /search {"q", "k", "no_profile", "sources", "exclude", "merge", "crawl",
//	              "routing", "hops", "fan_out", "timeout_ms"}
//	                                  the same, and may crawl (crawl: true, or config's crawl.auto);
//	                                  routing (interest, flood or walk), hops and fan_out (1 to 16)
//	                                  set how this search goes to the peers (absent or 0: the node's)
//	POST /mark   {"query_id", "url", "interested"}
//	POST /mark/undo {}
//	GET  /profile                     interests, marks count, sharing
//	GET  /peers                       the server agent's peer table: [{"node_id", "name", "addr", "version",
//	                                   "state", "similarity", "has_fingerprint", "firsthand",
//	                                   "fingerprint_version", "cluster", "rtt_ms", "last_seen",
//	                                   "trust": {"precision", "weight_factor", "interested",
//	                                   "not_interested", "answers"}}]
//	GET  /node                        this node: {"node_id", "name", "addr", "cluster" (-1: none),
//	                                   "clusters" (k), "cluster_size", "interests": [{"term", "weight"}]}
//	GET  /shared                      the folders whose files peers may find and open:
//	                                  {"folders": [{"path", "from"}]} ("from": "p2pir index --share"
//	                                  or "config.toml"); web pages are always answered to peers
//	GET  /peer-doc?node=&doc=         a document a peer shares (a p2pir://NODE/doc/DOC result
//	                                  link), fetched from that node over gRPC: its text as
//	                                  text/plain, never rendered; format=json gives {"node_id",
//	                                  "doc_id", "title", "text", "truncated", "size", "modified"};
//	                                  404 when the peer shares no such document or is unknown
//	GET  /recommend?k=                {"items": [{"url", "title", "content", "score", "peers", "people"}],
//	                                   "unresponsive": [{"node_id", "reason"}]}
//	GET  /sources                     sources, how they are asked and what marks taught about them
//	                                   (sourceRow); the peers source groups each peer's own trust:
//	                                   "peers": {"count", "top": [...]}
//	POST /sources/engines {"kind", "url", "name", "enabled", "weight", "timeout_ms", "resource"}
//	                                  adds an engine to config.toml and the searches: 201 {"engine"}
//	POST /sources/engines/update {"id", "enabled"}
//	                                  enables or disables it: {"engine"}
//	POST /sources/engines/remove {"id"}
//	                                  removes it: {"removed"}
//	GET  /opensearch.xml              the OpenSearch 1.1 description of the node (opensearch.go)
//	GET  /metrics                     Prometheus metrics (requests, latency, peers, documents)
//	GET  /network/clusters            this node's clustering of the peers it knows:
//	                                  {"node_id", "k", "own_cluster" (-1: none), "assign": {node ID: cluster}}
//	POST /network/round {"steps"}     one gossip round, then re-clustering, now; "steps" (default
//	                                  ["gossip", "recluster"]) may name one of them. Only on a node
//	                                  run with --manual-rounds (Config.ManualRounds), 409 otherwise;
//	                                  answers like GET /network/clusters
//
// The guard (guard.go) stands in front: a Host on loopback; for POST, no
// cross-site Origin or Sec-Fetch-Site, Content-Type application/json and
// the node's token in the X-P2PIR-Token header (TokenHeader; the token is
// RunInfo.Token in node.json); with an access token, "Authorization:
// Bearer" on every request. The web pages and their forms (GET /, /ui/...)
// are listed in ui.go.
func (n *Node) routes() http.Handler {
	m := newMetrics(n)
	mux := &instrumentedMux{ServeMux: http.NewServeMux(), m: m}
	mux.Handle("GET /metrics", m.handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"node_id": n.ID(), "status": "ok"})
	})
	mux.HandleFunc("GET /search", n.handleSearch)
	mux.HandleFunc("POST /search", n.handleSearchPost)
	mux.HandleFunc("POST /mark", n.handleMark)
	mux.HandleFunc("POST /mark/undo", func(w http.ResponseWriter, r *http.Request) {
		var in struct{}
		if err := decodeJSONOrEmpty(w, r, &in); err != nil {
			writeError(w, fmt.Errorf("%w: want an empty body or the JSON {}: %w", errBadInput, err))
			return
		}
		m, p, err := n.agent.Undo(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, markReply(m, p))
	})
	mux.HandleFunc("GET /profile", func(w http.ResponseWriter, r *http.Request) {
		p, err := n.store.Profile(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		share, _ := n.store.Sharing(r.Context())
		interests, avoids := p.Interests(20), p.Dislikes(20)
		if interests == nil {
			interests = []usermodel.TermWeight{}
		}
		if avoids == nil {
			avoids = []usermodel.TermWeight{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"marks": p.Marks, "version": p.Version, "interests": interests, "avoids": avoids, "sharing": share})
	})
	mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		trust, err := n.agent.Peers(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		stranger, err := n.agent.Stranger(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, peersReply(n.server.Peers(), trust, stranger))
	})
	mux.HandleFunc("GET /node", func(w http.ResponseWriter, r *http.Request) {
		reply, err := n.selfReply(r)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, reply)
	})
	mux.HandleFunc("GET /shared", n.handleShared)
	mux.HandleFunc("GET /peer-doc", n.handlePeerDoc)
	mux.HandleFunc("GET /recommend", func(w http.ResponseWriter, r *http.Request) {
		k, err := intParam(r, "k", 10, 1, 50)
		if err != nil {
			writeError(w, err)
			return
		}
		rec, err := n.server.RecommendFromPeers(r.Context(), k)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, recommendReply(rec))
	})
	mux.HandleFunc("GET /network/clusters", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, n.clustersReply())
	})
	mux.HandleFunc("POST /network/round", n.handleRound)
	n.jobRoutes(mux)
	mux.HandleFunc("GET /sources", func(w http.ResponseWriter, r *http.Request) {
		rows, err := n.sourcesReply(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, rows)
	})
	mux.HandleFunc("POST /sources/engines", n.handleAddEngine)
	mux.HandleFunc("POST /sources/engines/update", n.handleUpdateEngine)
	mux.HandleFunc("POST /sources/engines/remove", n.handleRemoveEngine)
	mux.HandleFunc("GET "+OpenSearchPath, n.handleOpenSearch)
	mux.HandleFunc("POST /profile/sharing", n.handleSharing)
	n.apiRoutes = mux.patterns
	n.uiRoutes(mux) // the web pages: ui.go
	return jsonErrors(mux.ServeMux)
}

// instrumentedMux registers every API route with its metrics, and keeps
// the patterns (for tests that walk every route).
type instrumentedMux struct {
	*http.ServeMux
	m        *metrics
	patterns []string
}

// HandleFunc registers h for pattern, instrumented.
func (im *instrumentedMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	im.patterns = append(im.patterns, pattern)
	im.ServeMux.Handle(pattern, im.m.instrument(pattern, h))
}

// Handle registers h for pattern as it is.
func (im *instrumentedMux) Handle(pattern string, h http.Handler) {
	im.patterns = append(im.patterns, pattern)
	im.ServeMux.Handle(pattern, h)
}

// handleSearch answers GET /search. A GET must not make the node fetch
// pages (any web page can send one), so it never crawls: crawl=1 and
// source=crawl are refused, and the automatic crawl is off.
func (n *Node) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k, err := intParam(r, "k", 0, 1, index.MaxK) // 0: config.toml's search.k
	if err != nil {
		writeError(w, err)
		return
	}
	if q.Has("crawl") || slices.Contains(q["source"], clientagent.CrawlName) {
		writeError(w, fmt.Errorf("%w: a GET search does not crawl: send POST /search with a JSON body {\"q\": ..., \"crawl\": true}", errBadInput))
		return
	}
	timeoutMS, err := intParam(r, "timeout_ms", 0, 1, maxSearchTimeoutMS)
	if err != nil {
		writeError(w, err)
		return
	}
	exclude := q["exclude"]
	if !slices.Contains(exclude, clientagent.CrawlName) {
		exclude = append(exclude, clientagent.CrawlName)
	}
	n.search(w, r, clientagent.Request{
		Query: q.Get("q"), K: k, NoProfile: q.Get("no_profile") == "1",
		Sources: q["source"], Exclude: exclude, Merge: q.Get("merge"),
		Timeout: n.searchTimeoutOr(timeoutMS),
	})
}

// handleSearchPost answers POST /search, which may crawl.
func (n *Node) handleSearchPost(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Q         string   `json:"q"`
		K         *int     `json:"k"`
		NoProfile bool     `json:"no_profile"`
		Sources   []string `json:"sources"`
		Exclude   []string `json:"exclude"`
		Merge     string   `json:"merge"`
		Crawl     bool     `json:"crawl"`
		Routing   string   `json:"routing"`
		Hops      int      `json:"hops"`
		FanOut    int      `json:"fan_out"`
		TimeoutMS int      `json:"timeout_ms"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: want JSON {\"q\", \"k\", \"no_profile\", \"sources\", \"exclude\", \"merge\", \"crawl\", \"routing\", \"hops\", \"fan_out\", \"timeout_ms\"}: %w", errBadInput, err))
		return
	}
	if in.TimeoutMS < 0 || in.TimeoutMS > maxSearchTimeoutMS {
		writeError(w, fmt.Errorf("%w: timeout_ms must be an integer from 1 to %d (0 or absent: config.toml's search.timeout)", errBadInput, maxSearchTimeoutMS))
		return
	}
	switch in.Routing {
	case "", routing.Interest, routing.Flood, routing.Walk:
	default:
		writeError(w, fmt.Errorf("%w: routing must be interest, flood or walk, not %q", errBadInput, in.Routing))
		return
	}
	if in.Hops < 0 || in.Hops > 16 || in.FanOut < 0 || in.FanOut > 16 {
		writeError(w, fmt.Errorf("%w: hops and fan_out must be integers from 1 to 16 (0 or absent: the node's settings)", errBadInput))
		return
	}
	k := 0 // config.toml's search.k
	if in.K != nil {
		if k = *in.K; k < 1 || k > index.MaxK {
			writeError(w, fmt.Errorf("%w: k must be an integer from 1 to %d", errBadInput, index.MaxK))
			return
		}
	}
	n.search(w, r, clientagent.Request{
		Query: in.Q, K: k, NoProfile: in.NoProfile, Sources: in.Sources, Exclude: in.Exclude, Merge: in.Merge, Crawl: in.Crawl,
		Routing: in.Routing, Hops: in.Hops, FanOut: in.FanOut, Timeout: n.searchTimeoutOr(in.TimeoutMS),
	})
}

// maxSearchTimeoutMS caps a search's timeout_ms: ten minutes.
const maxSearchTimeoutMS = 600_000

// searchTimeoutOr is a search's deadline: ms milliseconds, or, when ms
// is 0, config.toml's search.timeout (the CLI's default too).
func (n *Node) searchTimeoutOr(ms int) time.Duration {
	if ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return n.searchTimeout
}

// clustering is the answer of /network/clusters and /network/round.
type clustering struct {
	NodeID     string         `json:"node_id"`
	K          int            `json:"k"`
	OwnCluster int            `json:"own_cluster"`
	Assign     map[string]int `json:"assign"`
}

// clustersReply is this node's latest clustering of the peers it knows
// (itself included); own_cluster is -1 when it is in no cluster.
func (n *Node) clustersReply() clustering {
	res, own := n.server.Clusters()
	out := clustering{NodeID: n.ID(), K: res.K, OwnCluster: own, Assign: map[string]int{}}
	for id, c := range res.Assign {
		out.Assign[id] = c
	}
	return out
}

// errNotManual: a round was asked of a node that runs its own.
var errNotManual = errors.New("this node runs gossip and re-clustering on its own timers: POST /network/round needs a node started with --manual-rounds")

// handleRound answers POST /network/round: one gossip round (a failed
// call to one peer does not fail it) and a re-clustering, or the steps
// the body names, on a node in manual-rounds mode; 409 on a node that
// runs its own rounds.
func (n *Node) handleRound(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Steps []string `json:"steps"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: want JSON {} or {\"steps\": [\"gossip\", \"recluster\"]}: %w", errBadInput, err))
		return
	}
	if len(in.Steps) == 0 {
		in.Steps = []string{"gossip", "recluster"}
	}
	for _, s := range in.Steps {
		if s != "gossip" && s != "recluster" {
			writeError(w, fmt.Errorf("%w: a round's steps are gossip and recluster, not %q", errBadInput, s))
			return
		}
	}
	if !n.cfg.ManualRounds {
		writeJSON(w, http.StatusConflict, map[string]string{"error": errNotManual.Error()})
		return
	}
	for _, s := range in.Steps {
		switch s {
		case "gossip":
			// A gossip call to one peer that fails does not fail the round.
			if err := n.GossipRound(r.Context()); err != nil && r.Context().Err() != nil {
				writeError(w, fmt.Errorf("gossip round: %w", err))
				return
			}
		case "recluster":
			if _, err := n.Recluster(r.Context()); err != nil {
				writeError(w, fmt.Errorf("recluster: %w", err))
				return
			}
		}
	}
	writeJSON(w, http.StatusOK, n.clustersReply())
}

// search answers a search request; an unknown merge method is the
// person's to fix (400), found before any source is asked.
func (n *Node) search(w http.ResponseWriter, r *http.Request, req clientagent.Request) {
	if known := clientagent.MergeMethods(); req.Merge != "" && !slices.Contains(known, req.Merge) {
		writeError(w, fmt.Errorf("%w: merge must be one of %s, not %q", errBadInput, strings.Join(known, ", "), req.Merge))
		return
	}
	resp, err := n.agent.Search(r.Context(), req)
	if err != nil {
		writeError(w, err)
		return
	}
	if resp.Results == nil {
		resp.Results = []clientagent.Result{}
	}
	if resp.Expanded == nil {
		resp.Expanded = []usermodel.TermWeight{}
	}
	if resp.Unresponsive == nil {
		resp.Unresponsive = []clientagent.Unresponsive{}
	}
	writeJSON(w, http.StatusOK, resp)
}

func (n *Node) handleMark(w http.ResponseWriter, r *http.Request) {
	var in struct {
		QueryID    string `json:"query_id"`
		URL        string `json:"url"`
		Interested *bool  `json:"interested"`
	}
	const want = `want JSON {"query_id", "url", "interested": true|false}`
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: %s: %w", errBadInput, want, err))
		return
	}
	if in.Interested == nil {
		writeError(w, fmt.Errorf("%w: %s", errBadInput, want))
		return
	}
	m, p, err := n.agent.Mark(r.Context(), in.QueryID, in.URL, *in.Interested)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, markReply(m, p))
}

// decodeJSON decodes one JSON value, at most maxBodyBytes, from r's body
// into v, and refuses anything after it. A body too large has an
// *http.MaxBytesError in the error's chain (writeError: 413).
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(w, r, v, false, false)
}

// decodeJSONOrEmpty is decodeJSON, with an empty body taken as {}.
func decodeJSONOrEmpty(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(w, r, v, true, false)
}

// decodeBody reads one JSON value of at most maxBodyBytes into v: an empty
// body is {} when emptyOK, and fields v does not have are an error when
// strict.
func decodeBody(w http.ResponseWriter, r *http.Request, v any, emptyOK, strict bool) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if strict {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(v); err != nil {
		var maxBytes *http.MaxBytesError
		switch {
		case errors.As(err, &maxBytes):
			return tooLarge{err}
		case errors.Is(err, io.EOF) && emptyOK:
			return nil
		case errors.Is(err, io.EOF):
			return errors.New("read the request body: it is empty")
		}
		return fmt.Errorf("read the request body: %s", jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		var maxBytes *http.MaxBytesError
		if errors.As(err, &maxBytes) {
			return tooLarge{err}
		}
		return errors.New("read the request body: more after the JSON value")
	}
	return nil
}

// jsonProblem says, for people, what is wrong with a JSON body that
// did not decode (encoding/json's errors name Go types).
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("it is not valid JSON (at byte %d)", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "its JSON ends too early"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// DisallowUnknownFields: a misspelt option, named as sent.
		return "it has a field this request does not take: " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.As(err, &typ):
		want := "a value of another type"
		switch typ.Type.Kind() {
		case reflect.Bool:
			want = "true or false"
		case reflect.String:
			want = "a string"
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			want = "a number"
		case reflect.Slice, reflect.Array:
			want = "a list"
		case reflect.Struct, reflect.Map:
			want = "an object"
		case reflect.Pointer:
			switch typ.Type.Elem().Kind() {
			case reflect.Bool:
				want = "true or false"
			case reflect.Int, reflect.Float64:
				want = "a number"
			}
		}
		if typ.Field == "" {
			return fmt.Sprintf("the body must be %s, not %s", want, typ.Value)
		}
		return fmt.Sprintf("%q must be %s, not %s", typ.Field, want, typ.Value)
	}
	return "it could not be read"
}

// recommendation and recommendations are /recommend's answer.
type recommendation struct {
	URL     string   `json:"url"`
	Title   string   `json:"title"`
	Content string   `json:"content"`
	Score   float64  `json:"score"`
	Peers   []string `json:"peers"`
	People  int      `json:"people"`
}

type recommendations struct {
	Items        []recommendation   `json:"items"`
	Unresponsive []unresponsivePeer `json:"unresponsive"`
}

type unresponsivePeer struct {
	NodeID string `json:"node_id"`
	Reason string `json:"reason"`
}

func recommendReply(rec *serveragent.Recommendations) recommendations {
	out := recommendations{Items: []recommendation{}, Unresponsive: []unresponsivePeer{}}
	for _, it := range rec.Items {
		peers := it.Peers
		if peers == nil {
			peers = []string{}
		}
		out.Items = append(out.Items, recommendation{it.URL, it.Title, it.Content, it.Score, peers, it.People})
	}
	for _, u := range rec.Unresponsive {
		out.Unresponsive = append(out.Unresponsive, unresponsivePeer{u.NodeID, u.Reason})
	}
	return out
}

func markReply(m usermodel.Mark, p usermodel.Profile) map[string]any {
	interests := p.Interests(10)
	if interests == nil {
		interests = []usermodel.TermWeight{}
	}
	return map[string]any{
		"mark":    map[string]any{"seq": m.Seq, "query_id": m.QueryID, "query": m.Query, "url": m.URL, "interested": m.Interested, "time": m.Time},
		"profile": map[string]any{"marks": p.Marks, "version": p.Version, "interests": interests},
	}
}

func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%w: %s must be an integer from %d to %d", errBadInput, name, lo, hi)
	}
	return n, nil
}

var errBadInput = errors.New("bad input")

// writeError maps errors a person can fix to 400 (413 for a body too
// large) and the rest to 500.
func writeError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	var maxBytes *http.MaxBytesError
	switch {
	case errors.As(err, &maxBytes):
		code = http.StatusRequestEntityTooLarge
	case errors.Is(err, errBadInput), errors.Is(err, index.ErrBadQuery), errors.Is(err, usermodel.ErrUnknownQuery),
		errors.Is(err, usermodel.ErrNotShown), errors.Is(err, usermodel.ErrNothingToUndo), errors.Is(err, clientagent.ErrUnknownSource), errors.Is(err, clientagent.ErrUnknownMerge):
		code = http.StatusBadRequest
	}
	writeJSON(w, code, map[string]string{"error": peopleMessage(err)})
}

// writeJSON answers v as compact JSON with status code: indenting is for
// people, who ask for it with ?pretty=1 (prettyJSON), and cost a search a
// tenth of its CPU time.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// peer is one row of /peers: serveragent.PeerInfo in snake_case, with
// the round-trip time in milliseconds, and what the client agent learned
// of the peer (Trust).
type peer struct {
	NodeID             string    `json:"node_id"`
	Name               string    `json:"name"`
	Addr               string    `json:"addr"`
	Version            string    `json:"version"`
	State              string    `json:"state"`
	Similarity         float64   `json:"similarity"`
	HasFingerprint     bool      `json:"has_fingerprint"`
	Firsthand          bool      `json:"firsthand"`
	FingerprintVersion uint64    `json:"fingerprint_version"`
	Cluster            int       `json:"cluster"`
	RTTMS              float64   `json:"rtt_ms"`
	LastSeen           time.Time `json:"last_seen"`
	Trust              trust     `json:"trust"`
}

// trust is a peer's learned trust in /peers (clientagent.PeerTrust): the
// prior (clientagent.Agent.Stranger: as much as the local index) for a
// peer whose results were never marked.
type trust struct {
	Precision     float64 `json:"precision"`
	WeightFactor  float64 `json:"weight_factor"`
	Interested    float64 `json:"interested"`
	NotInterested float64 `json:"not_interested"`
	Answers       uint64  `json:"answers"`
	// Ignored: the person kept rejecting its results, which are now
	// dropped, and the node no longer asks it (clientagent.PeerTrust).
	Ignored bool `json:"ignored"`
}

func peersReply(ps []serveragent.PeerInfo, learned []clientagent.PeerTrust, stranger clientagent.PeerTrust) []peer {
	byID := make(map[string]clientagent.PeerTrust, len(learned))
	for _, t := range learned {
		byID[t.NodeID] = t
	}
	out := make([]peer, 0, len(ps))
	for _, p := range ps {
		tr := trust{Precision: stranger.Precision, WeightFactor: stranger.WeightFactor}
		if t, ok := byID[p.ID]; ok {
			tr = trust{t.Precision, t.WeightFactor, t.Interested, t.NotInterested, t.Answers, t.Ignored}
		}
		out = append(out, peer{
			NodeID: p.ID, Name: p.Name, Addr: p.Addr, Version: p.Version, State: p.State, Similarity: p.Similarity,
			HasFingerprint: p.HasFingerprint, Firsthand: p.Firsthand, FingerprintVersion: p.FingerprintVersion,
			Cluster: p.Cluster, RTTMS: float64(p.RTT.Microseconds()) / 1000, LastSeen: p.LastSeen, Trust: tr,
		})
	}
	return out
}

// selfInfo is GET /node: this node as the peer table would show it, with
// its own cluster. Fingerprints carry no words, so a cluster has no terms
// of its own: Interests are this person's top interests, what the node
// brings to its cluster.
type selfInfo struct {
	NodeID      string                 `json:"node_id"`
	Name        string                 `json:"name"`
	Addr        string                 `json:"addr"`
	Cluster     int                    `json:"cluster"`
	Clusters    int                    `json:"clusters"`
	ClusterSize int                    `json:"cluster_size"`
	Interests   []usermodel.TermWeight `json:"interests"`
	// IndexDocuments is how many documents the node's index holds.
	IndexDocuments uint64 `json:"index_documents"`
	// Join is how joining through the seeds went; left out when the node
	// was started without seeds.
	Join *joinInfo `json:"join,omitempty"`
}

// joinInfo is membership.JoinState for people and the API.
type joinInfo struct {
	Seeds        []string `json:"seeds"`
	Joined       bool     `json:"joined"`
	Error        string   `json:"error,omitempty"`
	RetryEveryMS int64    `json:"retry_every_ms,omitempty"`
}

// joinReply is the node's JoinState as joinInfo; nil without seeds.
func (n *Node) joinReply() *joinInfo {
	st := n.members.JoinState()
	if len(st.Seeds) == 0 {
		return nil
	}
	out := &joinInfo{Seeds: st.Seeds, Joined: st.Joined, RetryEveryMS: st.RetryEvery.Milliseconds()}
	if st.Err != nil && !st.Joined {
		out.Error = membership.JoinReason(st.Err)
	}
	return out
}

// selfInterests is how many of the person's top interests GET /node shows.
const selfInterests = 8

func (n *Node) selfReply(r *http.Request) (selfInfo, error) {
	self := n.server.Self()
	res, own := n.server.Clusters()
	out := selfInfo{NodeID: self.ID, Name: self.Name, Addr: self.Addr, Cluster: own, Clusters: res.K}
	if own >= 0 && own < len(res.Sizes) {
		out.ClusterSize = res.Sizes[own]
	}
	p, err := n.store.Profile(r.Context())
	if err != nil {
		return out, err
	}
	out.Interests = p.Interests(selfInterests)
	if out.Interests == nil {
		out.Interests = []usermodel.TermWeight{}
	}
	if out.IndexDocuments, err = n.ix.Count(); err != nil {
		return out, fmt.Errorf("count the index: %w", err)
	}
	out.Join = n.joinReply()
	return out, nil
}
