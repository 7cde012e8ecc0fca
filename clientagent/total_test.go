package clientagent

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/metasearch"
)

// countingFunc is a test source that answers hits and says matches matched.
type countingFunc struct {
	hits    []Hit
	matches uint64
}

func (c countingFunc) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) {
	return c.hits, nil
}

func (c countingFunc) SearchCount(ctx context.Context, q *SourceQuery) ([]Hit, uint64, error) {
	return c.hits, c.matches, nil
}

// searxngAnswering is a SearXNG engine on loopback that answers two
// results and number_of_results n (0: SearXNG's "unknown").
func searxngAnswering(t *testing.T, n int) Source {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"query": %q, "number_of_results": %d, "results": [
			{"url": "http://searx.test/1", "title": "one", "content": "widget one", "engine": "x"},
			{"url": "http://searx.test/2", "title": "two", "content": "widget two", "engine": "x"}]}`, r.URL.Query().Get("q"), n)
	}))
	t.Cleanup(srv.Close)
	e, err := metasearch.NewSearXNG("searx", srv.URL, metasearch.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return EngineSource{Engine: e}
}

// TestTotalIsTheNumberOfMatchesNotOfResultsShown: with 20 local documents
// matching, Total says 20 however few are shown and whether or not the
// profile asked for more candidates; an engine adds the count it gives,
// or else its distinct results.
func TestTotalIsTheNumberOfMatchesNotOfResultsShown(t *testing.T) {
	engineHits := make([]Hit, 5)
	for i := range engineHits {
		engineHits[i] = Hit{URL: fmt.Sprintf("http://engine.test/%d", i), Rank: i + 1}
	}
	for _, tc := range []struct {
		name      string
		k         int
		noProfile bool
		engine    Source // nil: the local index alone
		want      uint64
	}{
		{"k 3 without the profile", 3, true, nil, 20},
		{"k 3 with the profile", 3, false, nil, 20},
		{"k 30", 30, true, nil, 20},
		{"an engine giving no count", 3, true, countingFunc{hits: engineHits}, 25},
		{"an engine giving its count", 3, true, countingFunc{hits: engineHits, matches: 1000}, 1020},
		{"SearXNG giving number_of_results", 3, true, searxngAnswering(t, 500), 520},
		{"SearXNG giving none", 3, true, searxngAnswering(t, 0), 22},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestAgent(t)
			var docs []index.Document
			for i := range 30 {
				word := "gadget"
				if i < 20 {
					word = "widget"
				}
				u := fmt.Sprintf("http://docs.test/%d", i)
				docs = append(docs, index.Document{ID: index.DocID(u), URL: u, Title: fmt.Sprint("doc ", i), Body: word + " number " + fmt.Sprint(i), Source: index.SourceWeb})
			}
			if err := a.ix.Index(context.Background(), docs); err != nil {
				t.Fatal(err)
			}
			if tc.engine != nil {
				if err := a.AddSource("engine", tc.engine, SourceOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			resp, err := a.Search(context.Background(), Request{Query: "widget", K: tc.k, NoProfile: tc.noProfile})
			if err != nil {
				t.Fatal(err)
			}
			if resp.Total != tc.want {
				t.Errorf("total %d (%d results shown), want %d", resp.Total, len(resp.Results), tc.want)
			}
		})
	}
}
