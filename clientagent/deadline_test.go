package clientagent

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/index"
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

// TestLoneLocalIndexPastTheDeadlineIsReportedLate: the local index asked
// alone (in the search's own goroutine) and stopped by the search's
// deadline is reported as a source that did not answer in time, as one
// asked beside others and abandoned at the deadline is, and a search
// within its deadline gets the index's results.
func TestLoneLocalIndexPastTheDeadlineIsReportedLate(t *testing.T) {
	a := newTestAgent(t)
	ctx := context.Background()
	if err := a.ix.Index(ctx, []index.Document{{ID: "file:///n.txt", URL: "file:///n.txt", Title: "Notes", Body: "ranking with query expansion", Source: index.SourceFile}}); err != nil {
		t.Fatal(err)
	}
	resp, err := a.Search(ctx, Request{Query: "ranking", NoProfile: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Results) != 1 || resp.Results[0].URL != "file:///n.txt" {
		t.Fatalf("within the deadline: results %+v, want the one document", resp.Results)
	}
	past, cancel := context.WithDeadline(ctx, time.Now().Add(-time.Second))
	defer cancel()
	_, err = a.Search(past, Request{Query: "ranking", NoProfile: true})
	if err == nil {
		t.Fatal("a search past its deadline answered")
	}
	if msg := err.Error(); !strings.Contains(msg, "no source answered") || !strings.Contains(msg, "no answer within the search's deadline") {
		t.Errorf("error %q, want the local index reported as not answering within the search's deadline", msg)
	}
	if !strings.Contains(err.Error(), context.DeadlineExceeded.Error()) {
		t.Errorf("error %q does not say the deadline passed", err)
	}
}
