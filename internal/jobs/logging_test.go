package jobs

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/logx/logxtest"
)

// A job whose site cannot be reached fails, and a job with files that
// cannot be read finishes with failures: each is logged at warn with the
// job, its kind and the reason (for failures, the count and the first).
func TestFailedJobsAndFailuresAreLogged(t *testing.T) {
	rec, logger := logxtest.New(slog.LevelInfo)
	m, _ := newManager(t, Config{Logger: logger})

	dir := t.TempDir()
	for _, name := range []string{"a.pdf", "b.pdf"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("%PDF-1.4 broken"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j, err := m.Submit(folder(dir), ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	j = waitFinished(t, m, j.ID)
	lines := rec.Event(logx.EventJobErrors)
	if j.State != Done || len(lines) != 1 || lines[0].Level != slog.LevelWarn || lines[0].Attrs["errors"] != "2" ||
		lines[0].Attrs["job"] != j.ID || lines[0].Attrs["first"] == "" || lines[0].Attrs[logx.KeyReason] == "" {
		t.Fatalf("job %s with 2 broken files logged %v", j.State, lines)
	}

	site, err := m.Submit(Spec{Kind: KindSite, URL: "http://127.0.0.1:1/"}, ByRequest) // nothing listens on port 1
	if err != nil {
		t.Fatal(err)
	}
	site = waitFinished(t, m, site.ID)
	if l := rec.Event(logx.EventJobErrors); site.Errors != 1 || len(l) != 2 || l[1].Attrs["kind"] != KindSite || l[1].Attrs["first"] != "http://127.0.0.1:1/" {
		t.Fatalf("site job %s (%q) logged %v", site.State, site.Message, l)
	}

	// A job whose run fails (the runner is the manager's own seam; here
	// it reports what a full disk would).
	rec2, logger2 := logxtest.New(slog.LevelInfo)
	failing, _ := newManager(t, Config{Logger: logger2, Run: func(context.Context, *index.Index, Spec, ProgressFunc) (Outcome, error) {
		return Outcome{}, errors.New("writing the index: no space left on device")
	}})
	fj, err := failing.Submit(folder(dir), ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	fj = waitFinished(t, failing, fj.ID)
	if l := rec2.Event(logx.EventJobFailed); fj.State != Failed || len(l) != 1 || l[0].Attrs["job"] != fj.ID || l[0].Attrs[logx.KeyReason] == "" {
		t.Fatalf("failed job (%s) logged %v", fj.State, l)
	}
}
