package usermodel

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sync"
)

// markCache keeps the marks Store.Marks decoded, with the bytes each was
// decoded from. Every search reads the whole feedback log, and decoding a
// few hundred marks' vectors from JSON cost more than the search itself; a
// mark whose stored bytes are unchanged is now decoded once. Because an
// entry is used only when the stored bytes are equal to those it was
// decoded from, writes need not tell the cache anything. The zero value
// is an empty cache.
type markCache struct {
	mu    sync.Mutex
	byKey map[string]cachedMark
}

type cachedMark struct {
	raw  []byte
	mark Mark
}

// readMarks is the package's readMarks through the cache: the whole log,
// in Seq order, each mark the caller's own copy unless shared, when the
// marks' maps and slices are the cache's own (read-only). Entries of marks
// no longer in the log are dropped.
func (c *markCache) readMarks(b *buckets, shared bool) ([]Mark, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	marks := make([]Mark, 0, len(c.byKey))
	var fresh map[string]cachedMark // decoded now; nil while every mark is cached
	err := b.marks.ForEach(func(k, v []byte) error {
		e, ok := c.byKey[string(k)]
		if !ok || !bytes.Equal(e.raw, v) {
			e = cachedMark{raw: bytes.Clone(v)}
			if err := json.Unmarshal(v, &e.mark); err != nil {
				return fmt.Errorf("usermodel: mark %x is damaged: %w", k, err)
			}
			if fresh == nil {
				fresh = map[string]cachedMark{}
			}
			fresh[string(k)] = e
		}
		if shared {
			marks = append(marks, e.mark)
		} else {
			marks = append(marks, e.mark.clone())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if fresh == nil && len(marks) == len(c.byKey) {
		return marks, nil // every cached mark read, none other: the cache stands
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
		return nil, err
	}
	c.byKey = next
	return marks, nil
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
