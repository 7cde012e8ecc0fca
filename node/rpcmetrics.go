package node

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/p2pir/p2pir/serveragent"
)

// rpcCollector exports the server agent's RPC counters
// (serveragent.Node.RPCStats) at each scrape: calls, messages, errors,
// bytes and latency per gRPC method, for the calls the node made (side
// "client") and received (side "server").
type rpcCollector struct {
	stats                                   func() serveragent.RPCStats
	calls, messages, errors, bytes, latency *prometheus.Desc
}

func newRPCCollector(stats func() serveragent.RPCStats) *rpcCollector {
	labels := []string{"side", "method"}
	dir := []string{"side", "method", "message"}
	return &rpcCollector{
		stats:    stats,
		calls:    prometheus.NewDesc("p2pir_rpc_calls_total", "gRPC calls between nodes, by side (client: made, server: received) and method.", labels, nil),
		messages: prometheus.NewDesc("p2pir_rpc_messages_total", "gRPC messages carried, by side, method and message (request, response).", dir, nil),
		errors:   prometheus.NewDesc("p2pir_rpc_errors_total", "gRPC calls that ended with an error, by side and method.", labels, nil),
		bytes:    prometheus.NewDesc("p2pir_rpc_bytes_total", "Bytes of gRPC messages carried (serialized protobuf, without gRPC, HTTP/2 and TLS framing), by side, method and message.", dir, nil),
		latency:  prometheus.NewDesc("p2pir_rpc_duration_seconds", "gRPC call latency, by side and method.", labels, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *rpcCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.calls, c.messages, c.errors, c.bytes, c.latency} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *rpcCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.stats()
	bounds := serveragent.RPCLatencyBuckets()
	for side, methods := range map[string]map[string]serveragent.MethodStats{"client": st.Client, "server": st.Server} {
		for method, m := range methods {
			counter := func(d *prometheus.Desc, v int64, extra ...string) {
				ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), append([]string{side, method}, extra...)...)
			}
			counter(c.calls, m.Calls)
			counter(c.errors, m.Errors)
			counter(c.messages, m.Requests, "request")
			counter(c.messages, m.Responses, "response")
			counter(c.bytes, m.RequestBytes, "request")
			counter(c.bytes, m.ResponseBytes, "response")
			buckets := make(map[float64]uint64, len(bounds))
			for i, b := range bounds {
				if i < len(m.LatencyCounts) {
					buckets[b] = m.LatencyCounts[i]
				}
			}
			ch <- prometheus.MustNewConstHistogram(c.latency, uint64(m.Ended), m.LatencySeconds, buckets, side, method)
		}
	}
}
