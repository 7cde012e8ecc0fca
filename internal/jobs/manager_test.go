package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"github.com/p2pir/p2pir/internal/testenv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
)

// copyNotes copies testdata/notes to a new folder and returns its path.
func copyNotes(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "notes")
	if err := os.CopyFS(dst, os.DirFS("testdata/notes")); err != nil {
		t.Fatal(err)
	}
	return dst
}

// openIndex opens a real bleve index in dir/index.
func openIndex(t *testing.T, dir string) *index.Index {
	t.Helper()
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// newManager starts a manager over a new data directory and index.
func newManager(t *testing.T, cfg Config) (*Manager, *index.Index) {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Index == nil {
		cfg.Index = openIndex(t, cfg.DataDir)
	}
	m, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m, cfg.Index
}

// waitState waits until job id reaches a finished state and returns it.
func waitFinished(t *testing.T, m *Manager, id string) Job {
	t.Helper()
	var j Job
	testenv.WaitFor(t, "job "+id+" to finish", 60*time.Second, func() bool {
		var err error
		j, err = m.Get(id)
		return err == nil && Finished(j.State)
	})
	return j
}

// gate wraps the real runner: each run announces its start on started
// and waits for release (or its context) before indexing for real. It
// counts how many runs overlap.
type gate struct {
	started chan string
	release chan struct{}

	mu             sync.Mutex
	now, maxAtOnce int
}

func newGate() *gate {
	return &gate{started: make(chan string, 16), release: make(chan struct{}, 16)}
}

func (g *gate) run(ctx context.Context, ix *index.Index, spec Spec, p ProgressFunc) (Outcome, error) {
	g.mu.Lock()
	g.now++
	g.maxAtOnce = max(g.maxAtOnce, g.now)
	g.mu.Unlock()
	defer func() { g.mu.Lock(); g.now--; g.mu.Unlock() }()
	g.started <- spec.Path
	select {
	case <-g.release:
	case <-ctx.Done():
	}
	return RunSpec(ctx, ix, spec, p)
}

func folder(p string) Spec { return Spec{Kind: KindFolder, Path: p} }

func TestJobsRunOneAtATimeInTheOrderQueued(t *testing.T) {
	g := newGate()
	var changes atomic.Int32
	m, ix := newManager(t, Config{Run: g.run, OnChange: func(context.Context) { changes.Add(1) }})
	dirs := []string{copyNotes(t), copyNotes(t), copyNotes(t)}
	var ids []string
	for _, d := range dirs {
		j, err := m.Submit(folder(d), ByRequest)
		if err != nil {
			t.Fatal(err)
		}
		if j.State != Queued || j.Target != d || j.Kind != KindFolder {
			t.Fatalf("submitted job %+v: want queued for %s", j, d)
		}
		ids = append(ids, j.ID)
	}
	for i, d := range dirs {
		if got := <-g.started; got != d {
			t.Fatalf("run %d was %s, want %s (the order queued)", i, got, d)
		}
		// While one runs, the later ones wait.
		if j, _ := m.Get(ids[i]); j.State != Running {
			t.Fatalf("job %s is %s, want running", ids[i], j.State)
		}
		for _, later := range ids[i+1:] {
			if j, _ := m.Get(later); j.State != Queued {
				t.Fatalf("job %s is %s while %s runs, want queued", later, j.State, ids[i])
			}
		}
		g.release <- struct{}{}
		j := waitFinished(t, m, ids[i])
		if j.State != Done || j.Done != 3 || j.Total != 3 || j.Indexed != 3 || j.Report.Added != 3 || j.Errors != 0 {
			t.Fatalf("job %s: %+v; want done with 3 of 3 files examined and added", ids[i], j)
		}
		if j.StartedAt.IsZero() || j.FinishedAt.Before(j.StartedAt) || j.Message != "3 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 0 errors" {
			t.Fatalf("job %s: times %v..%v, message %q", ids[i], j.StartedAt, j.FinishedAt, j.Message)
		}
	}
	testenv.WaitFor(t, "OnChange after the jobs that indexed", 60*time.Second, func() bool { return changes.Load() >= 1 })
	if g.maxAtOnce != 1 {
		t.Fatalf("%d jobs ran at once, want 1", g.maxAtOnce)
	}
	if n, _ := ix.Count(); n != 9 {
		t.Fatalf("index holds %d documents, want 9", n)
	}
	list := m.List()
	if len(list) != 3 || list[0].ID != ids[2] || list[2].ID != ids[0] {
		t.Fatalf("List gave %d jobs starting with %s, want newest first", len(list), list[0].ID)
	}
}

func TestProgressIsLiveWhileAJobRuns(t *testing.T) {
	progressed := make(chan struct{})
	release := make(chan struct{})
	// The real runner, held after its first progress report.
	run := func(ctx context.Context, ix *index.Index, spec Spec, p ProgressFunc) (Outcome, error) {
		first := true
		return RunSpec(ctx, ix, spec, func(done, total int, current string) {
			p(done, total, current)
			if first && total > 0 {
				first = false
				close(progressed)
				<-release
			}
		})
	}
	m, _ := newManager(t, Config{Run: run})
	j, err := m.Submit(folder(copyNotes(t)), ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	<-progressed
	mid, _ := m.Get(j.ID)
	if mid.State != Running || mid.Done != 1 || mid.Total != 3 || mid.Current == "" {
		t.Fatalf("mid-run job: state %s, %d of %d, current %q; want running, 1 of 3, a file", mid.State, mid.Done, mid.Total, mid.Current)
	}
	close(release)
	if end := waitFinished(t, m, j.ID); end.Done != 3 || end.Current != "" {
		t.Fatalf("finished job: %d done, current %q", end.Done, end.Current)
	}
}

func TestCancelAQueuedAndARunningJob(t *testing.T) {
	g := newGate()
	m, ix := newManager(t, Config{Run: g.run})
	a, _ := m.Submit(folder(copyNotes(t)), ByRequest)
	b, _ := m.Submit(folder(copyNotes(t)), ByRequest)
	<-g.started // a runs, b waits

	if j, err := m.Cancel(b.ID); err != nil || j.State != Canceled {
		t.Fatalf("cancel queued: %+v, %v", j, err)
	}
	if _, err := m.Cancel(a.ID); err != nil {
		t.Fatal(err)
	}
	ja := waitFinished(t, m, a.ID)
	if ja.State != Canceled || !strings.Contains(ja.Message, "canceled") {
		t.Fatalf("canceled running job: %s %q", ja.State, ja.Message)
	}
	if _, err := m.Cancel(a.ID); !errors.Is(err, ErrFinished) {
		t.Fatalf("cancel a finished job: %v, want ErrFinished", err)
	}
	if _, err := m.Cancel("999"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("cancel an unknown job: %v, want ErrNotFound", err)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Fatalf("index holds %d documents after both jobs were canceled before indexing", n)
	}
	// b never ran: the next job to start is a new one.
	c, _ := m.Submit(folder(copyNotes(t)), ByRequest)
	if got := <-g.started; got != c.Target {
		t.Fatalf("after the cancels %s ran, want %s", got, c.Target)
	}
	g.release <- struct{}{}
	waitFinished(t, m, c.ID)
}

// TestJobsOfACrashedNodeAreReportedInterrupted: the record on disk as a
// crash leaves it (one job running, one queued) is read by the next
// manager, which reports both interrupted in words; running the folder
// again finishes it incrementally.
func TestJobsOfACrashedNodeAreReportedInterrupted(t *testing.T) {
	g := newGate()
	m, _ := newManager(t, Config{Run: g.run})
	notes := copyNotes(t)
	a, _ := m.Submit(folder(notes), ByRequest)
	b, _ := m.Submit(folder(copyNotes(t)), ByRequest)
	<-g.started
	// The crash: the record as it is on disk now, in a data directory
	// the crashed manager never touches again.
	raw, err := os.ReadFile(filepath.Join(m.cfg.DataDir, JobsFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, JobsFile), raw, 0o600); err != nil {
		t.Fatal(err)
	}

	m2, ix2 := newManager(t, Config{DataDir: dir})
	ja, _ := m2.Get(a.ID)
	jb, _ := m2.Get(b.ID)
	if ja.State != Interrupted || !strings.Contains(ja.Message, "stopped while this job ran") {
		t.Fatalf("running job after a crash: %s %q", ja.State, ja.Message)
	}
	if jb.State != Interrupted || !strings.Contains(jb.Message, "stopped before this job ran") {
		t.Fatalf("queued job after a crash: %s %q", jb.State, jb.Message)
	}
	again, err := m2.Submit(ja.Spec, ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	if again.ID == a.ID || again.ID == b.ID {
		t.Fatalf("new job reuses ID %s", again.ID)
	}
	if j := waitFinished(t, m2, again.ID); j.State != Done || j.Report.Added != 3 {
		t.Fatalf("re-run: %+v", j)
	}
	if n, _ := ix2.Count(); n != 3 {
		t.Fatalf("index holds %d after the re-run, want 3", n)
	}
}

// TestADamagedRecordIsSetAsideAndTheIndexKept: garbage in JobsFile and
// RootsFile gives a clear error from Recovered, the files kept aside, a
// fresh record, and the index as it was.
func TestADamagedRecordIsSetAsideAndTheIndexKept(t *testing.T) {
	dir := t.TempDir()
	ix := openIndex(t, dir)
	if _, err := crawler.IndexFiles(context.Background(), ix, crawler.DefaultFilesConfig(), copyNotes(t)); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{JobsFile, RootsFile} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(`{"jobs": [{"id": "1", "sta`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	m, _ := newManager(t, Config{DataDir: dir, Index: ix})
	err := m.Recovered()
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "could not be read") || !strings.Contains(err.Error(), "index is untouched") {
		t.Fatalf("Recovered() = %v, want a damaged-record error in words", err)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, "*.damaged-*"))
	if len(aside) != 2 {
		t.Fatalf("set aside %v, want the jobs and roots files", aside)
	}
	if len(m.List()) != 0 {
		t.Fatalf("a fresh record lists %d jobs", len(m.List()))
	}
	if n, _ := ix.Count(); n != 3 {
		t.Fatalf("index holds %d documents, want the 3 it had", n)
	}
	j, err := m.Submit(folder(copyNotes(t)), ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	if j := waitFinished(t, m, j.ID); j.State != Done {
		t.Fatalf("job after recovery: %+v", j)
	}
	if _, err := os.Stat(filepath.Join(dir, JobsFile)); err != nil {
		t.Fatalf("no new record: %v", err)
	}
}

func TestOnlyTheLastFinishedJobsAreKept(t *testing.T) {
	m, _ := newManager(t, Config{Keep: 2})
	notes := copyNotes(t)
	var last string
	for range 4 {
		j, err := m.Submit(folder(notes), ByRequest)
		if err != nil {
			t.Fatal(err)
		}
		waitFinished(t, m, j.ID)
		last = j.ID
	}
	list := m.List()
	if len(list) != 2 || list[0].ID != last {
		t.Fatalf("kept %d jobs, newest %q; want 2, newest %s", len(list), list[0].ID, last)
	}
	if list[0].Report.Unchanged != 3 {
		t.Fatalf("a re-run of the same folder: %+v, want 3 unchanged (incremental)", list[0].Report)
	}
}

func TestRootsAreCountedAndRemovedWithTheirDocuments(t *testing.T) {
	m, ix := newManager(t, Config{})
	keep, gone := copyNotes(t), copyNotes(t)
	for _, d := range []string{keep, gone} {
		j, _ := m.Submit(folder(d), ByRequest)
		waitFinished(t, m, j.ID)
	}
	web := []index.Document{
		{ID: "https://example.org/a", URL: "https://example.org/a", Title: "A", Body: "page a", Source: index.SourceWeb},
		{ID: "https://docs.example.org/b", URL: "https://docs.example.org/b", Title: "B", Body: "page b", Source: index.SourceWeb},
		{ID: "https://other.net/c", URL: "https://other.net/c", Title: "C", Body: "page c", Source: index.SourceWeb},
	}
	if err := ix.Index(context.Background(), web); err != nil {
		t.Fatal(err)
	}
	if err := RecordRun(m.cfg.DataDir, Spec{Kind: KindSite, URL: "https://www.example.org/"}, time.Now(), Done, "offline"); err != nil {
		t.Fatal(err)
	}
	// The offline record is the registry's file; a new manager reads it.
	m.Close()
	m, _ = newManager(t, Config{DataDir: m.cfg.DataDir, Index: ix})

	roots, err := m.Roots(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{keep: 3, gone: 3, "https://www.example.org/": 2}
	if len(roots) != len(want) {
		t.Fatalf("roots %+v, want %v", roots, want)
	}
	for _, r := range roots {
		if n, ok := want[r.Target()]; !ok || r.Documents != n {
			t.Errorf("root %s has %d documents, want %d", r.Target(), r.Documents, n)
		}
		if r.Kind == KindFolder && (r.LastOutcome != Done || r.LastRun.IsZero() || r.LastJob == "") {
			t.Errorf("folder root %+v: want its last run recorded", r)
		}
	}

	// A folder inside gone is a root of its own: it goes with gone.
	inner, _ := m.Submit(folder(filepath.Join(gone, "sub")), ByRequest)
	waitFinished(t, m, inner.ID)
	rm, err := m.Remove(context.Background(), KindFolder, gone)
	if err != nil || rm.Deleted != 3 {
		t.Fatalf("remove %s: %+v, %v", gone, rm, err)
	}
	rm, err = m.Remove(context.Background(), KindSite, "https://www.example.org/")
	if err != nil || rm.Deleted != 2 {
		t.Fatalf("remove the site: %+v, %v", rm, err)
	}
	if n, _ := ix.Count(); n != 4 { // keep's 3 and other.net's page
		t.Fatalf("index holds %d documents after the removals, want 4", n)
	}
	for _, id := range []string{crawler.FileURL(filepath.Join(gone, "kangaroo.txt")), "https://example.org/a"} {
		if _, ok, _ := ix.Get(context.Background(), id); ok {
			t.Errorf("%s is still in the index", id)
		}
	}
	roots, _ = m.Roots(context.Background())
	if len(roots) != 1 || roots[0].Path != keep {
		t.Fatalf("roots after the removals: %+v, want only %s", roots, keep)
	}
	if _, err := m.Remove(context.Background(), KindFolder, gone); !errors.Is(err, ErrNotFound) {
		t.Fatalf("removing it again: %v, want ErrNotFound", err)
	}
	if _, err := m.Remove(context.Background(), KindFolder, "notes"); !errors.Is(err, ErrBadSpec) {
		t.Fatalf("a relative path: %v, want ErrBadSpec", err)
	}
}

// TestARemovalWaitsForTheRunningJobOfAnotherRoot: the index has one
// writer; a removal gives up with ErrBusy when its context ends first,
// and succeeds once the job is done.
func TestARemovalWaitsForTheRunningJobOfAnotherRoot(t *testing.T) {
	g := newGate()
	m, ix := newManager(t, Config{Run: g.run})
	first, second := copyNotes(t), copyNotes(t)
	j, _ := m.Submit(folder(first), ByRequest)
	<-g.started
	g.release <- struct{}{}
	waitFinished(t, m, j.ID)
	j, _ = m.Submit(folder(second), ByRequest)
	<-g.started // holds the index

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := m.Remove(ctx, KindFolder, first); !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "try again") {
		t.Fatalf("remove while another job runs: %v, want ErrBusy", err)
	}
	if n, _ := ix.CountURLPrefix(context.Background(), folderPrefix(first)); n != 3 {
		t.Fatalf("a refused removal deleted documents: %d left of 3", n)
	}
	g.release <- struct{}{}
	waitFinished(t, m, j.ID)
	if rm, err := m.Remove(context.Background(), KindFolder, first); err != nil || rm.Deleted != 3 {
		t.Fatalf("remove after the job: %+v %v", rm, err)
	}
}

// TestRemovingARootWhileItsJobRuns: the job is canceled, saying why, its
// documents leave the index and the root is not put back when the job
// ends.
func TestRemovingARootWhileItsJobRuns(t *testing.T) {
	g := newGate()
	m, ix := newManager(t, Config{Run: g.run})
	notes := copyNotes(t)
	done, _ := m.Submit(folder(notes), ByRequest)
	<-g.started
	g.release <- struct{}{}
	waitFinished(t, m, done.ID)
	j, _ := m.Submit(folder(notes), ByRequest) // runs until canceled
	<-g.started
	rm, err := m.Remove(context.Background(), KindFolder, notes)
	if err != nil || rm.Deleted != 3 || len(rm.Canceled) != 1 || rm.Canceled[0] != j.ID {
		t.Fatalf("remove while its job runs: %+v, %v", rm, err)
	}
	end := waitFinished(t, m, j.ID)
	if end.State != Canceled || !strings.Contains(end.Message, "removed from the index") {
		t.Fatalf("the job of a removed root: %s %q", end.State, end.Message)
	}
	if roots, _ := m.Roots(context.Background()); len(roots) != 0 {
		t.Fatalf("roots after the removal: %+v, want none", roots)
	}
	if n, _ := ix.Count(); n != 0 {
		t.Fatalf("index holds %d documents after the removal", n)
	}
}

func TestSpecCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		spec Spec
		want string // "" for valid
	}{
		{"folder", Spec{Kind: KindFolder, Path: dir + "/."}, ""},
		{"site", Spec{Kind: KindSite, URL: "https://example.org/docs/", Depth: 3}, ""},
		{"extension without its dot", Spec{Kind: KindFolder, Path: dir, Extensions: []string{"txt"}}, ""},
		{"no kind", Spec{Path: dir}, "kind must be"},
		{"relative", Spec{Kind: KindFolder, Path: "notes"}, "absolute path"},
		{"missing", Spec{Kind: KindFolder, Path: filepath.Join(dir, "nope")}, "does not exist"},
		{"a file", Spec{Kind: KindFolder, Path: file}, "is not a folder"},
		{"folder with crawl options", Spec{Kind: KindFolder, Path: dir, Depth: 2}, "are for a site"},
		{"folder allowing private addresses", Spec{Kind: KindFolder, Path: dir, AllowPrivate: true}, "are for a site"},
		{"site allowing private addresses", Spec{Kind: KindSite, URL: "http://wiki.lan/", AllowPrivate: true}, ""},
		{"site with file options", Spec{Kind: KindSite, URL: "https://example.org/", Watch: true}, "are for a folder"},
		{"ftp", Spec{Kind: KindSite, URL: "ftp://example.org/"}, "http or https URL"},
		{"negative", Spec{Kind: KindSite, URL: "https://example.org/", MaxPages: -1}, "negative"},
		{"no extension in the list", Spec{Kind: KindFolder, Path: dir, Extensions: []string{" ", "."}}, "lists no extension"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.spec.Check()
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Check: %v", err)
			case c.want == "" && got.Kind == KindFolder && got.Path != dir:
				t.Fatalf("path kept as %q, want %q", got.Path, dir)
			case c.want != "" && (!errors.Is(err, ErrBadSpec) || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("Check: %v, want ErrBadSpec saying %q", err, c.want)
			}
		})
	}
}

// TestFailuresAreBoundedButCounted: every failure counts in Errors, only
// MaxFailures are listed.
func TestFailuresAreBoundedButCounted(t *testing.T) {
	m, _ := newManager(t, Config{MaxFailures: 2})
	dir := t.TempDir()
	for _, name := range []string{"a.pdf", "b.pdf", "c.pdf"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("%PDF-1.4 broken"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	j, _ := m.Submit(folder(dir), ByRequest)
	j = waitFinished(t, m, j.ID)
	if j.State != Done || j.Errors != 3 || len(j.Failures) != 2 || j.Failures[0].Path == "" || j.Failures[0].Error == "" {
		t.Fatalf("job with 3 broken files: %s, %d errors, failures %+v", j.State, j.Errors, j.Failures)
	}
	if !strings.Contains(j.Message, "the first 2 failures are listed") {
		t.Fatalf("message %q does not say the list is cut", j.Message)
	}
}

// TestAnUnwritableRecordIsReportedAndRecovered: when JobsFile cannot be
// written, Submit says so and queues nothing, Warning tells the person,
// and once it can be written again all is well.
func TestAnUnwritableRecordIsReportedAndRecovered(t *testing.T) {
	m, _ := newManager(t, Config{})
	record := filepath.Join(m.cfg.DataDir, JobsFile)
	if err := os.Remove(record); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(record, "in-the-way"), 0o700); err != nil { // rename cannot replace it
		t.Fatal(err)
	}
	notes := copyNotes(t)
	if _, err := m.Submit(folder(notes), ByRequest); err == nil || !strings.Contains(err.Error(), JobsFile) {
		t.Fatalf("Submit with an unwritable record: %v, want an error naming %s", err, JobsFile)
	}
	if len(m.List()) != 0 {
		t.Fatalf("a job was queued although it could not be recorded: %+v", m.List())
	}
	if w := m.Warning(); w == nil || !strings.Contains(w.Error(), "could not be written") {
		t.Fatalf("Warning() = %v", w)
	}
	if err := os.RemoveAll(record); err != nil {
		t.Fatal(err)
	}
	j, err := m.Submit(folder(notes), ByRequest)
	if err != nil {
		t.Fatal(err)
	}
	waitFinished(t, m, j.ID)
	if w := m.Warning(); w != nil {
		t.Fatalf("Warning() after the record was written again: %v", w)
	}
}

// TestTruncatedFilesAreListed: a file whose text is over the index's cap
// is indexed in part, not failed; the job lists it (bounded like the
// failures), counts it in its report and says so in its message.
func TestTruncatedFilesAreListed(t *testing.T) {
	dataDir := t.TempDir()
	icfg := index.DefaultConfig()
	icfg.MaxDocBytes = 4096
	ix, err := index.Open(filepath.Join(dataDir, "index"), icfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	m, _ := newManager(t, Config{DataDir: dataDir, Index: ix, MaxFailures: 2})
	dir := t.TempDir()
	big := strings.Repeat("a long line of words about bridges and rivers\n", 200) // 9,400 bytes
	for _, name := range []string{"big1.txt", "big2.txt", "big3.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(big), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "small.txt"), []byte("a short note about rivers"), 0o600); err != nil {
		t.Fatal(err)
	}
	j, _ := m.Submit(folder(dir), ByRequest)
	j = waitFinished(t, m, j.ID)
	if j.State != Done || j.Errors != 0 || j.Indexed != 4 {
		t.Fatalf("job: %s, %d indexed, %d errors (%+v), want done, 4 indexed, no errors", j.State, j.Indexed, j.Errors, j.Failures)
	}
	if j.Report.Truncated != 3 || len(j.Truncated) != 2 {
		t.Fatalf("job: %d truncated, listed %+v; want 3 counted, the first 2 listed", j.Report.Truncated, j.Truncated)
	}
	for _, f := range j.Truncated {
		if !strings.HasPrefix(filepath.Base(f.Path), "big") || !strings.Contains(f.Error, "first part is indexed") {
			t.Errorf("truncated entry %+v: want a big file and why", f)
		}
	}
	if !strings.Contains(j.Message, "3 files indexed in part") {
		t.Errorf("message %q does not say files were indexed in part", j.Message)
	}
	b, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"truncated":[{"path":`) {
		t.Errorf("JSON %s has no truncated list", b)
	}
}
