package jobs

import (
	"context"
	"errors"
	"github.com/p2pir/p2pir/internal/testenv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/crawler"
)

// TestAWatchedFolderStaysCurrent: a file created in a watched folder, or
// in a new subfolder of it, becomes searchable; a deleted one leaves the
// index. Each step waits on the index, not on time.
func TestAWatchedFolderStaysCurrent(t *testing.T) {
	m, ix := newManager(t, Config{Debounce: 20 * time.Millisecond})
	notes := copyNotes(t)
	spec := folder(notes)
	spec.Watch = true
	j, err := m.Submit(spec, ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	waitFinished(t, m, j.ID)
	watched := func(n int) func() bool {
		return func() bool {
			roots, _ := m.Roots(context.Background())
			return len(roots) == 1 && roots[0].Watched && roots[0].WatchedFolders == n
		}
	}
	testenv.WaitFor(t, "notes and notes/sub to be watched", 60*time.Second, watched(2))
	has := func(path string, want bool) func() bool {
		return func() bool {
			_, ok, err := ix.Get(context.Background(), crawler.FileURL(path))
			return err == nil && ok == want
		}
	}
	platypus := filepath.Join(notes, "platypus.txt")
	if err := os.WriteFile(platypus, []byte("Platypus notes: the platypus lays eggs."), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the new file to be indexed", 60*time.Second, has(platypus, true))

	deep := filepath.Join(notes, "new", "deeper")
	if err := os.MkdirAll(deep, 0o700); err != nil {
		t.Fatal(err)
	}
	quoll := filepath.Join(deep, "quoll.txt")
	if err := os.WriteFile(quoll, []byte("Quoll notes: the quoll hunts at night."), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "a file in a new subfolder to be indexed", 60*time.Second, has(quoll, true))
	testenv.WaitFor(t, "the new subfolders to be watched", 60*time.Second, watched(4))

	if err := os.Remove(platypus); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the deleted file to leave the index", 60*time.Second, has(platypus, false))
	for _, j := range m.List() {
		if j.Trigger == ByWatch && j.State == Failed {
			t.Fatalf("a watch job failed: %+v", j)
		}
	}

	// Watching survives a restart: a change made while no manager ran is
	// found by the run at start, and the folder is watched again.
	m.Close()
	wombat := filepath.Join(notes, "wombat.md")
	if err := os.Remove(wombat); err != nil {
		t.Fatal(err)
	}
	m2, _ := newManager(t, Config{DataDir: m.cfg.DataDir, Index: ix, Debounce: 20 * time.Millisecond})
	testenv.WaitFor(t, "a file deleted while stopped to leave the index", 60*time.Second, has(wombat, false))
	testenv.WaitFor(t, "the restarted manager to watch the folder", 60*time.Second, func() bool {
		roots, _ := m2.Roots(context.Background())
		return len(roots) == 1 && roots[0].WatchedFolders == 4
	})
	kangaroo := filepath.Join(notes, "kangaroo.txt")
	if err := os.Remove(kangaroo); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "a file deleted after the restart to leave the index", 60*time.Second, has(kangaroo, false))

	if _, err := m2.Unwatch(notes); err != nil {
		t.Fatal(err)
	}
	if roots, _ := m2.Roots(context.Background()); roots[0].Watched || roots[0].WatchedFolders != 0 {
		t.Fatalf("after unwatch: %+v", roots[0])
	}
	if _, err := m2.Unwatch(notes); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unwatch twice: %v, want ErrNotFound", err)
	}
}

func TestWatchingStopsAtTheLimitWithANote(t *testing.T) {
	m, _ := newManager(t, Config{MaxWatches: 1})
	notes := copyNotes(t)
	spec := folder(notes)
	spec.Watch = true
	j, err := m.Submit(spec, ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	waitFinished(t, m, j.ID)
	roots, err := m.Roots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 1 || roots[0].WatchedFolders != 1 || !strings.Contains(roots[0].WatchNote, "at most 1 folders") {
		t.Fatalf("root %+v: want 1 folder watched and a note on the limit", roots)
	}
}
