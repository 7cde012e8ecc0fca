package clientagent

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestHangingEngineCostsNeitherLocalResultsNorTheRecord: an engine that
// never answers (and ignores its context) uses up the whole search's
// deadline; the local index's results are still shown, with the engine
// reported, and the search is recorded, so its results can be marked.
func TestHangingEngineCostsNeitherLocalResultsNorTheRecord(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile bool // a person with a profile: re-ranking runs too
	}{
		{"no profile", false},
		{"with a profile", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f agentFixture
			if tc.profile {
				f = wildlifePerson(t, DefaultConfig())
			} else {
				f = newAgentFixture(t, DefaultConfig())
			}
			block := make(chan struct{})
			defer close(block)
			hang := SourceFunc(func(context.Context, *SourceQuery) ([]Hit, error) { <-block; return nil, nil })
			if err := f.ag.AddSource("hanging", hang, SourceOptions{Timeout: time.Hour}); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			resp, err := f.ag.Search(ctx, Request{Query: "jaguar"})
			if err != nil {
				t.Fatalf("search failed: %v", err)
			}
			if len(resp.Results) == 0 || resp.Results[0].Engine != LocalName {
				t.Fatalf("results %v, want the local index's", shownURLs(resp.Results))
			}
			if len(resp.Unresponsive) != 1 || resp.Unresponsive[0].Engine != "hanging" || !strings.Contains(resp.Unresponsive[0].Error, "deadline") {
				t.Errorf("unresponsive %+v, want the hanging engine past the deadline", resp.Unresponsive)
			}
			if _, _, err := f.ag.Mark(context.Background(), resp.QueryID, resp.Results[0].URL, true); err != nil {
				t.Errorf("the search was not recorded: marking its first result: %v", err)
			}
		})
	}
}

// TestLocalIndexAnswersWithinTheSearchsDeadline: the local index is given
// the search's own deadline (none when the search has none), not a shorter
// one of its own, so a slow machine still gets its local results.
func TestLocalIndexAnswersWithinTheSearchsDeadline(t *testing.T) {
	for _, tc := range []struct {
		name    string
		timeout time.Duration // 0: no deadline
	}{
		{"no deadline", 0},
		{"a long deadline", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := newTestAgent(t)
			type seen struct {
				deadline time.Time
				ok       bool
			}
			got := make(chan seen, 1)
			a.sources[0].src = SourceFunc(func(ctx context.Context, _ *SourceQuery) ([]Hit, error) {
				d, ok := ctx.Deadline()
				got <- seen{d, ok}
				return []Hit{{URL: "http://local.test/", Rank: 1}}, nil
			})
			ctx := context.Background()
			if tc.timeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
			}
			want, wantOK := ctx.Deadline()
			if _, err := a.Search(ctx, Request{Query: "anything"}); err != nil {
				t.Fatal(err)
			}
			if s := <-got; s.ok != wantOK || !s.deadline.Equal(want) {
				t.Errorf("the local index's deadline is %v (set %v), want the search's %v (set %v)", s.deadline, s.ok, want, wantOK)
			}
		})
	}
}
