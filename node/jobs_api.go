package node

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/p2pir/p2pir/internal/jobs"
)

// jobRoutes serves the index's folders and sites and the jobs that index
// them (see docs/API.md, "Index and crawl jobs"):
//
//	GET  /index/roots                 {"roots": [{"kind", "path"|"url", "shared", "watched",
//	                                   "documents", "last_run", "last_outcome", ...}]}
//	POST /index/jobs {"kind": "folder", "path", "share", "watch", "exclude", ...}
//	                 {"kind": "site", "url", "depth", "max_pages", ...}
//	                                  202 {"job"}: queued
//	GET  /index/jobs                  {"jobs": [...]} newest first, and "warning" when the
//	                                  record was damaged and started afresh
//	GET  /index/jobs/{id}             {"job"}
//	POST /index/jobs/{id}/cancel {}   {"job"}; 409 when it has finished
//	POST /index/remove {"kind", "path"|"url"}
//	                                  {"removed": {"root", "deleted", "canceled", "message"}}
//	POST /index/unwatch {"path"}      {"root"}
//	POST /index/forget {"target"}     {"forgot": {"kind", "target", "deleted", "message"}}: a
//	                                  folder or a site as /index/remove, or one file or page
//
// Unknown IDs and roots are 404; bad requests 400; cancelling a finished
// job, or removing a root while another job holds the index for more
// than removeWait, 409.
func (n *Node) jobRoutes(mux *instrumentedMux) {
	mux.HandleFunc("GET /index/roots", func(w http.ResponseWriter, r *http.Request) {
		roots, err := n.jobs.Roots(r.Context())
		if err != nil {
			writeJobsError(w, err)
			return
		}
		if roots == nil {
			roots = []jobs.Root{}
		}
		writeJSON(w, http.StatusOK, map[string]any{"roots": roots})
	})
	mux.HandleFunc("POST /index/jobs", func(w http.ResponseWriter, r *http.Request) {
		var spec jobs.Spec
		if err := decodeStrict(w, r, &spec); err != nil {
			writeJobsError(w, fmt.Errorf("%w: want JSON {\"kind\": \"folder\", \"path\": ...} or {\"kind\": \"site\", \"url\": ...}: %w", jobs.ErrBadSpec, err))
			return
		}
		j, err := n.jobs.Submit(spec, jobs.ByRequest)
		if err != nil {
			writeJobsError(w, err)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"job": j})
	})
	mux.HandleFunc("GET /index/jobs", func(w http.ResponseWriter, r *http.Request) {
		out := map[string]any{"jobs": n.jobs.List()}
		if err := n.jobs.Warning(); err != nil {
			out["warning"] = err.Error()
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("GET /index/jobs/{id}", func(w http.ResponseWriter, r *http.Request) {
		j, err := n.jobs.Get(r.PathValue("id"))
		if err != nil {
			writeJobsError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"job": j})
	})
	mux.HandleFunc("POST /index/jobs/{id}/cancel", func(w http.ResponseWriter, r *http.Request) {
		var in struct{}
		if err := decodeStrict(w, r, &in); err != nil {
			writeJobsError(w, fmt.Errorf("%w: want the JSON body {}: %w", jobs.ErrBadSpec, err))
			return
		}
		j, err := n.jobs.Cancel(r.PathValue("id"))
		if err != nil {
			writeJobsError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"job": j})
	})
	mux.HandleFunc("POST /index/remove", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Kind string `json:"kind"`
			Path string `json:"path"`
			URL  string `json:"url"`
		}
		if err := decodeStrict(w, r, &in); err != nil {
			writeJobsError(w, fmt.Errorf("%w: want JSON {\"kind\": \"folder\", \"path\": ...} or {\"kind\": \"site\", \"url\": ...}: %w", jobs.ErrBadSpec, err))
			return
		}
		target := in.Path
		if in.Kind == jobs.KindSite {
			target = in.URL
		}
		ctx, cancel := context.WithTimeout(r.Context(), removeWait)
		defer cancel()
		rm, err := n.jobs.Remove(ctx, in.Kind, target)
		if err != nil {
			writeJobsError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"removed": rm})
	})
	mux.HandleFunc("POST /index/forget", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Target string `json:"target"`
		}
		if err := decodeStrict(w, r, &in); err != nil {
			writeJobsError(w, fmt.Errorf("%w: want JSON {\"target\": a folder, a file, a site or a page}: %w", jobs.ErrBadSpec, err))
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), removeWait)
		defer cancel()
		f, err := n.jobs.Forget(ctx, in.Target)
		if err != nil {
			writeJobsError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"forgot": f})
	})
	mux.HandleFunc("POST /index/unwatch", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Path string `json:"path"`
		}
		if err := decodeStrict(w, r, &in); err != nil {
			writeJobsError(w, fmt.Errorf("%w: want JSON {\"path\": ...}: %w", jobs.ErrBadSpec, err))
			return
		}
		root, err := n.jobs.Unwatch(in.Path)
		if err != nil {
			writeJobsError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"root": root})
	})
}

// removeWait is how long POST /index/remove waits for another root's
// running job to let go of the index (the HTTP API's write timeout is
// 60s).
const removeWait = 30 * time.Second

// JobsWarning is the problem the node met with its record of jobs or of
// indexed folders and sites at start, if any: the damaged file was set
// aside and a new record started; the index is untouched. Nil with
// NoHTTP.
func (n *Node) JobsWarning() error {
	if n.jobs == nil {
		return nil
	}
	return n.jobs.Recovered()
}

// indexChanged rebuilds the node's collection summary after a job or a
// removal, so peers learn at the next exchange what this node now shares.
func (n *Node) indexChanged(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute) // the manager's: ends when the node stops
	defer cancel()
	_ = n.server.RefreshCollection(ctx) // failed: rebuilt at the next gossip or search, as before
}

// decodeStrict is decodeJSON refusing fields the request does not have,
// so a misspelt option is an error, not a default.
func decodeStrict(w http.ResponseWriter, r *http.Request, v any) error {
	return decodeBody(w, r, v, false, true)
}

// writeJobsError answers an error of the jobs manager with its status
// (jobsStatus).
func writeJobsError(w http.ResponseWriter, err error) {
	writeJSON(w, jobsStatus(err), map[string]string{"error": peopleMessage(err)})
}

// jobsStatus is the HTTP status of an error of the jobs manager: 413 for
// a body over the API's limit, 400 for a request to fix, 404 for an
// unknown job or root, 409 for a job that has finished or an index busy
// too long, 503 while the node stops.
func jobsStatus(err error) int {
	var big tooLarge
	switch {
	case errors.As(err, &big):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, jobs.ErrBadSpec):
		return http.StatusBadRequest
	case errors.Is(err, jobs.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, jobs.ErrFinished), errors.Is(err, jobs.ErrBusy):
		return http.StatusConflict
	case errors.Is(err, jobs.ErrClosed):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
