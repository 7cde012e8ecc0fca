package p2pirv1

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGeneratedCodeIsCurrent checks the committed generated code is what
// `make proto` makes from peer.proto today, byte for byte: nobody edited
// it by hand and nobody changed the .proto without regenerating. It needs
// Debian's protoc at the pinned version and skips without it.
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: runs make proto")
	}
	out, err := exec.Command("protoc", "--version").Output()
	if err != nil {
		t.Skip("protoc not installed (apt-get install protobuf-compiler): cannot regenerate")
	}
	if v := strings.TrimSpace(string(out)); v != "libprotoc 3.21.12" {
		t.Skipf("protoc is %q, the Makefile pins 3.21.12: cannot regenerate byte for byte", v)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command("make", "-s", "-C", filepath.Join("..", "..", ".."), "proto", "PROTO_OUT="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make proto: %v\n%s", err, msg)
	}
	cases := []struct{ name, file string }{
		{"messages", "peer.pb.go"},
		{"service", "peer_grpc.pb.go"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fresh, err := os.ReadFile(filepath.Join(dir, "p2pir", "v1", tc.file))
			if err != nil {
				t.Fatalf("regenerated: %v", err)
			}
			committed, err := os.ReadFile(tc.file)
			if err != nil {
				t.Fatalf("committed: %v", err)
			}
			if !bytes.Equal(fresh, committed) {
				t.Fatalf("%s differs from what make proto generates: run make proto", tc.file)
			}
		})
	}
}
