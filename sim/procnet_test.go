package sim

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

// TestSearchTrafficReadsTheServersSearchCounters: Carried in processes
// mode counts, from a node's /metrics, exactly the Search requests its
// server received and the bytes of those requests and their responses:
// not the client side, not other methods, not response counts.
func TestSearchTrafficReadsTheServersSearchCounters(t *testing.T) {
	metrics := `# HELP p2pir_rpc_messages_total gRPC messages carried, by side, method and message (request, response).
# TYPE p2pir_rpc_messages_total counter
p2pir_rpc_messages_total{message="request",method="Search",side="client"} 40
p2pir_rpc_messages_total{message="request",method="Search",side="server"} 17
p2pir_rpc_messages_total{message="response",method="Search",side="server"} 16
p2pir_rpc_messages_total{message="request",method="ExchangeProfiles",side="server"} 5
# HELP p2pir_rpc_bytes_total Bytes of gRPC messages carried.
# TYPE p2pir_rpc_bytes_total counter
p2pir_rpc_bytes_total{message="request",method="Search",side="server"} 68000
p2pir_rpc_bytes_total{message="response",method="Search",side="server"} 1.2345e+06
p2pir_rpc_bytes_total{message="request",method="Search",side="client"} 99999
p2pir_rpc_bytes_total{message="request",method="ExchangeProfiles",side="server"} 777
p2pir_rpc_calls_total{method="Search",side="server"} 17
p2pir_rpc_duration_seconds_bucket{method="Search",side="server",le="0.005"} 3
`
	got, err := searchTraffic(strings.NewReader(metrics))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Traffic{Messages: 17, Bytes: 68000 + 1234500}); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if _, err := searchTraffic(strings.NewReader(`p2pir_rpc_bytes_total{message="request",method="Search",side="server"} many` + "\n")); err == nil {
		t.Error("a value that is not a number was accepted")
	}
}

// TestProcessNetSaysWhenANodeDiesAtStart: a node process that exits
// before it serves fails the network's first call with an error that
// says so and shows the node's output, and documents cannot be added once
// the nodes run.
func TestProcessNetSaysWhenANodeDiesAtStart(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to stand in for a failing p2pir binary")
	}
	t.Setenv("TMPDIR", t.TempDir()) // the node directories Close keeps
	cfg := tinyConfig(t)
	cfg.Nodes, cfg.Mode = 2, "processes"
	// sh refuses the node's arguments ("--data DIR node ...") and exits
	// at once, complaining on stderr.
	net, err := NewProcessNet(ProcessOptions{Binary: sh})(context.Background(), cfg, cfg.Nodes)
	if err != nil {
		t.Fatal(err)
	}
	_, err = net.Members(context.Background())
	if err == nil || !strings.Contains(err.Error(), "node 0 exited before it served") {
		t.Fatalf("got %v, want node 0's early exit", err)
	}
	if _, output, _ := strings.Cut(err.Error(), "its output:\n"); strings.TrimSpace(output) == "" {
		t.Errorf("the error does not show the node's output: %v", err)
	}
	if _, again := net.Clusters(context.Background()); again == nil || again.Error() != err.Error() {
		t.Errorf("a later call after the failed start: got %v, want the same error", again)
	}
	if err := net.AddDocuments(context.Background(), 1, []Document{{URL: "http://x.sim.p2pir.invalid/doc/1", Text: "x"}}); err == nil {
		t.Error("documents were added after the nodes were started")
	}
	if err := net.Close(); err == nil || !strings.Contains(err.Error(), "logs are in") {
		t.Errorf("Close after a failed node: got %v, want an error naming where the logs are", err)
	}
}
