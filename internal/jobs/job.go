package jobs

import (
	"encoding/json"
	"slices"
	"time"
)

// States of a job.
const (
	// Queued: waiting for the jobs before it.
	Queued = "queued"
	// Running: the one job writing to the index now.
	Running = "running"
	// Done: finished; some files or pages may have failed (Errors).
	Done = "done"
	// Failed: could not run or stopped on an error (Message says which).
	Failed = "failed"
	// Interrupted: the node stopped while the job was queued or running.
	Interrupted = "interrupted"
	// Canceled: canceled by the person.
	Canceled = "canceled"
)

// Finished reports whether state is a final state.
func Finished(state string) bool {
	return state == Done || state == Failed || state == Interrupted || state == Canceled
}

// Triggers: what submitted a job.
const (
	// ByRequest: a person, through the API or the CLI.
	ByRequest = "request"
	// ByWatch: changes in a watched folder.
	ByWatch = "watch"
)

// Job is one job as the API shows it and JobsFile keeps it.
type Job struct {
	// ID is unique within the data directory: a decimal number, larger for
	// later jobs.
	ID string `json:"id"`
	// Kind is KindFolder or KindSite; Target the folder's path or the
	// site's URL.
	Kind   string `json:"kind"`
	Target string `json:"target"`
	// Spec is the job's full request, so that it can be run again.
	Spec Spec `json:"spec"`
	// Trigger is ByRequest or ByWatch.
	Trigger string `json:"trigger"`
	// State is Queued, Running, Done, Failed, Interrupted or Canceled.
	State string `json:"state"`

	// Done and Total count the files examined (Total -1 while the folder
	// is being listed) or, for a site, the pages fetched (Total -1: the
	// budget is an upper bound, not a count). Current is the file or page
	// being handled.
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Current string `json:"current,omitempty"`

	// Indexed counts documents written: files added or updated, pages
	// indexed.
	Indexed int `json:"indexed"`
	// Skipped counts files or pages left out on purpose (too large,
	// binary, robots.txt, ...).
	Skipped int `json:"skipped"`
	// Errors counts the files, folders or pages that failed; Failures
	// lists the first of them (at most Config.MaxFailures).
	Errors   int       `json:"errors"`
	Failures []Failure `json:"failures"`
	// Truncated lists the first files (at most Config.MaxFailures) whose
	// text was longer than the job's cap: their first part is indexed and
	// Error says how much (Report.Truncated counts them all). Not errors.
	Truncated []Failure `json:"truncated"`
	// Report is the crawler's full count, as the offline commands print it.
	Report Report `json:"report"`

	// QueuedAt, StartedAt and FinishedAt are when the job was submitted,
	// began and ended (zero: not yet; left out of the JSON).
	QueuedAt   time.Time `json:"queued_at"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// ElapsedMS is the running time so far, or in all once finished, in
	// milliseconds.
	ElapsedMS int64 `json:"elapsed_ms"`
	// Message says in words how the job ended, or why it is where it is.
	Message string `json:"message"`
	// IndexDocuments is the number of documents in the whole index when
	// the job ended.
	IndexDocuments uint64 `json:"index_documents,omitempty"`
}

// MarshalJSON leaves StartedAt and FinishedAt out until they happen.
func (j Job) MarshalJSON() ([]byte, error) {
	type plain Job // without this method
	return json.Marshal(struct {
		plain
		StartedAt  *time.Time `json:"started_at,omitempty"`
		FinishedAt *time.Time `json:"finished_at,omitempty"`
	}{plain(j), timeOrNil(j.StartedAt), timeOrNil(j.FinishedAt)})
}

// timeOrNil is &t, or nil for the zero time.
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// Failure is one file, folder or page a job could not use.
type Failure struct {
	// Path is the file or folder path, or the page URL.
	Path string `json:"path"`
	// Error says why.
	Error string `json:"error"`
}

// Report is what the crawler counted, in the words of the offline
// commands' summaries: for a folder, Added, Updated, Unchanged, Deleted
// and Skipped; for a site, Fetched, Indexed, Unchanged (pages the server
// answered "not modified"), Duplicates and Skipped.
type Report struct {
	Added      int `json:"added"`
	Updated    int `json:"updated"`
	Unchanged  int `json:"unchanged"`
	Deleted    int `json:"deleted"`
	Fetched    int `json:"fetched"`
	Indexed    int `json:"indexed"`
	Duplicates int `json:"duplicates"`
	Skipped    int `json:"skipped"`
	// Truncated counts the files indexed only in part (Job.Truncated).
	Truncated int `json:"truncated"`
}

// clone is a copy of j that shares nothing with it.
func (j *Job) clone() Job {
	c := *j
	c.Failures = slices.Clone(j.Failures)
	if c.Failures == nil {
		c.Failures = []Failure{}
	}
	c.Truncated = slices.Clone(j.Truncated)
	if c.Truncated == nil {
		c.Truncated = []Failure{}
	}
	c.Spec.Exclude = slices.Clone(j.Spec.Exclude)
	c.Spec.Extensions = slices.Clone(j.Spec.Extensions)
	c.Spec.AllowDomains = slices.Clone(j.Spec.AllowDomains)
	return c
}
