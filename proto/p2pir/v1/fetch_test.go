package p2pirv1

import (
	"strings"
	"testing"
)

func TestFetchDocumentRequestValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validFetchDocumentRequest, []vcase[*FetchDocumentRequest]{
		{"a well-formed request is accepted", func(r *FetchDocumentRequest) {}, ""},
		{"a doc ID at the cap", func(r *FetchDocumentRequest) { r.DocId = strings.Repeat("a", MaxDocIDBytes) }, ""},
		{"missing asker", func(r *FetchDocumentRequest) { r.Asker = nil }, "FetchDocumentRequest.asker: missing"},
		{"asker without node ID", func(r *FetchDocumentRequest) { r.Asker.NodeId = "" }, "FetchDocumentRequest.asker.node_id: empty"},
		{"empty doc ID", func(r *FetchDocumentRequest) { r.DocId = "" }, "FetchDocumentRequest.doc_id: empty"},
		{"doc ID over the cap", func(r *FetchDocumentRequest) { r.DocId = strings.Repeat("a", MaxDocIDBytes+1) }, "FetchDocumentRequest.doc_id: 65 bytes"},
		{"a path as doc ID", func(r *FetchDocumentRequest) { r.DocId = "../../etc/passwd" }, "FetchDocumentRequest.doc_id"},
		{"a file URL as doc ID", func(r *FetchDocumentRequest) { r.DocId = "file:///home/me/diary.txt" }, "FetchDocumentRequest.doc_id"},
		{"a space in the doc ID", func(r *FetchDocumentRequest) { r.DocId = "a b" }, "FetchDocumentRequest.doc_id"},
		{"a NUL in the doc ID", func(r *FetchDocumentRequest) { r.DocId = "a\x00b" }, "FetchDocumentRequest.doc_id"},
	})
}

func TestFetchDocumentResponseValidateRefusesWhatTheContractForbids(t *testing.T) {
	runValidate(t, validFetchDocumentResponse, []vcase[*FetchDocumentResponse]{
		{"a well-formed response is accepted", func(r *FetchDocumentResponse) {}, ""},
		{"an empty document is a document", func(r *FetchDocumentResponse) { r.Title, r.Text, r.Size, r.ModifiedUnixMs = "", "", 0, 0 }, ""},
		{"text at the cap", func(r *FetchDocumentResponse) { r.Text = strings.Repeat("t", MaxDocumentTextBytes) }, ""},
		{"missing responder", func(r *FetchDocumentResponse) { r.Node = nil }, "FetchDocumentResponse.node: missing"},
		{"empty doc ID", func(r *FetchDocumentResponse) { r.DocId = "" }, "FetchDocumentResponse.doc_id: empty"},
		{"title over the cap", func(r *FetchDocumentResponse) { r.Title = strings.Repeat("T", MaxTitleBytes+1) }, "FetchDocumentResponse.title: 513 bytes"},
		{"text over the cap", func(r *FetchDocumentResponse) { r.Text = strings.Repeat("t", MaxDocumentTextBytes+1) }, "FetchDocumentResponse.text: 524289 bytes"},
		{"text not UTF-8", func(r *FetchDocumentResponse) { r.Text = "caf\xe9" }, "FetchDocumentResponse.text: not UTF-8"},
		{"negative size", func(r *FetchDocumentResponse) { r.Size = -1 }, "FetchDocumentResponse.size: -1"},
		{"size over the cap", func(r *FetchDocumentResponse) { r.Size = MaxDocumentSize + 1 }, "FetchDocumentResponse.size"},
		{"negative modification time", func(r *FetchDocumentResponse) { r.ModifiedUnixMs = -5 }, "FetchDocumentResponse.modified_unix_ms: -5"},
		{"modification time over the cap", func(r *FetchDocumentResponse) { r.ModifiedUnixMs = MaxUnixMS + 1 }, "FetchDocumentResponse.modified_unix_ms"},
	})
}

func TestFetchDocumentResponseValidateForTiesTheAnswerToItsRequest(t *testing.T) {
	req := validFetchDocumentRequest()
	if err := validFetchDocumentResponse().ValidateFor(req); err != nil {
		t.Fatalf("the answer to its own request refused: %v", err)
	}
	other := validFetchDocumentResponse()
	other.DocId = "another-document"
	checkVerdict(t, other.ValidateFor(req), `FetchDocumentResponse.doc_id: "another-document" answers a request for`)
	broken := validFetchDocumentResponse()
	broken.Size = -1
	checkVerdict(t, broken.ValidateFor(req), "FetchDocumentResponse.size")
}

// TestSharedDocumentLinksInResults checks a result may carry a p2pir://
// link to a document its finder shares, only in the canonical form and
// only pointing at the finder itself.
func TestSharedDocumentLinksInResults(t *testing.T) {
	link := SharedDocURL("bob", "k3v9q0x7")
	runValidate(t, validSearchResponse, []vcase[*SearchResponse]{
		{"a link to the finder's shared document", func(r *SearchResponse) { r.Results[0].Url = link }, ""},
		{"a link relayed from another finder", func(r *SearchResponse) {
			r.Results[1].Url = SharedDocURL("carol", "abc")
		}, ""},
		{"a link to a node other than the finder", func(r *SearchResponse) { r.Results[1].Url = link }, `links to node "bob", not to the finder "carol"`},
		{"a link with a path for doc ID", func(r *SearchResponse) { r.Results[0].Url = "p2pir://bob/doc/../../etc/passwd" }, `scheme "p2pir"`},
		{"a link with a query", func(r *SearchResponse) { r.Results[0].Url = link + "?x=1" }, `scheme "p2pir"`},
		{"a link to something else than a document", func(r *SearchResponse) { r.Results[0].Url = "p2pir://bob/peers" }, `scheme "p2pir"`},
		{"a link without doc ID", func(r *SearchResponse) { r.Results[0].Url = "p2pir://bob/doc/" }, `scheme "p2pir"`},
		{"a link with a port", func(r *SearchResponse) { r.Results[0].Url = "p2pir://bob:80/doc/x" }, `scheme "p2pir"`},
		{"the same link twice", func(r *SearchResponse) {
			r.Results[0].Url = link
			r.Results[2].Url, r.Results[2].NodeId = link, "bob"
		}, "SearchResponse.results[2].url"},
		{"a link with a title over the cap", func(r *SearchResponse) {
			r.Results[0].Url, r.Results[0].Title = link, strings.Repeat("T", MaxTitleBytes+1)
		}, "SearchResponse.results[0].title: 513 bytes"},
	})
	rec := validRecommendResponse()
	rec.Recommendations[0].Url = link
	checkVerdict(t, rec.Validate(), `scheme "p2pir"`) // recommendations are web pages only
}

func TestSharedDocURLRoundTrips(t *testing.T) {
	cases := []struct {
		url       string
		node, doc string
		ok        bool
	}{
		{SharedDocURL("p2p1abcdefghijklmnopqrstuvwxyz", "Ab-9_z"), "p2p1abcdefghijklmnopqrstuvwxyz", "Ab-9_z", true},
		{"p2pir://n/doc/d", "n", "d", true},
		{"https://n/doc/d", "", "", false},
		{"p2pir://n/doc/d/e", "", "", false},
		{"p2pir://n/doc/d%2F", "", "", false},
		{"p2pir://n/docs/d", "", "", false},
		{"p2pir:///doc/d", "", "", false},
		{"p2pir://a@n/doc/d", "", "", false},
		{"p2pir://n/doc/d#f", "", "", false},
		{"P2PIR://n/doc/d", "", "", false},
		{"p2pir://n/doc/" + strings.Repeat("d", MaxDocIDBytes+1), "", "", false},
	}
	for _, tc := range cases {
		node, doc, ok := ParseSharedDocURL(tc.url)
		if node != tc.node || doc != tc.doc || ok != tc.ok {
			t.Errorf("ParseSharedDocURL(%q) = %q, %q, %v; want %q, %q, %v", tc.url, node, doc, ok, tc.node, tc.doc, tc.ok)
		}
	}
}
