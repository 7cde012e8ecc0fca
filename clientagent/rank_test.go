package clientagent

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// listSource answers every query with the given URLs in order, scored
// scores[i] when scores is not nil. Title and content are empty, so the
// profile has nothing to say about the results (similarity 0).
func listSource(urls []string, scores []float64) Source {
	return SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) {
		hits := make([]Hit, len(urls))
		for i, u := range urls {
			hits[i] = Hit{URL: u, Rank: i + 1}
			if scores != nil {
				hits[i].Score = scores[i]
			}
		}
		return hits, nil
	})
}

// TestProfileKeepsTheFusionOfResultsItCannotTellApart: with a profile in
// play, a result two engines both ranked 2nd stays above two results one
// engine each ranked 1st when the profile is equally silent on all three,
// and none of them claims to have been moved by it.
func TestProfileKeepsTheFusionOfResultsItCannotTellApart(t *testing.T) {
	for _, tc := range []struct {
		name   string
		scores []float64 // the engines' own scores; nil: ranks only
	}{
		{"engines give ranks only", nil},
		{"engines give scores", []float64{10, 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := wildlifePerson(t, DefaultConfig())
			if p, err := f.store.Profile(context.Background()); err != nil || len(p.Terms) == 0 {
				t.Fatalf("the person has no profile (%v): the claim needs one", err)
			}
			f.ag.AddSource("a", listSource([]string{"http://a.test/first", "http://both.test/second"}, tc.scores), SourceOptions{})
			f.ag.AddSource("b", listSource([]string{"http://b.test/first", "http://both.test/second"}, tc.scores), SourceOptions{})
			resp := f.search(t, Request{Query: "zebra migration", Sources: []string{"a", "b"}})
			want := []string{"http://both.test/second", "http://a.test/first", "http://b.test/first"}
			if got := shownURLs(resp.Results); !slices.Equal(got, want) {
				t.Errorf("order %v, want the fused order %v", got, want)
			}
			for _, r := range resp.Results {
				if r.Why != "retrieval score" || r.ProfileSim != 0 {
					t.Errorf("%s: why %q (profile similarity %v), want %q", r.URL, r.Why, r.ProfileSim, "retrieval score")
				}
			}
		})
	}
}

// TestResultNamesTheEngineThatRankedItBest: a result's Engine (and
// Source, for a result not in the local index) is the source with its best
// position, wherever that source is in the list of those that found it.
func TestResultNamesTheEngineThatRankedItBest(t *testing.T) {
	for _, tc := range []struct {
		positions []int // the shared result's rank at sources s0, s1, s2
		want      string
	}{
		{[]int{1, 2, 3}, "s0"},
		{[]int{3, 1, 2}, "s1"},
		{[]int{3, 2, 1}, "s2"},
		{[]int{2, 3, 1}, "s2"},
		{[]int{2, 1, 1}, "s1"},
	} {
		t.Run(fmt.Sprint(tc.positions), func(t *testing.T) {
			a := newTestAgent(t)
			var names []string
			for i, p := range tc.positions {
				name := fmt.Sprintf("s%d", i)
				names = append(names, name)
				var urls []string
				for r := 1; r < p; r++ {
					urls = append(urls, fmt.Sprintf("http://%s.test/%d", name, r))
				}
				a.AddSource(name, listSource(append(urls, "http://shared.test/"), nil), SourceOptions{})
			}
			resp, err := a.Search(context.Background(), Request{Query: "anything", Sources: names})
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(resp.Results, func(r Result) bool { return r.URL == "http://shared.test/" })
			if i < 0 {
				t.Fatalf("the shared result is not shown: %v", shownURLs(resp.Results))
			}
			if r := resp.Results[i]; r.Engine != tc.want || r.Source != tc.want {
				t.Errorf("engine %q, source %q (engines %v at %v), want %q", r.Engine, r.Source, r.Engines, r.Positions, tc.want)
			}
		})
	}
}
