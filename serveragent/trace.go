package serveragent

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// Outcomes of a contact (Contact.Outcome).
const (
	// OutcomeAnswered: the peer answered within the deadline.
	OutcomeAnswered = "answered"
	// OutcomeTimedOut: no answer before the call's deadline.
	OutcomeTimedOut = "timed_out"
	// OutcomeRefused: the peer refused the call (rate limit, permission,
	// invalid request).
	OutcomeRefused = "refused"
	// OutcomeFailed: the peer could not be reached, or failed.
	OutcomeFailed = "failed"
	// OutcomeDuplicate: the peer had already seen the query (a second
	// route to it).
	OutcomeDuplicate = "duplicate"
	// OutcomeInvalid: the peer answered, but the answer broke the
	// protocol's contract and was refused whole.
	OutcomeInvalid = "invalid"
)

// Contact is one Search call made for a query: by this node (Reported
// false) or, as a peer reported it in its answer, by a node further on
// (Reported true: a claim of that peer, not checked by us).
type Contact struct {
	// Hop is 1 for the calls this node made, 2 for the calls made by the
	// peers it called, and so on.
	Hop int `json:"hop"`
	// From is the caller's node ID, To the callee's.
	From string `json:"from"`
	To   string `json:"to"`
	// Outcome is one of the Outcome constants.
	Outcome string `json:"outcome"`
	// LatencyMS is the call's duration as the caller measured it.
	LatencyMS float64 `json:"latency_ms"`
	// BytesSent is the request's size as serialized protobuf (0 when it
	// never went out: no connection); BytesReceived the response's (0
	// when none came). gRPC, HTTP/2 and TLS framing are not counted.
	BytesSent     int `json:"bytes_sent"`
	BytesReceived int `json:"bytes_received"`
	// Reported is true when the contact comes from a peer's answer.
	Reported bool `json:"reported"`
}

// Messages is how many messages the contact carried: its request, if it
// went out, and its response, if one came.
func (c Contact) Messages() int {
	n := 0
	if c.BytesSent > 0 {
		n++
	}
	if c.BytesReceived > 0 {
		n++
	}
	return n
}

// Trace is what a query cost the network, call by call.
type Trace struct {
	// Contacts are the calls, ordered by hop: this node's own first.
	Contacts []Contact `json:"contacts"`
	// Messages counts requests sent and responses received over all
	// contacts (Contact.Messages).
	Messages int `json:"messages"`
	// BytesSent and BytesReceived sum the contacts' (callers' view).
	BytesSent     int `json:"bytes_sent"`
	BytesReceived int `json:"bytes_received"`
	// PeersContacted is how many distinct nodes were called.
	PeersContacted int `json:"peers_contacted"`
	// Dropped is how many contacts peers said they left out of their
	// reports (p2pirv1.MaxTraceContacts); the sums above miss them.
	Dropped int `json:"dropped"`
}

// newTrace sums contacts into a Trace.
func newTrace(contacts []Contact, dropped int) Trace {
	t := Trace{Contacts: contacts, Dropped: dropped}
	peers := map[string]bool{}
	for _, c := range contacts {
		t.Messages += c.Messages()
		t.BytesSent += c.BytesSent
		t.BytesReceived += c.BytesReceived
		peers[c.To] = true
	}
	t.PeersContacted = len(peers)
	return t
}

// errForged is wrapped by the error of a call answered under another
// node's ID.
var errForged = errors.New("forged node ID")

// outcome classifies a finished call: a refused answer (contract broken,
// forged node ID) is OutcomeInvalid, a status names the rest.
func outcome(err error) string {
	switch {
	case err == nil:
		return OutcomeAnswered
	case errors.Is(err, p2pirv1.ErrInvalid), errors.Is(err, errForged):
		return OutcomeInvalid
	case errors.Is(err, context.DeadlineExceeded):
		return OutcomeTimedOut
	}
	switch status.Code(err) {
	case codes.DeadlineExceeded:
		return OutcomeTimedOut
	case codes.AlreadyExists:
		return OutcomeDuplicate
	case codes.ResourceExhausted, codes.PermissionDenied, codes.Unauthenticated, codes.InvalidArgument:
		return OutcomeRefused
	}
	return OutcomeFailed
}

var outcomeWire = map[string]p2pirv1.ContactOutcome{
	OutcomeAnswered:  p2pirv1.ContactOutcome_CONTACT_OUTCOME_ANSWERED,
	OutcomeTimedOut:  p2pirv1.ContactOutcome_CONTACT_OUTCOME_TIMED_OUT,
	OutcomeRefused:   p2pirv1.ContactOutcome_CONTACT_OUTCOME_REFUSED,
	OutcomeFailed:    p2pirv1.ContactOutcome_CONTACT_OUTCOME_FAILED,
	OutcomeDuplicate: p2pirv1.ContactOutcome_CONTACT_OUTCOME_DUPLICATE,
	OutcomeInvalid:   p2pirv1.ContactOutcome_CONTACT_OUTCOME_INVALID,
}

// wireContact is c on the wire.
func wireContact(c Contact) *p2pirv1.TraceContact {
	return &p2pirv1.TraceContact{
		Hop: int32(c.Hop), From: c.From, To: c.To, Outcome: outcomeWire[c.Outcome],
		LatencyMs: min(c.LatencyMS, p2pirv1.MaxLatencyMS),
		BytesSent: uint32(c.BytesSent), BytesReceived: uint32(c.BytesReceived),
	}
}

// reportedContact is a contact from a peer's (validated) answer, one hop
// further from us than it was from the peer.
func reportedContact(w *p2pirv1.TraceContact) Contact {
	o := OutcomeFailed
	for name, v := range outcomeWire {
		if v == w.GetOutcome() {
			o = name
		}
	}
	return Contact{
		Hop: int(w.GetHop()) + 1, From: w.GetFrom(), To: w.GetTo(), Outcome: o, LatencyMS: w.GetLatencyMs(),
		BytesSent: int(w.GetBytesSent()), BytesReceived: int(w.GetBytesReceived()), Reported: true,
	}
}

// sortByHop orders contacts by hop, keeping the order within a hop.
func sortByHop(cs []Contact) {
	slices.SortStableFunc(cs, func(a, b Contact) int { return cmp.Compare(a.Hop, b.Hop) })
}

// wireTrace is what a responder reports of contacts (ordered by hop): at
// most MaxTraceContacts of them, the deepest left out first, and how many
// were left out (dropped counts those its peers left out too).
// Contacts deeper than MaxHops (only a lying peer reports them) are left
// out too.
func wireTrace(cs []Contact, dropped int) ([]*p2pirv1.TraceContact, uint32) {
	out := make([]*p2pirv1.TraceContact, 0, min(len(cs), p2pirv1.MaxTraceContacts))
	for _, c := range cs {
		if len(out) == p2pirv1.MaxTraceContacts || c.Hop > p2pirv1.MaxHops {
			dropped++
			continue
		}
		out = append(out, wireContact(c))
	}
	return out, uint32(min(dropped, int(^uint32(0)>>1)))
}
