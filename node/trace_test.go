package node

import (
	"context"
	"encoding/json"
	"github.com/p2pir/p2pir/internal/testenv"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A search through the HTTP API answers with its trace: the peers source
// lists the call to the other node, with bytes both ways, and the other
// node's /metrics counts that Search call on its server side.
func TestSearchAPIIncludesTraceAndMetricsCountRPCs(t *testing.T) {
	if testing.Short() {
		t.Skip("two real nodes: skipped in -short mode")
	}
	root := t.TempDir()
	a := startNode(t, filepath.Join(root, "a"), "127.0.0.1:0", nil)
	defer a.Close(context.Background())
	b := startNode(t, filepath.Join(root, "b"), "127.0.0.1:0", []string{a.GossipAddr()})
	defer b.Close(context.Background())
	populate(t, a, 0)
	populate(t, b, 1)
	testenv.WaitFor(t, "a to see b", 60*time.Second, func() bool { return len(a.Server().Peers()) == 1 })

	resp, err := http.Get("http://" + a.HTTPAddr() + "/search?q=galaxy")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /search: %d %s", resp.StatusCode, raw)
	}
	var body struct {
		Trace struct {
			Sources []struct {
				Source    string   `json:"source"`
				Outcome   string   `json:"outcome"`
				LatencyMS *float64 `json:"latency_ms"`
				Network   *struct {
					Contacts []struct {
						Hop           int    `json:"hop"`
						From          string `json:"from"`
						To            string `json:"to"`
						Outcome       string `json:"outcome"`
						BytesSent     int    `json:"bytes_sent"`
						BytesReceived int    `json:"bytes_received"`
					} `json:"contacts"`
					Messages       int `json:"messages"`
					PeersContacted int `json:"peers_contacted"`
				} `json:"network"`
			} `json:"sources"`
		} `json:"trace"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatal(err)
	}
	var peers int
	for _, s := range body.Trace.Sources {
		if s.LatencyMS == nil {
			t.Errorf("source %s has no latency_ms", s.Source)
		}
		if s.Source != PeersSource {
			continue
		}
		peers++
		if s.Outcome != "answered" || s.Network == nil || len(s.Network.Contacts) != 1 {
			t.Fatalf("peers trace %s: want answered with one contact", raw)
		}
		c := s.Network.Contacts[0]
		if c.Hop != 1 || c.From != a.ID() || c.To != b.ID() || c.Outcome != "answered" || c.BytesSent == 0 || c.BytesReceived == 0 {
			t.Errorf("contact %+v, want a→b answered at hop 1 with bytes both ways", c)
		}
		if s.Network.Messages != 2 || s.Network.PeersContacted != 1 {
			t.Errorf("messages %d, peers %d; want 2, 1", s.Network.Messages, s.Network.PeersContacted)
		}
	}
	if peers != 1 {
		t.Fatalf("trace lists the peers source %d times: %s", peers, raw)
	}

	mresp, err := http.Get("http://" + b.HTTPAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer mresp.Body.Close()
	metrics, _ := io.ReadAll(mresp.Body)
	for _, want := range []string{
		`p2pir_rpc_calls_total{method="Search",side="server"} 1`,
		`p2pir_rpc_messages_total{message="request",method="Search",side="server"} 1`,
		`p2pir_rpc_duration_seconds_count{method="Search",side="server"} 1`,
		`p2pir_rpc_bytes_total{message="response",method="Search",side="server"}`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("b's metrics lack %q", want)
		}
	}
}
