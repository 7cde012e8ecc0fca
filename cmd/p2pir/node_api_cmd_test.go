package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startCLINode runs "p2pir node" on dir, with extra flags, in the
// background until the test ends (when it must have exited 0), and waits
// until the CLI sees it. It returns the node's stdout and stderr.
func startCLINode(t *testing.T, dir string, extra ...string) (stdout, stderr *syncBuffer) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	args := append([]string{"--data", dir, "node", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0"}, extra...)
	go func() {
		done <- run(ctx, args, strings.NewReader(""), &out, &errOut)
	}()
	t.Cleanup(func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("node exited %d: %s", code, errOut.String())
		}
	})
	for {
		if _, ok := (&app{dataDir: dir}).runningNode(); ok {
			return &out, &errOut
		}
		select {
		case code := <-done:
			done <- code
			t.Fatalf("node exited %d before serving: %s %s", code, out.String(), errOut.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// TestCLIThroughTheNodePrintsText: with a node running, "p2pir mark"
// and "mark --undo" print the same human text as without one, and JSON
// only with --json; "recommend --json" prints snake_case keys; a search
// through the node may crawl (it is a POST the node accepts).
func TestCLIThroughTheNodePrintsText(t *testing.T) {
	dir := t.TempDir()
	mustRunCLI(t, dir, "index", "testdata/notes")
	startCLINode(t, dir)
	r := mustRunCLI(t, dir, "search", "--json", "platypus")
	var resp struct {
		QueryID string `json:"query_id"`
		Results []struct {
			URL string `json:"url"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil || len(resp.Results) == 0 {
		t.Fatalf("search through the node: %v\n%s", err, r)
	}
	url := resp.Results[0].URL
	for _, tc := range []struct {
		name      string
		args      []string
		wantText  []string // in the text output
		wantJSON  string   // top-level key with --json; "" for text
		notPrefix string
	}{
		{"mark prints text", []string{"mark", resp.QueryID, url, "+"}, []string{"marked + " + url, "profile: 1 mark; top interests: "}, "", "{"},
		{"mark --undo prints text", []string{"mark", "--undo"}, []string{"undone + " + url, "profile: 0 marks"}, "", "{"},
		{"mark --json prints JSON", []string{"mark", "--json", resp.QueryID, url, "-"}, nil, "marked", ""},
		{"mark --undo --json prints JSON", []string{"mark", "--undo", "--json"}, nil, "undone", ""},
		{"recommend --json is snake_case", []string{"recommend", "--json"}, nil, "items", ""},
		{"search --crawl goes through the node", []string{"search", "--crawl", "--source", "local", "wombat"}, []string{"wombat"}, "", "{"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRunCLI(t, dir, tc.args...)
			if tc.wantJSON != "" {
				var got map[string]json.RawMessage
				if err := json.Unmarshal([]byte(r.stdout), &got); err != nil || got[tc.wantJSON] == nil {
					t.Fatalf("want JSON with %q: %v\n%s", tc.wantJSON, err, r.stdout)
				}
				return
			}
			if tc.notPrefix != "" && strings.HasPrefix(strings.TrimSpace(r.stdout), tc.notPrefix) {
				t.Fatalf("printed JSON without --json:\n%s", r.stdout)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, r.stdout)
				}
			}
		})
	}
}

// TestNodeOnATakenPortExits1: "p2pir node" with its gRPC port taken says
// so and exits 1, without a panic, and leaves the data directory usable.
func TestNodeOnATakenPortExits1(t *testing.T) {
	dir := t.TempDir()
	mustRunCLI(t, dir, "index", "testdata/notes")
	holder, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	taken := holder.Addr().String()
	r := runCLI(t, dir, "node", "--http", "127.0.0.1:0", "--grpc", taken, "--gossip", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, "the gRPC address "+taken+" is in use") {
		t.Fatalf("node on a taken gRPC port: %v", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "node.json")); !os.IsNotExist(err) {
		t.Errorf("a run file is left behind: %v", err)
	}
	if r := mustRunCLI(t, dir, "search", "platypus"); !strings.Contains(r.stdout, "platypus") {
		t.Fatalf("index and store after the failed start: %v", r)
	}
}

// TestNodeHTTPBeyondLoopbackIsAUsageError: --http off loopback needs
// --http-public and --http-token-file; without them the node does not
// start (exit 2, naming the flags). The context is already cancelled, so
// a node that did start would stop at once and exit 0.
func TestNodeHTTPBeyondLoopbackIsAUsageError(t *testing.T) {
	short := filepath.Join(t.TempDir(), "short")
	if err := os.WriteFile(short, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces", []string{"--http", "0.0.0.0:0"}, "--http-public and --http-token-file"},
		{"public without a token file", []string{"--http", "0.0.0.0:0", "--http-public"}, "--http-token-file"},
		{"public with a short token", []string{"--http", "0.0.0.0:0", "--http-public", "--http-token-file", short}, "at least 16 characters"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var out, errOut bytes.Buffer
			args := append([]string{"--data", t.TempDir(), "node", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0"}, tc.args...)
			code := run(ctx, args, strings.NewReader(""), &out, &errOut)
			if code != 2 || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 mentioning %q", code, errOut.String(), tc.want)
			}
		})
	}
}

// TestSearchThroughTheNodeKeepsItsDeadline: with a node running, "p2pir
// search" runs under the same deadline as without one: config.toml's
// search.timeout when --timeout is not given, the flag when it is.
func TestSearchThroughTheNodeKeepsItsDeadline(t *testing.T) {
	dir := t.TempDir()
	mustRunCLI(t, dir, "index", "testdata/notes")
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte("[search]\ntimeout = \"7500ms\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	startCLINode(t, dir)
	for _, tc := range []struct {
		name string
		args []string
		want float64
	}{
		{"config.toml's search.timeout", []string{"search", "--json", "platypus"}, 7500},
		{"the flag wins", []string{"search", "--json", "--timeout", "45s", "platypus"}, 45000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mustRunCLI(t, dir, tc.args...)
			var resp struct {
				Trace struct {
					TimeoutMS float64 `json:"timeout_ms"`
				} `json:"trace"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil {
				t.Fatalf("%v\n%s", err, r)
			}
			if resp.Trace.TimeoutMS != tc.want {
				t.Errorf("trace.timeout_ms %v, want %v", resp.Trace.TimeoutMS, tc.want)
			}
		})
	}
}
