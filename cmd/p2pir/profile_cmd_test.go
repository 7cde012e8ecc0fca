package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// p2pir profile says what peers can learn about the person for the
// current sharing setting: the typed terms of searches that go to peers
// always; the fingerprint and the liked web pages (files never) only with
// sharing on (issue 8, items 12 and 13).
func TestProfileSaysWhatPeersCanLearn(t *testing.T) {
	tests := []struct {
		name     string
		sharing  string
		wantHave []string
		wantNot  []string
	}{
		{
			name:    "sharing on",
			sharing: "on",
			wantHave: []string{
				"what peers can learn about you:",
				"the typed terms of searches that go to peers",
				"your fingerprint: 1024 numbers",
				"the URLs and titles of the 0 web pages you marked interested, to peers of your cluster",
			},
			wantNot: []string{"sharing is off", "nothing else"},
		},
		{
			name:     "sharing off",
			sharing:  "off",
			wantHave: []string{"what peers can learn about you:", "the typed terms of searches that go to peers", "sharing is off"},
			wantNot:  []string{"your fingerprint", "web pages you marked"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			mustRunCLI(t, dir, "index", "testdata/notes")
			r := mustRunCLI(t, dir, "search", "--json", "platypus")
			var resp struct {
				QueryID string `json:"query_id"`
				Results []struct {
					URL string `json:"url"`
				} `json:"results"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &resp); err != nil || len(resp.Results) == 0 {
				t.Fatalf("search: %v\n%s", err, r)
			}
			mustRunCLI(t, dir, "mark", resp.QueryID, resp.Results[0].URL, "+") // a file: never offered to peers
			out := mustRunCLI(t, dir, "profile", "--sharing", tc.sharing).stdout
			for _, s := range tc.wantHave {
				if !strings.Contains(out, s) {
					t.Errorf("profile lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.wantNot {
				if strings.Contains(out, s) {
					t.Errorf("profile says %q:\n%s", s, out)
				}
			}
		})
	}
}

// The help no longer claims that queries never leave the node, and says
// what peers receive.
func TestProfileHelpSaysWhatLeavesTheNode(t *testing.T) {
	help := strings.Join(strings.Fields(mustRunCLI(t, t.TempDir(), "profile", "--help").stdout), " ")
	for _, s := range []string{
		"What peers can learn about you",
		"the query terms as you typed them, never the terms p2pir adds from the documents you marked",
		"With sharing on: your fingerprint",
		"With sharing on: the URLs and titles of the documents you marked interested, sent to the peers of your cluster",
	} {
		if !strings.Contains(help, s) {
			t.Errorf("help lacks %q:\n%s", s, help)
		}
	}
	if strings.Contains(help, "queries and documents never do") || strings.Contains(help, "Only a fingerprint ever leaves") {
		t.Errorf("help still claims only a fingerprint leaves the node:\n%s", help)
	}
}
