package jobs

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// ErrDamaged is in the chain of the error a Manager reports (Recovered)
// when JobsFile or RootsFile could not be read: the file was set aside
// and the manager started afresh, the index untouched.
var ErrDamaged = errors.New("damaged record")

// writeAtomic writes v as indented JSON to path so that a reader, or a
// crash at any moment, sees the old content or the new, never a part:
// a temporary file in the same folder, written, fsynced, renamed over
// path, and the folder fsynced.
func writeAtomic(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	_, werr := tmp.Write(append(raw, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename itself reaches the disk
		d.Close()
	}
	return nil
}

// readRecord reads the JSON file path; a missing file is the zero T. A
// file that cannot be decoded is renamed aside (path + ".damaged-" + a
// time) so nothing in it is lost, and the error, wrapping ErrDamaged,
// says where it went; the zero T comes with it.
func readRecord[T any](path string, now time.Time) (T, error) {
	var v, zero T
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return zero, nil
	}
	if err != nil {
		return zero, fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		aside := path + ".damaged-" + now.UTC().Format("20060102T150405Z")
		if rerr := os.Rename(path, aside); rerr != nil {
			return zero, fmt.Errorf("%w: %s could not be read (%v) nor set aside (%v): fix or delete it", ErrDamaged, path, err, rerr)
		}
		return zero, fmt.Errorf("%w: %s could not be read (%v); it was kept as %s and a new record started (the index is untouched)", ErrDamaged, path, err, aside)
	}
	return v, nil
}
