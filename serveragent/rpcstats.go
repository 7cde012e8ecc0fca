package serveragent

import (
	"context"
	"strings"
	"sync"
	"time"

	"google.golang.org/grpc"
	grpcpeer "google.golang.org/grpc/peer"
	"google.golang.org/protobuf/proto"
)

// MethodSearch, MethodExchangeProfiles, MethodRecommend and
// MethodFetchDocument are the method names RPCStats is keyed by (the last
// part of the gRPC method name).
const (
	MethodSearch           = "Search"
	MethodExchangeProfiles = "ExchangeProfiles"
	MethodRecommend        = "Recommend"
	MethodFetchDocument    = "FetchDocument"
)

// RPCLatencyBuckets returns the upper bounds, in seconds, of the latency
// buckets MethodStats.LatencyCounts counts calls in (a new slice each call).
func RPCLatencyBuckets() []float64 {
	return []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}
}

// MethodStats counts the calls of one gRPC method on one side (client or
// server) of one node. Bytes are serialized protobuf messages (proto.Size),
// without gRPC, HTTP/2 and TLS framing: the same measure as the trace.
type MethodStats struct {
	// Calls is how many calls were made (client) or admitted past TLS
	// (server).
	Calls int64 `json:"calls"`
	// Requests is how many request messages were carried: on the client,
	// calls whose request went out on a connection (a peer that cannot
	// be reached gets none); on the server, every call received.
	Requests int64 `json:"requests"`
	// Responses is how many response messages were carried: received by
	// the client, sent by the server (calls that ended with an error
	// status carry none).
	Responses int64 `json:"responses"`
	// Ended is how many calls have ended (Calls less those in flight).
	Ended int64 `json:"ended"`
	// Errors is how many calls ended with an error (status or refused
	// answer).
	Errors int64 `json:"errors"`
	// RequestBytes and ResponseBytes sum the sizes of those messages.
	RequestBytes  int64 `json:"request_bytes"`
	ResponseBytes int64 `json:"response_bytes"`
	// LatencySeconds sums the ended calls' durations.
	LatencySeconds float64 `json:"latency_seconds"`
	// LatencyCounts[i] is how many calls took at most
	// RPCLatencyBuckets()[i] seconds (cumulative, as Prometheus buckets).
	LatencyCounts []uint64 `json:"latency_counts"`
}

// RPCStats is what one node's gRPC calls carried, by method name
// (MethodSearch, ...): Client holds the calls this node made, Server the
// calls it received.
type RPCStats struct {
	Client map[string]MethodStats `json:"client"`
	Server map[string]MethodStats `json:"server"`
}

// RPCStats returns a copy of this node's RPC counters since New. Only
// calls through this node's Peer client and through a server made with
// NewServer are counted.
func (n *Node) RPCStats() RPCStats {
	return RPCStats{Client: n.rpcClient.snapshot(), Server: n.rpcServer.snapshot()}
}

// rpcCounters counts one side's calls, by method. Safe for concurrent use.
type rpcCounters struct {
	mu      sync.Mutex
	methods map[string]*MethodStats
}

func newRPCCounters() *rpcCounters { return &rpcCounters{methods: map[string]*MethodStats{}} }

// call is one finished call as a counter sees it.
type call struct {
	method              string // full gRPC method name
	requestSent         bool
	reqBytes, respBytes int // respBytes > 0 only when a response came
	responded           bool
	failed              bool
	took                time.Duration
}

func (c *rpcCounters) add(x call) {
	c.begin(x)
	c.end(x)
}

// begin counts a call and its request (a server counts both on arrival).
func (c *rpcCounters) begin(x call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.method(x.method)
	m.Calls++
	if x.requestSent {
		m.Requests++
		m.RequestBytes += int64(x.reqBytes)
	}
}

// end counts how a call ended: its response, error and latency.
func (c *rpcCounters) end(x call) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := c.method(x.method)
	m.Ended++
	if x.responded {
		m.Responses++
		m.ResponseBytes += int64(x.respBytes)
	}
	if x.failed {
		m.Errors++
	}
	s := x.took.Seconds()
	m.LatencySeconds += s
	for i, b := range RPCLatencyBuckets() {
		if s <= b {
			m.LatencyCounts[i]++
		}
	}
}

// method returns the counters of a full gRPC method name; c.mu must be
// held.
func (c *rpcCounters) method(full string) *MethodStats {
	name := full[strings.LastIndexByte(full, '/')+1:]
	m := c.methods[name]
	if m == nil {
		m = &MethodStats{LatencyCounts: make([]uint64, len(RPCLatencyBuckets()))}
		c.methods[name] = m
	}
	return m
}

func (c *rpcCounters) snapshot() map[string]MethodStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]MethodStats, len(c.methods))
	for name, m := range c.methods {
		cp := *m
		cp.LatencyCounts = append([]uint64(nil), m.LatencyCounts...)
		out[name] = cp
	}
	return out
}

// countedConn is a client connection that counts every unary call in the
// node's client counters and tells the caller what the call carried.
type countedConn struct {
	cc      grpc.ClientConnInterface
	counter *rpcCounters
}

// Invoke implements grpc.ClientConnInterface.
func (c countedConn) Invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) error {
	_, err := c.invoke(ctx, method, args, reply, opts...)
	return err
}

// NewStream implements grpc.ClientConnInterface; streams are not counted
// (the Peer service has none).
func (c countedConn) NewStream(ctx context.Context, desc *grpc.StreamDesc, method string, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	return c.cc.NewStream(ctx, desc, method, opts...)
}

// invoke makes the call and returns what it carried. The request counts as
// sent when the call got a stream on a connection (grpc.Peer is then
// filled); the response as received when the call succeeded or the
// answer was refused by the contract's checks after it arrived.
func (c countedConn) invoke(ctx context.Context, method string, args, reply any, opts ...grpc.CallOption) (call, error) {
	var p grpcpeer.Peer
	start := time.Now()
	err := c.cc.Invoke(ctx, method, args, reply, append(opts, grpc.Peer(&p))...)
	x := call{method: method, took: time.Since(start), failed: err != nil, requestSent: p.Addr != nil}
	if m, ok := args.(proto.Message); ok && x.requestSent {
		x.reqBytes = proto.Size(m)
	}
	if m, ok := reply.(proto.Message); ok && x.requestSent {
		if sz := proto.Size(m); sz > 0 || err == nil {
			x.responded, x.respBytes = true, sz
		}
	}
	c.counter.add(x)
	return x, err
}

// countServer is a unary server interceptor that counts every call in the
// node's server counters, its request on arrival and its response when
// the handler returns; NewServer installs it first, so calls the
// contract's checks refuse are counted too.
func (n *Node) countServer(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
	start := time.Now()
	x := call{method: info.FullMethod, requestSent: true}
	if m, ok := req.(proto.Message); ok {
		x.reqBytes = proto.Size(m)
	}
	n.rpcServer.begin(x)
	resp, err := h(ctx, req)
	if err != nil {
		n.logRefusedCall(ctx, info, err)
	}
	x.took, x.failed = time.Since(start), err != nil
	if m, ok := resp.(proto.Message); ok && err == nil {
		x.responded, x.respBytes = true, proto.Size(m)
	}
	n.rpcServer.end(x)
	return resp, err
}

// counted wraps a connection to a peer so its calls are counted.
func (n *Node) counted(cc grpc.ClientConnInterface) countedConn {
	return countedConn{cc: cc, counter: n.rpcClient}
}
