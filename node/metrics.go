package node

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the node's Prometheus metrics, in a registry of its own so
// that many nodes can live in one process.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec   // by API route and status code
	latency  *prometheus.HistogramVec // by API route
}

func newMetrics(n *Node) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "p2pir_api_requests_total", Help: "HTTP API requests by route and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "p2pir_api_request_duration_seconds", Help: "HTTP API request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.requests, m.latency,
		newRPCCollector(n.server.RPCStats),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "p2pir_peers", Help: "Peers in the server agent's table."},
			func() float64 { return float64(len(n.server.Peers())) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "p2pir_peer_candidates", Help: "Nodes heard of only in peers' gossip, not yet proven by a probe."},
			func() float64 { return float64(n.server.CandidateCount()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "p2pir_inbound_connections", Help: "Incoming gRPC connections open."},
			func() float64 { return float64(n.server.InboundConns().Open) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "p2pir_inbound_refused_total", Help: "Incoming gRPC connections closed at once for a cap (per address or in all)."},
			func() float64 { return float64(n.server.InboundConns().Refused) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "p2pir_index_documents", Help: "Documents in the local index."},
			func() float64 { c, _ := n.ix.Count(); return float64(c) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "p2pir_members", Help: "Live members seen by gossip (not counting this node)."},
			func() float64 { return float64(len(n.members.Members())) }),
	)
	return m
}

// instrument wraps an API handler with the request counter and latency
// histogram under a fixed route label (never the raw path: bounded cardinality).
func (m *metrics) instrument(route string, h http.HandlerFunc) http.Handler {
	return promhttp.InstrumentHandlerCounter(m.requests.MustCurryWith(prometheus.Labels{"route": route}),
		promhttp.InstrumentHandlerDuration(m.latency.MustCurryWith(prometheus.Labels{"route": route}), h))
}

// handler serves the registry in Prometheus' text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
