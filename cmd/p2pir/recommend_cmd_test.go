package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/serveragent"
	"github.com/p2pir/p2pir/serveragent/recommend"
)

// p2pir recommend reads the node's answer (serveragent.Recommendations as
// the API encodes it) and says how many people liked each document: one
// per peer, not one per mark.
func TestRecommendOutputCountsPeople(t *testing.T) {
	tests := []struct {
		name string
		rec  serveragent.Recommendations
		want []string
	}{
		{
			name: "one peer is one person",
			rec:  serveragent.Recommendations{Items: []recommend.Item{{URL: "https://a.example/", Title: "A", Score: 0.5, Peers: []string{"p2pq"}, People: 1}}},
			want: []string{" 1. A\n    https://a.example/  (0.50, liked by 1 person)\n"},
		},
		{
			name: "two peers are two people, and a failed peer is named",
			rec: serveragent.Recommendations{
				Items:        []recommend.Item{{URL: "https://b.example/", Title: "B", Score: 1.25, Peers: []string{"p2pq", "p2pr"}, People: 2}},
				Unresponsive: []serveragent.Unresponsive{{NodeID: "p2ps", Reason: "deadline exceeded"}},
			},
			want: []string{"(1.25, liked by 2 people)", "unresponsive: p2ps: deadline exceeded"},
		},
		{
			name: "nothing to recommend",
			rec:  serveragent.Recommendations{},
			want: []string{"No recommendations yet"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := json.Marshal(tc.rec)
			if err != nil {
				t.Fatal(err)
			}
			var rec recommendations
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			writeRecommendations(&out, rec)
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
