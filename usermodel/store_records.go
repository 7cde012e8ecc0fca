package usermodel

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.etcd.io/bbolt"
)

// ErrReservedBucket: a package asked for records in the bucket the Store
// keeps its own data in ("usermodel"), or in an empty bucket name.
var ErrReservedBucket = errors.New("usermodel: reserved bucket name")

// Tx is one transaction of the state file as other packages see it: the
// named record buckets they own, never the Store's own data. A Tx is valid
// only during the callback that received it.
type Tx struct {
	tx *bbolt.Tx
}

// Records returns the records of bucket within this transaction. In a
// read-only transaction a bucket nothing was ever written to is empty; in
// a read-write one it is created on the first Put.
func (t Tx) Records(bucket string) (*Records, error) {
	if bucket == "" || bucket == string(bucketRoot) || strings.HasPrefix(bucket, string(bucketRoot)+"/") {
		return nil, fmt.Errorf("%w %q", ErrReservedBucket, bucket)
	}
	return &Records{tx: t.tx, name: []byte(bucket), b: t.tx.Bucket([]byte(bucket))}, nil
}

// Records is one bucket of key/value records that another package (source
// statistics, crawl state) keeps in the person's state file, within one
// transaction. Values are opaque bytes (usually JSON).
type Records struct {
	tx   *bbolt.Tx
	name []byte
	b    *bbolt.Bucket
}

// Get returns a copy of the value stored under key, and whether there is
// one.
func (r *Records) Get(key string) ([]byte, bool) {
	if r.b == nil {
		return nil, false
	}
	v := r.b.Get([]byte(key))
	if v == nil {
		return nil, false
	}
	return append([]byte(nil), v...), true
}

// Put stores value under key. It fails in a read-only transaction.
func (r *Records) Put(key string, value []byte) error {
	if r.b == nil {
		b, err := r.tx.CreateBucketIfNotExists(r.name)
		if err != nil {
			return fmt.Errorf("usermodel: records %s: %w", r.name, err)
		}
		r.b = b
	}
	if err := r.b.Put([]byte(key), value); err != nil {
		return fmt.Errorf("usermodel: records %s, key %q: %w", r.name, key, err)
	}
	return nil
}

// Delete removes the record under key, if any. It fails in a read-only
// transaction.
func (r *Records) Delete(key string) error {
	if r.b == nil {
		return nil
	}
	if err := r.b.Delete([]byte(key)); err != nil {
		return fmt.Errorf("usermodel: records %s, delete %q: %w", r.name, key, err)
	}
	return nil
}

// Len is the number of records, counted without reading their values.
func (r *Records) Len() int {
	if r.b == nil {
		return 0
	}
	n := 0
	c := r.b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v != nil { // a nested bucket is not a record
			n++
		}
	}
	return n
}

// ForEach calls fn for every record in key order; an error from fn stops
// it and is returned. value is valid only during the call.
func (r *Records) ForEach(fn func(key string, value []byte) error) error {
	if r.b == nil {
		return nil
	}
	return r.b.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil // a nested bucket: not a record
		}
		return fn(string(k), v)
	})
}

// ViewRecords runs fn over the records of bucket in one read-only
// transaction.
func (s *Store) ViewRecords(ctx context.Context, bucket string, fn func(*Records) error) error {
	return s.run(ctx, "read "+bucket, txView, func(b *buckets) error {
		r, err := Tx{b.tx}.Records(bucket)
		if err != nil {
			return err
		}
		return fn(r)
	})
}

// UpdateRecords runs fn over the records of bucket in one read-write
// transaction: when it returns nil the change is on disk; an error from fn
// (returned as it is) or a context cancelled meanwhile leaves everything
// unchanged.
func (s *Store) UpdateRecords(ctx context.Context, bucket string, fn func(*Records) error) error {
	return s.update(ctx, "update "+bucket, func(b *buckets) error {
		r, err := Tx{b.tx}.Records(bucket)
		if err != nil {
			return err
		}
		return fn(r)
	})
}

// UpdateTx runs fn in one read-write transaction, in which it may reach
// several record buckets (Tx.Records): when it returns nil every change is
// on disk; an error from fn (returned as it is) or a context cancelled
// meanwhile leaves everything unchanged. op names the work in errors.
func (s *Store) UpdateTx(ctx context.Context, op string, fn func(Tx) error) error {
	return s.update(ctx, op, func(b *buckets) error { return fn(Tx{b.tx}) })
}

// ViewTx runs fn in one read-only transaction over several record buckets.
func (s *Store) ViewTx(ctx context.Context, op string, fn func(Tx) error) error {
	return s.run(ctx, op, txView, func(b *buckets) error { return fn(Tx{b.tx}) })
}

// Backup writes a consistent copy of the whole state file to w (a bbolt
// file, as OpenStore reads), while the store stays in use, with the
// searches the query log held in memory.
func (s *Store) Backup(ctx context.Context, w io.Writer) error {
	if err := s.FlushQueries(ctx); err != nil {
		return err
	}
	return s.run(ctx, "backup", txView, func(b *buckets) error {
		if _, err := b.tx.WriteTo(w); err != nil {
			return fmt.Errorf("usermodel: backup of %s: %w", s.path, err)
		}
		return nil
	})
}
