package jobs

import (
	"context"
	"errors"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
)

// Outcome is what one run of a job did.
type Outcome struct {
	// Report is the crawler's count.
	Report Report
	// Failures are every file, folder or page that failed.
	Failures []Failure
	// Truncated are the files whose text was longer than the job's cap:
	// their first part is indexed, the rest left out.
	Truncated []Failure
}

// ProgressFunc receives a running job's progress: done items of total
// (-1 while unknown) and the item being handled.
type ProgressFunc func(done, total int, current string)

// Runner runs one job's spec against the index, reporting progress, and
// returns what it did; the error is non-nil when the run could not go on
// (its Outcome then counts what was done before). Runners are called one
// at a time.
type Runner func(ctx context.Context, ix *index.Index, spec Spec, progress ProgressFunc) (Outcome, error)

// RunSpec is the Runner of real jobs: the files crawler for a folder
// (crawler.IndexFiles, incremental; a file's text over the index's
// MaxDocBytes is cut to it and listed in Outcome.Truncated), the web
// crawler for a site (crawler.Crawl).
func RunSpec(ctx context.Context, ix *index.Index, spec Spec, progress ProgressFunc) (Outcome, error) {
	switch spec.Kind {
	case KindFolder:
		cfg := spec.FilesConfig()
		cfg.Progress = crawler.Progress(progress)
		// A text over the index's cap is cut to it and listed as
		// truncated, rather than refused by the index as an error.
		cfg.MaxTextBytes = ix.Config().MaxDocBytes
		rep, err := crawler.IndexFiles(ctx, ix, cfg, spec.Path)
		out := Outcome{Report: Report{Added: rep.Added, Updated: rep.Updated, Unchanged: rep.Unchanged, Deleted: rep.Deleted,
			Indexed: rep.Added + rep.Updated, Skipped: rep.Skipped}}
		for _, e := range rep.Errors {
			out.Failures = append(out.Failures, Failure{Path: e.Path, Error: e.Err.Error()})
		}
		for _, e := range rep.Truncated {
			out.Truncated = append(out.Truncated, Failure{Path: e.Path, Error: e.Err.Error()})
		}
		out.Report.Truncated = len(rep.Truncated)
		return out, err
	case KindSite:
		cfg := spec.WebConfig()
		cfg.Progress = crawler.Progress(progress)
		rep, err := crawler.Crawl(ctx, ix, cfg, spec.URL)
		out := Outcome{Report: Report{Fetched: rep.Fetched, Indexed: rep.Indexed, Unchanged: rep.Unchanged, Duplicates: rep.Duplicates, Skipped: rep.Skipped}}
		for _, e := range rep.Errors {
			out.Failures = append(out.Failures, Failure{Path: e.URL, Error: e.Err.Error()})
		}
		return out, err
	}
	return Outcome{}, errors.New("unknown kind of job: " + spec.Kind)
}
