package serveragent

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent/identity"
)

// folders is a shared-folders list the test changes while nodes run.
type folders struct {
	mu   sync.Mutex
	dirs []string
	err  error
}

func (f *folders) set(dirs []string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dirs, f.err = dirs, err
}

func (f *folders) get() ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.dirs), f.err
}

// fileDoc is the document the files crawler makes of the file at path.
func fileDoc(path, title, body string) index.Document {
	u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String()
	return index.Document{ID: index.DocID(u), URL: u, Title: title, Body: body, Source: index.SourceFile, Size: int64(len(body))}
}

// sharingOwner is a node whose person indexed files in a shared folder
// and a private one, all about jaguars, and a web page.
type sharingOwner struct {
	*tnode
	shared          *folders
	sharedDir       string
	inShared, inSub index.Document // files of the shared folder
	private         index.Document // a file of the private folder
	linkOut         index.Document // a link in the shared folder to a private file
	dotdot          index.Document // a path out of the shared folder with ".."
	web             index.Document
}

func newSharingOwner(t *testing.T, mem *MemNet) *sharingOwner {
	return newSharingOwnerWith(t, mem, testConfig())
}

// newSharingOwnerWith is newSharingOwner with a config of the test's and
// extra server interceptors.
func newSharingOwnerWith(t *testing.T, mem *MemNet, cfg Config, extra ...grpc.UnaryServerInterceptor) *sharingOwner {
	t.Helper()
	root := t.TempDir()
	shared, private := filepath.Join(root, "papers"), filepath.Join(root, "diary")
	for _, d := range []string{filepath.Join(shared, "sub"), private} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, body string) {
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	o := &sharingOwner{shared: &folders{dirs: []string{shared}}, sharedDir: shared}
	o.inShared = fileDoc(filepath.Join(shared, "jaguar.txt"), "Jaguar habitat", "The jaguar hunts along rivers of the rainforest.")
	o.inSub = fileDoc(filepath.Join(shared, "sub", "ocelot.txt"), "Ocelot and jaguar", "Ocelots share the jaguar's forest range.")
	o.private = fileDoc(filepath.Join(private, "secret.txt"), "Diary", "My secret jaguar dream, not for anyone.")
	target := filepath.Join(private, "leak.txt")
	o.linkOut = fileDoc(filepath.Join(shared, "leak.txt"), "Leak", "A private jaguar note behind a link.")
	o.dotdot = fileDoc(shared+"/../diary/secret.txt", "Diary again", "My secret jaguar dream, by another path.")
	for _, d := range []index.Document{o.inShared, o.inSub, o.private} {
		p, _ := url.PathUnescape(strings.TrimPrefix(d.URL, "file://"))
		write(filepath.FromSlash(p), d.Body)
	}
	write(target, o.linkOut.Body)
	if err := os.Symlink(target, filepath.Join(shared, "leak.txt")); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
	o.web = index.Document{ID: "https://zoo.example/jaguar", URL: "https://zoo.example/jaguar", Title: "Zoo jaguars", Body: "Jaguars at the zoo.", Source: index.SourceWeb}
	cfg.SharedFolders = o.shared.get
	o.tnode = newNode(t, mem, "owner", cfg, []index.Document{o.inShared, o.inSub, o.private, o.linkOut, o.dotdot, o.web}, extra...)
	return o
}

func jaguarQuery() PeerQuery { return PeerQuery{Text: "jaguar", K: 20, Hops: 1} }

func urlsOf(res *PeerResults) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.URL)
	}
	slices.Sort(out)
	return out
}

// TestPeersFindAndOpenOnlySharedFiles: a peer searching gets the web page
// and the files of the shared folder, as p2pir:// links through the
// owner, and opens them with their text; files outside the shared folder
// (a private one, a link out of the shared folder, a ".." path) are never
// returned, and fetching them by their exact link is NOT_FOUND, as for an
// ID that names nothing.
func TestPeersFindAndOpenOnlySharedFiles(t *testing.T) {
	ctx := context.Background()
	mem := NewMemNet()
	o := newSharingOwner(t, mem)
	asker := newNode(t, mem, "asker", testConfig(), nil)
	link(t, asker, o.tnode)

	res, err := asker.node.SearchPeers(ctx, jaguarQuery())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{o.node.SharedDocLink(o.inShared.ID), o.node.SharedDocLink(o.inSub.ID), o.web.URL}
	slices.Sort(want)
	if got := urlsOf(res); !slices.Equal(got, want) {
		t.Fatalf("peer got %q, want the shared files' links and the web page %q", got, want)
	}
	for _, h := range res.Hits {
		if strings.Contains(h.URL, "papers") || strings.Contains(h.URL, "diary") || strings.Contains(h.Content, "secret") {
			t.Errorf("result %q (%q) tells of the owner's files", h.URL, h.Content)
		}
	}

	for _, d := range []index.Document{o.inShared, o.inSub} {
		node, doc, ok := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(d.ID))
		if !ok || node != o.id.NodeID() {
			t.Fatalf("link %q does not lead to the owner", o.node.SharedDocLink(d.ID))
		}
		got, err := asker.node.FetchPeerDocument(ctx, node, doc)
		if err != nil {
			t.Fatalf("open %s: %v", d.URL, err)
		}
		if got.Text != d.Body || got.Title != d.Title || got.Size != d.Size || got.NodeID != node || got.DocID != doc || got.Truncated {
			t.Fatalf("opened %+v, want the text and title of %s", got, d.URL)
		}
	}

	for name, d := range map[string]index.Document{"a private file": o.private, "a link out of the shared folder": o.linkOut, "a .. path": o.dotdot, "a web page": o.web} {
		_, doc, _ := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(d.ID))
		if _, err := asker.node.FetchPeerDocument(ctx, o.id.NodeID(), doc); !errors.Is(err, ErrPeerDocNotFound) {
			t.Errorf("%s fetched by its exact ID: %v, want not found", name, err)
		}
	}
}

// TestUnsharingTakesEffectAtOnce: with the folder unshared, the next
// search returns none of its files and the links given before are NOT_FOUND;
// shared again, the same links work again. A list that cannot be read
// shares nothing.
func TestUnsharingTakesEffectAtOnce(t *testing.T) {
	ctx := context.Background()
	mem := NewMemNet()
	o := newSharingOwner(t, mem)
	asker := newNode(t, mem, "asker", testConfig(), nil)
	link(t, asker, o.tnode)
	linkURL := o.node.SharedDocLink(o.inShared.ID)
	_, doc, _ := p2pirv1.ParseSharedDocURL(linkURL)

	steps := []struct {
		name   string
		dirs   []string
		err    error
		shared bool
	}{
		{"shared", []string{o.sharedDir}, nil, true},
		{"unshared", nil, nil, false},
		{"shared again", []string{o.sharedDir}, nil, true},
		{"list unreadable", []string{o.sharedDir}, errors.New("damaged"), false},
		{"parent folder shared", []string{filepath.Dir(o.sharedDir) + "/papers/.."}, nil, true},
	}
	for _, st := range steps {
		o.shared.set(st.dirs, st.err)
		res, err := asker.node.SearchPeers(ctx, jaguarQuery())
		if err != nil {
			t.Fatal(err)
		}
		if found := slices.Contains(urlsOf(res), linkURL); found != st.shared {
			t.Errorf("%s: shared file in a peer's results = %v, want %v (%q)", st.name, found, st.shared, urlsOf(res))
		}
		_, err = asker.node.FetchPeerDocument(ctx, o.id.NodeID(), doc)
		if st.shared && err != nil {
			t.Errorf("%s: open: %v", st.name, err)
		}
		if !st.shared && !errors.Is(err, ErrPeerDocNotFound) {
			t.Errorf("%s: open: %v, want not found", st.name, err)
		}
	}
}

// TestALyingPeerLearnsNothingFromFetchDocument: a peer sending what an
// honest node never would (IDs that name nothing, another node's name as
// asker, malformed IDs) gets NOT_FOUND, PERMISSION_DENIED or
// INVALID_ARGUMENT, and the NOT_FOUND of an existing unshared file reads
// exactly like that of an ID that names nothing.
func TestALyingPeerLearnsNothingFromFetchDocument(t *testing.T) {
	ctx := context.Background()
	mem := NewMemNet()
	o := newSharingOwner(t, mem)
	liar, err := identity.Generate()
	if err != nil {
		t.Fatal(err)
	}
	c := rawClient(t, mem, liar, o.tnode)
	me := &p2pirv1.NodeInfo{NodeId: liar.NodeID()}
	_, privateDoc, _ := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(o.private.ID))
	_, sharedDoc, _ := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(o.inShared.ID))
	cases := []struct {
		name string
		req  *p2pirv1.FetchDocumentRequest
		code codes.Code
	}{
		{"a shared document", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: sharedDoc}, codes.OK},
		{"an ID that names nothing", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}, codes.NotFound},
		{"a one-letter ID", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: "x"}, codes.NotFound},
		{"the ID of an unshared file", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: privateDoc}, codes.NotFound},
		{"the file's index ID", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: strings.Repeat("f", 64)}, codes.NotFound},
		{"a path", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: "../diary/secret.txt"}, codes.InvalidArgument},
		{"a file URL", &p2pirv1.FetchDocumentRequest{Asker: me, DocId: o.private.URL}, codes.InvalidArgument},
		{"another node as asker", &p2pirv1.FetchDocumentRequest{Asker: &p2pirv1.NodeInfo{NodeId: o.id.NodeID()}, DocId: sharedDoc}, codes.PermissionDenied},
		{"no asker", &p2pirv1.FetchDocumentRequest{DocId: sharedDoc}, codes.InvalidArgument},
	}
	msgs := map[string]string{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := c.FetchDocument(ctx, tc.req)
			if got := status.Code(err); got != tc.code {
				t.Fatalf("code %v (%v), want %v", got, err, tc.code)
			}
			if tc.code == codes.OK && resp.GetText() != o.inShared.Body {
				t.Fatalf("text %q, want the shared file's", resp.GetText())
			}
			if tc.code == codes.NotFound {
				msgs[tc.name] = strings.ReplaceAll(status.Convert(err).Message(), tc.req.GetDocId(), "ID")
			}
		})
	}
	if a, b := msgs["an ID that names nothing"], msgs["the ID of an unshared file"]; a == "" || a != b {
		t.Errorf("an unshared file answers %q, an unknown ID %q: they must not differ", b, a)
	}
}

// TestFetchDocumentCutsLongTextsAtTheCap: a shared document over
// MaxDocumentTextBytes arrives cut at a character boundary and says so.
func TestFetchDocumentCutsLongTextsAtTheCap(t *testing.T) {
	ctx := context.Background()
	mem := NewMemNet()
	o := newSharingOwner(t, mem)
	big := fileDoc(filepath.Join(o.sharedDir, "big.txt"), "Big", "jaguar "+strings.Repeat("é", p2pirv1.MaxDocumentTextBytes))
	if err := os.WriteFile(filepath.Join(o.sharedDir, "big.txt"), []byte(big.Body), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := o.ix.Index(ctx, []index.Document{big}); err != nil {
		t.Fatal(err)
	}
	asker := newNode(t, mem, "asker", testConfig(), nil)
	link(t, asker, o.tnode)
	_, doc, _ := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(big.ID))
	got, err := asker.node.FetchPeerDocument(ctx, o.id.NodeID(), doc)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Truncated || len(got.Text) > p2pirv1.MaxDocumentTextBytes || !strings.HasPrefix(big.Body, got.Text) || len(got.Text) < p2pirv1.MaxDocumentTextBytes-1 {
		t.Fatalf("got %d bytes, truncated %v; want at most %d, cut at a character, flagged", len(got.Text), got.Truncated, p2pirv1.MaxDocumentTextBytes)
	}
	if _, err := asker.node.FetchPeerDocument(ctx, "p2p1unknownnodeaaaaaaaaaaaaaaaa", doc); !errors.Is(err, ErrUnknownPeer) {
		t.Fatalf("fetch from a node not in the peer table: %v, want unknown peer", err)
	}
}

// TestFetchDocumentIsRateLimitedLikeTheOtherCalls: a peer over its rate
// limit gets RESOURCE_EXHAUSTED, from the same budget as its searches.
func TestFetchDocumentIsRateLimitedLikeTheOtherCalls(t *testing.T) {
	ctx := context.Background()
	mem := NewMemNet()
	cfg := testConfig()
	cfg.RatePerPeer, cfg.Burst = 0.001, 3
	o := newSharingOwnerWith(t, mem, cfg)
	asker := newNode(t, mem, "asker", testConfig(), nil)
	link(t, asker, o.tnode)
	_, doc, _ := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(o.inShared.ID))
	if _, err := asker.node.SearchPeers(ctx, jaguarQuery()); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := asker.node.FetchPeerDocument(ctx, o.id.NodeID(), doc); err != nil {
			t.Fatalf("call %d within the burst: %v", i+2, err)
		}
	}
	_, err := asker.node.FetchPeerDocument(ctx, o.id.NodeID(), doc)
	if status.Code(err) != codes.ResourceExhausted {
		t.Fatalf("call over the burst: %v, want the rate limit", err)
	}
}

// TestFetchPeerDocumentHasADeadline: an owner that never answers fails
// the fetch when Config.FetchTimeout runs out, with DEADLINE_EXCEEDED.
func TestFetchPeerDocumentHasADeadline(t *testing.T) {
	ctx := context.Background()
	mem := NewMemNet()
	stall := func(ctx context.Context, req any, _ *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
		if _, ok := req.(*p2pirv1.FetchDocumentRequest); ok {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return h(ctx, req)
	}
	o := newSharingOwnerWith(t, mem, testConfig(), stall)
	cfg := testConfig()
	cfg.FetchTimeout = 100 * time.Millisecond
	asker := newNode(t, mem, "asker", cfg, nil)
	link(t, asker, o.tnode)
	_, doc, _ := p2pirv1.ParseSharedDocURL(o.node.SharedDocLink(o.inShared.ID))
	_, err := asker.node.FetchPeerDocument(ctx, o.id.NodeID(), doc)
	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("fetch from a stalled owner: %v, want deadline exceeded", err)
	}
}
