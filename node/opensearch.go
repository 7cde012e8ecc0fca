package node

import (
	"encoding/xml"
	"net/http"
	"unicode/utf8"
)

// OpenSearchPath is where the node serves its OpenSearch description
// document, for browsers and SearXNG to add the node as a search engine.
// A web page links to it from its head as OpenSearchLink does.
const OpenSearchPath = "/opensearch.xml"

// OpenSearchLink is the tag a page of the node's web UI puts in its head
// so that browsers offer to add the node as a search engine.
const OpenSearchLink = `<link rel="search" type="application/opensearchdescription+xml" title="p2pir" href="` + OpenSearchPath + `">`

// OpenSearchType is the description document's media type.
const OpenSearchType = "application/opensearchdescription+xml"

// openSearchDescription is an OpenSearch 1.1 description document.
type openSearchDescription struct {
	XMLName       xml.Name        `xml:"http://a9.com/-/spec/opensearch/1.1/ OpenSearchDescription"`
	ShortName     string          `xml:"ShortName"`
	LongName      string          `xml:"LongName,omitempty"`
	Description   string          `xml:"Description"`
	InputEncoding string          `xml:"InputEncoding"`
	OutputEnc     string          `xml:"OutputEncoding"`
	URLs          []openSearchURL `xml:"Url"`
}

type openSearchURL struct {
	Type     string `xml:"type,attr"`
	Method   string `xml:"method,attr,omitempty"`
	Rel      string `xml:"rel,attr,omitempty"`
	Template string `xml:"template,attr"`
}

// cut is s cut to at most n runes.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// handleOpenSearch answers GET /opensearch.xml: the node as an OpenSearch
// 1.1 engine, with the web UI's search page (/?q=) for browsers and the
// JSON API's search (/search?q=, SearXNG's JSON shape) for programs. The
// templates name the host the request was sent to, which the guard
// checked (a loopback name or the listen address); in public mode, where
// the guard does not check Host, they name the listen address.
func (n *Node) handleOpenSearch(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if n.cfg.HTTPPublic || host == "" {
		host = n.HTTPAddr()
	}
	base := "http://" + host
	short, long := "p2pir", "p2pir peer-to-peer search"
	if name := n.server.Self().Name; name != "" {
		short, long = "p2pir "+name, "p2pir: "+name
	}
	doc := openSearchDescription{
		// The specification caps ShortName at 16 characters, LongName at 48.
		ShortName:     cut(short, 16),
		LongName:      cut(long, 48),
		Description:   "Search this p2pir node: its own index, its engines and its peers, ranked for you.",
		InputEncoding: "UTF-8",
		OutputEnc:     "UTF-8",
		URLs: []openSearchURL{
			{Type: "text/html", Method: "get", Template: base + "/?q={searchTerms}"},
			{Type: "application/json", Method: "get", Template: base + "/search?q={searchTerms}"},
			{Type: OpenSearchType, Rel: "self", Template: base + OpenSearchPath},
		},
	}
	raw, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Content-Type", OpenSearchType+"; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(raw)
	_, _ = w.Write([]byte("\n"))
}
