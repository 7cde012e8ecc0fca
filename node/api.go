package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
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
}

func (n *Node) writeRunFile() error {
	raw, _ := json.MarshalIndent(RunInfo{n.ID(), n.HTTPAddr(), n.GRPCAddr(), n.GossipAddr(), os.Getpid()}, "", "  ")
	p := filepath.Join(n.cfg.DataDir, RunFile)
	tmp := p + ".tmp"
	if err := os.WriteFile(tmp, raw, 0o600); err != nil {
		return fmt.Errorf("node: %w", err)
	}
	return os.Rename(tmp, p)
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

// routes is the HTTP API. JSON in and out; errors as {"error": "..."}
// with 400 for bad input and 500 otherwise.
//
//	GET  /healthz                     {"node_id", "status": "ok"}
//	GET  /search?q=&k=&no_profile=1&source=&exclude=&crawl=1
//	                                  the client agent's answer, SearXNG's shape
//	POST /mark   {"query_id", "url", "interested"}
//	POST /mark/undo
//	GET  /profile                     interests, marks count, sharing
//	GET  /peers                       the server agent's peer table
//	GET  /recommend?k=                documents liked by similar peers
//	GET  /sources                     sources and what marks taught about them
//	GET  /metrics                     Prometheus metrics (requests, latency, peers, documents)
func (n *Node) routes() http.Handler {
	m := newMetrics(n)
	mux := &instrumentedMux{ServeMux: http.NewServeMux(), m: m}
	mux.ServeMux.Handle("GET /metrics", m.handler())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"node_id": n.ID(), "status": "ok"})
	})
	mux.HandleFunc("GET /search", n.handleSearch)
	mux.HandleFunc("POST /mark", n.handleMark)
	mux.HandleFunc("POST /mark/undo", func(w http.ResponseWriter, r *http.Request) {
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
		writeJSON(w, http.StatusOK, map[string]any{"marks": p.Marks, "version": p.Version, "interests": p.Interests(20), "avoids": p.Dislikes(20), "sharing": share})
	})
	mux.HandleFunc("GET /peers", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, n.server.Peers())
	})
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
		writeJSON(w, http.StatusOK, rec)
	})
	mux.HandleFunc("GET /sources", func(w http.ResponseWriter, r *http.Request) {
		st, err := n.agent.Sources(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, st)
	})
	return mux.ServeMux
}

// instrumentedMux registers every API route with its metrics.
type instrumentedMux struct {
	*http.ServeMux
	m *metrics
}

func (im *instrumentedMux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	im.ServeMux.Handle(pattern, im.m.instrument(pattern, h))
}

func (n *Node) handleSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	k, err := intParam(r, "k", 10, 1, index.MaxK)
	if err != nil {
		writeError(w, err)
		return
	}
	req := clientagent.Request{
		Query: q.Get("q"), K: k, NoProfile: q.Get("no_profile") == "1",
		Sources: q["source"], Exclude: q["exclude"], Merge: q.Get("merge"), Crawl: q.Get("crawl") == "1",
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
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil || in.Interested == nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "want JSON {\"query_id\", \"url\", \"interested\": true|false}"})
		return
	}
	m, p, err := n.agent.Mark(r.Context(), in.QueryID, in.URL, *in.Interested)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, markReply(m, p))
}

func markReply(m usermodel.Mark, p usermodel.Profile) map[string]any {
	return map[string]any{
		"mark":    map[string]any{"seq": m.Seq, "query_id": m.QueryID, "query": m.Query, "url": m.URL, "interested": m.Interested, "time": m.Time},
		"profile": map[string]any{"marks": p.Marks, "version": p.Version, "interests": p.Interests(10)},
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

// writeError maps errors a person can fix to 400 and the rest to 500.
func writeError(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, errBadInput), errors.Is(err, index.ErrBadQuery), errors.Is(err, usermodel.ErrUnknownQuery),
		errors.Is(err, usermodel.ErrNotShown), errors.Is(err, usermodel.ErrNothingToUndo), strings.Contains(err.Error(), "no source named"):
		code = http.StatusBadRequest
	}
	writeJSON(w, code, map[string]string{"error": err.Error()})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
