package main

import (
	"runtime"
	"strings"
	"testing"
)

// TestVersionSaysWhichP2pirThisIs: "p2pir version" and "p2pir --version"
// print the same line: the module version, the commit (or that it is
// unknown) and the Go version, with no data directory needed.
func TestVersionSaysWhichP2pirThisIs(t *testing.T) {
	dir := t.TempDir() + "/never-created"
	v := mustRunCLI(t, dir, "version").stdout
	if !strings.HasPrefix(v, "p2pir ") || !strings.Contains(v, "commit ") || !strings.HasSuffix(v, runtime.Version()+"\n") {
		t.Errorf("p2pir version = %q", v)
	}
	if f := mustRunCLI(t, dir, "--version").stdout; f != v {
		t.Errorf("p2pir --version = %q, p2pir version = %q", f, v)
	}
}
