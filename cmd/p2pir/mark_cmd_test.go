package main

import (
	"encoding/json"
	"reflect"
	"testing"
)

// sourceFigures runs "p2pir sources --json" and returns what each source
// has learned from marks.
func sourceFigures(t *testing.T, data string) map[string][3]float64 {
	t.Helper()
	r := mustRunCLI(t, data, "sources", "--json")
	var stats []struct {
		Name          string  `json:"name"`
		Precision     float64 `json:"precision"`
		Interested    int     `json:"interested"`
		NotInterested int     `json:"not_interested"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &stats); err != nil {
		t.Fatalf("sources --json: %v\n%s", err, r.stdout)
	}
	out := map[string][3]float64{}
	for _, s := range stats {
		out[s.Name] = [3]float64{s.Precision, float64(s.Interested), float64(s.NotInterested)}
	}
	return out
}

// TestMarkCountsOnceAndUndoRestoresSourcePrecision: through the command
// line, marking a result again replaces the earlier mark in what
// "p2pir sources" shows, and "p2pir mark --undo" restores the figures
// exactly as they were before the mark.
func TestMarkCountsOnceAndUndoRestoresSourcePrecision(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// marks are "+" or "-" on the first result, "undo" for --undo.
		marks []string
		// interested and notInterested are the local index's counts after.
		interested, notInterested float64
		// restored: the figures must equal those before any mark.
		restored bool
	}{
		{name: "+ twice counts once", marks: []string{"+", "+"}, interested: 1},
		{name: "+ then - counts as -", marks: []string{"+", "-"}, notInterested: 1},
		{name: "undo of + restores the figures", marks: []string{"+", "undo"}, restored: true},
		{name: "undo of a replacing - brings back the +", marks: []string{"+", "-", "undo"}, interested: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, data := indexedNotes(t)
			r := mustRunCLI(t, data, "search", "--json", "platypus", "eggs")
			var out struct {
				QueryID string   `json:"query_id"`
				Results []gotHit `json:"results"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || out.QueryID == "" || len(out.Results) == 0 {
				t.Fatalf("test premise: a search with results and a query ID: %v\n%s", err, r.stdout)
			}
			before := sourceFigures(t, data)
			for _, m := range tc.marks {
				if m == "undo" {
					mustRunCLI(t, data, "mark", "--undo")
				} else {
					mustRunCLI(t, data, "mark", out.QueryID, out.Results[0].URL, m)
				}
			}
			after := sourceFigures(t, data)
			if tc.restored {
				if !reflect.DeepEqual(after, before) {
					t.Errorf("sources after undo %v, want exactly the figures before the mark %v", after, before)
				}
				return
			}
			local, ok := after["local"]
			if !ok {
				t.Fatalf("no figures for the local index: %v", after)
			}
			if local[1] != tc.interested || local[2] != tc.notInterested {
				t.Errorf("local index: %v interested, %v not interested; want %v and %v", local[1], local[2], tc.interested, tc.notInterested)
			}
		})
	}
}
