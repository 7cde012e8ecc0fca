package jobs

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
)

// JobsFile is the record of jobs, in the data directory.
const JobsFile = "jobs.json"

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
	canceled  map[string]string // running jobs canceled: byPerson or byRemoval
	closed    bool
	recovered error
	// writeErrs are the latest failures to write JobsFile and RootsFile,
	// by file name (gone once a write succeeds again).
	writeErrs map[string]error

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
		return nil, errors.New("indexing jobs need a data directory and an index")
	}
	cfg = cfg.withDefaults()
	m := &Manager{cfg: cfg, canceled: map[string]string{}, wake: make(chan struct{}, 1), done: make(chan struct{}), writing: make(chan struct{}, 1),
		changed: make(chan struct{}, 1), notifierDone: make(chan struct{})}
	now := cfg.Now()
	rec, jerr := readRecord[jobsRecord](filepath.Join(cfg.DataDir, JobsFile), now)
	if jerr != nil && !isDamaged(jerr) {
		return nil, fmt.Errorf("the record of indexing jobs: %w", jerr)
	}
	roots, rerr := LoadRoots(cfg.DataDir)
	if rerr != nil && !isDamaged(rerr) {
		return nil, fmt.Errorf("the record of indexed folders and sites: %w", rerr)
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
		return nil, fmt.Errorf("the record of indexing jobs: %w", err)
	}
	if rerr != nil {
		if err := saveRoots(cfg.DataDir, slices.Clone(m.roots)); err != nil {
			return nil, fmt.Errorf("the record of indexed folders and sites: %w", err)
		}
	}
	w, err := newWatcher(cfg.DataDir, cfg.MaxWatches, cfg.Debounce, m.watchFired)
	if err != nil {
		return nil, err
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
			_, _ = m.Submit(spec, ByWatch) // a folder gone since is refused here; its root's watch note says it is missing
		}
	}
	return m, nil
}

// Recovered is the problem New met with the record, if any (wrapping
// ErrDamaged): the damaged file was set aside and a new record started.
func (m *Manager) Recovered() error { return m.recovered }

// Warning is what the person should know about the record: Recovered's
// problem, and the latest failure to write JobsFile or RootsFile (the
// jobs run on, and the record is written again at the next change).
func (m *Manager) Warning() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return errors.Join(m.recovered, m.writeErrs[JobsFile], m.writeErrs[RootsFile])
}

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
		return Job{}, fmt.Errorf("the job was not queued: its record could not be written: %w", err)
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
			return m.viewLocked(j), fmt.Errorf("the job was canceled, but its record could not be written: %w", err)
		}
	case j == m.running:
		m.canceled[j.ID] = byPerson
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
	err := writeAtomic(filepath.Join(m.cfg.DataDir, JobsFile), jobsRecord{NextID: m.nextID, Jobs: jobs})
	m.noteWrite(JobsFile, err)
	return err
}

// noteWrite keeps the outcome of a write of file for Warning (m.mu held).
func (m *Manager) noteWrite(file string, err error) {
	if err == nil {
		delete(m.writeErrs, file)
		return
	}
	if m.writeErrs == nil {
		m.writeErrs = map[string]error{}
	}
	m.writeErrs[file] = fmt.Errorf("%s could not be written (%w); jobs go on, and it is written again at the next change", file, err)
}
