package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/node"
)

// The text output of a search that asked peers ends with one line on what
// it cost the network; a search that asked none has no such line.
func TestSearchTextSumsUpThePeersCost(t *testing.T) {
	withPeers := clientagent.SearchTrace{Sources: []clientagent.SourceTrace{
		{Source: "local", Outcome: "answered"},
		{Source: "peers", Outcome: "answered", Network: &clientagent.NetworkTrace{PeersContacted: 3, Messages: 6, BytesSent: 4000, BytesReceived: 8000}},
	}}
	tests := []struct {
		name  string
		trace clientagent.SearchTrace
		want  string // "" = no peers line
	}{
		{"peers asked", withPeers, "peers: 3 asked, 6 messages, 12 kB"},
		{"no peers", clientagent.SearchTrace{Sources: []clientagent.SourceTrace{{Source: "local", Outcome: "answered"}}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			writeSearchText(&b, &clientagent.Response{QueryID: "q1", Results: []clientagent.Result{{Rank: 1}}, Trace: tc.trace}, searchStyle{})
			got := strings.Contains(b.String(), "peers:")
			if tc.want == "" && got {
				t.Fatalf("a peers line without peers:\n%s", b.String())
			}
			if tc.want != "" && !strings.Contains(b.String(), tc.want) {
				t.Fatalf("output lacks %q:\n%s", tc.want, b.String())
			}
		})
	}
}

// TestSearchTextShowsEngineAndPeerContent: a result with no snippet of
// ours (an engine's, a peer's) shows its content on one line, cut at a
// word near snippetChars, control bytes removed.
func TestSearchTextShowsEngineAndPeerContent(t *testing.T) {
	long := strings.Repeat("moraine debris ", 40)
	cut := long[:snippetChars]
	cut = cut[:strings.LastIndexByte(cut, ' ')]
	for _, tc := range []struct {
		name, content, want string
	}{
		{"short", "a moraine is\nglacial\x1b[31m debris", "    a moraine is glacial [31m debris\n"},
		{"long", long, "    " + cut + "…\n"},
	} {
		var b strings.Builder
		writeSearchText(&b, &clientagent.Response{QueryID: "q1", Results: []clientagent.Result{{Rank: 1, URL: "https://x.example/", Title: "X", Source: "searx", Content: tc.content}}}, searchStyle{})
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("%s: want %q in:\n%s", tc.name, tc.want, b.String())
		}
	}
}

// TestSearchTextShowsLanguageOfForeignDocuments: a document in another
// language than English says which after its title; English documents and
// results of unknown language (engines') say nothing.
func TestSearchTextShowsLanguageOfForeignDocuments(t *testing.T) {
	for _, tc := range []struct {
		name, lang string
		explain    bool
		want       string
	}{
		{"german", "de", false, " 1. Über Suchmaschinen [de]  (file)\n"},
		{"japanese, explained", "ja", true, " 1. Über Suchmaschinen [ja]  (score 0.5000, file)\n"},
		{"english", "en", false, " 1. Über Suchmaschinen  (file)\n"},
		{"unknown", "", false, " 1. Über Suchmaschinen  (file)\n"},
	} {
		var b strings.Builder
		res := clientagent.Result{Rank: 1, URL: "file:///notes/suche.md", Title: "Über Suchmaschinen", Source: "file", Score: 0.5, Lang: tc.lang}
		writeSearchText(&b, &clientagent.Response{QueryID: "q1", Results: []clientagent.Result{res}}, searchStyle{explain: tc.explain})
		if !strings.HasPrefix(b.String(), tc.want) {
			t.Errorf("%s: want %q first in:\n%s", tc.name, tc.want, b.String())
		}
	}
}

// TestNoResultsSaysWhereItLooked: a search that found nothing says what
// was searched and what peers cannot give (files in folders they do not
// share), and still names the sources that did not answer.
func TestNoResultsSaysWhereItLooked(t *testing.T) {
	for _, tc := range []struct {
		name    string
		sources []string
		want    string
	}{
		{"local only", []string{clientagent.LocalName}, "Only your own index was searched"},
		{"with peers", []string{clientagent.LocalName, node.PeersSource}, "a file only a peer has is found once its folder is shared"},
		{"with an engine", []string{clientagent.LocalName, "searx"}, "No results.  (query q1)\n    unresponsive: searx: down"},
	} {
		var b strings.Builder
		resp := &clientagent.Response{QueryID: "q1", Unresponsive: []clientagent.Unresponsive{{Engine: "searx", Error: "down"}}}
		for _, s := range tc.sources {
			resp.Trace.Sources = append(resp.Trace.Sources, clientagent.SourceTrace{Source: s})
		}
		writeSearchText(&b, resp, searchStyle{})
		if !strings.Contains(b.String(), tc.want) || !strings.Contains(b.String(), "unresponsive: searx: down") {
			t.Errorf("%s: want %q and the unresponsive engine in:\n%s", tc.name, tc.want, b.String())
		}
	}
}
