package clientagent

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/metasearch"
	"github.com/p2pir/p2pir/usermodel"
)

// EngineSource is an external search engine as a Source.
type EngineSource struct{ Engine metasearch.Engine }

// Search implements Source: it sends the person's text, less p2pir's own
// source: filters, which engines do not understand.
func (e EngineSource) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) {
	hits, _, err := e.SearchCount(ctx, q)
	return hits, err
}

// pager is an engine that says how many documents matched (SearXNG's
// number_of_results, OpenSearch's totalResults, YaCy's, a p2pir node's).
type pager interface {
	SearchPage(ctx context.Context, r metasearch.Request) (*metasearch.Page, error)
}

// SearchCount implements CountingSource: Search with the engine's estimate
// of the number of matches, 0 when it gives none.
func (e EngineSource) SearchCount(ctx context.Context, q *SourceQuery) ([]Hit, uint64, error) {
	req := metasearch.Request{Query: engineQuery(q.Text), Count: min(q.K, metasearch.MaxCount)}
	var (
		rs    []metasearch.Result
		total uint64
	)
	if p, ok := e.Engine.(pager); ok {
		page, err := p.SearchPage(ctx, req)
		if err != nil {
			return nil, 0, err
		}
		rs = page.Results
		if page.Total > 0 {
			total = uint64(page.Total)
		}
	} else {
		var err error
		if rs, err = e.Engine.Search(ctx, req); err != nil {
			return nil, 0, err
		}
	}
	out := make([]Hit, 0, len(rs))
	for _, r := range rs {
		out = append(out, Hit{URL: r.URL, Title: r.Title, Content: r.Content, Score: r.Score, Rank: r.Rank, Modified: r.Published})
	}
	return out, total, nil
}

// engineQuery drops "source:..." terms from a query and cuts it, at a
// word, to the longest query engines take (metasearch.MaxQueryBytes).
func engineQuery(text string) string {
	var b strings.Builder
	for _, w := range strings.Fields(text) {
		if strings.HasPrefix(strings.ToLower(w), "source:") {
			continue
		}
		if b.Len()+1+len(w) > metasearch.MaxQueryBytes {
			break
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

// BuildEngine makes the engine a configuration entry describes. An
// OpenSearch description is fetched now, within ctx.
func BuildEngine(ctx context.Context, e config.Engine, o metasearch.Options) (metasearch.Engine, error) {
	var (
		eng metasearch.Engine
		err error
	)
	switch e.Kind {
	case config.KindSearXNG:
		eng, err = metasearch.NewSearXNG(e.Name, e.URL, o)
	case config.KindYaCy:
		eng, err = metasearch.NewYaCy(e.Name, e.URL, e.Resource, o)
	case config.KindOpenSearch:
		eng, err = metasearch.NewOpenSearch(e.Name, e.URL, o)
	case config.KindDescription:
		eng, err = metasearch.DiscoverOpenSearch(ctx, e.Name, e.URL, o)
	case config.KindP2PIR:
		eng, err = metasearch.NewP2PIR(e.Name, e.URL, o)
	default:
		err = fmt.Errorf("unknown kind %q", e.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("clientagent: engine %s: %w", e.Name, err)
	}
	return eng, nil
}

// AddEngines builds and adds every configured engine. An engine that
// cannot be built (an unreachable description document) is added as a
// source that reports the problem, so the person sees it among the
// unresponsive sources instead of losing the search.
func (a *Agent) AddEngines(ctx context.Context, engines []config.Engine, o metasearch.Options) error {
	for _, e := range engines {
		if err := a.addEntry(engineEntry(ctx, e, o)); err != nil {
			return err
		}
	}
	return nil
}

// engineEntry builds the source entry of a configured engine: the engine,
// or, when it cannot be built, a source that fails with the reason.
func engineEntry(ctx context.Context, e config.Engine, o metasearch.Options) *sourceEntry {
	var src Source
	eng, err := BuildEngine(ctx, e, o)
	if err != nil {
		buildErr := err
		src = SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) { return nil, buildErr })
	} else {
		src = EngineSource{Engine: eng}
	}
	entry := newEntry(e.Name, src, SourceOptions{Weight: e.Weight, Timeout: e.Timeout.Duration, Disabled: !e.IsEnabled()})
	entry.engine = &e
	return entry
}

// EngineChanges says what SetEngines did, by engine name.
type EngineChanges struct {
	Added, Removed, Enabled, Disabled, Rebuilt []string
}

// SetEngines makes engines the agent's engines, in their order after the
// local index, while searches go on: a search that started before keeps
// the sources it planned with, one that starts after asks the new set.
// Sources that are not engines (the local index, the peers) stay.
//
// An engine whose settings are unchanged but for Enabled keeps its built
// engine (an OpenSearch description is not fetched again); one whose
// settings changed is built anew, within ctx. What the agent learned of
// an engine stays while it is configured, enabled or not, so an engine
// enabled again keeps its learned weight; enabling it ends a suspension
// and its run of failures (the person asks for it again). A removed
// engine's record (learned weight, health) is deleted, so the sources
// listing forgets it.
func (a *Agent) SetEngines(ctx context.Context, engines []config.Engine, o metasearch.Options) (EngineChanges, error) {
	a.engMu.Lock()
	defer a.engMu.Unlock()
	var ch EngineChanges
	seen := map[string]bool{}
	for _, e := range engines {
		if e.Name == "" || seen[e.Name] {
			return ch, fmt.Errorf("clientagent: engines need distinct names, %q is empty or repeated", e.Name)
		}
		seen[e.Name] = true
	}
	old := map[string]*sourceEntry{}
	for _, s := range a.sourceList() {
		if s.engine != nil {
			old[s.name] = s
		} else if seen[s.name] {
			return ch, fmt.Errorf("clientagent: %q is the name of a source that is not an engine", s.name)
		}
	}
	// Build outside the lock: a description document is fetched.
	fresh := make([]*sourceEntry, 0, len(engines))
	for _, e := range engines {
		prev, ok := old[e.Name]
		switch {
		case !ok:
			fresh = append(fresh, engineEntry(ctx, e, o))
			ch.Added = append(ch.Added, e.Name)
		case sameEngine(*prev.engine, e):
			next := *prev
			next.enabled = e.IsEnabled()
			next.engine = &e
			fresh = append(fresh, &next)
			if next.enabled != prev.enabled {
				if next.enabled {
					ch.Enabled = append(ch.Enabled, e.Name)
				} else {
					ch.Disabled = append(ch.Disabled, e.Name)
				}
			}
		default:
			fresh = append(fresh, engineEntry(ctx, e, o))
			ch.Rebuilt = append(ch.Rebuilt, e.Name)
			if e.IsEnabled() && !prev.enabled {
				ch.Enabled = append(ch.Enabled, e.Name)
			}
		}
	}
	for name := range old {
		if !seen[name] {
			ch.Removed = append(ch.Removed, name)
		}
	}
	slices.Sort(ch.Removed)

	a.mu.Lock()
	next := make([]*sourceEntry, 0, len(a.sources)+len(fresh))
	placed := false
	for _, s := range a.sources {
		if s.engine != nil {
			continue
		}
		next = append(next, s)
		if s.name == LocalName && !placed {
			next = append(next, fresh...)
			placed = true
		}
	}
	if !placed {
		next = append(next, fresh...)
	}
	a.sources = next
	a.mu.Unlock()

	if err := a.updateRecords(ctx, ch.Removed, ch.Enabled); err != nil {
		return ch, fmt.Errorf("clientagent: the engines changed, but their records could not be updated: %w", err)
	}
	return ch, nil
}

// ForgetSources deletes what the agent learned of the named sources
// (learned weight, health), as SetEngines does for an engine it removes:
// for a program that edits config.toml while no agent runs on it.
func (a *Agent) ForgetSources(ctx context.Context, names ...string) error {
	return a.updateRecords(ctx, names, nil)
}

// ResumeSources ends the suspension and the run of failures of the named
// sources, keeping what was learned of them, as SetEngines does for an
// engine enabled again.
func (a *Agent) ResumeSources(ctx context.Context, names ...string) error {
	return a.updateRecords(ctx, nil, names)
}

// updateRecords deletes the records of forget and ends the suspension of
// resume, in one transaction.
func (a *Agent) updateRecords(ctx context.Context, forget, resume []string) error {
	if len(forget) == 0 && len(resume) == 0 {
		return nil
	}
	return a.store.UpdateTx(ctx, "source records", func(tx usermodel.Tx) error {
		r, err := tx.Records(statsBucket)
		if err != nil {
			return err
		}
		for _, name := range forget {
			if err := r.Delete(name); err != nil {
				return err
			}
		}
		return updateStats(r, resume, func(st *SourceStats) {
			st.Consecutive, st.SuspendedUntil = 0, time.Time{}
		})
	})
}

// sameEngine reports whether a and b are the same engine but for
// Enabled.
func sameEngine(a, b config.Engine) bool {
	a.Enabled, b.Enabled = nil, nil
	return a == b
}

// SourceSetting is how the agent asks one source.
type SourceSetting struct {
	// Name is the source's name.
	Name string
	// Enabled sources are asked for every search, others only when a
	// search names them.
	Enabled bool
	// Weight is the fusion weight before learning.
	Weight float64
	// Timeout is the source's deadline within a search (0: the search's).
	Timeout time.Duration
	// Engine is the configuration of an engine (nil for other sources).
	Engine *config.Engine
}

// SourceSettings lists the sources the agent asks now, the local index
// first.
func (a *Agent) SourceSettings() []SourceSetting {
	sources := a.sourceList()
	out := make([]SourceSetting, 0, len(sources))
	for _, s := range sources {
		st := SourceSetting{Name: s.name, Enabled: s.enabled, Weight: s.weight, Timeout: s.timeout}
		if s.engine != nil {
			e := *s.engine
			st.Engine = &e
		}
		out = append(out, st)
	}
	return out
}
