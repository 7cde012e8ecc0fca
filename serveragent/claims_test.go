package serveragent

import (
	"testing"
	"time"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// TestClaimShareComparesTheBestOwnAnswerWithThePromise: what an answer
// bears out of a promise of 4: its own best result's score over it (capped
// at 1), nothing for an answer without a result of its own (results it
// forwarded do not count), and no evidence for a promise of 0 or scores
// not computed with the request's statistics.
func TestClaimShareComparesTheBestOwnAnswerWithThePromise(t *testing.T) {
	res := func(node string, score float64) *p2pirv1.Result {
		return &p2pirv1.Result{Url: "https://x.example/", NodeId: node, Score: score}
	}
	tests := []struct {
		name      string
		resp      *p2pirv1.SearchResponse
		promise   float64
		want      float64
		wantKnown bool
	}{
		{"kept", &p2pirv1.SearchResponse{CorpusScored: true, Results: []*p2pirv1.Result{res("p", 3), res("p", 4)}}, 4, 1, true},
		{"beyond", &p2pirv1.SearchResponse{CorpusScored: true, Results: []*p2pirv1.Result{res("p", 9)}}, 4, 1, true},
		{"half", &p2pirv1.SearchResponse{CorpusScored: true, Results: []*p2pirv1.Result{res("p", 2), res("q", 8)}}, 4, 0.5, true},
		{"empty", &p2pirv1.SearchResponse{CorpusScored: true}, 4, 0, true},
		{"only forwarded", &p2pirv1.SearchResponse{CorpusScored: true, Results: []*p2pirv1.Result{res("q", 8)}}, 4, 0, true},
		{"empty, unscored", &p2pirv1.SearchResponse{}, 4, 0, true},
		{"unscored", &p2pirv1.SearchResponse{Results: []*p2pirv1.Result{res("p", 1)}}, 4, 0, false},
		{"no promise", &p2pirv1.SearchResponse{CorpusScored: true}, 0, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, known := claimShare("p", tc.resp, tc.promise)
			if got != tc.want || known != tc.wantKnown {
				t.Errorf("claimShare = %v, %v; want %v, %v", got, known, tc.want, tc.wantKnown)
			}
		})
	}
}

// TestBrokenPromisesDiscountAPeerAndKeptOnesRestoreIt: a peer whose
// answers bear out nothing falls below the floor after three answers and
// keeps falling; kept promises bring it back to 1 within the window; a
// record survives the peer leaving the table.
func TestBrokenPromisesDiscountAPeerAndKeptOnesRestoreIt(t *testing.T) {
	cfg := DefaultConfig()
	a := newNode(t, NewMemNet(), "a", cfg, nil)
	now := time.Now()
	floor := cfg.ClaimFloor
	want := []float64{1, 1, 0.5 / 3.5 / floor, 0.5 / 4.5 / floor}
	for i, w := range want {
		a.node.observeClaim("liar", 0, now)
		if got := a.node.ClaimFactor("liar"); got < w-1e-9 || got > w+1e-9 {
			t.Fatalf("after %d broken promises: factor %v, want %v", i+1, got, w)
		}
	}
	a.node.RemovePeer("liar")
	if a.node.ClaimFactor("liar") == 1 {
		t.Fatal("leaving the table reset the record")
	}
	for range claimWindow {
		a.node.observeClaim("liar", 1, now)
	}
	if got := a.node.ClaimFactor("liar"); got != 1 {
		t.Fatalf("after a window of kept promises: factor %v, want 1", got)
	}
}
