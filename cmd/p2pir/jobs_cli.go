package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/p2pir/p2pir/node"
)

// Handing "p2pir index" and "p2pir crawl" to a running node: the node
// runs the job (it holds the index), the command follows it through the
// API, draws its progress, and prints the summary and failures as the
// offline commands do, with their exit status. Ctrl-C cancels the job in
// the node.

// jobPoll is how often a followed job's state is asked for.
const jobPoll = 200 * time.Millisecond

// jobCallTimeout is the deadline of one call to the node's jobs API.
const jobCallTimeout = 10 * time.Second

// jobsCall makes one call to the running node's jobs API with a deadline
// (nodeCall); a refusal is the node's message, never a usage error: the
// command line was fine, what it named was not (a folder that does not
// exist exits 1, as offline).
func jobsCall(ctx context.Context, ri node.RunInfo, method, path string, body, out any) error {
	ctx, cancel := context.WithTimeout(ctx, jobCallTimeout)
	defer cancel()
	err := nodeCall(ctx, ri, method, path, nil, body, out)
	var ue usageError
	if errors.As(err, &ue) {
		return ue.error
	}
	return err
}

// nodeJobsRun hands specs to the node one job each, follows them in
// turn, and prints one summary over all of them, as the offline command
// prints one over all its PATHs or URLs. cmdName is "index" or "crawl".
func (a *app) nodeJobsRun(ctx context.Context, ri node.RunInfo, cmdName string, specs []jobs.Spec) error {
	var ids []string
	for _, s := range specs {
		var reply struct{ Job jobs.Job }
		// A submission is not cut short by Ctrl-C (only by its own
		// deadline): the node may have started the job already, and it
		// is canceled below rather than left running unknown to us.
		if err := jobsCall(context.WithoutCancel(ctx), ri, http.MethodPost, "/index/jobs", s, &reply); err != nil {
			return a.cancelJobs(ri, ids, fmt.Errorf("%s %s: %w", cmdName, s.Target(), err))
		}
		ids = append(ids, reply.Job.ID)
		if ctx.Err() != nil { // Ctrl-C while it was being handed over
			err := a.cancelJobs(ri, ids, errInterrupted)
			a.printJobsSummary(cmdName, a.finalJobs(ri, ids))
			return err
		}
	}
	fmt.Fprintf(a.stderr, "a node is running on this data directory (pid %d): it runs the %s (%s); Ctrl-C cancels\n", ri.PID, map[string]string{"index": "indexing", "crawl": "crawl"}[cmdName], countOf(len(ids), "job", "jobs"))
	var done []jobs.Job
	for i, id := range ids {
		j, err := a.followJob(ctx, ri, id, specs[i].Kind)
		if err != nil {
			err = a.cancelJobs(ri, ids[i:], err)
			done = append(done, a.finalJobs(ri, ids[i:])...)
			a.printJobsSummary(cmdName, done)
			return err
		}
		done = append(done, j)
	}
	a.printJobsSummary(cmdName, done)
	failed, worked := 0, 0
	for _, j := range done {
		switch j.State {
		case jobs.Done:
			failed += j.Errors
			if cmdName == "crawl" {
				worked += j.Report.Fetched
			} else {
				worked += j.Report.Added + j.Report.Updated + j.Report.Unchanged + j.Report.Deleted
			}
		default:
			return fmt.Errorf("%s %s: %s (%s)", cmdName, j.Target, j.State, j.Message)
		}
	}
	return itemsFailed(cmdName, failed, worked)
}

// itemsFailed is the outcome of an index or crawl run that finished, the
// same with a node or without: nil when no item failed; an error (exit 1)
// when items failed and none worked (nothing fetched, no file indexed or
// kept); a partialError (exit 3) when some failed and the rest is in the
// index. failed counts the failed files, folders or pages, worked the
// pages fetched (crawl) or the files added, updated, unchanged or deleted
// (index).
func itemsFailed(cmdName string, failed, worked int) error {
	if failed == 0 {
		return nil
	}
	if cmdName == "crawl" {
		if worked == 0 {
			return fmt.Errorf("nothing could be fetched: %s failed (listed above)", countOf(failed, "page", "pages"))
		}
		return partialError{fmt.Errorf("%s failed (listed above)", countOf(failed, "page", "pages"))}
	}
	if worked == 0 {
		return fmt.Errorf("nothing could be indexed: %s failed (listed above)", countOf(failed, "file or folder", "files or folders"))
	}
	return partialError{fmt.Errorf("%s could not be indexed (listed above); the index keeps what it held for them", countOf(failed, "file or folder", "files or folders"))}
}

// followJob polls job id until it finishes, drawing its progress, and
// returns it finished. It returns an error when ctx ends (Ctrl-C) or the
// node stops answering.
func (a *app) followJob(ctx context.Context, ri node.RunInfo, id, kind string) (jobs.Job, error) {
	var draw func(done, total int, current string)
	var finish func()
	last, final := jobs.Job{Done: -1}, jobs.Job{} // the last drawn, the finished
	if kind == jobs.KindSite {
		bar := newProgress(a.stderr, -1, "crawling")
		draw = func(done, _ int, current string) {
			bar.describe("crawling " + oneLine(current))
			bar.set(done)
		}
		finish = bar.finish
	} else {
		bar := crawler.TerminalProgress(a.stderr)
		drawn, complete := false, false
		draw = func(done, total int, current string) {
			bar(done, total, current)
			drawn, complete = true, total > 0 && done == total
		}
		// A job that ended between two polls: its bar is completed (the
		// crawler's bar ends its line then), or its line ended, so the
		// summary starts on a line of its own.
		finish = func() {
			switch {
			case !drawn || complete || !isTerminal(a.stderr):
			case last.Total > 0 && final.Done == final.Total && final.Total == last.Total:
				bar(final.Done, final.Total, "")
			default:
				fmt.Fprintln(a.stderr)
			}
		}
	}
	defer func() { finish() }()
	tick := time.NewTicker(jobPoll)
	defer tick.Stop()
	saidQueued, polls := false, 0
	for {
		polls++
		var reply struct{ Job jobs.Job }
		if err := jobsCall(ctx, ri, http.MethodGet, "/index/jobs/"+id, nil, &reply); err != nil {
			if ctx.Err() != nil {
				return jobs.Job{}, errInterrupted
			}
			return jobs.Job{}, err
		}
		j := reply.Job
		if jobs.Finished(j.State) {
			final = j
			return j, nil
		}
		if j.State == jobs.Queued && polls > 1 && !saidQueued { // still waiting after a poll interval
			fmt.Fprintf(a.stderr, "waiting for the node's jobs before this one (p2pir's API: GET /index/jobs)\n")
			saidQueued = true
		}
		if j.State == jobs.Running && (j.Done != last.Done || j.Total != last.Total || j.Current != last.Current) {
			draw(j.Done, j.Total, j.Current)
			last = j
		}
		select {
		case <-ctx.Done():
			return jobs.Job{}, errInterrupted
		case <-tick.C:
		}
	}
}

// cancelJobs cancels the jobs ids in the node (after Ctrl-C, or when
// following them failed) and returns cause, saying what was canceled.
func (a *app) cancelJobs(ri node.RunInfo, ids []string, cause error) error {
	ctx, cancel := context.WithTimeout(context.Background(), jobCallTimeout)
	defer cancel()
	n := 0
	for _, id := range ids {
		if jobsCall(ctx, ri, http.MethodPost, "/index/jobs/"+id+"/cancel", struct{}{}, nil) == nil {
			n++
		}
	}
	if n == 0 {
		return cause
	}
	return fmt.Errorf("%w; %s canceled in the node (what was indexed stays)", cause, countOf(n, "job", "jobs"))
}

// finalJobs waits a little for canceled jobs to end, and returns those
// that did, for the summary.
func (a *app) finalJobs(ri node.RunInfo, ids []string) []jobs.Job {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out []jobs.Job
	for _, id := range ids {
		for ctx.Err() == nil {
			var reply struct{ Job jobs.Job }
			if jobsCall(ctx, ri, http.MethodGet, "/index/jobs/"+id, nil, &reply) != nil {
				break
			}
			if jobs.Finished(reply.Job.State) {
				if reply.Job.StartedAt.IsZero() {
					break // never ran: nothing to count
				}
				out = append(out, reply.Job)
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(jobPoll):
			}
		}
	}
	return out
}

// printJobsSummary prints the failures and the summary of finished jobs
// in the offline commands' words; the time is the jobs' running time in
// the node.
func (a *app) printJobsSummary(cmdName string, js []jobs.Job) {
	var r jobs.Report
	var elapsed time.Duration
	errs, listed := 0, 0
	var docs uint64
	for _, j := range js {
		for _, f := range j.Failures {
			if cmdName == "crawl" {
				fmt.Fprintf(a.stderr, "p2pir: crawl: %s: %s\n", oneLine(f.Path), f.Error)
			} else {
				fmt.Fprintf(a.stderr, "p2pir: index: %s: %s\n", f.Path, f.Error)
			}
		}
		for _, f := range j.Truncated {
			// As offline: indexed in part is said, but is not an error.
			fmt.Fprintf(a.stderr, "p2pir: index: %s: %s\n", f.Path, f.Error)
		}
		errs += j.Errors
		listed += len(j.Failures)
		elapsed += time.Duration(j.ElapsedMS) * time.Millisecond
		r.Added += j.Report.Added
		r.Updated += j.Report.Updated
		r.Unchanged += j.Report.Unchanged
		r.Deleted += j.Report.Deleted
		r.Fetched += j.Report.Fetched
		r.Indexed += j.Report.Indexed
		r.Duplicates += j.Report.Duplicates
		r.Skipped += j.Report.Skipped
		if j.IndexDocuments > 0 {
			docs = j.IndexDocuments
		}
	}
	if errs > listed {
		fmt.Fprintf(a.stderr, "p2pir: %s: %s more failed; the node lists the first of each job's failures (p2pir's API: GET /index/jobs)\n", cmdName, countOf(errs-listed, "item", "items"))
	}
	if cmdName == "crawl" {
		fmt.Fprintf(a.stdout, "%d fetched, %d indexed, %d unchanged, %d duplicates, %d skipped, %d errors in %v\n",
			r.Fetched, r.Indexed, r.Unchanged, r.Duplicates, r.Skipped, errs, elapsed.Round(time.Millisecond))
		return
	}
	fmt.Fprintf(a.stdout, "%d added, %d updated, %d unchanged, %d deleted, %d skipped, %d errors in %v\n",
		r.Added, r.Updated, r.Unchanged, r.Deleted, r.Skipped, errs, elapsed.Round(time.Millisecond))
	if docs > 0 {
		fmt.Fprintf(a.stdout, "index %s holds %s\n", a.indexDir(), countOf(int(docs), "document", "documents"))
	}
}

// folderSpecs are the jobs of "p2pir index PATH..." for a node: each PATH
// made absolute and checked here, so that a missing one fails before any
// job is queued, as offline.
func folderSpecs(paths []string, base jobs.Spec) ([]jobs.Spec, error) {
	var out []jobs.Spec
	for _, p := range paths {
		abs, err := filepath.Abs(p)
		if err != nil {
			return nil, fmt.Errorf("index: %q: %w", p, err)
		}
		st, err := os.Stat(abs)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("index: %s does not exist", p)
		}
		if err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("index: %s is a file: with a node running, index the folder it is in (the node indexes folders)", p)
		}
		s := base
		s.Kind, s.Path = jobs.KindFolder, abs
		out = append(out, s)
	}
	return out, nil
}

// errNeedsNode is the refusal of --watch and --unwatch without a node.
var errNeedsNode = errors.New("--watch and --unwatch need a running node (p2pir node): the node watches folders while it runs")

// errInterrupted: the person interrupted the command (Ctrl-C).
var errInterrupted = errors.New("interrupted")
