package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionText says which p2pir this is: the module version, the commit
// it was built from (with "+ changes" when the work tree had changes),
// and the Go version. Builds without version control information (go run
// outside a repository) say so.
func versionText() string {
	version, commit, when, dirty := "(devel)", "", "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	out := "p2pir " + version
	switch {
	case commit == "":
		out += ", commit unknown (built without version control information)"
	default:
		if len(commit) > 12 {
			commit = commit[:12]
		}
		out += ", commit " + commit
		if when != "" {
			out += " of " + when
		}
		if dirty {
			out += " + changes"
		}
	}
	return out + ", " + runtime.Version()
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Say which p2pir this is: version, commit and Go version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			_, err := fmt.Fprintln(a.stdout, versionText())
			return err
		},
	}
}
