package usermodel

import (
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
//	  queries/      query ID -> JSON storedQuery (the record and its order key)
//	  query_order/  order (8 bytes big-endian, increasing) -> query ID, for eviction
//
// storeSchema is the layout version this code writes; bump it, and migrate
// in init, whenever the layout or an encoding changes.
const storeSchema uint64 = 1

var (
	bucketRoot       = []byte("usermodel")
	bucketMeta       = []byte("meta")
	bucketMarks      = []byte("marks")
	bucketQueries    = []byte("queries")
	bucketQueryOrder = []byte("query_order")
	bucketReplaced   = []byte("replaced")

	keySchema  = []byte("schema")
	keyConfig  = []byte("config")
	keyProfile = []byte("profile")
	keySharing = []byte("sharing")
)

// buckets are the store's buckets within one transaction.
type buckets struct {
	meta, marks, queries, order, replaced *bbolt.Bucket
	// tx is the transaction they belong to.
	tx *bbolt.Tx
}

// openBuckets finds the buckets that init created.
func openBuckets(tx *bbolt.Tx) (*buckets, error) {
	root := tx.Bucket(bucketRoot)
	if root == nil {
		return nil, fmt.Errorf("usermodel: store has no %q bucket (was it removed through DB?)", bucketRoot)
	}
	b := &buckets{
		meta:    root.Bucket(bucketMeta),
		marks:   root.Bucket(bucketMarks),
		queries: root.Bucket(bucketQueries),
		order:   root.Bucket(bucketQueryOrder),
		// replaced came after schema 1's first release; init creates it.
		replaced: root.Bucket(bucketReplaced),
		tx:       tx,
	}
	if b.meta == nil || b.marks == nil || b.queries == nil || b.order == nil || b.replaced == nil {
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
	for _, name := range [][]byte{bucketMeta, bucketMarks, bucketQueries, bucketQueryOrder, bucketReplaced} {
		if _, err := root.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %q: %w", name, err)
		}
	}
	b, err := openBuckets(tx)
	if err != nil {
		return err
	}
	if raw := b.meta.Get(keySchema); raw != nil {
		if len(raw) != 8 {
			return fmt.Errorf("schema version is %d bytes, want 8 (the file is damaged)", len(raw))
		}
		if v := binary.BigEndian.Uint64(raw); v > storeSchema {
			return fmt.Errorf("%w: its schema is version %d, this program knows up to %d; upgrade p2pir", ErrNewerSchema, v, storeSchema)
		}
	}
	if err := b.meta.Put(keySchema, u64key(storeSchema)); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	var built Config
	ok, err := getJSON(b.meta, keyConfig, &built)
	if err != nil {
		return fmt.Errorf("read config: %w", err)
	}
	if !ok || built != s.cfg {
		if _, err := s.rebuild(b); err != nil {
			return err
		}
		if err := putJSON(b.meta, keyConfig, s.cfg, 0); err != nil {
			return fmt.Errorf("write config: %w", err)
		}
	}
	return s.evict(b)
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
