package node

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/p2pir/p2pir/internal/config"
)

// sourcesView is the sources page's data.
type sourcesView struct {
	// Sources are the local index, the peers and the engines, with what
	// marks taught of each and their health.
	Sources []sourceRow
	// Kinds are the engine kinds an engine can be added as.
	Kinds []string
	// Editable is false on a node run without engines (a simulated one).
	Editable bool
	Token    string
}

// sources serves GET /ui/sources: each source with its learned weight,
// failures and suspension, and the forms that add, disable, enable or
// remove an engine (written to config.toml).
func (u *ui) sources(w http.ResponseWriter, r *http.Request) {
	rows, err := u.n.sourcesReply(r.Context())
	if err != nil {
		u.fail(w, "sources", http.StatusInternalServerError, fmt.Errorf("the sources could not be read: %w", err))
		return
	}
	v := sourcesView{Sources: rows, Kinds: config.Kinds(), Editable: !u.n.cfg.Local.NoEngines, Token: u.n.apiToken}
	p := u.page("sources", "Sources", v)
	q := r.URL.Query()
	switch name := q.Get("engine"); q.Get("done") {
	case "added":
		p.Notice = "Engine " + name + " is added to config.toml and asked from the next search."
		if problem := q.Get("problem"); problem != "" {
			p.Notice = "Engine " + name + " is added to config.toml, but cannot answer yet: " + problem + ". The next change of the engines tries it again."
		}
	case "enabled":
		p.Notice = "Engine " + name + " is enabled: asked for every search."
	case "disabled":
		p.Notice = "Engine " + name + " is disabled: asked only when a search names it."
	case "removed":
		p.Notice = "Engine " + name + " is removed from config.toml; what marks taught about it is forgotten."
	}
	u.render(w, http.StatusOK, "sources", p)
}

// sourcesAdd serves POST /ui/sources/add {token, kind, url, name}.
func (u *ui) sourcesAdd(w http.ResponseWriter, r *http.Request) {
	e := config.Engine{Kind: strings.TrimSpace(r.PostForm.Get("kind")), URL: strings.TrimSpace(r.PostForm.Get("url")), Name: strings.TrimSpace(r.PostForm.Get("name"))}
	if e.Kind == "" || e.URL == "" {
		u.engineFormError(w, r, fmt.Errorf("%w: an engine needs a kind (one of %s) and a URL", config.ErrBadEngine, strings.Join(config.Kinds(), ", ")))
		return
	}
	added, err := u.n.AddEngine(r.Context(), e)
	if err != nil {
		u.engineFormError(w, r, err)
		return
	}
	to := withParam(withParam("/ui/sources", "done", "added"), "engine", added.Engine.Name)
	if added.Problem != "" {
		to = withParam(to, "problem", added.Problem)
	}
	answerForm(w, r, to, engineAnswer("engine", added))
}

// sourcesEnable serves POST /ui/sources/enable {token, name, enabled=1|0}.
func (u *ui) sourcesEnable(w http.ResponseWriter, r *http.Request) {
	on, err := onOff(r.PostForm.Get("enabled"))
	if err != nil {
		u.engineFormError(w, r, fmt.Errorf("%w: enabled must be 1 or 0", config.ErrBadEngine))
		return
	}
	e, err := u.n.SetEngineEnabled(r.Context(), r.PostForm.Get("name"), on)
	if err != nil {
		u.engineFormError(w, r, err)
		return
	}
	done := "disabled"
	if on {
		done = "enabled"
	}
	answerForm(w, r, withParam(withParam("/ui/sources", "done", done), "engine", e.Engine.Name), engineAnswer("engine", e))
}

// sourcesRemove serves POST /ui/sources/remove {token, name}.
func (u *ui) sourcesRemove(w http.ResponseWriter, r *http.Request) {
	e, err := u.n.RemoveEngine(r.Context(), r.PostForm.Get("name"))
	if err != nil {
		u.engineFormError(w, r, err)
		return
	}
	answerForm(w, r, withParam(withParam("/ui/sources", "done", "removed"), "engine", e.Engine.Name), engineAnswer("removed", e))
}

// engineFormError answers a failed engine form with the status the
// engines API gives the same error.
func (u *ui) engineFormError(w http.ResponseWriter, r *http.Request, err error) {
	code := engineStatus(err)
	msg := peopleMessage(err)
	if wantsJSON(r) {
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	u.fail(w, "sources", code, errors.New("The engines were not changed: "+msg))
}
