package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateCLIDocs = flag.Bool("update-cli-docs", false, "rewrite docs/cli from the command tree")

// TestCLIReferenceIsCurrent: docs/cli holds exactly the reference the
// command tree generates, page for page, so the help people read on the
// web is the help the binary prints. After changing a command, rewrite it:
//
//	go test ./cmd/p2pir -run TestCLIReferenceIsCurrent -update-cli-docs
func TestCLIReferenceIsCurrent(t *testing.T) {
	committed := filepath.Join("..", "..", cliDocsDir)
	if *updateCLIDocs {
		if err := writeCLIDocs(committed); err != nil {
			t.Fatal(err)
		}
	}
	fresh := t.TempDir()
	if err := writeCLIDocs(fresh); err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Glob(filepath.Join(fresh, "*.md"))
	have, _ := filepath.Glob(filepath.Join(committed, "p2pir*.md"))
	if len(want) < 10 {
		t.Fatalf("the command tree gave %d pages", len(want))
	}
	seen := map[string]bool{}
	for _, f := range want {
		name := filepath.Base(f)
		seen[name] = true
		w, _ := os.ReadFile(f)
		h, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil || string(h) != string(w) {
			t.Errorf("%s/%s is not what the commands say (rerun with -update-cli-docs): %v", cliDocsDir, name, err)
		}
	}
	for _, f := range have {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s/%s documents a command that no longer exists (rerun with -update-cli-docs)", cliDocsDir, filepath.Base(f))
		}
	}
}
