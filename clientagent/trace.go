package clientagent

import (
	"context"
	"errors"
	"time"
)

// Outcomes of a source in a search (SourceTrace.Outcome).
const (
	// SourceAnswered: the source answered in time (perhaps with no hits).
	SourceAnswered = "answered"
	// SourceTimedOut: no answer within the source's deadline.
	SourceTimedOut = "timed_out"
	// SourceFailed: the source answered with an error.
	SourceFailed = "failed"
	// SourceSuspended: not asked, after failing too often.
	SourceSuspended = "suspended"
)

// SearchTrace is how each source fared in one search (Response.Trace).
type SearchTrace struct {
	// TimeoutMS is the whole search's deadline in milliseconds
	// (Request.Timeout); absent when the request set none.
	TimeoutMS float64 `json:"timeout_ms,omitempty"`
	// Sources are the sources asked (or skipped as suspended), in the
	// agent's order, the focused crawl last.
	Sources []SourceTrace `json:"sources"`
}

// SourceTrace is one source's part in a search.
type SourceTrace struct {
	// Source is the source's name ("local", an engine, "peers", "crawl").
	Source string `json:"source"`
	// Outcome is one of SourceAnswered, SourceTimedOut, SourceFailed,
	// SourceSuspended.
	Outcome string `json:"outcome"`
	// LatencyMS is how long the source took, until it answered or its
	// deadline passed; 0 when it was not asked.
	LatencyMS float64 `json:"latency_ms"`
	// Hits is how many hits it returned.
	Hits int `json:"hits"`
	// Network is, for a source that asks other nodes (the peers), the
	// calls the query took through the network; absent otherwise.
	Network *NetworkTrace `json:"network,omitempty"`
}

// NetworkTrace is what a query cost the peer-to-peer network, call by
// call (the client agent's view of serveragent.Trace).
type NetworkTrace struct {
	// Contacts are the Search calls, ordered by hop: this node's own
	// first, then those peers reported.
	Contacts []NetworkContact `json:"contacts"`
	// Messages counts the requests sent and responses received over all
	// contacts.
	Messages int `json:"messages"`
	// BytesSent and BytesReceived sum the contacts' (serialized protobuf,
	// without gRPC, HTTP/2 and TLS framing).
	BytesSent     int `json:"bytes_sent"`
	BytesReceived int `json:"bytes_received"`
	// PeersContacted is how many distinct nodes were called.
	PeersContacted int `json:"peers_contacted"`
	// Dropped is how many contacts peers left out of their reports.
	Dropped int `json:"dropped"`
}

// NetworkContact is one Search call from one node to another.
type NetworkContact struct {
	// Hop is 1 for this node's calls, 2 for its peers' calls, and so on.
	Hop int `json:"hop"`
	// From and To are the caller's and the callee's node IDs.
	From string `json:"from"`
	To   string `json:"to"`
	// Outcome is "answered", "timed_out", "refused", "failed", "duplicate"
	// or "invalid" (an answer that broke the protocol, refused).
	Outcome string `json:"outcome"`
	// LatencyMS is the call's duration as the caller measured it.
	LatencyMS float64 `json:"latency_ms"`
	// BytesSent and BytesReceived are the request's and the response's
	// sizes (0: not sent, no response).
	BytesSent     int `json:"bytes_sent"`
	BytesReceived int `json:"bytes_received"`
	// Reported is true when a peer reported the call (a claim we did not
	// observe), false for this node's own calls.
	Reported bool `json:"reported"`
}

// TracingSource is a Source that also says what answering cost the
// network; the agent reports it in Response.Trace. A source may
// implement it and CountingSource both; the agent then asks through
// SearchTraced.
type TracingSource interface {
	Source
	// SearchTraced is Search with the network trace of the query (nil
	// when the source asked no one). The trace may come with an error:
	// what the query cost before it failed.
	SearchTraced(ctx context.Context, q *SourceQuery) ([]Hit, *NetworkTrace, error)
}

// TracingSourceFunc adapts a function to TracingSource.
type TracingSourceFunc func(ctx context.Context, q *SourceQuery) ([]Hit, *NetworkTrace, error)

// Search implements Source.
func (f TracingSourceFunc) Search(ctx context.Context, q *SourceQuery) ([]Hit, error) {
	hits, _, err := f(ctx, q)
	return hits, err
}

// SearchTraced implements TracingSource.
func (f TracingSourceFunc) SearchTraced(ctx context.Context, q *SourceQuery) ([]Hit, *NetworkTrace, error) {
	return f(ctx, q)
}

// sourceOutcome names how a source's search ended.
func sourceOutcome(err error) string {
	switch {
	case err == nil:
		return SourceAnswered
	case errors.Is(err, context.DeadlineExceeded):
		return SourceTimedOut
	}
	return SourceFailed
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
