package clientagent

import (
	"context"
	"reflect"
	"slices"
	"testing"
)

// TestLocalSnippetsWithOtherSources: the local index's candidates come
// without snippets whatever the other sources (SourceQuery.NoSnippets);
// a source that answers with nothing (the peers of a node that has none)
// changes nothing the person sees, and when another source brings hits
// every local hit gets its snippet before merging, so a mirror (another
// URL with the same title and text) still joins the local result it
// copies. Each case compares with the same search on an agent whose only
// source is the local index, with the person's marks (so the query is
// reformulated and the snippets are cut around the shown terms).
func TestLocalSnippetsWithOtherSources(t *testing.T) {
	cfg := DefaultConfig()
	f := syntheticPerson(t, cfg)
	queries := []string{"glacier moraine", "river valley", "basalt lava"}
	for _, text := range queries {
		resp := f.search(t, Request{Query: text})
		for i, r := range resp.Results {
			f.mark(t, resp, r.URL, i%3 == 0)
		}
	}
	// The answers of the local index alone, to compare with.
	want := map[string]*Response{}
	for _, text := range queries {
		want[text] = f.search(t, Request{Query: text})
		if len(want[text].Expanded) == 0 || len(want[text].Results) < 3 {
			t.Fatalf("%q: %d results, expanded %v: the fixture does not exercise reformulated snippets", text, len(want[text].Results), want[text].Expanded)
		}
	}
	const mirrorURL = "https://mirror.example/copy"
	cases := []struct {
		name string
		// answer is the other source's answer to the query text.
		answer func(text string) []Hit
		check  func(t *testing.T, text string, got, want *Response)
	}{
		{
			name:   "a source with nothing to say",
			answer: func(string) []Hit { return nil },
			check: func(t *testing.T, text string, got, want *Response) {
				if !reflect.DeepEqual(shownOf(got.Results), shownOf(want.Results)) {
					t.Errorf("%q: shows\n%+v\nwant, as the local index alone,\n%+v", text, shownOf(got.Results), shownOf(want.Results))
				}
				if !reflect.DeepEqual(got.Filtered, want.Filtered) || got.Total != want.Total {
					t.Errorf("%q: filtered %v and total %d, want %v and %d", text, got.Filtered, got.Total, want.Filtered, want.Total)
				}
			},
		},
		{
			name: "a source with a mirror of the second local result",
			answer: func(text string) []Hit {
				r := want[text].Results[1]
				return []Hit{{URL: mirrorURL, Title: r.Title, Content: r.Content, Rank: 1}}
			},
			check: func(t *testing.T, text string, got, want *Response) {
				// One result stands for both copies (the URL of the one
				// ranked better), found by both sources.
				local := want.Results[1].URL
				copies := 0
				for _, r := range got.Results {
					if r.URL != local && r.URL != mirrorURL {
						continue
					}
					copies++
					if !slices.Contains(r.Engines, "other") || !slices.Contains(r.Engines, LocalName) {
						t.Errorf("%q: %s was found by %v, want the local index and the mirror's source", text, r.URL, r.Engines)
					}
				}
				if copies != 1 {
					t.Errorf("%q: %d results for the local result %s and its mirror, want one: %v", text, copies, local, shownURLs(got.Results))
				}
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ag, err := New(f.ix, f.store, cfg)
			if err != nil {
				t.Fatal(err)
			}
			src := SourceFunc(func(_ context.Context, q *SourceQuery) ([]Hit, error) { return c.answer(q.Text), nil })
			if err := ag.AddSource("other", src, SourceOptions{}); err != nil {
				t.Fatal(err)
			}
			for _, text := range queries {
				got, err := ag.Search(context.Background(), Request{Query: text})
				if err != nil {
					t.Fatalf("Search(%q): %v", text, err)
				}
				c.check(t, text, got, want[text])
				// Whatever else is shown, a local result reads as it does
				// from the local index alone.
				wantByURL := map[string]Result{}
				for _, r := range want[text].Results {
					wantByURL[r.URL] = r
				}
				for _, r := range got.Results {
					w, ok := wantByURL[r.URL]
					if ok && (r.Title != w.Title || r.Content != w.Content || !reflect.DeepEqual(r.Snippet, w.Snippet)) {
						t.Errorf("%q: %s shows title %q, snippet %+v; the local index alone shows %q, %+v", text, r.URL, r.Title, r.Snippet, w.Title, w.Snippet)
					}
				}
			}
		})
	}
}
