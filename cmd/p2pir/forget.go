package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/p2pir/p2pir/internal/humanerr"
	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/spf13/cobra"
)

func newForgetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "forget PATH|URL|SITE...",
		Short: "Take a folder, a file, a site or a page out of the index",
		Long: `Take what you name out of the index:

  a folder      every document under it; it also stops being shared,
                watched and listed among the indexed folders
  a file        its document (the file may be gone from the disk already)
  a site        https://example.org/ or example.org: every page of the
                host and its subdomains
  a page        https://example.org/a/page: that one page

With a node running on the data directory, the node does it (a job
indexing the folder or site is canceled first). Indexing the folder or
crawling the site again brings the documents back.

Exit status: 0 when everything named was forgotten; 1 when something
could not be (not in the index, or the index busy); 2 on a usage error.`,
		Example: `  p2pir forget ~/notes/archive
  p2pir forget ~/notes/old-draft.md
  p2pir forget example.org
  p2pir forget https://example.org/private/page.html`,
		Args: minArgs(1, "PATH, URL or SITE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var failed []string
			for _, target := range args {
				f, err := a.forget(cmd.Context(), target)
				if err != nil {
					fmt.Fprintf(a.stderr, "p2pir: forget %s: %s\n", target, humanerr.Message(err, "the node refused: ", jobs.ErrNotFound.Error()+": ", jobs.ErrBadSpec.Error()+": "))
					failed = append(failed, target)
					continue
				}
				fmt.Fprintln(a.stdout, f.Message)
			}
			if len(failed) > 0 {
				return fmt.Errorf("%s not forgotten (said above)", strings.Join(failed, ", "))
			}
			return nil
		},
	}
}

// forget takes target out of the index, through the running node if one
// runs on the data directory.
func (a *app) forget(ctx context.Context, target string) (jobs.Forgot, error) {
	if !strings.Contains(target, "://") {
		if abs, err := filepath.Abs(target); err == nil && !looksLikeHost(target) {
			target = abs // the node's working directory is not ours
		}
	}
	if ri, ok := a.runningNode(); ok {
		var out struct {
			Forgot jobs.Forgot `json:"forgot"`
		}
		err := jobsCall(ctx, ri, "POST", "/index/forget", map[string]string{"target": target}, &out)
		return out.Forgot, err
	}
	ix, err := a.openIndexExclusive()
	if err != nil {
		return jobs.Forgot{}, err
	}
	defer ix.Close()
	return jobs.ForgetOffline(ctx, ix, a.dataDir, target)
}

// looksLikeHost reports whether a target names a site rather than a path:
// a dotted name with no slash that is no file here ("example.org").
func looksLikeHost(target string) bool {
	if strings.ContainsRune(target, '/') || !strings.Contains(target, ".") {
		return false
	}
	_, err := os.Stat(target)
	return err != nil
}
