package p2pirv1

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// A response's trace passes Validate only when it is bounded and hangs
// together: known outcomes, hops in range and ordered, hop-1 calls made by
// the responder, deeper calls made by a peer that answered one hop up.
func TestSearchResponseTraceValidate(t *testing.T) {
	const me = "p2p1me"
	ok := func(hop int32, from, to string) *TraceContact {
		return &TraceContact{Hop: hop, From: from, To: to, Outcome: ContactOutcome_CONTACT_OUTCOME_ANSWERED, LatencyMs: 2, BytesSent: 100, BytesReceived: 200}
	}
	with := func(f func(*TraceContact)) *TraceContact { c := ok(1, me, "p2p1b"); f(c); return c }
	many := make([]*TraceContact, MaxTraceContacts+1)
	for i := range many {
		many[i] = ok(1, me, "p2p1b")
	}
	tests := []struct {
		name  string
		trace []*TraceContact
		want  string // "" = valid
	}{
		{"empty", nil, ""},
		{"a tree", []*TraceContact{ok(1, me, "p2p1b"), ok(1, me, "p2p1c"), ok(2, "p2p1b", "p2p1d"), ok(3, "p2p1d", "p2p1e")}, ""},
		{"at the cap", many[:MaxTraceContacts], ""},
		{"over the cap", many, "257 contacts"},
		{"hop 0", []*TraceContact{with(func(c *TraceContact) { c.Hop = 0 })}, ".hop"},
		{"hop 17", []*TraceContact{with(func(c *TraceContact) { c.Hop = MaxHops + 1 })}, ".hop"},
		{"unspecified outcome", []*TraceContact{with(func(c *TraceContact) { c.Outcome = 0 })}, ".outcome"},
		{"unknown outcome", []*TraceContact{with(func(c *TraceContact) { c.Outcome = 99 })}, ".outcome"},
		{"NaN latency", []*TraceContact{with(func(c *TraceContact) { c.LatencyMs = math.NaN() })}, ".latency_ms"},
		{"negative latency", []*TraceContact{with(func(c *TraceContact) { c.LatencyMs = -1 })}, ".latency_ms"},
		{"bytes over a message", []*TraceContact{with(func(c *TraceContact) { c.BytesReceived = MaxMessageBytes + 1 })}, ".bytes_received"},
		{"empty callee", []*TraceContact{with(func(c *TraceContact) { c.To = "" })}, ".to"},
		{"hop 1 by another node", []*TraceContact{ok(1, "p2p1x", "p2p1b")}, "not the responder"},
		{"out of hop order", []*TraceContact{ok(1, me, "p2p1b"), ok(2, "p2p1b", "p2p1c"), ok(1, me, "p2p1d")}, "ordered by hop"},
		{"a call by a node that did not answer", []*TraceContact{
			with(func(c *TraceContact) { c.Outcome = ContactOutcome_CONTACT_OUTCOME_TIMED_OUT }), ok(2, "p2p1b", "p2p1c")}, "answered no call"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &SearchResponse{QueryId: "q1", Node: &NodeInfo{NodeId: me}, Trace: tc.trace}
			err := r.Validate()
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("refused a valid trace: %v", err)
			case tc.want != "" && (err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("got %v, want an invalid-message error about %q", err, tc.want)
			}
		})
	}
}

// A request names a known strategy or none, and a fan-out in 0..MaxFanOut.
func TestSearchRequestStrategyValidate(t *testing.T) {
	tests := []struct {
		strategy string
		fanOut   int32
		ok       bool
	}{
		{"", 0, true}, {"interest", 3, true}, {"flood", MaxFanOut, true}, {"walk", 1, true},
		{"gossip", 0, false}, {"Flood", 0, false}, {"flood", MaxFanOut + 1, false}, {"walk", -1, false},
	}
	for _, tc := range tests {
		r := &SearchRequest{QueryId: "q1", Origin: &NodeInfo{NodeId: "p2p1a"}, Text: "x", K: 1, Visited: []string{"p2p1a"}, Strategy: tc.strategy, FanOut: tc.fanOut}
		if err := r.Validate(); (err == nil) != tc.ok {
			t.Errorf("strategy %q fan-out %d: %v, want ok=%v", tc.strategy, tc.fanOut, err, tc.ok)
		}
	}
}
