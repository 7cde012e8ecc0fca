package node

import (
	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/serveragent"
)

// networkTrace is the server agent's trace of a query in the client
// agent's terms (clientagent.NetworkTrace), for Response.Trace.
func networkTrace(t serveragent.Trace) *clientagent.NetworkTrace {
	out := &clientagent.NetworkTrace{
		Contacts: make([]clientagent.NetworkContact, 0, len(t.Contacts)),
		Messages: t.Messages, BytesSent: t.BytesSent, BytesReceived: t.BytesReceived,
		PeersContacted: t.PeersContacted, Dropped: t.Dropped,
	}
	for _, c := range t.Contacts {
		out.Contacts = append(out.Contacts, clientagent.NetworkContact{
			Hop: c.Hop, From: c.From, To: c.To, Outcome: c.Outcome, LatencyMS: c.LatencyMS,
			BytesSent: c.BytesSent, BytesReceived: c.BytesReceived, Reported: c.Reported,
		})
	}
	return out
}
