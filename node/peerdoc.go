package node

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/p2pir/p2pir/internal/share"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/serveragent"
)

// sharedFolders is the answer of GET /shared.
type sharedFolders struct {
	Folders []share.Folder `json:"folders"`
}

// handleShared answers GET /shared: the folders shared now.
func (n *Node) handleShared(w http.ResponseWriter, r *http.Request) {
	fs, err := share.Current(n.cfg.DataDir)
	if err != nil {
		writeError(w, fmt.Errorf("shared folders (peers get no file until this is fixed): %w", err))
		return
	}
	if fs == nil {
		fs = []share.Folder{}
	}
	writeJSON(w, http.StatusOK, sharedFolders{Folders: fs})
}

// peerDoc is the JSON form of GET /peer-doc.
type peerDoc struct {
	NodeID    string     `json:"node_id"`
	DocID     string     `json:"doc_id"`
	URL       string     `json:"url"`
	Title     string     `json:"title"`
	Text      string     `json:"text"`
	Truncated bool       `json:"truncated"`
	Size      int64      `json:"size"`
	Modified  *time.Time `json:"modified,omitempty"`
}

// handlePeerDoc answers GET /peer-doc?node=ID&doc=ID: the text of a
// document the peer shares, fetched from it over the authenticated
// node-to-node connection. The text is the peer's: it goes out as
// text/plain, with nosniff and a sandboxing Content-Security-Policy, so a
// browser never renders it as a page.
func (n *Node) handlePeerDoc(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	node, doc := q.Get("node"), q.Get("doc")
	if u := q.Get("url"); u != "" {
		var ok bool
		if node, doc, ok = p2pirv1.ParseSharedDocURL(u); !ok {
			writeError(w, fmt.Errorf("%w: url %q is not a link to a shared document (p2pir://NODE/doc/DOC)", errBadInput, u))
			return
		}
	}
	if node == "" || doc == "" {
		writeError(w, fmt.Errorf("%w: want node and doc (or url=p2pir://NODE/doc/DOC)", errBadInput))
		return
	}
	if _, _, ok := p2pirv1.ParseSharedDocURL(p2pirv1.SharedDocURL(node, doc)); !ok {
		writeError(w, fmt.Errorf("%w: node %q or doc %q cannot name a shared document", errBadInput, node, doc))
		return
	}
	format := q.Get("format")
	if format != "" && format != "text" && format != "json" {
		writeError(w, fmt.Errorf("%w: format must be text or json, not %q", errBadInput, format))
		return
	}
	d, err := n.server.FetchPeerDocument(r.Context(), node, doc)
	switch {
	case errors.Is(err, serveragent.ErrUnknownPeer):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("node %s is not among this node's peers (see p2pir peers)", node)})
		return
	case errors.Is(err, serveragent.ErrPeerDocNotFound):
		writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("node %s shares no document %s (it may have stopped sharing it)", node, doc)})
		return
	case errors.Is(err, p2pirv1.ErrInvalid):
		writeError(w, fmt.Errorf("%w: %w", errBadInput, err))
		return
	case err != nil:
		writeJSON(w, http.StatusBadGateway, map[string]string{"error": fmt.Sprintf("could not fetch the document from node %s: %v", node, err)})
		return
	}
	if format == "json" {
		out := peerDoc{NodeID: d.NodeID, DocID: d.DocID, URL: p2pirv1.SharedDocURL(d.NodeID, d.DocID), Title: d.Title, Text: d.Text, Truncated: d.Truncated, Size: d.Size}
		if !d.Modified.IsZero() {
			out.Modified = &d.Modified
		}
		writeJSON(w, http.StatusOK, out)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "no-store")
	h.Set("X-P2PIR-Truncated", strconv.FormatBool(d.Truncated))
	if !d.Modified.IsZero() {
		h.Set("Last-Modified", d.Modified.UTC().Format(http.TimeFormat))
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(d.Text))
}
