package jobs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestJSONIsSnakeCaseWithNullTimes: a job and a root in JSON have
// snake_case keys, times not yet reached as null, and read back as
// written (JobsFile and the CLI read what the API writes).
func TestJSONIsSnakeCaseWithNullTimes(t *testing.T) {
	q := time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)
	j := Job{ID: "7", Kind: KindFolder, Target: "/n", Spec: Spec{Kind: KindFolder, Path: "/n"}, State: Queued, Total: -1, Failures: []Failure{}, QueuedAt: q}
	raw, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(raw), `"started_at"`); n != 1 {
		t.Fatalf("started_at appears %d times: %s", n, raw)
	}
	for _, want := range []string{`"started_at":null`, `"finished_at":null`, `"queued_at":"2026-12-06T21:00:00Z"`, `"elapsed_ms":0`, `"failures":[]`} {
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
	if !strings.Contains(string(raw), `"last_run":null`) || !strings.Contains(string(raw), `"watched":true`) {
		t.Fatalf("root JSON: %s", raw)
	}
}
