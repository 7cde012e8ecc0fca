package p2pirv1

import (
	"fmt"
	"math"
)

// Routing strategies a SearchRequest may name (SearchRequest.strategy);
// the same names as package serveragent/routing.
var strategies = map[string]bool{"": true, "interest": true, "flood": true, "walk": true}

// checkStrategy accepts an empty strategy or a known one.
func checkStrategy(s, p string) error {
	if !strategies[s] {
		return invalid(p, "%q, want interest, flood, walk or empty", truncateForError(s))
	}
	return nil
}

// truncateForError keeps error messages short when a peer sends a long
// value.
func truncateForError(s string) string {
	if len(s) > 32 {
		return s[:32] + "…"
	}
	return s
}

// Validate checks one contact on its own: a hop in 1..MaxHops, the caller's
// and callee's node IDs, a known outcome, a finite latency in
// 0..MaxLatencyMS and byte counts of at most MaxMessageBytes.
// SearchResponse.Validate also checks the contacts against each other.
func (c *TraceContact) Validate() error { return checkContact(c, "TraceContact") }

func checkContact(c *TraceContact, p string) error {
	if c == nil {
		return invalid(p, "missing")
	}
	if h := c.GetHop(); h < 1 || h > MaxHops {
		return invalid(p+".hop", "%d, want 1 to %d", h, MaxHops)
	}
	if err := checkToken(c.GetFrom(), MaxNodeIDBytes, p+".from"); err != nil {
		return err
	}
	if err := checkToken(c.GetTo(), MaxNodeIDBytes, p+".to"); err != nil {
		return err
	}
	if o := c.GetOutcome(); o == ContactOutcome_CONTACT_OUTCOME_UNSPECIFIED || ContactOutcome_name[int32(o)] == "" {
		return invalid(p+".outcome", "%d, not a known outcome", int32(o))
	}
	if ms := c.GetLatencyMs(); math.IsNaN(ms) || ms < 0 || ms > MaxLatencyMS {
		return invalid(p+".latency_ms", "%v, want 0 to %d", ms, MaxLatencyMS)
	}
	if b := c.GetBytesSent(); b > MaxMessageBytes {
		return invalid(p+".bytes_sent", "%d, at most %d", b, MaxMessageBytes)
	}
	if b := c.GetBytesReceived(); b > MaxMessageBytes {
		return invalid(p+".bytes_received", "%d, at most %d", b, MaxMessageBytes)
	}
	return nil
}

// checkTrace checks a response's trace: at most MaxTraceContacts valid
// contacts, ordered by hop, the hop-1 contacts made by the responder, and
// every deeper contact made by a peer that answered a call one hop up.
func checkTrace(trace []*TraceContact, responder, p string) error {
	if n := len(trace); n > MaxTraceContacts {
		return invalid(p, "%d contacts, at most %d", n, MaxTraceContacts)
	}
	answered := map[int32]map[string]bool{} // hop → callees that answered
	var lastHop int32 = 1
	for i, c := range trace {
		cp := fmt.Sprintf("%s[%d]", p, i)
		if err := checkContact(c, cp); err != nil {
			return err
		}
		h := c.GetHop()
		if h < lastHop {
			return invalid(cp+".hop", "%d after %d, contacts must be ordered by hop", h, lastHop)
		}
		lastHop = h
		switch {
		case h == 1 && c.GetFrom() != responder:
			return invalid(cp+".from", "%q at hop 1, not the responder %q", c.GetFrom(), responder)
		case h > 1 && !answered[h-1][c.GetFrom()]:
			return invalid(cp+".from", "%q at hop %d answered no call at hop %d", c.GetFrom(), h, h-1)
		}
		if c.GetOutcome() == ContactOutcome_CONTACT_OUTCOME_ANSWERED {
			if answered[h] == nil {
				answered[h] = map[string]bool{}
			}
			answered[h][c.GetTo()] = true
		}
	}
	return nil
}
