package usermodel

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/bbolt"
)

// The layout of the store's bbolt file, all under one top-level bucket:
//
//	usermodel/
//	  meta/         "schema"  -> schema version, 8 bytes big-endian
//	                "config"  -> JSON Config the profile was built with
//	                "profile" -> JSON Profile
//	                "sharing" -> 1 byte, 0 or 1 (absent: on)
//	  marks/        Seq (8 bytes big-endian) -> JSON Mark, so cursors walk in Seq order
//	  replaced/     Seq of a mark (8 bytes big-endian) -> JSON Mark it replaced, for Undo
//	  by_result/    resultKey(query ID, URL) -> Seq of the mark on that result
//	  queries/      query ID -> JSON storedQuery (the record and its order key)
//	  query_order/  order (8 bytes big-endian, increasing) -> query ID, for eviction
//
// storeSchema is the layout version this code writes; bump it, and migrate
// in init, whenever the layout or an encoding changes.
//
// Version 2 added replaced/ and by_result/: a mark replaces the earlier mark
// on the same result instead of adding to it (see AddMarkWith).
const storeSchema uint64 = 2

var (
	bucketRoot       = []byte("usermodel")
	bucketMeta       = []byte("meta")
	bucketMarks      = []byte("marks")
	bucketQueries    = []byte("queries")
	bucketQueryOrder = []byte("query_order")
	bucketReplaced   = []byte("replaced")
	bucketByResult   = []byte("by_result")

	keySchema  = []byte("schema")
	keyConfig  = []byte("config")
	keyProfile = []byte("profile")
	keySharing = []byte("sharing")
)

// buckets are the store's buckets within one transaction.
type buckets struct {
	meta, marks, queries, order, replaced, byResult *bbolt.Bucket
	// tx is the transaction they belong to.
	tx *bbolt.Tx
}

// openBuckets finds the buckets that init created.
func openBuckets(tx *bbolt.Tx) (*buckets, error) {
	root := tx.Bucket(bucketRoot)
	if root == nil {
		return nil, fmt.Errorf("usermodel: store has no %q bucket (was it removed by another program?)", bucketRoot)
	}
	b := &buckets{
		meta:     root.Bucket(bucketMeta),
		marks:    root.Bucket(bucketMarks),
		queries:  root.Bucket(bucketQueries),
		order:    root.Bucket(bucketQueryOrder),
		replaced: root.Bucket(bucketReplaced),
		byResult: root.Bucket(bucketByResult),
		tx:       tx,
	}
	if b.meta == nil || b.marks == nil || b.queries == nil || b.order == nil || b.replaced == nil || b.byResult == nil {
		return nil, errors.New("usermodel: store is missing one of its buckets")
	}
	return b, nil
}

// init creates the buckets of a new store, refuses a newer schema, rebuilds
// the profile when the Config changed and trims the query log.
func (s *Store) init(tx *bbolt.Tx) error {
	root, err := tx.CreateBucketIfNotExists(bucketRoot)
	if err != nil {
		return fmt.Errorf("create bucket %q: %w", bucketRoot, err)
	}
	for _, name := range [][]byte{bucketMeta, bucketMarks, bucketQueries, bucketQueryOrder, bucketReplaced, bucketByResult} {
		if _, err := root.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %q: %w", name, err)
		}
	}
	b, err := openBuckets(tx)
	if err != nil {
		return err
	}
	schema := storeSchema // a new file
	if raw := b.meta.Get(keySchema); raw != nil {
		if len(raw) != 8 {
			return fmt.Errorf("schema version is %d bytes, want 8 (the file is damaged)", len(raw))
		}
		if schema = binary.BigEndian.Uint64(raw); schema > storeSchema {
			return fmt.Errorf("%w: its schema is version %d, this program knows up to %d; upgrade p2pir", ErrNewerSchema, schema, storeSchema)
		}
	}
	migrated := false
	if schema < 2 {
		if err := migrateReplacedMarks(b); err != nil {
			return fmt.Errorf("migrate to schema 2: %w", err)
		}
		migrated = true
	}
	if err := b.meta.Put(keySchema, u64key(storeSchema)); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	var built Config
	ok, err := getJSON(b.meta, keyConfig, &built)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	if !ok || built != s.cfg || migrated {
		if _, err := s.rebuild(b); err != nil {
			return err
		}
		if err := putJSON(b.meta, keyConfig, s.cfg, 0); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
	}
	return s.evict(b)
}

// migrateReplacedMarks brings a log written before schema 2, where marks
// on the same result added up, to the rule that the latest mark on a
// result replaces the earlier ones: each earlier mark leaves the log and is
// kept in replaced/ under the Seq of the mark that replaced it (so Undo
// brings it back, as if the marks had been made under schema 2), and
// by_result/ is filled. The caller rebuilds the profile.
func migrateReplacedMarks(b *buckets) error {
	marks, err := readMarks(b)
	if err != nil {
		return err
	}
	latest := map[string]Mark{}
	for _, m := range marks {
		key := string(resultKey(m.QueryID, m.URL))
		if old, ok := latest[key]; ok {
			oldRaw := bytes.Clone(b.marks.Get(u64key(old.Seq)))
			if err := b.replaced.Put(u64key(m.Seq), oldRaw); err != nil {
				return err
			}
			if err := b.marks.Delete(u64key(old.Seq)); err != nil {
				return err
			}
		}
		latest[key] = m
		if err := b.byResult.Put([]byte(key), u64key(m.Seq)); err != nil {
			return err
		}
	}
	return nil
}

// resultKey identifies a result of a search in by_result/: the query ID's
// length (2 bytes big-endian), the query ID, then the URL.
func resultKey(queryID, url string) []byte {
	k := make([]byte, 2, 2+len(queryID)+len(url))
	binary.BigEndian.PutUint16(k, uint16(len(queryID)))
	return append(append(k, queryID...), url...)
}

// u64key encodes n big-endian, so that byte order is numeric order.
func u64key(n uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, n)
	return k
}

// getJSON decodes the value under key into v; false when there is none.
func getJSON(b *bbolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", key, err)
	}
	return true, nil
}

// putJSON stores v as JSON under key; limit > 0 refuses larger encodings
// with ErrTooLarge.
func putJSON(b *bbolt.Bucket, key []byte, v any, limit int) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", key, err)
	}
	if limit > 0 && len(raw) > limit {
		return fmt.Errorf("%w: %d bytes, the limit is %d", ErrTooLarge, len(raw), limit)
	}
	return b.Put(key, raw)
}
