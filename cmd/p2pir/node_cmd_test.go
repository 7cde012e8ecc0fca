package main

import (
	"bytes"
	"context"
	"encoding/json"
	"github.com/p2pir/p2pir/internal/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestNodeServesTheCLI: while "p2pir node" runs on a data directory, the
// CLI's search, mark and profile go through its HTTP API (the index and
// store belong to the node), commands that need them exclusively say so
// clearly, and after the node stops the CLI works on the files again.
func TestNodeServesTheCLI(t *testing.T) {
	dir := t.TempDir()
	mustRunCLI(t, dir, "index", "testdata/notes")
	ctx, stop := context.WithCancel(context.Background())
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--data", dir, "node", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0"}, strings.NewReader(""), &out, &errOut)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := (&app{dataDir: dir}).runningNode(); ok {
			break
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("node did not come up: %s %s", out.String(), errOut.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
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
	mustRunCLI(t, dir, "mark", resp.QueryID, resp.Results[0].URL, "+")
	if p := mustRunCLI(t, dir, "profile"); !strings.Contains(p.stdout, `"marks": 1`) {
		t.Fatalf("profile through the node: %s", p.stdout)
	}
	if r := runCLI(t, dir, "index", "testdata/notes"); r.code != 0 || !strings.Contains(r.stderr, "a node is running") || !strings.Contains(r.stdout, "4 unchanged") {
		t.Fatalf("index beside a running node: want the node to do it (incrementally), got %v", r)
	}
	if r := runCLI(t, dir, "peers"); r.code != 0 || !strings.Contains(r.stdout, "node") {
		t.Fatalf("peers: %v", r)
	}
	for _, set := range []string{"off", "on"} {
		if p := mustRunCLI(t, dir, "profile", "--sharing", set); !strings.Contains(p.stdout, `"sharing": `+map[string]string{"on": "true", "off": "false"}[set]) {
			t.Fatalf("profile --sharing %s through the node: %s", set, p.stdout)
		}
	}
	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("node exited %d: %s", code, errOut.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("node did not stop")
	}
	if r := mustRunCLI(t, dir, "search", "platypus"); !strings.Contains(r.stdout, "platypus") {
		t.Fatalf("search after the node stopped: %v", r)
	}
	if r := runCLI(t, dir, "peers"); r.code != 1 || !strings.Contains(r.stderr, "no node is running") {
		t.Fatalf("peers without a node: %v", r)
	}
}

// TestNodeNetworkFlagsOverrideConfigFile: --hops, --fanout and
// --peer-timeout reach the node over config.toml's [network] (an
// out-of-range flag is refused although the file's value is fine), and
// the file's values are checked when no flag is given.
func TestNodeNetworkFlagsOverrideConfigFile(t *testing.T) {
	tests := []struct {
		name, file string
		flags      []string
		want       string
	}{
		{"--hops over the file", "[network]\nhops = 1\n", []string{"--hops", "17"}, "hops 17: want 1 to 16"},
		{"--fanout over the file", "[network]\nfanout = 5\n", []string{"--fanout", "17"}, "fan-out 17: want 1 to 16"},
		{"--peer-timeout over the file", "[network]\npeer_timeout = \"1s\"\n", []string{"--peer-timeout", "-1s"}, "must not be negative"},
		{"the file alone", "[network]\nhops = 17\n", nil, "network.hops 17"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(tc.file), 0o600); err != nil {
				t.Fatal(err)
			}
			args := append([]string{"node", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0"}, tc.flags...)
			r := runCLI(t, dir, args...)
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("p2pir %v = %v, want exit 1 saying %q", args, r, tc.want)
			}
		})
	}
}

// TestNodeExperimentFlags: "p2pir node --help" documents the flags an
// experiment drives a node with (--manual-rounds and POST /network/round,
// --membership, --seed), and a membership profile it does not know is a
// usage error naming the ones it does.
func TestNodeExperimentFlags(t *testing.T) {
	help := mustRunCLI(t, t.TempDir(), "node", "--help")
	for _, want := range []string{"--manual-rounds", "POST /network/round", "--membership", "--seed", "--max-peers"} {
		if !strings.Contains(help.stdout, want) {
			t.Errorf("p2pir node --help does not mention %s:\n%s", want, help.stdout)
		}
	}
	r := runCLI(t, t.TempDir(), "node", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0", "--membership", "wan")
	if r.code != exitUsage || !strings.Contains(r.stderr, "lan or local") {
		t.Errorf("--membership wan: want exit 2 naming lan and local, got %v", r)
	}
}

func TestPeerRateFlag(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want rate.Limit
		ok   bool
	}{
		{"inf", rate.Inf, true},
		{"50", 50, true},
		{"0.5", 0.5, true},
		{"0", 0, false},
		{"-3", 0, false},
		{"NaN", 0, false},
		{"+Inf", 0, false},
		{"lots", 0, false},
	} {
		got, err := parsePeerRate(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("--peer-rate %s: %v, %v; want %v (ok %v)", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--peer-rate") {
			t.Errorf("--peer-rate %s: error %q does not name the flag", tc.in, err)
		}
	}
}

// TestNodeSaysWhenItCannotJoin: a node started with a seed where nothing
// listens says so at start, in words, and keeps running alone; p2pir
// peers shows the state.
func TestNodeSaysWhenItCannotJoin(t *testing.T) {
	dir := t.TempDir()
	out, errOut := startCLINode(t, dir, "--membership", "local", "--join", "127.0.0.1:1")
	testenv.WaitFor(t, "the node's start-up lines", time.Minute, func() bool {
		return strings.Contains(out.String(), "web pages") // printed after the warning
	})
	want := "p2pir: warning: could not join through 127.0.0.1:1: nothing listens there (connection refused); the node runs alone and tries again every"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr %q lacks %q", errOut.String(), want)
	}
	if r := mustRunCLI(t, dir, "peers"); !strings.Contains(r.stdout, "not in the network yet: could not join through 127.0.0.1:1: nothing listens there") {
		t.Errorf("peers does not show the join state:\n%s", r.stdout)
	}
}

// TestNodeLogLevelAndFormat: --log and --log-format choose what the node
// logs to standard error and how; without them config.toml's [log] does;
// a bad value is a usage error naming the flag.
func TestNodeLogLevelAndFormat(t *testing.T) {
	t.Run("json at debug", func(t *testing.T) {
		_, errOut := startCLINode(t, t.TempDir(), "--log", "debug", "--log-format", "json")
		testenv.WaitFor(t, "the node's start logged", time.Minute, func() bool { return strings.Contains(errOut.String(), `"msg":"node started"`) })
		for _, line := range strings.Split(strings.TrimSpace(errOut.String()), "\n") {
			var m map[string]any
			if err := json.Unmarshal([]byte(line), &m); err != nil || m["level"] == nil || m["msg"] == nil {
				t.Errorf("not a JSON log line: %q (%v)", line, err)
			}
		}
	})
	t.Run("config.toml at warn", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte("[log]\nlevel = \"warn\"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, errOut := startCLINode(t, dir)
		testenv.WaitFor(t, "the node's start-up lines", time.Minute, func() bool { return strings.Contains(out.String(), "web pages") })
		if strings.Contains(errOut.String(), "node started") {
			t.Errorf("an info line logged with log.level = warn:\n%s", errOut.String())
		}
	})
	t.Run("text at info by default", func(t *testing.T) {
		_, errOut := startCLINode(t, t.TempDir())
		testenv.WaitFor(t, "the node's start logged", time.Minute, func() bool { return strings.Contains(errOut.String(), `level=INFO msg="node started"`) })
	})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--log", "loud"}, `--log: log level "loud": want debug, info, warn or error`},
		{[]string{"--log-format", "xml"}, `--log-format: log format "xml": want text or json`},
	} {
		r := runCLI(t, t.TempDir(), append([]string{"node"}, tc.args...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("node %v: exit %d, stderr %q; want a usage error saying %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
}
