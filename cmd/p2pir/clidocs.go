package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// cliDocsDir is where the reference of every command lives, generated
// from the command tree (writeCLIDocs); a test keeps it current.
const cliDocsDir = "docs/cli"

// writeCLIDocs writes the reference of every command, one Markdown page
// each (p2pir.md, p2pir_search.md, ...), into dir. The pages must not
// depend on the machine that writes them: the data directory's default
// is shown as the help says it, not as this machine resolves it.
func writeCLIDocs(dir string) error {
	root := newRootCmd(strings.NewReader(""), io.Discard, io.Discard)
	root.DisableAutoGenTag = true
	if f := root.PersistentFlags().Lookup("data"); f != nil {
		f.DefValue = "$XDG_DATA_HOME/p2pir, else ~/.local/share/p2pir"
	}
	root.Version = "" // the version line is the binary's, not the reference's
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(root)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	old, err := filepath.Glob(filepath.Join(dir, "p2pir*.md"))
	if err != nil {
		return err
	}
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return fmt.Errorf("remove the old %s: %w", f, err)
		}
	}
	if err := doc.GenMarkdownTree(root, dir); err != nil {
		return fmt.Errorf("write the command reference into %s: %w", dir, err)
	}
	return nil
}
