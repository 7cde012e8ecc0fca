package node

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/p2pir/p2pir/internal/jobs"
)

// uiIndexJobs is how many of the latest jobs the index page lists.
const uiIndexJobs = 15

// indexView is the index page's data.
type indexView struct {
	Roots []jobs.Root
	Jobs  []jobs.Job
	// Active is true while a job is queued or running: the page's script
	// then follows their progress.
	Active bool
	// Documents is the number of documents in the whole index.
	Documents uint64
	// Warning is what the node met with its record of jobs at start.
	Warning string
	Token   string
	// Home is the person's home folder, for the folder field's hint.
	Home string
}

// indexPage serves GET /ui/index: the folders and sites in the index, the
// latest jobs with their progress, and the forms that add or remove them.
func (u *ui) indexPage(w http.ResponseWriter, r *http.Request) {
	if u.n.jobs == nil {
		u.fail(w, "index", http.StatusServiceUnavailable, errors.New("this node runs without its jobs (no HTTP API), so it cannot index from here"))
		return
	}
	roots, err := u.n.jobs.Roots(r.Context())
	if err != nil {
		u.fail(w, "index", http.StatusInternalServerError, fmt.Errorf("the folders and sites in the index could not be listed: %w", err))
		return
	}
	v := indexView{Roots: roots, Token: u.n.apiToken}
	for i, j := range u.n.jobs.List() {
		if !jobs.Finished(j.State) {
			v.Active = true
		}
		if i < uiIndexJobs {
			v.Jobs = append(v.Jobs, j)
		}
	}
	if c, err := u.n.ix.Count(); err == nil {
		v.Documents = c
	}
	if err := u.n.jobs.Recovered(); err != nil {
		v.Warning = err.Error()
	}
	if h, err := os.UserHomeDir(); err == nil {
		v.Home = h
	}
	p := u.page("index", "Index", v)
	q := r.URL.Query()
	switch q.Get("done") {
	case "queued":
		p.Notice = "Job " + q.Get("job") + " is queued: its progress shows below."
	case "canceled":
		p.Notice = "Job " + q.Get("job") + " is canceled; what it indexed stays (run it again to finish)."
	case "removed":
		p.Notice = q.Get("message")
		if p.Notice == "" {
			p.Notice = "Removed from the index."
		}
	}
	u.render(w, http.StatusOK, "index", p)
}

// indexFolder serves POST /ui/index/folder {token, path, share, watch}.
func (u *ui) indexFolder(w http.ResponseWriter, r *http.Request) {
	path := expandHome(strings.TrimSpace(r.PostForm.Get("path")))
	if path != "" && !filepath.IsAbs(path) {
		u.jobsFormError(w, r, fmt.Errorf("%w: give the folder's full path (starting with / or ~/), not %q", jobs.ErrBadSpec, path))
		return
	}
	u.submitJob(w, r, jobs.Spec{Kind: jobs.KindFolder, Path: path, Share: r.PostForm.Get("share") != "", Watch: r.PostForm.Get("watch") != ""})
}

// indexSite serves POST /ui/index/site {token, url, depth, max_pages,
// allow_private}: allow_private (the form's checkbox, any value when
// ticked) lets the crawl follow links and redirects to loopback, private
// and link-local addresses, as "p2pir crawl --allow-private" does.
func (u *ui) indexSite(w http.ResponseWriter, r *http.Request) {
	spec := jobs.Spec{Kind: jobs.KindSite, URL: strings.TrimSpace(r.PostForm.Get("url")), AllowPrivate: r.PostForm.Get("allow_private") != ""}
	for _, f := range []struct {
		name string
		to   *int
	}{{"depth", &spec.Depth}, {"max_pages", &spec.MaxPages}} {
		s := strings.TrimSpace(r.PostForm.Get(f.name))
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			u.jobsFormError(w, r, fmt.Errorf("%w: %s must be a whole number of at least 1, not %q", jobs.ErrBadSpec, strings.ReplaceAll(f.name, "_", " "), s))
			return
		}
		*f.to = n
	}
	u.submitJob(w, r, spec)
}

// submitJob queues spec and sends the person back to the index page,
// where its progress shows.
func (u *ui) submitJob(w http.ResponseWriter, r *http.Request, spec jobs.Spec) {
	if u.n.jobs == nil {
		u.jobsFormError(w, r, jobs.ErrClosed)
		return
	}
	j, err := u.n.jobs.Submit(spec, jobs.ByRequest)
	if err != nil {
		u.jobsFormError(w, r, err)
		return
	}
	to := withParam(withParam("/ui/index", "done", "queued"), "job", j.ID)
	answerForm(w, r, to, map[string]any{"job": j})
}

// indexCancel serves POST /ui/index/cancel {token, id}.
func (u *ui) indexCancel(w http.ResponseWriter, r *http.Request) {
	if u.n.jobs == nil {
		u.jobsFormError(w, r, jobs.ErrClosed)
		return
	}
	j, err := u.n.jobs.Cancel(r.PostForm.Get("id"))
	if err != nil {
		u.jobsFormError(w, r, err)
		return
	}
	answerForm(w, r, withParam(withParam("/ui/index", "done", "canceled"), "job", j.ID), map[string]any{"job": j})
}

// indexRemove serves POST /ui/index/remove {token, kind, target}: the
// folder's or site's documents leave the index.
func (u *ui) indexRemove(w http.ResponseWriter, r *http.Request) {
	if u.n.jobs == nil {
		u.jobsFormError(w, r, jobs.ErrClosed)
		return
	}
	rm, err := u.n.jobs.Remove(r.Context(), r.PostForm.Get("kind"), r.PostForm.Get("target"))
	if err != nil {
		u.jobsFormError(w, r, err)
		return
	}
	answerForm(w, r, withParam(withParam("/ui/index", "done", "removed"), "message", rm.Message), map[string]any{"removed": rm})
}

// jobsFormError answers a failed index form with the status the jobs API
// gives the same error.
func (u *ui) jobsFormError(w http.ResponseWriter, r *http.Request, err error) {
	code := jobsStatus(err)
	msg := strings.TrimPrefix(peopleMessage(err), jobs.ErrBadSpec.Error()+": ")
	if wantsJSON(r) {
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	u.fail(w, "index", code, errors.New(msg))
}

// expandHome turns a leading "~" or "~/" into the home folder, as a shell
// would for the person typing a path.
func expandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") {
		return p
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return p
	}
	return filepath.Join(h, strings.TrimPrefix(p, "~"))
}
