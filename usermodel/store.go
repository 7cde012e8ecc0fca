package usermodel

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime/debug"
	"sync/atomic"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors a Store returns; test for them with errors.Is (they come wrapped
// with the details of the case).
var (
	// ErrUnknownQuery: a mark refers to a query ID that is not in the query
	// log (never recorded, or evicted since).
	ErrUnknownQuery = errors.New("usermodel: unknown query")
	// ErrNotShown: a mark refers to a URL that was not among the results
	// shown for its query.
	ErrNotShown = errors.New("usermodel: result was not shown for this query")
	// ErrNothingToUndo: Undo on an empty feedback log.
	ErrNothingToUndo = errors.New("usermodel: nothing to undo")
	// ErrTooLarge: a mark or a query record is larger than the store takes
	// (MaxMarkBytes, MaxQueryBytes).
	ErrTooLarge = errors.New("usermodel: record too large")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("usermodel: store is closed")
	// ErrNewerSchema: the file was written by a newer version of p2pir whose
	// layout this version does not know; it is left untouched.
	ErrNewerSchema = errors.New("usermodel: store was written by a newer version of p2pir")
)

// Size limits of what the store takes, as JSON.
const (
	// MaxMarkBytes bounds one mark (1 MiB): a document vector of tens of
	// thousands of terms, far more than a real page yields.
	MaxMarkBytes = 1 << 20
	// MaxQueryBytes bounds one query record with the results shown (4 MiB).
	MaxQueryBytes = 4 << 20
)

// StoreOptions tunes a Store. Zero fields take the defaults of
// DefaultStoreOptions; negative ones are an error.
type StoreOptions struct {
	// Config is how marks become the profile. Default DefaultConfig(). When
	// it differs from the Config the stored profile was built with, OpenStore
	// rebuilds the profile from the feedback log.
	Config Config
	// MaxQueries is how many searches the query log keeps; beyond it the
	// earliest recorded are evicted first, and marks can no longer refer to
	// them. Default 1000.
	MaxQueries int
	// OpenTimeout is how long OpenStore waits for the file lock while
	// another process (another node on the same data directory) holds it.
	// Default 5s.
	OpenTimeout time.Duration
	// QueryLogDelay is how long a recorded search may wait in memory
	// before the background writer writes it, with the others recorded
	// meanwhile, in one transaction: a crash loses at most this much of the
	// query log (never a mark). Negative: every search is written before
	// RecordQuery returns, one transaction each. Default 500ms.
	QueryLogDelay time.Duration
}

// DefaultStoreOptions returns the documented defaults.
func DefaultStoreOptions() StoreOptions {
	return StoreOptions{
		Config:        DefaultConfig(),
		MaxQueries:    1000,
		OpenTimeout:   5 * time.Second,
		QueryLogDelay: 500 * time.Millisecond,
	}
}

// withDefaults fills zero fields and checks the rest.
func (o StoreOptions) withDefaults() (StoreOptions, error) {
	def := DefaultStoreOptions()
	if o.Config == (Config{}) {
		o.Config = def.Config
	}
	if o.MaxQueries == 0 {
		o.MaxQueries = def.MaxQueries
	}
	if o.OpenTimeout == 0 {
		o.OpenTimeout = def.OpenTimeout
	}
	if o.QueryLogDelay == 0 {
		o.QueryLogDelay = def.QueryLogDelay
	}
	var errs []error
	if err := o.Config.Validate(); err != nil {
		errs = append(errs, err)
	}
	if o.MaxQueries < 0 {
		errs = append(errs, fmt.Errorf("usermodel: max queries %d must be >= 0", o.MaxQueries))
	}
	if o.OpenTimeout < 0 {
		errs = append(errs, fmt.Errorf("usermodel: open timeout %v must be >= 0", o.OpenTimeout))
	}
	return o, errors.Join(errs...)
}

// Store keeps a person's user model durably in one bbolt file: the
// feedback log (marks), the profile derived from it, the searches shown to
// the person (so that marks can be checked against them), settings, and a
// schema version.
//
// Every write is one bbolt read-write transaction, which bbolt fsyncs on
// commit: when a method returns nil the change is on disk, and when it
// returns an error nothing changed. The exception is the query log, which
// RecordQuery hands to a background writer (see StoreOptions.QueryLogDelay). A context already cancelled when a
// write starts, or cancelled before it commits, prevents the write. The
// stored profile is always Rebuild(Config, Marks()).
//
// All of the Store's data lives under the top-level bucket "usermodel";
// other packages keep their own named record buckets in the same file
// through ViewRecords, UpdateRecords and the Tx of AddMarkWith and UndoWith. A Store is safe for concurrent use; writes are serialised by bbolt.
type Store struct {
	db         *bbolt.DB
	path       string
	cfg        Config
	maxQueries int
	closed     atomic.Bool
	// closing is set when Close starts, before the query log's last write.
	closing atomic.Bool
	// held holds the writes a search makes (the query log, the sources'
	// health) for the background writer; nil when every write is made at
	// once (StoreOptions.QueryLogDelay < 0).
	held    *writeBehind
	marks   markCache    // decoded marks, for Marks
	profile profileCache // the decoded profile, for SharedProfile
}

// OpenStore opens the store at path, creating the file and its buckets as
// needed. It waits up to opts.OpenTimeout for another process's lock, and
// refuses, with ErrNewerSchema, a file written with a newer layout. It
// first checks an existing file, read-only, and refuses a damaged one (cut
// short, emptied to 0 bytes, bad pages) with a *DamagedError (ErrDamaged)
// that names the file and says how to restore or reset it, never changing
// the file. If the
// stored profile was built with another Config it is rebuilt with
// opts.Config, and the query log is trimmed to opts.MaxQueries.
func OpenStore(path string, opts StoreOptions) (*Store, error) {
	if path == "" {
		return nil, errors.New("usermodel: open store: empty path")
	}
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("usermodel: open store %s: %w", path, err)
	}
	lockErr := func(err error) error {
		return fmt.Errorf("%s in %s is locked by another process (a p2pir node or command on this data directory) for longer than %v: wait for it to finish or stop it, then try again (%w)",
			filepath.Base(path), filepath.Dir(path), opts.OpenTimeout, err)
	}
	if err := checkFile(path, opts.OpenTimeout); err != nil {
		var dmg *DamagedError
		switch {
		case errors.As(err, &dmg):
			return nil, err // names the file and what to do; nothing more to add
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, lockErr(err)
		}
		return nil, fmt.Errorf("usermodel: open store %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: opts.OpenTimeout})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, lockErr(err)
		}
		return nil, fmt.Errorf("usermodel: open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path, cfg: opts.Config, maxQueries: opts.MaxQueries}
	if err := db.Update(func(tx *bbolt.Tx) error { return s.init(tx) }); err != nil {
		return nil, errors.Join(fmt.Errorf("usermodel: open store %s: %w", path, err), db.Close())
	}
	if opts.QueryLogDelay > 0 {
		s.held = newWriteBehind(opts.QueryLogDelay, opts.MaxQueries)
		go s.runWriteBehind()
	}
	return s, nil
}

// Close writes the searches the query log holds in memory and closes the
// file, waiting for running transactions. Closing a
// closed Store does nothing; every other method then returns ErrClosed.
func (s *Store) Close() error {
	if s.closing.Swap(true) {
		return nil
	}
	qerr := s.closeWriteBehind()
	s.closed.Store(true)
	if err := s.db.Close(); err != nil {
		return errors.Join(qerr, fmt.Errorf("usermodel: close store: %w", err))
	}
	return qerr
}

// Config returns the Config the profile is built with.
func (s *Store) Config() Config { return s.cfg }

// txKind is how run runs a transaction.
type txKind int

const (
	txView   txKind = iota // read-only
	txUpdate               // read-write, its own commit
)

// view runs fn in one read-only transaction.
func (s *Store) view(ctx context.Context, op string, fn func(b *buckets) error) error {
	return s.run(ctx, op, txView, fn)
}

func (s *Store) run(ctx context.Context, op string, kind txKind, fn func(b *buckets) error) (runErr error) {
	// OpenStore checked every page; should the file be damaged since (by
	// another program), a bad page panics or faults in bbolt: report it
	// rather than crash. bbolt has rolled the transaction back by then.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			runErr = fmt.Errorf("usermodel: %s: %w", op, &DamagedError{Path: s.path, Reason: fmt.Errorf("reading it failed: %v", r)})
		}
	}()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("usermodel: %s: %w", op, err)
	}
	if s.closed.Load() {
		return fmt.Errorf("usermodel: %s: %w", op, ErrClosed)
	}
	var fnErr error
	body := func(tx *bbolt.Tx) error {
		b, err := openBuckets(tx)
		if err != nil {
			fnErr = err
			return err
		}
		if fnErr = fn(b); fnErr != nil {
			return fnErr
		}
		if kind != txView {
			if err := ctx.Err(); err != nil { // cancelled meanwhile: roll back
				fnErr = fmt.Errorf("usermodel: %s: %w", op, err)
				return fnErr
			}
		}
		return nil
	}
	var err error
	switch kind {
	case txUpdate:
		err = s.db.Update(body)
	default:
		err = s.db.View(body)
	}
	switch {
	case fnErr != nil:
		return fnErr
	case errors.Is(err, bolterrors.ErrDatabaseNotOpen):
		return fmt.Errorf("usermodel: %s: %w", op, ErrClosed)
	case err != nil:
		return fmt.Errorf("usermodel: %s: %w", op, err)
	}
	return nil
}
