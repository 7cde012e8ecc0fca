package jobs

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/share"
)

// Why a running job was canceled (Manager.canceled).
const (
	byPerson  = "person"
	byRemoval = "removal"
)

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
	m.saveJobsLocked() // a record that cannot be written is written at the next change (Warning says so meanwhile)
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
	j.Truncated = slices.Clone(out.Truncated[:min(len(out.Truncated), m.cfg.MaxFailures)])
	if j.Truncated == nil {
		j.Truncated = []Failure{}
	}
	if cerr == nil {
		j.IndexDocuments = count
	}
	reason := m.canceled[j.ID]
	switch {
	case reason == byRemoval:
		j.State, j.Message = Canceled, "canceled: its folder or site was removed from the index"
	case err == nil:
		j.State, j.Message = Done, summary(j)
	case reason == byPerson:
		j.State, j.Message = Canceled, "canceled while it ran; what it indexed before stays"
	case m.ctx.Err() != nil:
		j.State, j.Message = Interrupted, "the node stopped while this job ran; what it indexed stays, and running it again finishes the rest (indexing is incremental)"
	default:
		j.State, j.Message = Failed, plainMessage(err)
	}
	m.logEnd(j)
	delete(m.canceled, j.ID)
	m.running, m.cancelRun = nil, nil
	if reason != byRemoval { // a removed root is not put back
		m.roots = recordRun(m.roots, spec, now, j.State, j.Message, j.ID)
		m.noteWrite(RootsFile, saveRoots(m.cfg.DataDir, slices.Clone(m.roots)))
	}
	m.trimLocked()
	m.saveJobsLocked()
	m.mu.Unlock()
	if out.Report.Indexed+out.Report.Deleted > 0 || spec.Share {
		m.indexChanged()
	}
}

// logEnd logs a job that failed, or that finished with failures.
func (m *Manager) logEnd(j *Job) {
	log := logx.OrDiscard(m.cfg.Logger)
	switch {
	case j.State == Failed:
		log.Warn("an index or crawl job failed", logx.KeyEvent, logx.EventJobFailed, "job", j.ID, "kind", j.Spec.Kind, logx.KeyReason, j.Message)
	case j.Errors > 0 && len(j.Failures) > 0:
		log.Warn("a job could not read or fetch some files or pages", logx.KeyEvent, logx.EventJobErrors, "job", j.ID, "kind", j.Spec.Kind,
			"state", j.State, "errors", j.Errors, "first", j.Failures[0].Path, logx.KeyReason, j.Failures[0].Error)
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

// plainMessage is err's text without the package prefixes ("crawler: ",
// "index: ") that lead it, for people.
func plainMessage(err error) string {
	msg := err.Error()
	for {
		trimmed := strings.TrimPrefix(strings.TrimPrefix(msg, "crawler: "), "index: ")
		if trimmed == msg {
			return msg
		}
		msg = trimmed
	}
}

// summary is a finished job's message.
func summary(j *Job) string {
	r := j.Report
	var s string
	if j.Kind == KindSite {
		s = fmt.Sprintf("%d fetched, %d indexed, %d unchanged, %d duplicates, %d skipped, %d errors", r.Fetched, r.Indexed, r.Unchanged, r.Duplicates, r.Skipped, j.Errors)
	} else {
		s = fmt.Sprintf("%d added, %d updated, %d unchanged, %d deleted, %d skipped, %d errors", r.Added, r.Updated, r.Unchanged, r.Deleted, r.Skipped, j.Errors)
		if r.Truncated > 0 {
			s += fmt.Sprintf("; %s indexed in part (text over the cap)", countOf(r.Truncated, "file", "files"))
		}
	}
	if j.Errors > len(j.Failures) {
		s += fmt.Sprintf(" (the first %d failures are listed)", len(j.Failures))
	}
	return s
}
