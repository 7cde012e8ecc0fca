package node

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/metasearch"
)

// engineBuildTimeout bounds building the engines after a change: an
// OpenSearch description engine fetches its description document.
const engineBuildTimeout = 10 * time.Second

// errNoEngines: engines were changed on a node run without them
// (LocalOptions.NoEngines).
var errNoEngines = errors.New("this node runs without external engines (a simulated node): it has none to change")

// engineJSON is an engine in the API's answers: its settings as
// config.toml holds them, with defaults filled in.
type engineJSON struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	URL       string  `json:"url"`
	Enabled   bool    `json:"enabled"`
	Weight    float64 `json:"weight"`
	TimeoutMS float64 `json:"timeout_ms"`
	Resource  string  `json:"resource,omitempty"`
}

func engineReply(e config.Engine) engineJSON {
	return engineJSON{Name: e.Name, Kind: e.Kind, URL: e.URL, Enabled: e.IsEnabled(), Weight: e.Weight, TimeoutMS: ms(e.Timeout.Duration), Resource: e.Resource}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// ConfigPath is the node's config.toml.
func (n *Node) ConfigPath() string { return filepath.Join(n.cfg.DataDir, config.FileName) }

// EngineChange is what an engine edit did.
type EngineChange struct {
	// Engine is the engine as configured (for a removal: as it was).
	Engine config.Engine
	// Problem, when set, says why the engine, although configured, cannot
	// answer (an OpenSearch description that could not be fetched);
	// searches report it as unresponsive, and the next edit of the
	// engines tries to build it again.
	Problem string
}

// AddEngine adds an engine to config.toml (see config.AddEngine: the rest
// of the file, comments included, is kept) and to the searches the node
// runs from now on.
func (n *Node) AddEngine(ctx context.Context, e config.Engine) (EngineChange, error) {
	return n.editEngines(ctx, func(path string) (config.Engine, error) { return config.AddEngine(path, e) })
}

// SetEngineEnabled enables or disables the engine named name in
// config.toml and in the node's searches at once. An engine enabled again
// keeps what marks taught about it (clientagent.Agent.SetEngines).
func (n *Node) SetEngineEnabled(ctx context.Context, name string, enabled bool) (EngineChange, error) {
	return n.editEngines(ctx, func(path string) (config.Engine, error) { return config.SetEngineEnabled(path, name, enabled) })
}

// RemoveEngine removes the engine named name from config.toml and from
// the node's searches at once; what the node learned of it is forgotten.
func (n *Node) RemoveEngine(ctx context.Context, name string) (EngineChange, error) {
	return n.editEngines(ctx, func(path string) (config.Engine, error) { return config.RemoveEngine(path, name) })
}

// editEngines runs one edit of config.toml's engines and applies the
// file's engines (with the run's extra ones, LocalOptions.ExtraEngines)
// to the client agent. Edits are one at a time.
func (n *Node) editEngines(ctx context.Context, edit func(path string) (config.Engine, error)) (EngineChange, error) {
	if n.cfg.Local.NoEngines {
		return EngineChange{}, errNoEngines
	}
	n.engMu.Lock()
	defer n.engMu.Unlock()
	e, err := edit(n.ConfigPath())
	if err != nil {
		return EngineChange{}, err
	}
	out := EngineChange{Engine: e}
	c, err := config.Load(n.ConfigPath())
	if err != nil {
		return out, fmt.Errorf("config.toml was changed, but reading it back failed, so the node's searches are unchanged: %w", err)
	}
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), engineBuildTimeout)
	defer cancel()
	ch, err := n.agent.SetEngines(bctx, withExtra(c.Engines, n.cfg.Local.ExtraEngines), metasearch.Options{})
	if err != nil {
		return out, fmt.Errorf("config.toml was changed: %w", err)
	}
	if p, ok := ch.Broken[e.Name]; ok {
		out.Problem = engineProblem(e.Name, p)
	}
	return out, nil
}

// engineAnswer is the answer of the engine routes: the engine under key,
// and "problem" when it cannot answer.
func engineAnswer(key string, ch EngineChange) map[string]any {
	out := map[string]any{key: engineReply(ch.Engine)}
	if ch.Problem != "" {
		out["problem"] = ch.Problem
	}
	return out
}

// engineProblem is an engine's error for people: without the package
// and engine names it starts with ("clientagent: engine wiki: metasearch:
// wiki: HTTP 503"), which the answer says otherwise.
func engineProblem(name, msg string) string {
	return peopleMessage(errors.New(msg), "engine "+name+": ", name+": ")
}

// engineError answers an engine edit's error with its status
// (engineStatus).
func engineError(w http.ResponseWriter, err error) {
	writeJSON(w, engineStatus(err), map[string]string{"error": peopleMessage(err)})
}

// engineStatus is the HTTP status of an engine edit's error: 400 for an
// engine to fix, 404 for an unknown one, 409 for one that exists already,
// is not in config.toml, or a node without engines.
func engineStatus(err error) int {
	switch {
	case errors.Is(err, config.ErrBadEngine):
		return http.StatusBadRequest
	case errors.Is(err, config.ErrNoEngine):
		return http.StatusNotFound
	case errors.Is(err, config.ErrEngineExists), errors.Is(err, config.ErrNotEditable), errors.Is(err, errNoEngines):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

// handleAddEngine answers POST /sources/engines.
func (n *Node) handleAddEngine(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Kind      string   `json:"kind"`
		URL       string   `json:"url"`
		Name      string   `json:"name"`
		Enabled   *bool    `json:"enabled"`
		Weight    float64  `json:"weight"`
		TimeoutMS *float64 `json:"timeout_ms"`
		Resource  string   `json:"resource"`
	}
	const want = `want JSON {"kind", "url"} and optionally "name", "enabled", "weight", "timeout_ms", "resource"`
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: %s: %w", errBadInput, want, err))
		return
	}
	if in.Kind == "" || in.URL == "" {
		writeError(w, fmt.Errorf("%w: an engine needs a kind (one of %s) and a URL: %s", errBadInput, strings.Join(config.Kinds(), ", "), want))
		return
	}
	e := config.Engine{Kind: in.Kind, URL: in.URL, Name: in.Name, Enabled: in.Enabled, Weight: in.Weight, Resource: in.Resource}
	if in.TimeoutMS != nil {
		if *in.TimeoutMS <= 0 || *in.TimeoutMS > 60_000 {
			writeError(w, fmt.Errorf("%w: timeout_ms must be from 1 to 60000", errBadInput))
			return
		}
		e.Timeout.Duration = time.Duration(*in.TimeoutMS * float64(time.Millisecond))
	}
	added, err := n.AddEngine(r.Context(), e)
	if err != nil {
		engineError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, engineAnswer("engine", added))
}

// engineID reads the engine an update or removal names: "id", or "name"
// for people who write it so.
type engineID struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (e engineID) get() string {
	if e.ID != "" {
		return e.ID
	}
	return e.Name
}

// handleUpdateEngine answers POST /sources/engines/update.
func (n *Node) handleUpdateEngine(w http.ResponseWriter, r *http.Request) {
	var in struct {
		engineID
		Enabled *bool `json:"enabled"`
	}
	const want = `want JSON {"id": the engine's name as GET /sources lists it, "enabled": true or false}`
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: %s: %w", errBadInput, want, err))
		return
	}
	if in.get() == "" || in.Enabled == nil {
		writeError(w, fmt.Errorf("%w: %s", errBadInput, want))
		return
	}
	ch, err := n.SetEngineEnabled(r.Context(), in.get(), *in.Enabled)
	if err != nil {
		engineError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, engineAnswer("engine", ch))
}

// handleRemoveEngine answers POST /sources/engines/remove.
func (n *Node) handleRemoveEngine(w http.ResponseWriter, r *http.Request) {
	var in engineID
	const want = `want JSON {"id": the engine's name as GET /sources lists it}`
	if err := decodeJSON(w, r, &in); err != nil {
		writeError(w, fmt.Errorf("%w: %s: %w", errBadInput, want, err))
		return
	}
	if in.get() == "" {
		writeError(w, fmt.Errorf("%w: %s", errBadInput, want))
		return
	}
	ch, err := n.RemoveEngine(r.Context(), in.get())
	if err != nil {
		engineError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, engineAnswer("removed", ch))
}

// sourceRow is one source in GET /sources: what the client agent
// learned of it (clientagent.SourceStats's fields, as before) with how it
// is asked and its state in words.
type sourceRow struct {
	clientagent.SourceStats
	// Kind is "local", "peers", or the engine's kind; "" for a source
	// that is no longer configured but whose record remains.
	Kind string `json:"kind"`
	// URL is an engine's URL.
	URL string `json:"url,omitempty"`
	// Configured is false for a record of a source the node no longer has.
	Configured bool `json:"configured"`
	// Enabled sources are asked for every search; others only when a
	// search names them.
	Enabled bool `json:"enabled"`
	// Weight is the configured fusion weight; LearnedWeight the factor
	// marks put on it (2 × precision: 1 with no marks).
	Weight        float64 `json:"weight"`
	TimeoutMS     float64 `json:"timeout_ms"`
	Precision     float64 `json:"precision"`
	LearnedWeight float64 `json:"learned_weight"`
	// Suspended is true while the source is suspended for failing.
	Suspended bool `json:"suspended"`
	// State says, for people, whether the source is asked and why not.
	State string `json:"state"`
}

// sourcesReply is GET /sources' answer.
func (n *Node) sourcesReply(ctx context.Context) ([]sourceRow, error) {
	st, err := n.agent.Sources(ctx)
	if err != nil {
		return nil, err
	}
	settings := map[string]clientagent.SourceSetting{}
	for _, s := range n.agent.SourceSettings() {
		settings[s.Name] = s
	}
	now := time.Now()
	out := make([]sourceRow, 0, len(st))
	for _, s := range st {
		if s.Peers != nil {
			for i := range s.Peers.Top {
				s.Peers.Top[i].Name = n.server.PeerName(s.Peers.Top[i].NodeID)
			}
		}
		row := sourceRow{SourceStats: s, Precision: s.Precision(), LearnedWeight: s.WeightFactor(), Suspended: s.Suspended(now)}
		set, ok := settings[s.Name]
		row.Configured = ok
		if ok {
			row.Enabled, row.Weight, row.TimeoutMS = set.Enabled, set.Weight, ms(set.Timeout)
			switch {
			case set.Engine != nil:
				row.Kind, row.URL = set.Engine.Kind, set.Engine.URL
			case s.Name == PeersSource:
				row.Kind = "peers"
			default:
				row.Kind = s.Name
			}
		}
		row.State = sourceState(row, now)
		out = append(out, row)
	}
	return out, nil
}

// sourceState says in words whether a source is asked, and why not.
func sourceState(r sourceRow, now time.Time) string {
	var last string
	if r.LastError != "" {
		// "metasearch: NAME: GET ...": the engine's name is the row's.
		last = "; last error: " + engineProblem(r.Name, peerFailure(r.LastError))
	}
	switch {
	case !r.Configured:
		return "no longer configured: only what was learned of it remains"
	case r.Suspended:
		return fmt.Sprintf("suspended until %s (for %s more) after %d failures in a row%s", r.SuspendedUntil.Local().Format("15:04:05"),
			r.SuspendedUntil.Sub(now).Round(time.Second), r.Consecutive, last)
	case !r.Enabled:
		return "disabled: asked only when a search names it"
	case r.Consecutive == 1:
		return "asked; failed the last time" + last
	case r.Consecutive > 1:
		return fmt.Sprintf("asked; failed the last %d times in a row%s", r.Consecutive, last)
	}
	return "asked for every search"
}
