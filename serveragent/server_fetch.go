package serveragent

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/share"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// Shared files. A file under a folder the person shares (Config.
// SharedFolders) is answered to peers as a link through this node,
// p2pir://<node ID>/doc/<doc ID>, and served by FetchDocument. The doc ID
// is a keyed hash of the file's index ID (its file:// URL), with a key
// derived from the node's private key: stable for as long as the node
// keeps its key and the file its path, and telling a peer nothing of the
// path. Sharing is checked again, from the folders shared at that moment
// and the file's real path, every time the document is served.

// sharedDocsPurpose names the node key of shared doc IDs.
const sharedDocsPurpose = "shared document ids v1"

// docIDChars is how long a shared doc ID is: 32 base32 characters, 160
// bits of the keyed hash.
const docIDChars = 32

// ErrPeerDocNotFound is returned (wrapped) by FetchPeerDocument when the
// peer shares no such document (NOT_FOUND): never shared, unshared since,
// deleted or never existed; the peer does not say which.
var ErrPeerDocNotFound = errors.New("the peer shares no such document")

// ErrUnknownPeer is returned (wrapped) by FetchPeerDocument for a node
// that is not in the peer table, or has no address.
var ErrUnknownPeer = errors.New("no such peer is known")

// sharedDocs maps shared doc IDs back to index IDs: what localResults
// gave out, and, on a miss, every file document of the index at one
// index version (rebuilt when the index changes), so a lookup for an
// unknown ID costs a map access, not a scan.
type sharedDocs struct {
	key []byte

	mu      sync.Mutex
	version uint64            // index version byURL was built at
	all     map[string]string // doc ID → index ID, every file document; nil until needed
}

func newSharedDocs(key []byte) *sharedDocs { return &sharedDocs{key: key} }

// docID is the shared doc ID of the document with index ID id.
func (s *sharedDocs) docID(id string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(id))
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(m.Sum(nil)))[:docIDChars]
}

// lookup returns the index ID of the file document whose doc ID is
// docID, if the index holds one.
func (s *sharedDocs) lookup(ctx context.Context, ix *index.Index, docID string) (string, bool, error) {
	v := ix.Version()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.all == nil || s.version != v {
		urls, err := ix.URLsByPrefix(ctx, "file:")
		if err != nil {
			return "", false, err
		}
		all := make(map[string]string, len(urls))
		for _, u := range urls {
			all[s.docID(index.DocID(u))] = index.DocID(u)
		}
		s.all, s.version = all, v
	}
	id, ok := s.all[docID]
	return id, ok, nil
}

// sharedRoots returns the folders shared now, resolved; on an error
// nothing is shared.
func (n *Node) sharedRoots() share.Roots {
	if n.cfg.SharedFolders == nil {
		return share.Roots{}
	}
	dirs, err := n.cfg.SharedFolders()
	if err != nil {
		return share.Roots{}
	}
	return share.Resolve(dirs)
}

// sharedLink returns the p2pir:// link to hit when it is a file under a
// shared folder now.
func (n *Node) sharedLink(roots share.Roots, h index.Hit) (string, bool) {
	if h.Source != index.SourceFile || h.ID != index.DocID(h.URL) {
		return "", false
	}
	if _, ok := roots.File(h.URL); !ok {
		return "", false
	}
	return p2pirv1.SharedDocURL(n.self.ID, n.docs.docID(h.ID)), true
}

// FetchDocument implements p2pirv1.PeerServer: the text of a file this
// node's person shares, named by the doc ID of a link Search gave. The
// asker must be the caller's TLS identity (PERMISSION_DENIED otherwise).
// Anything not shared at this moment (an unknown ID, a file outside the
// shared folders by its real path, a folder unshared since, a deleted
// file, a web page) is NOT_FOUND with the same message, so a caller
// learns nothing of files it may not see.
func (n *Node) FetchDocument(ctx context.Context, req *p2pirv1.FetchDocumentRequest) (*p2pirv1.FetchDocumentResponse, error) {
	caller, err := n.caller(ctx)
	if err != nil {
		return nil, err
	}
	if req.GetAsker().GetNodeId() != caller {
		return nil, status.Errorf(codes.PermissionDenied, "serveragent: asker %q is not the caller %s", req.GetAsker().GetNodeId(), caller)
	}
	doc, ok, err := n.sharedDocument(ctx, req.GetDocId())
	if err != nil {
		return nil, status.Errorf(codes.Internal, "serveragent: shared document: %v", err)
	}
	if !ok {
		return nil, status.Errorf(codes.NotFound, "serveragent: no shared document %s", req.GetDocId())
	}
	return n.documentResponse(req.GetDocId(), doc), nil
}

// sharedDocument returns the document named by docID when it is a file
// shared now; an error only when the index fails.
func (n *Node) sharedDocument(ctx context.Context, docID string) (index.Document, bool, error) {
	roots := n.sharedRoots()
	if roots.Empty() {
		return index.Document{}, false, nil
	}
	id, ok, err := n.docs.lookup(ctx, n.ix, docID)
	if err != nil || !ok {
		return index.Document{}, false, err
	}
	doc, ok, err := n.ix.Get(ctx, id)
	if err != nil || !ok {
		return index.Document{}, false, err
	}
	if doc.Source != index.SourceFile || doc.ID != index.DocID(doc.URL) || n.docs.docID(doc.ID) != docID {
		return index.Document{}, false, nil
	}
	if _, ok := roots.File(doc.URL); !ok {
		return index.Document{}, false, nil
	}
	return doc, true, nil
}

// documentResponse is a shared document on the wire: the indexed text
// cut at MaxDocumentTextBytes, never the file's path.
func (n *Node) documentResponse(docID string, doc index.Document) *p2pirv1.FetchDocumentResponse {
	text, cut := cutUTF8(index.RepairUTF8(doc.Body), p2pirv1.MaxDocumentTextBytes)
	title, _ := cutUTF8(index.RepairUTF8(doc.Title), p2pirv1.MaxTitleBytes)
	resp := &p2pirv1.FetchDocumentResponse{
		Node: n.self.proto(), DocId: docID, Title: title, Text: text, Truncated: cut,
		Size: min(max(doc.Size, 0), p2pirv1.MaxDocumentSize),
	}
	if ms := doc.Modified.UnixMilli(); !doc.Modified.IsZero() && ms > 0 && ms <= p2pirv1.MaxUnixMS {
		resp.ModifiedUnixMs = ms
	}
	return resp
}

// cutUTF8 returns s cut to at most limit bytes at a character boundary,
// and whether it was cut.
func cutUTF8(s string, limit int) (string, bool) {
	if len(s) <= limit {
		return s, false
	}
	i := limit
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i], true
}

// PeerDocument is a document a peer shares, as FetchPeerDocument returns
// it. Its title and text come from the peer: plain text, never to be
// rendered as markup.
type PeerDocument struct {
	// NodeID is the node that shares it; DocID names it there.
	NodeID, DocID string
	// Title and Text are the document's title and plain text.
	Title, Text string
	// Truncated is true when Text was cut at p2pirv1.MaxDocumentTextBytes.
	Truncated bool
	// Size is the original file's size in bytes; 0 if unknown.
	Size int64
	// Modified is when the file last changed; zero if unknown.
	Modified time.Time
}

// FetchPeerDocument opens a document peer nodeID shares (the doc ID of a
// p2pir:// link in its results) over the node-to-node connection, within
// Config.FetchTimeout. Our own node ID serves our own shared document.
// The errors wrap ErrUnknownPeer for a node not in the peer table,
// ErrPeerDocNotFound when the peer shares no such document, and
// p2pirv1.ErrInvalid for a doc ID that cannot be one.
func (n *Node) FetchPeerDocument(ctx context.Context, nodeID, docID string) (*PeerDocument, error) {
	req := &p2pirv1.FetchDocumentRequest{Asker: n.self.proto(), DocId: docID}
	if err := req.Validate(); err != nil {
		return nil, fmt.Errorf("serveragent: fetch document: %w", err)
	}
	if nodeID == n.self.ID {
		doc, ok, err := n.sharedDocument(ctx, docID)
		if err != nil {
			return nil, fmt.Errorf("serveragent: fetch own document: %w", err)
		}
		if !ok {
			return nil, fmt.Errorf("serveragent: fetch document %s: %w", docID, ErrPeerDocNotFound)
		}
		return peerDocument(n.documentResponse(docID, doc)), nil
	}
	n.mu.Lock()
	p := n.peers[nodeID]
	var addr string
	if p != nil {
		addr = p.info.Addr
	}
	n.mu.Unlock()
	if addr == "" {
		return nil, fmt.Errorf("serveragent: fetch document from %s: %w", nodeID, ErrUnknownPeer)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.FetchTimeout)
	defer cancel()
	cc, err := n.conn(ctx, nodeID, addr)
	if err != nil {
		return nil, fmt.Errorf("serveragent: fetch document from %s: %w", nodeID, err)
	}
	start := time.Now()
	resp, err := p2pirv1.NewPeerClient(n.counted(cc)).FetchDocument(ctx, req)
	if err == nil && resp.GetNode().GetNodeId() != nodeID {
		err = fmt.Errorf("forged node ID: answered as %q", resp.GetNode().GetNodeId())
	}
	if status.Code(err) == codes.NotFound {
		n.observe(nodeID, addr, time.Since(start), nil) // an answer, not a failure of the peer
		return nil, fmt.Errorf("serveragent: fetch document %s from %s: %w", docID, nodeID, ErrPeerDocNotFound)
	}
	n.observe(nodeID, addr, time.Since(start), err)
	if err != nil {
		return nil, fmt.Errorf("serveragent: fetch document from %s: %w", nodeID, err)
	}
	return peerDocument(resp), nil
}

func peerDocument(r *p2pirv1.FetchDocumentResponse) *PeerDocument {
	d := &PeerDocument{
		NodeID: r.GetNode().GetNodeId(), DocID: r.GetDocId(), Title: r.GetTitle(), Text: r.GetText(),
		Truncated: r.GetTruncated(), Size: r.GetSize(),
	}
	if ms := r.GetModifiedUnixMs(); ms > 0 {
		d.Modified = time.UnixMilli(ms).UTC()
	}
	return d
}

// SharedDocLink returns the link peers get for the file document with
// index ID id while it is shared, p2pir://<this node>/doc/<doc ID>,
// whether or not it is shared now (for the person's own display).
func (n *Node) SharedDocLink(id string) string {
	return p2pirv1.SharedDocURL(n.self.ID, n.docs.docID(id))
}
