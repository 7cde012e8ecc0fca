package clientagent

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/config"
	"github.com/p2pir/p2pir/metasearch"
	"github.com/p2pir/p2pir/usermodel"
)

// searxng is a SearXNG instance as p2pir sees it: /search?format=json
// answering one result whose URL names the instance, and counting the
// searches it was sent.
type searxng struct {
	*httptest.Server
	searches atomic.Int64
}

func newSearXNG(t *testing.T, name string) *searxng {
	t.Helper()
	s := &searxng{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/search" || r.URL.Query().Get("format") != "json" {
			http.NotFound(w, r)
			return
		}
		s.searches.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"query": r.URL.Query().Get("q"), "number_of_results": 1,
			"results": []map[string]any{{"url": "https://" + name + ".example/page", "title": "A page from " + name, "content": "about " + r.URL.Query().Get("q"), "engine": "bing", "score": 1.0}},
		})
	}))
	t.Cleanup(s.Close)
	return s
}

func engineConf(t *testing.T, name, kind, url string, enabled bool) config.Engine {
	t.Helper()
	e, err := config.CheckEngine(config.Engine{Name: name, Kind: kind, URL: url, Enabled: &enabled})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func resultURLs(resp *Response) []string {
	var out []string
	for _, r := range resp.Results {
		out = append(out, r.URL)
	}
	slices.Sort(out)
	return out
}

// TestSetEnginesChangesWhatTheNextSearchAsks: after SetEngines a search
// asks the new engines and not the removed or disabled ones; the local
// index stays first; a removed engine's record is forgotten.
func TestSetEnginesChangesWhatTheNextSearchAsks(t *testing.T) {
	a := newTestAgent(t)
	alpha, beta := newSearXNG(t, "alpha"), newSearXNG(t, "beta")
	ctx := context.Background()
	steps := []struct {
		name    string
		engines []config.Engine
		want    []string // result URLs of a search
		changes EngineChanges
	}{
		{"add alpha", []config.Engine{engineConf(t, "alpha", "searxng", alpha.URL, true)}, []string{"https://alpha.example/page"}, EngineChanges{Added: []string{"alpha"}}},
		{"add beta disabled", []config.Engine{engineConf(t, "alpha", "searxng", alpha.URL, true), engineConf(t, "beta", "searxng", beta.URL, false)}, []string{"https://alpha.example/page"}, EngineChanges{Added: []string{"beta"}}},
		{"enable beta", []config.Engine{engineConf(t, "alpha", "searxng", alpha.URL, true), engineConf(t, "beta", "searxng", beta.URL, true)}, []string{"https://alpha.example/page", "https://beta.example/page"}, EngineChanges{Enabled: []string{"beta"}}},
		{"remove alpha", []config.Engine{engineConf(t, "beta", "searxng", beta.URL, true)}, []string{"https://beta.example/page"}, EngineChanges{Removed: []string{"alpha"}}},
		{"remove all", nil, nil, EngineChanges{Removed: []string{"beta"}}},
	}
	for _, s := range steps {
		ch, err := a.SetEngines(ctx, s.engines, metasearch.Options{})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if fmt.Sprint(ch) != fmt.Sprint(s.changes) {
			t.Errorf("%s: changes %+v, want %+v", s.name, ch, s.changes)
		}
		names := a.SourceNames()
		if names[0] != LocalName {
			t.Fatalf("%s: sources %v, want the local index first", s.name, names)
		}
		resp, err := a.Search(ctx, Request{Query: "glaciers"})
		if err != nil {
			t.Fatalf("%s: search: %v", s.name, err)
		}
		if got := resultURLs(resp); !slices.Equal(got, s.want) {
			t.Errorf("%s: results %v, want %v", s.name, got, s.want)
		}
	}
	st, err := a.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if s.Name == "alpha" || s.Name == "beta" {
			t.Errorf("a removed engine is still listed: %+v", s)
		}
	}
}

// TestAnEngineEnabledAgainKeepsWhatWasLearned: disabling keeps an
// engine's learned precision; enabling it again keeps that and ends its
// suspension, which the person overrides by asking for it.
func TestAnEngineEnabledAgainKeepsWhatWasLearned(t *testing.T) {
	a := newTestAgent(t)
	alpha := newSearXNG(t, "alpha")
	ctx := context.Background()
	if _, err := a.SetEngines(ctx, []config.Engine{engineConf(t, "alpha", "searxng", alpha.URL, true)}, metasearch.Options{}); err != nil {
		t.Fatal(err)
	}
	// What marks and failures taught: liked 3 times, rejected once, and
	// suspended after failing.
	until := time.Now().Add(time.Hour)
	err := a.store.UpdateTx(ctx, "test", func(tx usermodel.Tx) error {
		return updateStatsTx(tx, []string{"alpha"}, func(st *SourceStats) {
			st.Alpha, st.Beta, st.Consecutive, st.Failures, st.SuspendedUntil, st.LastError = 4, 2, 5, 5, until, "connection refused"
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, on := range []bool{false, true} {
		if _, err := a.SetEngines(ctx, []config.Engine{engineConf(t, "alpha", "searxng", alpha.URL, on)}, metasearch.Options{}); err != nil {
			t.Fatal(err)
		}
		st, err := a.stats.get(ctx, "alpha")
		if err != nil {
			t.Fatal(err)
		}
		if st.Alpha != 4 || st.Beta != 2 || st.Failures != 5 {
			t.Fatalf("enabled=%v: learned %+v, want alpha 4, beta 2 and the 5 failures kept", on, st)
		}
		if suspended := st.Suspended(time.Now()); suspended == on {
			t.Errorf("enabled=%v: suspended=%v (until %v)", on, suspended, st.SuspendedUntil)
		}
	}
	resp, err := a.Search(ctx, Request{Query: "ice"})
	if err != nil || !slices.Contains(resultURLs(resp), "https://alpha.example/page") {
		t.Fatalf("the engine enabled again is not asked: %v %+v", err, resp)
	}
}

// TestToggledEngineIsNotBuiltAgain: an OpenSearch description engine
// enabled and disabled keeps the engine built from its description (the
// document is fetched once); one whose URL changed is built anew.
func TestToggledEngineIsNotBuiltAgain(t *testing.T) {
	var fetched atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/opensearch.xml", "/other.xml":
			fetched.Add(1)
			w.Header().Set("Content-Type", "application/opensearchdescription+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><OpenSearchDescription xmlns="http://a9.com/-/spec/opensearch/1.1/"><ShortName>t</ShortName><Description>t</Description><Url type="application/rss+xml" template="%s/rss?q={searchTerms}"/></OpenSearchDescription>`, srv.URL)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	a := newTestAgent(t)
	ctx := context.Background()
	steps := []struct {
		url     string
		enabled bool
		fetches int64
	}{
		{"/opensearch.xml", true, 1},
		{"/opensearch.xml", false, 1},
		{"/opensearch.xml", true, 1},
		{"/other.xml", true, 2},
	}
	for i, s := range steps {
		if _, err := a.SetEngines(ctx, []config.Engine{engineConf(t, "wiki", "opensearch-description", srv.URL+s.url, s.enabled)}, metasearch.Options{}); err != nil {
			t.Fatal(err)
		}
		if got := fetched.Load(); got != s.fetches {
			t.Errorf("step %d: the description was fetched %d times, want %d", i, got, s.fetches)
		}
	}
}

// TestSetEnginesWhileSearching: searches running while the engines are
// added, disabled and removed each answer, from a consistent set of
// sources (the race detector checks the swap).
func TestSetEnginesWhileSearching(t *testing.T) {
	a := newTestAgent(t)
	alpha, beta := newSearXNG(t, "alpha"), newSearXNG(t, "beta")
	ctx := context.Background()
	sets := [][]config.Engine{
		{engineConf(t, "alpha", "searxng", alpha.URL, true)},
		{engineConf(t, "alpha", "searxng", alpha.URL, true), engineConf(t, "beta", "searxng", beta.URL, true)},
		{engineConf(t, "alpha", "searxng", alpha.URL, false), engineConf(t, "beta", "searxng", beta.URL, true)},
		{engineConf(t, "beta", "searxng", beta.URL, true)},
		nil,
	}
	const searchers, rounds = 4, 6
	var wg sync.WaitGroup
	errs := make(chan error, searchers*rounds*len(sets))
	stop := make(chan struct{})
	for range searchers {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := a.Search(ctx, Request{Query: "moraine"}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for range rounds {
		for _, set := range sets {
			if _, err := a.SetEngines(ctx, set, metasearch.Options{}); err != nil {
				t.Fatal(err)
			}
			// Let a search run on this set before the next change.
			for n := alpha.searches.Load() + beta.searches.Load(); len(set) > 0 && len(errs) == 0 && alpha.searches.Load()+beta.searches.Load() == n; {
				time.Sleep(time.Millisecond)
			}
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("a search failed while the engines changed: %v", err)
	}
	if got := a.SourceNames(); !slices.Equal(got[:1], []string{LocalName}) || slices.Contains(got, "alpha") || slices.Contains(got, "beta") {
		t.Errorf("sources after the last set %v, want the local index and no engine", got)
	}
}
