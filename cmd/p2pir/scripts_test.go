package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// updateScripts rewrites the expected output in the scripts (cmp against
// a file of the archive) from what the commands print:
// go test ./cmd/p2pir/ -run TestScripts -update-scripts
var updateScripts = flag.Bool("update-scripts", false, "rewrite the expected files of testdata/script/*.txtar")

// TestScripts runs the terminal sessions of testdata/script: each script
// runs the real p2pir binary (this test binary under the name p2pir, see
// TestMain) as a person would type it, and checks its exit status and
// the exact output they see. Every script gets its own $WORK with $HOME
// and $XDG_DATA_HOME inside it, so the default data directory is the
// script's; testdata/notes is copied to $WORK/notes.
func TestScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("terminal sessions of the real binary: skipped in -short mode")
	}
	notes, err := filepath.Abs(filepath.Join("testdata", "notes"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		UpdateScripts:       *updateScripts,
		Setup: func(env *testscript.Env) error {
			home := filepath.Join(env.WorkDir, "home")
			env.Setenv("HOME", home)
			env.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
			env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			env.Setenv("NO_COLOR", "1")
			env.Setenv("NOTES_FIXTURE", notes)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// copynotes DIR copies testdata/notes to DIR.
			"copynotes": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: copynotes DIR")
				}
				ts.Check(copyTree(ts.Getenv("NOTES_FIXTURE"), ts.MkAbs(args[0])))
			},
		},
	})
}

// copyTree copies the folder src to dst (which must not exist).
func copyTree(src, dst string) error {
	return os.CopyFS(dst, os.DirFS(src))
}
