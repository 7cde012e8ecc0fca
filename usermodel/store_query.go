package usermodel

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"go.etcd.io/bbolt"
)

// MaxQueryIDBytes bounds a query ID.
const MaxQueryIDBytes = 128

// ShownResult is one result as it was shown to the person for a query.
type ShownResult struct {
	// URL is the canonical URL; marks refer to the result by it.
	URL string `json:"url"`
	// DocID is the local index ID, if the result is in the index.
	DocID string `json:"doc_id,omitempty"`
	// Title is the title shown.
	Title string `json:"title,omitempty"`
	// Content is the text the result was shown with (snippet or body), from
	// which its document vector can be computed when it is marked.
	Content string `json:"content,omitempty"`
	// Source lists the sources that returned the result.
	Source []string `json:"source,omitempty"`
	// Rank is the result's 1-based position in the list shown.
	Rank int `json:"rank"`
}

// QueryRecord is one search shown to the person: what they asked, how it
// was expanded, and what they saw. Marks are checked against it.
type QueryRecord struct {
	// ID identifies the search (see NewQueryID); at most MaxQueryIDBytes.
	ID string `json:"id"`
	// Text is what the person typed.
	Text string `json:"text"`
	// Expanded is the weighted query actually run (after reformulation).
	Expanded []TermWeight `json:"expanded,omitempty"`
	// QueryVec is the query's tf-idf vector.
	QueryVec Vector `json:"query_vec,omitempty"`
	// Time is when the search ran; required.
	Time time.Time `json:"time"`
	// Results are the results shown, in order.
	Results []ShownResult `json:"results,omitempty"`
}

// Validate reports a record that must not enter the query log.
func (q QueryRecord) Validate() error {
	switch {
	case q.ID == "":
		return errors.New("usermodel: query record has no ID")
	case len(q.ID) > MaxQueryIDBytes:
		return fmt.Errorf("usermodel: query ID is %d bytes, the limit is %d", len(q.ID), MaxQueryIDBytes)
	case q.Time.IsZero():
		return fmt.Errorf("usermodel: query %q has no time", q.ID)
	}
	if err := q.QueryVec.Validate(); err != nil {
		return fmt.Errorf("usermodel: query %q: %w", q.ID, err)
	}
	for _, tw := range q.Expanded {
		if tw.Term == "" || math.IsNaN(tw.Weight) || math.IsInf(tw.Weight, 0) {
			return fmt.Errorf("usermodel: query %q: expanded term %q has weight %v", q.ID, tw.Term, tw.Weight)
		}
	}
	for i, r := range q.Results {
		if r.URL == "" {
			return fmt.Errorf("usermodel: query %q: result %d has no URL", q.ID, i+1)
		}
	}
	return nil
}

// storedQuery is a query log entry: the record and its key in query_order.
type storedQuery struct {
	Order  uint64      `json:"order"`
	Record QueryRecord `json:"record"`
}

// NewQueryID returns a fresh random query ID: 26 characters of the RFC 4648
// base32 alphabet (A–Z, 2–7), safe in URLs and file names, with 128 bits
// from crypto/rand, so IDs never collide in practice and cannot be guessed.
func NewQueryID() string { return rand.Text() }

// RecordQuery adds a search to the query log. Recording an ID again
// replaces the earlier record (and counts it as the most recent). Beyond
// MaxQueries, the earliest recorded searches are evicted when the log is
// written. A record that fails Validate or whose JSON exceeds
// MaxQueryBytes (ErrTooLarge) is refused and nothing changes.
//
// The search is written in the background, with the others recorded
// within StoreOptions.QueryLogDelay, in one transaction (group commit), so
// that a search does not wait for the disk; Query sees it at once. With a
// negative QueryLogDelay it is written before RecordQuery returns.
func (s *Store) RecordQuery(ctx context.Context, q QueryRecord) error {
	if err := q.Validate(); err != nil {
		return err
	}
	// The record's JSON, made once: it is checked against the limit now,
	// held as it is (what Query decodes while it is held, as it would
	// decode it from the file) and written as it is, so a search neither
	// copies its record nor encodes it twice.
	raw, err := json.Marshal(q)
	if err != nil {
		return fmt.Errorf("usermodel: record query %q: %w", q.ID, err)
	}
	if n := storedQueryLen(raw); n > MaxQueryBytes {
		return fmt.Errorf("usermodel: record query %q: %w: %d bytes, the limit is %d", q.ID, ErrTooLarge, n, MaxQueryBytes)
	}
	if s.held == nil {
		return s.update(ctx, "record query", func(b *buckets) error {
			if err := writeQuery(b, q.ID, raw); err != nil {
				return err
			}
			return s.evict(b)
		})
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("usermodel: record query: %w", err)
	}
	if s.closing.Load() {
		return fmt.Errorf("usermodel: record query: %w", ErrClosed)
	}
	s.held.add(heldQuery{id: q.ID, raw: raw})
	return nil
}

// storedQueryPrefix starts a query log entry, the JSON of storedQuery:
// the order number, then the record's JSON, then "}".
const storedQueryPrefix = `{"order":`

// storedQueryJSON is the JSON of storedQuery{Order: order, Record: r}
// where raw is the JSON of r: byte for byte what json.Marshal gives.
func storedQueryJSON(order uint64, raw []byte) []byte {
	out := make([]byte, 0, storedQueryLen(raw))
	out = append(out, storedQueryPrefix...)
	out = strconv.AppendUint(out, order, 10)
	out = append(out, `,"record":`...)
	out = append(out, raw...)
	return append(out, '}')
}

// storedQueryLen is the length of the longest storedQueryJSON(order,
// raw), that of the largest order number: what the limit is checked
// against when a search is recorded, so that its write cannot fail on it.
func storedQueryLen(raw []byte) int {
	return len(storedQueryPrefix) + len("18446744073709551615") + len(`,"record":`) + len(raw) + 1
}

// writeQuery puts the search id, whose record's JSON is raw, in the log
// as its most recent search.
func writeQuery(b *buckets, id string, raw []byte) error {
	var old struct {
		Order uint64 `json:"order"`
	}
	found, err := getJSON(b.queries, []byte(id), &old)
	if err != nil {
		return fmt.Errorf("usermodel: record query %q: %w", id, err)
	}
	if found {
		if err := b.order.Delete(u64key(old.Order)); err != nil {
			return fmt.Errorf("usermodel: record query %q: %w", id, err)
		}
	}
	order, err := b.order.NextSequence()
	if err != nil {
		return fmt.Errorf("usermodel: record query %q: %w", id, err)
	}
	stored := storedQueryJSON(order, raw)
	if len(stored) > MaxQueryBytes {
		return fmt.Errorf("usermodel: record query %q: %w: %d bytes, the limit is %d", id, ErrTooLarge, len(stored), MaxQueryBytes)
	}
	if err := b.queries.Put([]byte(id), stored); err != nil {
		return fmt.Errorf("usermodel: record query %q: %w", id, err)
	}
	if err := b.order.Put(u64key(order), []byte(id)); err != nil {
		return fmt.Errorf("usermodel: record query %q: %w", id, err)
	}
	return nil
}

// Query returns the search recorded under id; false when the log does not
// hold it (never recorded, or evicted).
func (s *Store) Query(ctx context.Context, id string) (QueryRecord, bool, error) {
	if s.held != nil {
		if q, ok, err := s.held.find(id); err != nil || ok {
			return q, ok, err
		}
	}
	var sq storedQuery
	var found bool
	err := s.view(ctx, "query", func(b *buckets) error {
		var err error
		found, err = getQuery(b, id, &sq)
		return err
	})
	if err != nil || !found {
		return QueryRecord{}, false, err
	}
	return sq.Record, true, nil
}

// getQuery reads a query log entry.
func getQuery(b *buckets, id string, sq *storedQuery) (bool, error) {
	if id == "" || len(id) > bbolt.MaxKeySize {
		return false, nil
	}
	found, err := getJSON(b.queries, []byte(id), sq)
	if err != nil {
		return false, fmt.Errorf("usermodel: query %q: %w", id, err)
	}
	return found, nil
}

// evict drops the earliest recorded searches beyond MaxQueries. It walks
// the order index from the newest (the index holds at most MaxQueries+1
// entries between calls), because Bucket.Stats does not count the writes of
// the running transaction.
func (s *Store) evict(b *buckets) error {
	type victim struct{ order, id []byte }
	var victims []victim
	c := b.order.Cursor()
	kept := 0
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if kept < s.maxQueries {
			kept++
			continue
		}
		victims = append(victims, victim{order: append([]byte(nil), k...), id: append([]byte(nil), v...)})
	}
	for _, vi := range victims {
		if err := b.order.Delete(vi.order); err != nil {
			return fmt.Errorf("usermodel: evict query %d: %w", binary.BigEndian.Uint64(vi.order), err)
		}
		if err := b.queries.Delete(vi.id); err != nil {
			return fmt.Errorf("usermodel: evict query %q: %w", vi.id, err)
		}
	}
	return nil
}
