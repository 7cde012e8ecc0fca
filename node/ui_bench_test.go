package node

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"testing"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/serveragent"
)

// BenchmarkUIPages times a page over real HTTP on loopback, from request
// to the last byte, on a node whose index holds testdata/ui, and reports
// the page's size (page_bytes). The search page runs the search (the
// local index only: no peer, no engine) and asks no peer for
// recommendations, since there is none.
//
//	go test ./node/ -run '^$' -bench BenchmarkUIPages -benchtime 200x
func BenchmarkUIPages(b *testing.B) {
	dir := b.TempDir()
	sc := serveragent.DefaultConfig()
	n, err := Start(context.Background(), Config{DataDir: dir, HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0", Server: &sc, MembershipProfile: "local"})
	if err != nil {
		b.Fatal(err)
	}
	defer n.Close(context.Background())
	folder, err := filepath.Abs(filepath.Join("testdata", "ui"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := crawler.IndexFiles(context.Background(), n.Index(), crawler.DefaultFilesConfig(), folder); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, path string }{
		{"search", "/?q=galaxy"},
		{"search_json_api", "/search?q=galaxy"}, // the same search, as JSON: the page's cost is the difference
		{"home", "/"},
		{"profile", "/ui/profile"},
		{"network", "/ui/network"},
		{"style", "/static/style.css"},
		{"script", "/static/app.js"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var size int
			for b.Loop() {
				resp, err := http.Get("http://" + n.HTTPAddr() + bc.path)
				if err != nil {
					b.Fatal(err)
				}
				raw, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d %v", bc.path, resp.StatusCode, err)
				}
				size = len(raw)
			}
			b.ReportMetric(float64(size), "page_bytes")
		})
	}
}
