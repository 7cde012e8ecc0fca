package jobs

import "errors"

// Errors callers can test for with errors.Is.
var (
	// ErrNotFound: no job, or no root, of that name.
	ErrNotFound = errors.New("not found")
	// ErrFinished: the job has finished already, so it cannot be canceled.
	ErrFinished = errors.New("job finished already")
	// ErrBusy: the index stayed busy with another job for longer than the
	// caller would wait, or too many jobs wait already.
	ErrBusy = errors.New("busy")
	// ErrClosed: the manager was closed.
	ErrClosed = errors.New("jobs manager closed")
)

func isDamaged(err error) bool { return errors.Is(err, ErrDamaged) }
