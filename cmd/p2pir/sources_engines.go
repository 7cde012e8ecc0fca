package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/node"
	"github.com/spf13/cobra"
)

// engineEditTimeout bounds an engine edit through a running node (it may
// fetch an OpenSearch description document).
const engineEditTimeout = 30 * time.Second

// engineOut is an engine as the engine commands print it with --json:
// the node API's "engine" object.
type engineOut struct {
	Name      string  `json:"name"`
	Kind      string  `json:"kind"`
	URL       string  `json:"url"`
	Enabled   bool    `json:"enabled"`
	Weight    float64 `json:"weight"`
	TimeoutMS float64 `json:"timeout_ms"`
	Resource  string  `json:"resource,omitempty"`
}

func engineOutOf(e config.Engine) engineOut {
	return engineOut{e.Name, e.Kind, e.URL, e.IsEnabled(), e.Weight, float64(e.Timeout.Microseconds()) / 1000, e.Resource}
}

// engineEdit is one change of config.toml's engines: through the running
// node's API, or on the file when no node runs.
type engineEdit struct {
	// path and body are the API call.
	path string
	body any
	// reply is the key of the engine in the API's answer.
	reply string
	// file edits config.toml directly.
	file func(path string) (config.Engine, error)
	// after updates what the state store learned of the engine, when no
	// node runs (forget a removed engine, resume an enabled one).
	after func(ctx context.Context, a *app, e config.Engine) error
}

// run applies the edit and says where it took effect.
func (ed engineEdit) run(ctx context.Context, a *app) (engineOut, string, error) {
	if ri, ok := a.runningNode(); ok {
		ctx, cancel := context.WithTimeout(ctx, engineEditTimeout)
		defer cancel()
		var out map[string]engineOut
		if err := nodeCall(ctx, ri, "POST", ed.path, nil, ed.body, &out); err != nil {
			return engineOut{}, "", err
		}
		e, ok := out[ed.reply]
		if !ok {
			return engineOut{}, "", fmt.Errorf("the node's answer has no %q", ed.reply)
		}
		return e, fmt.Sprintf("written to %s; the running node (pid %d) uses it from now on", a.configPath(), ri.PID), nil
	}
	e, err := ed.file(a.configPath())
	if err != nil {
		return engineOut{}, "", engineUsage(err)
	}
	where := fmt.Sprintf("written to %s (the previous file is %s.bak)", a.configPath(), config.FileName)
	if ed.after != nil {
		if err := ed.after(ctx, a, e); err != nil {
			return engineOutOf(e), where, fmt.Errorf("%s, but what was learned of it could not be updated: %w", where, err)
		}
	}
	return engineOutOf(e), where, nil
}

// engineUsage makes an engine that is not one p2pir can use a usage
// error (exit status 2), as the node's 400 is; an unknown or a taken name
// exits 1 either way.
func engineUsage(err error) error {
	if errors.Is(err, config.ErrBadEngine) {
		return usageError{err}
	}
	return err
}

// withAgent opens the data directory's agent, without engines or crawl
// (nothing is fetched), runs fn and closes it.
func withAgent(ctx context.Context, a *app, fn func(*node.Local) error) error {
	l, err := node.OpenLocal(ctx, a.dataDir, node.LocalOptions{NoEngines: true, NoCrawl: true})
	if err != nil {
		return err
	}
	defer l.Close()
	return fn(l)
}

func newSourcesAddCmd(a *app) *cobra.Command {
	var (
		name     string
		disabled bool
		asJSON   bool
	)
	cmd := &cobra.Command{
		Use:   "add KIND=URL [--name NAME] [--disabled]",
		Short: "Add a search engine to config.toml (and to the running node at once)",
		Long: `Add an external search engine: KIND is one of ` + strings.Join(config.Kinds(), ", ") + `,
URL its base URL (searxng, yacy, p2pir), its URL template with {searchTerms}
(opensearch) or its description document's URL (opensearch-description).

The engine is written to config.toml in the data directory as an [[engine]]
table at its end: everything else in the file, comments included, stays as it
is, and the previous file is kept as config.toml.bak. With a node running on
the data directory the change goes through its API and its searches ask the
engine at once.`,
		Example: `  p2pir sources add searxng=https://searx.example.org
  p2pir sources add --name wiki opensearch='https://wiki.example/search?q={searchTerms}'
  p2pir sources add --disabled yacy=http://localhost:8090`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 || !strings.Contains(args[0], "=") {
				return usageError{fmt.Errorf("%s takes one KIND=URL, with KIND one of %s (see %s --help)", cmd.CommandPath(), strings.Join(config.Kinds(), ", "), cmd.CommandPath())}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, u, _ := strings.Cut(args[0], "=")
			enabled := !disabled
			e := config.Engine{Kind: kind, URL: u, Name: name, Enabled: &enabled}
			if _, err := config.CheckEngine(e); err != nil {
				return usageError{err}
			}
			body := map[string]any{"kind": kind, "url": u, "enabled": enabled}
			if name != "" {
				body["name"] = name
			}
			out, where, err := engineEdit{
				path: "/sources/engines", body: body, reply: "engine",
				file: func(path string) (config.Engine, error) { return config.AddEngine(path, e) },
			}.run(cmd.Context(), a)
			if err != nil {
				return err
			}
			return printEngine(a, asJSON, out, "added", where)
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the engine's name in results and --source (default: KIND-HOST[:PORT][/PATH])")
	cmd.Flags().BoolVar(&disabled, "disabled", false, "add it disabled: asked only when a search names it (--source NAME)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the engine as JSON")
	return cmd
}

func newSourcesToggleCmd(a *app, enable bool) *cobra.Command {
	var asJSON bool
	verb, done := "disable", "disabled"
	short := "Disable an engine: it is asked only when a search names it; what your marks taught about it stays"
	if enable {
		verb, done = "enable", "enabled"
		short = "Enable an engine again: every search asks it; it keeps what your marks taught, and a suspension ends"
	}
	cmd := &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Long: short + `.

NAME is the engine's name as "p2pir sources" lists it. Its "enabled" line in
config.toml is set (or added); everything else in the file stays, and the
previous file is kept as config.toml.bak. With a node running on the data
directory the change goes through its API and takes effect at once.`,
		Args: exactlyOneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			ed := engineEdit{
				path: "/sources/engines/update", body: map[string]any{"id": name, "enabled": enable}, reply: "engine",
				file: func(path string) (config.Engine, error) { return config.SetEngineEnabled(path, name, enable) },
			}
			if enable {
				ed.after = func(ctx context.Context, a *app, e config.Engine) error {
					return withAgent(ctx, a, func(l *node.Local) error { return l.Agent.ResumeSources(ctx, e.Name) })
				}
			}
			out, where, err := ed.run(cmd.Context(), a)
			if err != nil {
				return err
			}
			return printEngine(a, asJSON, out, done, where)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the engine as JSON")
	return cmd
}

func newSourcesRemoveCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an engine from config.toml (and from the running node at once); what was learned of it is forgotten",
		Long: `Remove the engine NAME ("p2pir sources" lists the names): its [[engine]]
table goes from config.toml, and with it what your marks taught about the
engine and its failures. Everything else in the file, comments included,
stays, and the previous file is kept as config.toml.bak. With a node running
on the data directory the change goes through its API and takes effect at
once. To stop asking an engine but keep what was learned, disable it.`,
		Args: exactlyOneName,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			out, where, err := engineEdit{
				path: "/sources/engines/remove", body: map[string]any{"id": name}, reply: "removed",
				file: func(path string) (config.Engine, error) { return config.RemoveEngine(path, name) },
				after: func(ctx context.Context, a *app, e config.Engine) error {
					return withAgent(ctx, a, func(l *node.Local) error { return l.Agent.ForgetSources(ctx, e.Name) })
				},
			}.run(cmd.Context(), a)
			if err != nil {
				return err
			}
			return printEngine(a, asJSON, out, "removed", where)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the removed engine as JSON")
	return cmd
}

func exactlyOneName(cmd *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageError{fmt.Errorf("%s takes one engine name, got %d (\"p2pir sources\" lists them)", cmd.CommandPath(), len(args))}
	}
	return nil
}

// printEngine says what an engine command did.
func printEngine(a *app, asJSON bool, e engineOut, done, where string) error {
	if asJSON {
		return writeJSONOut(a.stdout, e)
	}
	state := "enabled: every search asks it"
	if !e.Enabled {
		state = "disabled: asked only when a search names it (--source " + e.Name + ")"
	}
	if done == "removed" {
		fmt.Fprintf(a.stdout, "removed %s (%s %s)\n%s\n", e.Name, e.Kind, e.URL, where)
		return nil
	}
	fmt.Fprintf(a.stdout, "%s %s (%s %s), %s\n%s\n", done, e.Name, e.Kind, e.URL, state, where)
	return nil
}
