package sim

import (
	"fmt"
	"slices"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/node"
	"github.com/p2pir/p2pir/serveragent"
)

// searchRequest is the client-agent request a real node gets for a
// search of text with strategy: its index alone (StrategyLocal), or its
// index and its peers, flooding with Config.TTL hops to
// Config.OverlayDegree peers a hop, Config.Walkers random walkers of
// Config.WalkHops hops, or interest routing to Config.FanOut peers with
// the node's hop limit. Memory, loopback and processes modes all send it.
func searchRequest(cfg Config, text, strategy string, k int) (clientagent.Request, error) {
	req := clientagent.Request{Query: text, K: k, Sources: []string{clientagent.LocalName}}
	peers := append(req.Sources, node.PeersSource)
	switch strategy {
	case StrategyLocal:
	case StrategyFlood:
		req.Sources, req.Routing, req.Hops, req.FanOut = peers, "flood", cfg.TTL, cfg.OverlayDegree
	case StrategyWalk:
		req.Sources, req.Routing, req.Hops, req.FanOut = peers, "walk", cfg.WalkHops, cfg.Walkers
	case StrategyInterest:
		req.Sources, req.Routing, req.FanOut = peers, "interest", cfg.FanOut
	default:
		return clientagent.Request{}, fmt.Errorf("%w: strategy %q has no network search", ErrBadConfig, strategy)
	}
	return req, nil
}

// readTrace adds what the network traces of a search by node asker say
// to out: peers contacted, requests sent (those that went out on a
// connection), bytes, the nodes that answered (by their number in index)
// and the calls that went unanswered.
func readTrace(out *SearchResult, asker int, index map[string]int, tr clientagent.SearchTrace) {
	for _, st := range tr.Sources {
		if st.Network == nil {
			continue
		}
		out.PeersContacted += st.Network.PeersContacted
		out.BytesSent += int64(st.Network.BytesSent)
		out.BytesReceived += int64(st.Network.BytesReceived)
		reached := map[int]bool{}
		for _, c := range st.Network.Contacts {
			if c.BytesSent > 0 {
				out.Messages++
			}
			if j, ok := index[c.To]; ok && c.Outcome == serveragent.OutcomeAnswered && j != asker {
				reached[j] = true
			}
			if c.Outcome != serveragent.OutcomeAnswered && c.Outcome != serveragent.OutcomeDuplicate {
				out.Lost++
			}
		}
		for j := range reached {
			out.Reached = append(out.Reached, j)
		}
	}
	slices.Sort(out.Reached)
}

// finders maps the sources that found a result ("peer:<node ID>") to node
// numbers by index, leaving out the asker and other sources.
func finders(engines []string, asker int, index map[string]int) []int {
	var out []int
	for _, e := range engines {
		if id, ok := clientagent.PeerID(e); ok {
			if j, ok := index[id]; ok && j != asker && !slices.Contains(out, j) {
				out = append(out, j)
			}
		}
	}
	return out
}
