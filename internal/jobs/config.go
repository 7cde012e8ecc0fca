package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/p2pir/p2pir/index"
)

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
	// Logger receives a warning for each job that fails, and for each
	// that finishes with files or pages that failed (the count and the
	// first). Default nil: discarded.
	Logger *slog.Logger
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
