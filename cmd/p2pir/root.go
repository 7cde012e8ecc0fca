package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/metasearch"
	"github.com/p2pir/p2pir/usermodel"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// app carries what every command needs: where data lives and where output goes.
type app struct {
	dataDir string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:   "p2pir",
		Short: "Peer-to-peer adaptive search: index, search and evaluate",
		Long: `p2pir indexes your folders and web sites into a local full-text index (bleve,
BM25 ranking), searches them, and measures retrieval quality on standard IR
test collections.

Data (the index and your user model) lives in --data, by default
$XDG_DATA_HOME/p2pir (~/.local/share/p2pir).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&a.dataDir, "data", defaultDataDir(), "data directory (index, state)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see %s --help)", err, c.CommandPath())}
	})
	root.AddCommand(
		newIndexCmd(a),
		newCrawlCmd(a),
		newSearchCmd(a),
		newEvalCmd(a),
		newMarkCmd(a),
		newProfileCmd(a),
		newSourcesCmd(a),
		newNodeCmd(a),
		newPeersCmd(a),
		newRecommendCmd(a),
		newSimCmd(a),
	)
	return root
}

// defaultDataDir is $XDG_DATA_HOME/p2pir, else ~/.local/share/p2pir, else
// ./p2pir-data when there is no home directory.
func defaultDataDir() string {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "p2pir")
	}
	if h, err := os.UserHomeDir(); err == nil && h != "" {
		return filepath.Join(h, ".local", "share", "p2pir")
	}
	return "p2pir-data"
}

func (a *app) indexDir() string { return filepath.Join(a.dataDir, "index") }

func (a *app) statePath() string { return filepath.Join(a.dataDir, "state.db") }

// openStore opens the person's state store (user model, feedback log).
func (a *app) openStore() (*usermodel.Store, error) {
	if err := os.MkdirAll(a.dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	return usermodel.OpenStore(a.statePath(), usermodel.DefaultStoreOptions())
}

// configPath is config.toml in the data directory.
func (a *app) configPath() string { return filepath.Join(a.dataDir, config.FileName) }

// openAgent opens the index and the store and returns a client agent over
// them with the configured engines and any extra ones, and a func that
// closes everything.
func (a *app) openAgent(ctx context.Context, extra ...config.Engine) (*clientagent.Agent, func(), error) {
	cfg, err := config.Load(a.configPath())
	if err != nil {
		return nil, nil, err
	}
	ix, err := index.Open(a.indexDir(), index.DefaultConfig())
	if err != nil {
		return nil, nil, err
	}
	st, err := a.openStore()
	if err != nil {
		ix.Close()
		return nil, nil, err
	}
	acfg := clientagent.DefaultConfig()
	acfg.K, acfg.Merge = cfg.Search.K, cfg.Search.Merge
	ag, err := clientagent.New(ix, st, acfg)
	if err == nil {
		engines := slices.Clone(cfg.Engines)
		for _, e := range extra {
			// A one-off engine that config.toml already has is that
			// engine, asked this time even if disabled there.
			if i := slices.IndexFunc(engines, func(c config.Engine) bool { return c.Name == e.Name }); i >= 0 {
				engines[i].Enabled = e.Enabled
				continue
			}
			engines = append(engines, e)
		}
		err = ag.AddEngines(ctx, engines, metasearch.Options{})
	}
	if err == nil {
		fc := crawler.DefaultFocusedConfig()
		fc.MaxPages, fc.MaxTime = cfg.Crawl.MaxPages, cfg.Crawl.MaxTime.Duration
		ag.EnableCrawl(clientagent.CrawlOptions{Focused: fc, Seeds: cfg.Crawl.Seeds, Auto: cfg.Crawl.Auto})
	}
	if err != nil {
		st.Close()
		ix.Close()
		return nil, nil, err
	}
	return ag, func() { st.Close(); ix.Close() }, nil
}

// isTerminal reports whether w is a terminal (for colours and progress bars).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// noArgs is cobra.NoArgs returning a usage error (exit code 2).
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError{fmt.Errorf("%s takes no arguments, got %q (see %s --help)", cmd.CommandPath(), args, cmd.CommandPath())}
	}
	return nil
}

// minArgs is cobra.MinimumNArgs with a usage error that says what is missing.
func minArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < n {
			return usageError{fmt.Errorf("%s: missing %s (see %s --help)", cmd.CommandPath(), what, cmd.CommandPath())}
		}
		return nil
	}
}
