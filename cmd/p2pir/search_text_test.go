package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/clientagent"
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
