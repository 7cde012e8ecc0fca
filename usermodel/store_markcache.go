package usermodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
)

// markCache keeps the marks Store.Marks decoded, with the bytes each was
// decoded from and its query prepared for cosines (PrepareQuery). Every
// search reads the whole feedback log, and decoding a few hundred marks'
// vectors from JSON cost more than the search itself; a mark whose stored
// bytes are unchanged is now decoded, and its query prepared, once. Because an
// entry is used only when the stored bytes are equal to those it was
// decoded from, writes need not tell the cache anything. The zero value
// is an empty cache.
//
// On top of that, the whole log as last read is kept with the generation
// of the log it was read at: the store bumps the generation after every
// write of the log (a mark added, replaced or undone; this process is the
// file's only writer, bbolt locks it), so while the generation stands the
// log is read without walking it.
type markCache struct {
	mu    sync.Mutex
	byKey map[string]cachedMark
	gen   atomic.Uint64 // bumped after every write of the log
	log   []Mark        // the whole log, shared entries, as read at logGen
	// queries are the log's marks' queries prepared, queries[i] log[i]'s.
	queries []PreparedQuery
	// logGen is the generation log was read at; hasLog says log is set.
	logGen uint64
	hasLog bool
}

// generation is the log's generation, to load before opening the read
// transaction that readMarks then runs in.
func (c *markCache) generation() uint64 { return c.gen.Load() }

// changed bumps the generation; writers call it once the write of the log
// is over (committed or not).
func (c *markCache) changed() { c.gen.Add(1) }

type cachedMark struct {
	raw   []byte
	mark  Mark
	query PreparedQuery // mark.QueryVec prepared
}

// readMarks is the package's readMarks through the cache: the whole log,
// in Seq order, and its marks' queries prepared, in the same order. Both
// slices, and the marks' maps and slices, are the cache's own (read-only;
// the slices are clipped, so that a caller's append copies them first:
// the cached log is replaced when the log changes, never written to).
// Entries of marks no longer in the log are dropped.
//
// gen is the generation loaded before b's transaction began. The log
// cached at gen is at least as new as that transaction's snapshot could
// hold of any write acknowledged before gen was loaded (a write's
// generation is bumped only after its commit), so it is returned as is.
func (c *markCache) readMarks(b *buckets, gen uint64) ([]Mark, []PreparedQuery, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.hasLog && c.logGen == gen {
		return slices.Clip(c.log), slices.Clip(c.queries), nil
	}
	marks := make([]Mark, 0, len(c.byKey))
	queries := make([]PreparedQuery, 0, len(c.byKey))
	var fresh map[string]cachedMark // decoded now; nil while every mark is cached
	err := b.marks.ForEach(func(k, v []byte) error {
		e, ok := c.byKey[string(k)]
		if !ok || !bytes.Equal(e.raw, v) {
			e = cachedMark{raw: bytes.Clone(v)}
			if err := json.Unmarshal(v, &e.mark); err != nil {
				return fmt.Errorf("usermodel: mark %x is damaged: %w", k, err)
			}
			e.query = PrepareQuery(e.mark.QueryVec)
			if fresh == nil {
				fresh = map[string]cachedMark{}
			}
			fresh[string(k)] = e
		}
		marks = append(marks, e.mark)
		queries = append(queries, e.query)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	markRepeats(marks, queries)
	c.log, c.queries, c.logGen, c.hasLog = marks, queries, gen, true
	if fresh == nil && len(marks) == len(c.byKey) {
		return slices.Clip(marks), slices.Clip(queries), nil // every cached mark read, none other: the cache stands
	}
	next := make(map[string]cachedMark, len(marks))
	err = b.marks.ForEach(func(k, _ []byte) error {
		if e, ok := fresh[string(k)]; ok {
			next[string(k)] = e
		} else {
			next[string(k)] = c.byKey[string(k)]
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	c.byKey = next
	return slices.Clip(marks), slices.Clip(queries), nil
}

// cloneMarks returns a new slice of copies of marks that shares no map or
// slice with them: Store.Marks's copy of the cached log. A search reads
// the log shared instead: copying its few hundred entries (some 32 KiB)
// each time cost as much as the rest of the read.
func cloneMarks(marks []Mark) []Mark {
	out := make([]Mark, len(marks))
	for i, m := range marks {
		out[i] = m.clone()
	}
	return out
}

// clone returns a copy of m that shares no map or slice with it.
func (m Mark) clone() Mark {
	m.QueryVec = maps.Clone(m.QueryVec)
	m.Doc = maps.Clone(m.Doc)
	m.Source = slices.Clone(m.Source)
	return m
}

// profileCache keeps the profile Store.SharedProfile decoded, with the
// bytes it was decoded from: the profile's few hundred terms are read on
// every search and change only with a mark. The zero value is empty.
type profileCache struct {
	mu      sync.Mutex
	raw     []byte
	profile Profile
	// fp is the fingerprint of the profile stored as fpRaw (nil: none
	// stored, the zero profile's) in fpDim dimensions; fpDim 0: none made.
	fp    Fingerprint
	fpRaw []byte
	fpDim int
}

// fingerprint returns the fingerprint of the stored profile in dim
// dimensions, made once per stored value and dimension (shared,
// read-only).
func (c *profileCache) fingerprint(b *buckets, dim int) (Fingerprint, error) {
	raw := b.meta.Get(keyProfile)
	c.mu.Lock()
	if c.fpDim == dim && (raw == nil) == (c.fpRaw == nil) && bytes.Equal(raw, c.fpRaw) {
		fp := c.fp
		c.mu.Unlock()
		return fp, nil
	}
	c.mu.Unlock()
	p, err := c.read(b)
	if err != nil {
		return Fingerprint{}, err
	}
	fp, err := MakeFingerprint(p, dim)
	if err != nil {
		return Fingerprint{}, err
	}
	c.mu.Lock()
	c.fp, c.fpRaw, c.fpDim = fp, bytes.Clone(raw), dim
	c.mu.Unlock()
	return fp, nil
}

// read returns the stored profile, decoded once per stored value; its
// Terms are shared (read-only).
func (c *profileCache) read(b *buckets) (Profile, error) {
	raw := b.meta.Get(keyProfile)
	c.mu.Lock()
	defer c.mu.Unlock()
	if raw != nil && c.raw != nil && bytes.Equal(raw, c.raw) {
		return c.profile, nil
	}
	p, err := getProfile(b)
	if err != nil {
		return Profile{}, err
	}
	if raw != nil {
		c.raw, c.profile = bytes.Clone(raw), p
	}
	return p, nil
}
