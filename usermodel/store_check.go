package usermodel

import (
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged: the store's file is damaged (cut short, emptied, or with
// pages that are not what bbolt wrote); OpenStore leaves it untouched.
// Errors that wrap it are *DamagedError.
var ErrDamaged = errors.New("the state file is damaged")

// DamagedError reports a store file that cannot be read safely, and what
// the person can do about it.
type DamagedError struct {
	// Path is the file.
	Path string
	// Reason says what is wrong with it.
	Reason error
}

// Error names the file and says how to restore or reset it.
func (e *DamagedError) Error() string {
	return fmt.Sprintf("%s in %s is damaged (%v): restore it from a backup, or move it away to start with an empty profile",
		filepath.Base(e.Path), filepath.Dir(e.Path), e.Reason)
}

// Unwrap lets errors.Is find ErrDamaged and the reason.
func (e *DamagedError) Unwrap() []error { return []error{ErrDamaged, e.Reason} }

// maxCheckErrors bounds how many of bbolt's consistency errors a
// DamagedError lists.
const maxCheckErrors = 3

// checkFile refuses a damaged store file before it is opened for writing,
// which would let bbolt initialise, extend or rewrite it: a file that
// exists but is empty (bbolt would silently make it a new, empty store),
// one shorter than its pages need (cut short), or one whose meta pages or
// reachable pages are not valid (bbolt's consistency check, and every key
// and value read once). It opens the file read-only and writes nothing. A
// file that does not exist is fine: OpenStore creates it. It returns
// bbolt's lock timeout unwrapped, for the caller to explain.
//
// Reading a damaged file can make bbolt panic, or fault on memory mapped
// past the end of the file; both are recovered here and reported as
// damage. The check reads the whole file, which for a person's state (a
// few megabytes at most) takes milliseconds.
func checkFile(path string, timeout time.Duration) (err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !fi.Mode().IsRegular():
		return fmt.Errorf("%s is not a regular file", path)
	case fi.Size() == 0:
		return &DamagedError{Path: path, Reason: errors.New("it is empty, 0 bytes")}
	}
	// First every page the file claims, then bbolt's own check, which
	// needs the free list loaded (done at open, so a bad free-list page
	// faults here too).
	err = viewFile(path, timeout, false, func(tx *bbolt.Tx) error {
		if need := tx.Size(); need > fi.Size() {
			return fmt.Errorf("it is %d bytes but its pages need %d: it was cut short", fi.Size(), need)
		}
		return readAll(tx)
	})
	if err != nil {
		return err
	}
	return viewFile(path, timeout, true, func(tx *bbolt.Tx) error {
		var problems []string
		n := 0
		for err := range tx.Check() {
			if n++; n <= maxCheckErrors {
				problems = append(problems, err.Error())
			}
		}
		if n > maxCheckErrors {
			problems = append(problems, fmt.Sprintf("and %d more", n-maxCheckErrors))
		}
		if n > 0 {
			return fmt.Errorf("consistency check: %s", strings.Join(problems, "; "))
		}
		return nil
	})
}

// viewFile opens path read-only and runs fn in a read transaction. An error
// from fn, a panic or a memory fault while reading, and any error opening
// other than a lock timeout or a permission error come back as a
// *DamagedError.
func viewFile(path string, timeout time.Duration, preloadFreelist bool, fn func(tx *bbolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &DamagedError{Path: path, Reason: fmt.Errorf("reading it failed: %v", r)}
		}
	}()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true, Timeout: timeout, PreLoadFreelist: preloadFreelist})
	switch {
	case errors.Is(err, bolterrors.ErrTimeout), errors.Is(err, fs.ErrPermission):
		return err
	case err != nil:
		return &DamagedError{Path: path, Reason: boltReason(err)}
	}
	defer db.Close()
	if err := db.View(fn); err != nil {
		return &DamagedError{Path: path, Reason: err}
	}
	return nil
}

// readAll reads every key and value of every bucket, so that a bad page
// faults here, where it is recovered, rather than in bbolt's checker
// goroutine, where it would crash the program.
func readAll(tx *bbolt.Tx) error {
	var sum uint32
	var walk func(b *bbolt.Bucket) error
	walk = func(b *bbolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			sum = crc32.Update(crc32.Update(sum, crc32.IEEETable, k), crc32.IEEETable, v)
			if v != nil {
				return nil
			}
			if child := b.Bucket(k); child != nil {
				return walk(child)
			}
			return nil
		})
	}
	return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
		sum = crc32.Update(sum, crc32.IEEETable, name)
		return walk(b)
	})
}

// boltReason says in words what bbolt's open error means for the file.
func boltReason(err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum):
		return fmt.Errorf("it is not a valid database file: %w", err)
	case errors.Is(err, bolterrors.ErrVersionMismatch):
		return fmt.Errorf("its format version is unknown: %w", err)
	}
	return err
}
