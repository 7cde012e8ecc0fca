package jobs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/share"
)

// JobsFile is the record of jobs, in the data directory.
const JobsFile = "jobs.json"

// Config tunes a Manager. Zero fields take the documented defaults.
type Config struct {
	// DataDir holds JobsFile, RootsFile and the shared-folders list.
	// Required.
	DataDir string
	// Index is the index jobs write to. Required. The manager is its
	// only writer while it runs.
	Index *index.Index
	// Keep is how many finished jobs are remembered. Default 50.
	Keep int
	// MaxFailures is how many failures a job lists (Job.Failures; Errors
	// counts them all). Default 100.
	MaxFailures int
	// MaxQueued is the most jobs waiting at once; Submit refuses more.
	// Default 1000.
	MaxQueued int
	// Debounce is how long a watched folder must be quiet after a change
	// before its job is submitted: a burst of changes is one job.
	// Default 1s.
	Debounce time.Duration
	// MaxWatches is the most folders watched at once, over all watched
	// roots (each is one inotify watch on Linux). Default 8192.
	MaxWatches int
	// Run runs a job. Default RunSpec.
	Run Runner
	// OnChange, if set, is called after a job or a removal that may have
	// changed the index (once for a burst of them), from a goroutine of
	// its own, so jobs do not wait for it; its context ends at Close. The
	// node rebuilds its collection summary so peers see the change.
	OnChange func(ctx context.Context)
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Keep <= 0 {
		c.Keep = 50
	}
	if c.MaxFailures <= 0 {
		c.MaxFailures = 100
	}
	if c.MaxQueued <= 0 {
		c.MaxQueued = 1000
	}
	if c.Debounce <= 0 {
		c.Debounce = time.Second
	}
	if c.MaxWatches <= 0 {
		c.MaxWatches = 8192
	}
	if c.Run == nil {
		c.Run = RunSpec
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Manager queues jobs and runs them one at a time. Its methods are safe
// for concurrent use.
type Manager struct {
	cfg Config

	mu        sync.Mutex
	jobs      []*Job // oldest first
	nextID    int
	roots     []Root
	running   *Job
	cancelRun context.CancelFunc
	canceled  map[string]bool // running jobs the person canceled
	closed    bool
	recovered error

	// writing is held (one token) while the index is written: a job
	// runs, or a root's documents are deleted. A channel, so a removal
	// can give up waiting when its context ends.
	writing chan struct{}

	wake chan struct{}
	// changed is signalled after the index changed; the notifier calls
	// Config.OnChange, once for a burst, beside the job loop so the next
	// job does not wait for it.
	changed      chan struct{}
	notifierDone chan struct{}
	ctx          context.Context
	stop         context.CancelFunc
	done         chan struct{}
	w            *watcher
}

// jobsRecord is the content of JobsFile.
type jobsRecord struct {
	NextID int    `json:"next_id"`
	Jobs   []*Job `json:"jobs"`
}

// New opens the record in cfg.DataDir and starts the manager: jobs left
// queued or running by a previous run become Interrupted (with a message
// saying so), and watched folders are watched again. A damaged record is
// set aside and the manager starts afresh without it (Recovered says
// what happened); the index is not touched.
func New(cfg Config) (*Manager, error) {
	if cfg.DataDir == "" || cfg.Index == nil {
		return nil, errors.New("jobs: a data directory and an index are required")
	}
	cfg = cfg.withDefaults()
	m := &Manager{cfg: cfg, canceled: map[string]bool{}, wake: make(chan struct{}, 1), done: make(chan struct{}), writing: make(chan struct{}, 1),
		changed: make(chan struct{}, 1), notifierDone: make(chan struct{})}
	now := cfg.Now()
	rec, jerr := readRecord[jobsRecord](filepath.Join(cfg.DataDir, JobsFile), now)
	if jerr != nil && !isDamaged(jerr) {
		return nil, fmt.Errorf("jobs: %w", jerr)
	}
	roots, rerr := LoadRoots(cfg.DataDir)
	if rerr != nil && !isDamaged(rerr) {
		return nil, fmt.Errorf("jobs: %w", rerr)
	}
	m.recovered = errors.Join(jerr, rerr)
	m.roots = roots
	m.nextID = max(rec.NextID, 1)
	for _, j := range rec.Jobs {
		if j == nil || j.ID == "" {
			continue
		}
		if id, err := strconv.Atoi(j.ID); err == nil && id >= m.nextID {
			m.nextID = id + 1
		}
		switch j.State {
		case Queued:
			j.State, j.FinishedAt = Interrupted, now
			j.Message = "the node stopped before this job ran; run it again"
		case Running:
			j.State, j.FinishedAt = Interrupted, now
			j.Message = "the node stopped while this job ran; what it indexed stays, and running it again finishes the rest (indexing is incremental)"
			if !j.StartedAt.IsZero() {
				j.ElapsedMS = 0 // unknown: the node stopped at some moment after the last record
			}
		}
		if j.Failures == nil {
			j.Failures = []Failure{}
		}
		m.jobs = append(m.jobs, j)
	}
	m.trimLocked()
	if err := m.saveJobsLocked(); err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	if rerr != nil {
		if err := saveRoots(cfg.DataDir, slices.Clone(m.roots)); err != nil {
			return nil, fmt.Errorf("jobs: %w", err)
		}
	}
	w, err := newWatcher(cfg.DataDir, cfg.MaxWatches, cfg.Debounce, m.watchFired)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	m.w = w
	for _, r := range m.roots {
		if r.Kind == KindFolder && r.Watched {
			w.add(r.Spec)
		}
	}
	m.ctx, m.stop = context.WithCancel(context.Background())
	go m.loop()
	go m.notifier()
	// Changes made while no node watched are found by one incremental
	// run of each watched folder.
	for _, r := range slices.Clone(m.roots) {
		if r.Kind == KindFolder && r.Watched {
			spec := r.Spec
			spec.Share, spec.Watch = false, false
			_, _ = m.Submit(spec, ByWatch) // a folder gone since: the job fails and says so
		}
	}
	return m, nil
}

// Recovered is the problem New met with the record, if any (wrapping
// ErrDamaged): the damaged file was set aside and a new record started.
func (m *Manager) Recovered() error { return m.recovered }

// Submit queues a job for spec (see Spec.Check) and returns it. With
// spec.Watch the folder is watched from now on. trigger is ByRequest or
// ByWatch; a job by a watch is not queued twice: while one for the same
// root waits, that one is returned.
func (m *Manager) Submit(spec Spec, trigger string) (Job, error) {
	spec, err := spec.Check()
	if err != nil {
		return Job{}, err
	}
	if trigger == "" {
		trigger = ByRequest
	}
	m.mu.Lock()
	j, err := m.submitLocked(spec, trigger)
	m.mu.Unlock()
	if err == nil && spec.Watch {
		m.w.add(spec) // walks the folder: not under m.mu
	}
	return j, err
}

func (m *Manager) submitLocked(spec Spec, trigger string) (Job, error) {
	if m.closed {
		return Job{}, ErrClosed
	}
	queued := 0
	for _, j := range m.jobs {
		if j.State != Queued {
			continue
		}
		queued++
		if trigger == ByWatch && sameRoot(j.Spec, spec) {
			return j.clone(), nil
		}
	}
	if queued >= m.cfg.MaxQueued {
		return Job{}, fmt.Errorf("%w: %d jobs are waiting already; wait for some to finish", ErrBusy, queued)
	}
	j := &Job{ID: strconv.Itoa(m.nextID), Kind: spec.Kind, Target: spec.Target(), Spec: spec, Trigger: trigger,
		State: Queued, Total: -1, Failures: []Failure{}, QueuedAt: m.cfg.Now()}
	m.nextID++
	m.jobs = append(m.jobs, j)
	if err := m.saveJobsLocked(); err != nil {
		m.jobs = m.jobs[:len(m.jobs)-1]
		return Job{}, fmt.Errorf("jobs: %w", err)
	}
	if spec.Watch {
		if err := m.setWatchedLocked(spec, true); err != nil {
			return j.clone(), err
		}
	}
	select {
	case m.wake <- struct{}{}:
	default:
	}
	return j.clone(), nil
}

// Get returns the job with this ID.
func (m *Manager) Get(id string) (Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if j := m.findLocked(id); j != nil {
		return m.viewLocked(j), nil
	}
	return Job{}, fmt.Errorf("%w: no job %q", ErrNotFound, id)
}

// List returns the jobs, newest first.
func (m *Manager) List() []Job {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Job, 0, len(m.jobs))
	for i := len(m.jobs) - 1; i >= 0; i-- {
		out = append(out, m.viewLocked(m.jobs[i]))
	}
	return out
}

// Cancel cancels a job: a queued one at once, a running one as soon as
// its crawler sees it (what it indexed so far stays). A finished job
// gives ErrFinished.
func (m *Manager) Cancel(id string) (Job, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	j := m.findLocked(id)
	switch {
	case j == nil:
		return Job{}, fmt.Errorf("%w: no job %q", ErrNotFound, id)
	case Finished(j.State):
		return m.viewLocked(j), fmt.Errorf("%w: job %s is %s", ErrFinished, id, j.State)
	case j.State == Queued:
		j.State, j.FinishedAt, j.Message = Canceled, m.cfg.Now(), "canceled before it ran"
		m.trimLocked()
		if err := m.saveJobsLocked(); err != nil {
			return m.viewLocked(j), fmt.Errorf("jobs: %w", err)
		}
	case j == m.running:
		m.canceled[j.ID] = true
		m.cancelRun()
	}
	return m.viewLocked(j), nil
}

// Close stops the manager: the running job is stopped and, with the
// queued ones, recorded as Interrupted; watching stops. It returns when
// the running job has let go of the index.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	m.mu.Unlock()
	m.w.close()
	m.stop()
	<-m.done
	<-m.notifierDone
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.cfg.Now()
	for _, j := range m.jobs {
		if j.State == Queued {
			j.State, j.FinishedAt, j.Message = Interrupted, now, "the node stopped before this job ran; run it again"
		}
	}
	return m.saveJobsLocked()
}

// loop runs queued jobs one at a time, oldest first, until Close.
func (m *Manager) loop() {
	defer close(m.done)
	for {
		m.mu.Lock()
		var next *Job
		for _, j := range m.jobs {
			if j.State == Queued {
				next = j
				break
			}
		}
		m.mu.Unlock()
		if next == nil {
			select {
			case <-m.wake:
				continue
			case <-m.ctx.Done():
				return
			}
		}
		if m.ctx.Err() != nil {
			return
		}
		m.run(next)
	}
}

// run runs one job, holding the index's writing.
func (m *Manager) run(j *Job) {
	select {
	case m.writing <- struct{}{}:
	case <-m.ctx.Done():
		return
	}
	ctx, cancel := context.WithCancel(m.ctx)
	defer cancel()
	m.mu.Lock()
	if j.State != Queued { // canceled meanwhile
		m.mu.Unlock()
		<-m.writing
		return
	}
	j.State, j.StartedAt = Running, m.cfg.Now()
	m.running, m.cancelRun = j, cancel
	spec := j.Spec
	_ = m.saveJobsLocked() // a record that cannot be written is retried at the next change
	m.mu.Unlock()

	var out Outcome
	var err error
	if spec.Share {
		if _, _, serr := share.Add(m.cfg.DataDir, spec.Path); serr != nil {
			err = fmt.Errorf("could not share the folder: %w", serr)
		}
	}
	if err == nil {
		out, err = m.cfg.Run(ctx, m.cfg.Index, spec, func(done, total int, current string) {
			m.mu.Lock()
			j.Done, j.Total, j.Current = done, total, current
			m.mu.Unlock()
		})
	}
	count, cerr := m.cfg.Index.Count()
	<-m.writing

	m.mu.Lock()
	now := m.cfg.Now()
	j.FinishedAt, j.ElapsedMS, j.Current = now, now.Sub(j.StartedAt).Milliseconds(), ""
	j.Report = out.Report
	j.Indexed, j.Skipped, j.Errors = out.Report.Indexed, out.Report.Skipped, len(out.Failures)
	j.Failures = slices.Clone(out.Failures[:min(len(out.Failures), m.cfg.MaxFailures)])
	if j.Failures == nil {
		j.Failures = []Failure{}
	}
	if cerr == nil {
		j.IndexDocuments = count
	}
	switch {
	case err == nil:
		j.State, j.Message = Done, summary(j)
	case m.canceled[j.ID]:
		j.State, j.Message = Canceled, "canceled while it ran; what it indexed before stays"
	case m.ctx.Err() != nil:
		j.State, j.Message = Interrupted, "the node stopped while this job ran; what it indexed stays, and running it again finishes the rest (indexing is incremental)"
	default:
		j.State, j.Message = Failed, err.Error()
	}
	delete(m.canceled, j.ID)
	m.running, m.cancelRun = nil, nil
	m.roots = recordRun(m.roots, spec, now, j.State, j.Message, j.ID)
	_ = saveRoots(m.cfg.DataDir, slices.Clone(m.roots))
	m.trimLocked()
	_ = m.saveJobsLocked()
	m.mu.Unlock()
	if out.Report.Indexed+out.Report.Deleted > 0 || spec.Share {
		m.indexChanged()
	}
}

// indexChanged has the notifier call Config.OnChange soon.
func (m *Manager) indexChanged() {
	select {
	case m.changed <- struct{}{}:
	default: // one is pending already: it will see this change too
	}
}

// notifier calls Config.OnChange after changes, until Close.
func (m *Manager) notifier() {
	defer close(m.notifierDone)
	for {
		select {
		case <-m.changed:
			if m.cfg.OnChange != nil {
				m.cfg.OnChange(m.ctx)
			}
		case <-m.ctx.Done():
			return
		}
	}
}

// summary is a finished job's message.
func summary(j *Job) string {
	r := j.Report
	var s string
	if j.Kind == KindSite {
		s = fmt.Sprintf("%d fetched, %d indexed, %d duplicates, %d skipped, %d errors", r.Fetched, r.Indexed, r.Duplicates, r.Skipped, j.Errors)
	} else {
		s = fmt.Sprintf("%d added, %d updated, %d unchanged, %d deleted, %d skipped, %d errors", r.Added, r.Updated, r.Unchanged, r.Deleted, r.Skipped, j.Errors)
	}
	if j.Errors > len(j.Failures) {
		s += fmt.Sprintf(" (the first %d failures are listed)", len(j.Failures))
	}
	return s
}

// viewLocked is a copy of j for callers, with the running time so far.
func (m *Manager) viewLocked(j *Job) Job {
	c := j.clone()
	if j.State == Running {
		c.ElapsedMS = m.cfg.Now().Sub(j.StartedAt).Milliseconds()
	}
	return c
}

func (m *Manager) findLocked(id string) *Job {
	for _, j := range m.jobs {
		if j.ID == id {
			return j
		}
	}
	return nil
}

// trimLocked forgets the oldest finished jobs beyond Keep.
func (m *Manager) trimLocked() {
	finished := 0
	for _, j := range m.jobs {
		if Finished(j.State) {
			finished++
		}
	}
	if finished <= m.cfg.Keep {
		return
	}
	drop := finished - m.cfg.Keep
	m.jobs = slices.DeleteFunc(m.jobs, func(j *Job) bool {
		if drop > 0 && Finished(j.State) {
			drop--
			return true
		}
		return false
	})
}

func (m *Manager) saveJobsLocked() error {
	jobs := m.jobs
	if jobs == nil {
		jobs = []*Job{}
	}
	return writeAtomic(filepath.Join(m.cfg.DataDir, JobsFile), jobsRecord{NextID: m.nextID, Jobs: jobs})
}
