package jobs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestJSONIsSnakeCaseWithoutUnknownTimes: a job and a root in JSON have
// snake_case keys, times not yet reached left out (not null), empty lists
// as [], and read back as written (JobsFile and the CLI read what the API
// writes).
func TestJSONIsSnakeCaseWithoutUnknownTimes(t *testing.T) {
	q := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	j := Job{ID: "7", Kind: KindFolder, Target: "/n", Spec: Spec{Kind: KindFolder, Path: "/n"}, State: Queued, Total: -1, Failures: []Failure{}, QueuedAt: q}
	j = j.clone() // as the API answers: lists never nil
	raw, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{`"started_at"`, `"finished_at"`, `null`} {
		if strings.Contains(string(raw), absent) {
			t.Errorf("job JSON has %s: %s", absent, raw)
		}
	}
	for _, want := range []string{`"queued_at":"2026-12-06T21:00:00Z"`, `"elapsed_ms":0`, `"failures":[]`, `"truncated":[]`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("job JSON lacks %s: %s", want, raw)
		}
	}
	j.StartedAt, j.FinishedAt, j.State = q.Add(time.Second), q.Add(2*time.Second), Done
	raw, _ = json.Marshal(j)
	var back Job
	if err := json.Unmarshal(raw, &back); err != nil || !back.StartedAt.Equal(j.StartedAt) || !back.FinishedAt.Equal(j.FinishedAt) || back.State != Done {
		t.Fatalf("read back %+v (%v) from %s", back, err, raw)
	}
	for _, bad := range []string{"StartedAt", "QueuedAt", "Failures"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("job JSON has a Go field name %s: %s", bad, raw)
		}
	}
	raw, _ = json.Marshal(Root{Kind: KindFolder, Path: "/n", Watched: true})
	if strings.Contains(string(raw), `"last_run"`) || !strings.Contains(string(raw), `"watched":true`) {
		t.Fatalf("root JSON: %s", raw)
	}
}
