package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/node"
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
		Short: "Peer-to-peer adaptive search: your index, your marks, a network of peers like you",
		Long: `p2pir searches your folders and the web sites you crawl (a local full-text
index, BM25 ranking), external engines (SearXNG, YaCy, OpenSearch) and a
network of other p2pir nodes, merges what they find, and learns from the
results you mark interested or not interested: your user model reformulates
later queries and re-ranks their results.

Run "p2pir node" (or "p2pir demo" to try it) for the web UI on
http://127.0.0.1:8080/ and the network: nodes exchange what their people
are interested in, cluster by interest, forward queries to peers whose
interests match and recommend what like-minded people found useful.
"p2pir eval" and "p2pir sim" measure retrieval and the network on standard
test collections.

Data (the index, your user model, the node's key) lives in --data, by
default $XDG_DATA_HOME/p2pir (~/.local/share/p2pir).

Exit status: 0 on success; 1 on a failure; 2 on a usage error or a query
that cannot be parsed. index and crawl also exit 3 when they finished but
some files or pages failed (listed on stderr) while the rest was indexed:
a script can tell that partial run, worth keeping, from 1, where nothing
was indexed. No other command exits 3.`,
		Version:       versionText(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		return a.checkDataDir(cmd)
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
		newOpenCmd(a),
		newRecommendCmd(a),
		newSimCmd(a),
		newDemoCmd(a),
		newVersionCmd(a),
		newStatusCmd(a),
		newForgetCmd(a),
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

// makesDataDir reports whether the top-level command name creates a data
// directory that does not exist yet (index, crawl, node, demo); the
// others need one, and eval, sim and version need none.
func makesDataDir(name string) bool {
	switch name {
	case "index", "crawl", "node", "demo":
		return true
	}
	return false
}

// checkDataDir refuses a --data the person typed that does not exist, for
// a command that needs one and would not create it: a typo would
// otherwise quietly create directories and answer "No results." The
// default data directory is created as needed.
func (a *app) checkDataDir(cmd *cobra.Command) error {
	if !cmd.Flags().Changed("data") {
		return nil
	}
	top := cmd
	for top.HasParent() && top.Parent().HasParent() {
		top = top.Parent()
	}
	switch top.Name() {
	case "eval", "sim", "version", "help", "completion":
		return nil
	}
	if makesDataDir(top.Name()) {
		return nil
	}
	if _, err := os.Stat(a.dataDir); errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("there is no data directory at %s: check the path (p2pir index, crawl or node create one)", a.dataDir)
	}
	return nil
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

// openAgent opens the data directory's local parts (node.OpenLocal) and
// returns the client agent over them, with the configured engines and any
// extra ones, and a func that closes everything.
func (a *app) openAgent(ctx context.Context, extra ...config.Engine) (*clientagent.Agent, func(), error) {
	l, err := node.OpenLocal(ctx, a.dataDir, node.LocalOptions{ExtraEngines: extra})
	if err != nil {
		return nil, nil, err
	}
	return l.Agent, func() { l.Close() }, nil
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

// maxArgs is cobra.MaximumNArgs with a usage error that names what the
// arguments are.
func maxArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > n {
			return usageError{fmt.Errorf("%s takes at most %d %s, got %q (see %s --help)", cmd.CommandPath(), n, what, args, cmd.CommandPath())}
		}
		return nil
	}
}
