package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/docs"
	"github.com/p2pir/p2pir/node"
	"github.com/spf13/cobra"
)

// demoHTTPAddr is where "p2pir demo" serves its web UI when the port is
// free; otherwise it takes any free loopback port.
const demoHTTPAddr = "127.0.0.1:8080"

func newDemoCmd(a *app) *cobra.Command {
	var httpAddr string
	cmd := &cobra.Command{
		Use:   "demo [FOLDER]",
		Short: "Start a node with its web UI and something to search, with no setup",
		Long: `Start a node with its web UI on this machine, with something real to
search, and print the address to open in a browser. Search, mark results
interested or not interested, and watch the ranking learn.

Without FOLDER, the demo searches p2pir's own documentation (built into
the program, one document per section); with FOLDER, it indexes that
folder first (incrementally, as "p2pir index" does).

The demo keeps its own data directory, apart from your own node's, unless
--data names one: $XDG_DATA_HOME/p2pir-demo, else ~/.local/share/p2pir-demo.
Your marks there persist from one demo to the next. The web UI listens on
127.0.0.1:8080, or on another free loopback port when 8080 is taken; the
demo node joins no network (its peer and gossip ports are loopback ports
chosen at start). Stop it with Ctrl-C.

Exit status: 0 after Ctrl-C; 1 when the demo could not start; 2 on a usage
error.`,
		Example: `  go run ./cmd/p2pir demo
  p2pir demo ~/notes
  p2pir demo --http 127.0.0.1:9090`,
		Args: maxArgs(1, "FOLDER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("data") {
				a.dataDir = defaultDataDir() + "-demo"
			}
			if err := os.MkdirAll(a.dataDir, 0o700); err != nil {
				return fmt.Errorf("demo: create its data directory: %w", err)
			}
			if ri, ok := a.runningNode(); ok {
				return fmt.Errorf("demo: a node already runs on %s: open http://%s/ (pid %d)", a.dataDir, ri.HTTPAddr, ri.PID)
			}
			folder := filepath.Join(a.dataDir, "p2pir-docs")
			if len(args) == 1 {
				folder = args[0]
			} else if err := writeDemoDocs(folder); err != nil {
				return err
			}
			if err := a.indexDemoFolder(cmd.Context(), folder); err != nil {
				return err
			}
			cfg := node.Config{DataDir: a.dataDir, HTTPAddr: httpAddr, GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0", MembershipProfile: "local", Name: "demo"}
			n, err := node.Start(cmd.Context(), cfg)
			if errors.Is(err, node.ErrAddressInUse) && !cmd.Flags().Changed("http") {
				cfg.HTTPAddr = "127.0.0.1:0"
				n, err = node.Start(cmd.Context(), cfg)
			}
			if errors.Is(err, node.ErrHTTPNotLoopback) {
				return usageError{fmt.Errorf("--http %s is not a loopback address: the demo serves only this machine", httpAddr)}
			}
			if err != nil {
				return fmt.Errorf("demo: %w", err)
			}
			fmt.Fprintf(a.stdout, "p2pir demo: open http://%s/ in your browser (Ctrl-C stops it)\n  searching %s\n  data in %s\n", n.HTTPAddr(), folder, a.dataDir)
			<-cmd.Context().Done()
			fmt.Fprintln(a.stdout, "stopping the demo")
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return n.Close(ctx)
		},
	}
	cmd.Flags().StringVar(&httpAddr, "http", demoHTTPAddr, "web UI address, on loopback")
	return cmd
}

// writeDemoDocs writes the embedded documentation's sections into dir,
// one file each, rewriting only the files whose text changed (so that
// indexing again is incremental) and removing the ones no longer there.
func writeDemoDocs(dir string) error {
	secs, err := docs.Sections()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("demo: create %s: %w", dir, err)
	}
	keep := make(map[string]bool, len(secs))
	for _, s := range secs {
		keep[s.Name] = true
		p := filepath.Join(dir, s.Name)
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, []byte(s.Text)) {
			continue
		}
		if err := os.WriteFile(p, []byte(s.Text), 0o600); err != nil {
			return fmt.Errorf("demo: write %s: %w", p, err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("demo: list %s: %w", dir, err)
	}
	for _, e := range entries {
		if !keep[e.Name()] && filepath.Ext(e.Name()) == ".md" {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return fmt.Errorf("demo: remove the outdated %s: %w", e.Name(), err)
			}
		}
	}
	return nil
}

// indexDemoFolder indexes folder into the demo's index, incrementally,
// with the progress bar on stderr, and says how it went.
func (a *app) indexDemoFolder(ctx context.Context, folder string) error {
	ix, err := a.openIndexExclusive()
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	defer ix.Close()
	cfg := crawler.DefaultFilesConfig()
	cfg.Progress = crawler.TerminalProgress(a.stderr)
	rep, err := crawler.IndexFiles(ctx, ix, cfg, folder)
	if err != nil {
		return fmt.Errorf("demo: index %s: %w", folder, err)
	}
	for _, e := range rep.Errors {
		fmt.Fprintf(a.stderr, "p2pir: demo: %v\n", e)
	}
	n, err := ix.Count()
	if err != nil {
		return fmt.Errorf("demo: count the index: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("demo: nothing to search: %s holds no text, Markdown, HTML or PDF file p2pir could index", folder)
	}
	fmt.Fprintf(a.stdout, "indexed %s: %s (%d added, %d updated, %d unchanged)\n", folder, countOf(int(n), "document", "documents"), rep.Added, rep.Updated, rep.Unchanged)
	return nil
}
