package serveragent

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
	"github.com/p2pir/p2pir/usermodel"
)

// fixture is testdata/corpus.json: documents by topic.
type fixture map[string][]index.Document

func loadCorpus(t *testing.T) fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	for topic, docs := range f {
		for i := range docs {
			docs[i].ID = index.DocID(docs[i].URL)
			docs[i].Source = index.SourceWeb
		}
		f[topic] = docs
	}
	return f
}

// tnode is one node of a test network: its own index, store, identity and
// gRPC server on the in-memory network.
type tnode struct {
	name     string
	id       *identity.Identity
	node     *Node
	ix       *index.Index
	st       *usermodel.Store
	srv      *grpc.Server
	addr     string
	searches atomic.Int64 // Search calls received
}

// testConfig is a config for tests. Its per-peer timeout bounds the
// tests that stall a peer on purpose, and it is long enough that an
// honest call on a loaded machine is not cut (at 400 ms, calls timed out
// at load 8-13 and failed tests that expected an answer).
func testConfig() Config {
	c := DefaultConfig()
	c.PerPeerTimeout = 2 * time.Second
	c.ForwardMargin = 30 * time.Millisecond
	return c
}

// newNode starts a node named name on mem with docs indexed; extra
// interceptors run after the contract's (e.g. to stall the node).
func newNode(t *testing.T, mem *MemNet, name string, cfg Config, docs []index.Document, extra ...grpc.UnaryServerInterceptor) *tnode {
	t.Helper()
	tn := &tnode{name: name, addr: name + ":7070"}
	tn.open(t, cfg, docs, func(id *identity.Identity) Dialer { return mem.Dialer(id, nil) })
	count := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if _, ok := req.(*p2pirv1.SearchRequest); ok {
			tn.searches.Add(1)
		}
		return h(ctx, req)
	}
	opts := []grpc.ServerOption{grpc.ChainUnaryInterceptor(append([]grpc.UnaryServerInterceptor{count}, extra...)...)}
	var err error
	if tn.srv, err = tn.node.NewServer(nil, opts...); err != nil {
		t.Fatal(err)
	}
	lis, err := mem.Listen(tn.addr)
	if err != nil {
		t.Fatal(err)
	}
	go tn.srv.Serve(lis)
	t.Cleanup(tn.srv.Stop)
	return tn
}

// newTCPNode starts a node named name that serves on a real loopback
// socket (behind Node.Listener's caps) and dials peers over TCP
// (TLSDialer), with docs indexed.
func newTCPNode(t *testing.T, name string, cfg Config, docs []index.Document) *tnode {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tn := &tnode{name: name, addr: lis.Addr().String()}
	tn.open(t, cfg, docs, func(id *identity.Identity) Dialer { return TLSDialer{Identity: id} })
	if tn.srv, err = tn.node.NewServer(nil); err != nil {
		t.Fatal(err)
	}
	go tn.srv.Serve(tn.node.Listener(lis))
	t.Cleanup(tn.srv.Stop)
	return tn
}

// open makes tn's identity, index (with docs), store and node, reaching
// peers with the dialer dial makes.
func (tn *tnode) open(t *testing.T, cfg Config, docs []index.Document, dial func(*identity.Identity) Dialer) {
	t.Helper()
	ctx := context.Background()
	var err error
	if tn.id, err = identity.Generate(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if tn.ix, err = index.Open(filepath.Join(dir, "index"), index.DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tn.ix.Close() })
	if len(docs) > 0 {
		if err := tn.ix.Index(ctx, docs); err != nil {
			t.Fatal(err)
		}
	}
	if tn.st, err = usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.StoreOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tn.st.Close() })
	self := NodeInfo{ID: tn.id.NodeID(), Addr: tn.addr, Version: "p2pir/test"}
	if tn.node, err = New(cfg, tn.id, tn.ix, tn.st, dial(tn.id), self); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tn.node.Close() })
}

// link makes each node know the others as peers (directed: from → to).
func link(t *testing.T, from *tnode, to ...*tnode) {
	t.Helper()
	for _, p := range to {
		if err := from.node.UpsertPeer(p.node.Self()); err != nil {
			t.Fatal(err)
		}
	}
}

// like records that tn's person marked url interested (with the text of
// the document as its vector), so tn's profile leans to that topic.
func like(t *testing.T, tn *tnode, d index.Document) {
	t.Helper()
	ctx := context.Background()
	qid := usermodel.NewQueryID()
	now := time.Now()
	if err := tn.st.RecordQuery(ctx, usermodel.QueryRecord{ID: qid, Text: d.Title, Time: now,
		Results: []usermodel.ShownResult{{URL: d.URL, Title: d.Title, Rank: 1}}}); err != nil {
		t.Fatal(err)
	}
	vec, err := usermodel.TextVector(ctx, tn.ix, d.Title+" "+d.Body)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := tn.st.AddMark(ctx, usermodel.Mark{QueryID: qid, URL: d.URL, Title: d.Title, Interested: true, Time: now, Doc: vec}); err != nil {
		t.Fatal(err)
	}
}

// rawClient dials addr on mem as the identity id, with TLS but without the
// contract's client-side checks, to send what an honest node never would.
func rawClient(t *testing.T, mem *MemNet, id *identity.Identity, to *tnode) p2pirv1.PeerClient {
	t.Helper()
	creds, err := id.ClientCredentials(to.id.NodeID(), nil)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := grpc.NewClient("passthrough:///"+to.addr, grpc.WithTransportCredentials(creds),
		grpc.WithContextDialer(mem.DialContext),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(8<<20), grpc.MaxCallRecvMsgSize(8<<20)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cc.Close() })
	return p2pirv1.NewPeerClient(cc)
}

// rogue is a peer outside our control: a real gRPC server with a valid
// identity whose Search answers whatever respond returns, unchecked.
type rogue struct {
	p2pirv1.UnimplementedPeerServer
	id      *identity.Identity
	respond func(*p2pirv1.SearchRequest, string) *p2pirv1.SearchResponse
}

func (r *rogue) Search(_ context.Context, req *p2pirv1.SearchRequest) (*p2pirv1.SearchResponse, error) {
	return r.respond(req, r.id.NodeID()), nil
}

func startRogue(t *testing.T, mem *MemNet, addr string, respond func(*p2pirv1.SearchRequest, string) *p2pirv1.SearchResponse) NodeInfo {
	t.Helper()
	id, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	creds, err := id.ServerCredentials(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer(grpc.Creds(creds), grpc.MaxSendMsgSize(8<<20))
	p2pirv1.RegisterPeerServer(srv, &rogue{id: id, respond: respond})
	lis, err := mem.Listen(addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	return NodeInfo{ID: id.NodeID(), Addr: addr}
}
