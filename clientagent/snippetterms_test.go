package clientagent

import (
	"context"
	"reflect"
	"testing"
)

// TestSnippetsOfAReformulatedQueryShowTheTypedWordsOnEveryPath: with the
// profile on, a reformulated query's results mark in their snippets only
// the terms the person typed and the Config.SnippetExpansion heaviest
// terms reformulation added (some of which it shows), never the other
// expansion terms; and the local results' snippets are the same whether
// the local index is the only source (snippets cut after re-ranking) or
// another source is asked too (the local index returns every candidate
// with its snippet).
func TestSnippetsOfAReformulatedQueryShowTheTypedWordsOnEveryPath(t *testing.T) {
	cfg := DefaultConfig()
	alone := syntheticPerson(t, cfg)
	// A source asked only when named: naming it takes the other path.
	if err := alone.ag.AddSource("engine", SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) {
		return nil, nil
	}), SourceOptions{Disabled: true}); err != nil {
		t.Fatal(err)
	}
	queries := []string{"glacier moraine", "river valley", "basalt lava"}
	for _, text := range queries {
		resp := alone.search(t, Request{Query: text})
		for i, r := range resp.Results {
			alone.mark(t, resp, r.URL, i%3 == 0)
		}
	}
	compared, shownAdded := 0, 0
	for _, text := range queries {
		a := alone.search(t, Request{Query: text})
		m := alone.search(t, Request{Query: text, Sources: []string{LocalName, "engine"}})
		if len(a.Added) <= cfg.SnippetExpansion {
			t.Fatalf("%q: reformulation added %d terms, the fixture needs more than %d", text, len(a.Added), cfg.SnippetExpansion)
		}
		if !reflect.DeepEqual(a.Expanded, m.Expanded) {
			t.Fatalf("%q: the two searches ran different queries", text)
		}
		q, err := alone.ix.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		allowed := map[string]bool{}
		for _, tw := range q.Terms {
			allowed[tw.Term] = true
		}
		for _, term := range a.Added[:cfg.SnippetExpansion] {
			allowed[term] = true
		}
		marked := map[string]bool{}
		snippets := map[string]Result{}
		for _, r := range a.Results {
			snippets[r.URL] = r
			for _, s := range r.Snippet.Highlights {
				for _, term := range alone.ix.Analyze(r.Snippet.Text[s.Start:s.End]) {
					marked[term] = true
					if !allowed[term] {
						t.Errorf("%q: %s's snippet marks %q, neither typed nor among the %d heaviest added terms %v",
							text, r.URL, term, cfg.SnippetExpansion, a.Added[:cfg.SnippetExpansion])
					}
				}
			}
		}
		for _, term := range a.Added[:cfg.SnippetExpansion] {
			if marked[term] {
				shownAdded++
			}
		}
		for _, r := range m.Results {
			want, ok := snippets[r.URL]
			if !ok {
				continue
			}
			compared++
			if !reflect.DeepEqual(r.Snippet, want.Snippet) || r.Content != want.Content {
				t.Errorf("%q: %s's snippet with another source is %+v, with the local index alone %+v", text, r.URL, r.Snippet, want.Snippet)
			}
		}
	}
	if compared == 0 {
		t.Fatal("no result shown by both searches: nothing compared")
	}
	if shownAdded == 0 {
		t.Error("no snippet marks an added term: the snippets show the typed words only")
	}
}
