package node

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/logx/logxtest"
	"github.com/p2pir/p2pir/internal/testenv"
	"github.com/p2pir/p2pir/serveragent"
)

// Searches run through a node (its local index, a failing search engine
// whose request carries the query, and a peer on loopback that answers
// with a page) never put the query's words, nor the URL of a result,
// into a log line at the default level, on the searching node or on the
// peer; at debug they do (the search's lifecycle, the peer's query), so
// the check can fail.
func TestQueryTextIsNeverLoggedAtTheDefaultLevel(t *testing.T) {
	words := []string{"zanzibar", "quokkas"}
	const resultURL = "https://private.example/zanzibar-quokkas-notes"
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no results for "+r.URL.Query().Get("q"), http.StatusBadGateway)
	}))
	defer broken.Close()
	engine, err := config.CheckEngine(config.Engine{Name: "broken", Kind: config.KindSearXNG, URL: broken.URL})
	if err != nil {
		t.Fatal(err)
	}
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		t.Run(level.String(), func(t *testing.T) {
			recs := make([]*logxtest.Recorder, 2)
			nodes := make([]*Node, 2)
			for i := range nodes {
				rec, logger := logxtest.New(level)
				recs[i] = rec
				sc := serveragent.DefaultConfig()
				sc.PerPeerTimeout = time.Minute
				cfg := Config{DataDir: t.TempDir(), HTTPAddr: "127.0.0.1:0", GRPCAddr: "127.0.0.1:0", GossipAddr: "127.0.0.1:0",
					Server: &sc, MembershipProfile: "local", Logger: logger, PeersTimeout: time.Minute}
				if i == 0 {
					cfg.Local.ExtraEngines = []config.Engine{engine}
				} else {
					cfg.Join = []string{nodes[0].GossipAddr()}
				}
				n, err := Start(context.Background(), cfg)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { n.Kill() })
				nodes[i] = n
			}
			ctx := context.Background()
			if err := nodes[1].Index().Index(ctx, []index.Document{{ID: resultURL, URL: resultURL, Title: "Zanzibar quokkas", Body: "notes on zanzibar quokkas", Source: index.SourceWeb}}); err != nil {
				t.Fatal(err)
			}
			testenv.WaitFor(t, "the nodes know each other", time.Minute, func() bool {
				return nodes[0].Server().PeerCount() == 1 && nodes[1].Server().PeerCount() == 1
			})
			resp, err := nodes[0].Agent().Search(ctx, clientagent.Request{Query: strings.Join(words, " ")})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Results) == 0 || resp.Results[0].URL != resultURL {
				t.Fatalf("results %+v, want the peer's page", resp.Results)
			}
			if len(recs[0].Event(logx.EventEngineFailed)) == 0 {
				t.Fatalf("the failing engine was not logged:\n%s", recs[0].Text())
			}
			var logged strings.Builder
			for _, rec := range recs {
				for _, l := range rec.Lines() {
					if l.Level >= slog.LevelInfo {
						logged.WriteString(strings.ToLower(l.String()) + "\n")
					}
				}
			}
			if level == slog.LevelInfo {
				for _, w := range append(words, resultURL) {
					if strings.Contains(logged.String(), w) {
						t.Errorf("%q logged at the default level:\n%s", w, logged.String())
					}
				}
				return
			}
			all := strings.ToLower(recs[0].Text() + recs[1].Text())
			for _, w := range append(words, resultURL) {
				if w == resultURL {
					continue // results' URLs are not logged at any level
				}
				if !strings.Contains(all, w) {
					t.Errorf("%q not logged at debug, so the test above could not fail:\n%s", w, all)
				}
			}
			if len(recs[1].Event(logx.EventPeerQuery)) == 0 {
				t.Errorf("the peer did not log the query it served at debug:\n%s", recs[1].Text())
			}
		})
	}
}
