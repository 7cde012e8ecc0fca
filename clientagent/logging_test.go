package clientagent

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/logx/logxtest"
	"github.com/p2pir/p2pir/metasearch"
	"github.com/p2pir/p2pir/usermodel"
)

// newLoggedAgent is newTestAgent logging to a recorder at level.
func newLoggedAgent(t *testing.T, level slog.Level) (*Agent, *logxtest.Recorder) {
	t.Helper()
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "ix"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.DefaultStoreOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	rec, logger := logxtest.New(level)
	cfg := DefaultConfig()
	cfg.Logger = logger
	a, err := New(ix, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a, rec
}

// A search engine that fails (a SearXNG instance answering 500, whose
// request URL carries the query) and a focused crawl that fails are
// logged at warn, naming the source; at the default level neither line
// nor any other carries the query's words; at debug the search's start
// and answer are logged with its text.
func TestFailingEnginesAndCrawlsAreLoggedWithoutTheQuery(t *testing.T) {
	const query = "zanzibar quokkas"
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "upstream trouble with "+r.URL.Query().Get("q"), http.StatusInternalServerError)
	}))
	defer broken.Close()
	for _, level := range []slog.Level{slog.LevelInfo, slog.LevelDebug} {
		t.Run(level.String(), func(t *testing.T) {
			a, rec := newLoggedAgent(t, level)
			ctx := context.Background()
			if err := a.AddEngines(ctx, []config.Engine{engineConf(t, "broken", config.KindSearXNG, broken.URL, true)}, metasearch.Options{}); err != nil {
				t.Fatal(err)
			}
			a.EnableCrawl(crawlOptions()) // no seeds, and no web page found: the crawl fails
			resp, err := a.Search(ctx, Request{Query: query, Sources: []string{LocalName, "broken", CrawlName}})
			if err != nil {
				t.Fatal(err)
			}
			if len(resp.Unresponsive) < 2 {
				t.Fatalf("unresponsive %+v, want the engine and the crawl", resp.Unresponsive)
			}
			eng := rec.Event(logx.EventEngineFailed)
			if len(eng) != 1 || eng[0].Level != slog.LevelWarn || eng[0].Attrs["source"] != "broken" || eng[0].Attrs[logx.KeyReason] == "" {
				t.Errorf("engine failure lines %v, want one warning naming the source with a reason", eng)
			}
			if c := rec.Event(logx.EventCrawlError); len(c) != 1 || c[0].Level != slog.LevelWarn {
				t.Errorf("crawl failure lines %v, want one warning", c)
			}
			var above strings.Builder
			for _, l := range rec.Lines() {
				if l.Level >= slog.LevelInfo {
					above.WriteString(l.String() + "\n")
				}
			}
			for _, w := range strings.Fields(query) {
				if strings.Contains(strings.ToLower(above.String()), w) {
					t.Errorf("the query word %q is logged at info or above:\n%s", w, above.String())
				}
			}
			start, done := rec.Event(logx.EventQueryStart), rec.Event(logx.EventQueryDone)
			if level == slog.LevelDebug {
				if len(start) != 1 || start[0].Attrs["query"] != query || len(done) != 1 || done[0].Attrs["query_id"] != resp.QueryID {
					t.Errorf("at debug: start %v, done %v; want the query's lifecycle with its text", start, done)
				}
			} else if len(start)+len(done) != 0 {
				t.Errorf("the query's lifecycle logged at %v: %v %v", level, start, done)
			}
		})
	}
}

// Claim: what could tell a person's search is taken out of a reason
// before it is logged: URLs down to their host, the query's words as
// typed, in any case, and escaped.
func TestRedact(t *testing.T) {
	for _, tc := range []struct{ reason, query, want string }{
		{`Get "https://searx.example/search?q=caf%C3%A9+noir&format=json": EOF`, "café noir",
			`Get "https://searx.example/…": EOF`},
		{"no answer for Zanzibar within 3s", "zanzibar", "no answer for [query] within 3s"},
		{"HTTP 500: upstream trouble with caf%C3%A9", "café", "HTTP 500: upstream trouble with [query]"},
		{"fetching http://wild.example/private/page.html: 404", "x", "fetching http://wild.example/…: 404"},
		{"a reason without either", "quokka", "a reason without either"},
	} {
		if got := redact(tc.reason, tc.query); got != tc.want {
			t.Errorf("redact(%q, %q) = %q, want %q", tc.reason, tc.query, got, tc.want)
		}
	}
}
