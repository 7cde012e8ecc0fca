package usermodel

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"go.etcd.io/bbolt"
)

// MarkChange is what one AddMarkWith or UndoWith did to the feedback log.
type MarkChange struct {
	// Mark is the mark added, or the mark undone.
	Mark Mark
	// Replaced is, for AddMarkWith, the earlier mark on the same result that
	// the new mark took the place of, and for UndoWith, that earlier mark
	// put back in the log; nil when there is none.
	Replaced *Mark
	// Profile is the profile after the change.
	Profile Profile
}

// AddMark is AddMarkWith with nothing else to do in the transaction.
func (s *Store) AddMark(ctx context.Context, m Mark) (Mark, Profile, error) {
	ch, err := s.AddMarkWith(ctx, m, nil)
	if err != nil {
		return Mark{}, Profile{}, err
	}
	return ch.Mark, ch.Profile, nil
}

// AddMarkWith adds a mark to the feedback log and updates the profile, both
// in one transaction: when it returns nil the mark is on disk. It returns
// the mark as stored, the mark it replaced if any, and the new profile,
// equal to what Marks and Profile return from now on.
//
// A person's latest word on a result counts once: a mark on the same
// result of the same search (same QueryID and URL) as a mark in the log
// replaces that mark instead of adding to it, so marking a result + twice
// is the same as marking it + once, and + then - is the same as - alone.
// The replaced mark leaves the log (and the profile is rebuilt without it)
// but is kept aside, so that Undo of the new mark puts it back. The same
// URL shown for another search is another judgement and does not replace.
//
// The mark must pass Validate; its QueryID must be in the query log
// (ErrUnknownQuery) and its URL among that query's results
// (ErrNotShown); its JSON must not exceed MaxMarkBytes (ErrTooLarge). The
// store sets Seq to one more than any Seq in use (m.Seq is ignored), and
// fills an empty Query, QueryVec, DocID, Title and Source from the query
// log.
//
// also, when not nil, runs in the same read-write transaction after the
// mark is stored, so that other packages can keep state derived from marks
// (such as source precision, in records of their own: Tx.Records) in
// step with the log; an error from it, or
// any other error, leaves everything unchanged.
func (s *Store) AddMarkWith(ctx context.Context, m Mark, also func(tx Tx, ch MarkChange) error) (MarkChange, error) {
	if err := m.Validate(); err != nil {
		return MarkChange{}, err
	}
	defer s.marks.changed() // after the commit (or the rollback)
	var ch MarkChange
	err := s.update(ctx, "add mark", func(b *buckets) error {
		var sq storedQuery
		found, err := getQuery(b, m.QueryID, &sq)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("%w %q (never recorded, or evicted from the query log)", ErrUnknownQuery, m.QueryID)
		}
		shown := -1
		for i, r := range sq.Record.Results {
			if r.URL == m.URL {
				shown = i
				break
			}
		}
		if shown < 0 {
			return fmt.Errorf("%w: %s was not among the %d results of query %q", ErrNotShown, m.URL, len(sq.Record.Results), m.QueryID)
		}
		fillFromQuery(&m, sq.Record, sq.Record.Results[shown])

		last, err := lastSeq(b.marks)
		if err != nil {
			return err
		}
		lastReplacing, err := lastSeq(b.replaced)
		if err != nil {
			return err
		}
		m.Seq = max(last, lastReplacing) + 1
		raw, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("usermodel: add mark of %s: encode: %w", m.URL, err)
		}
		if len(raw) > MaxMarkBytes {
			return fmt.Errorf("%w: the mark of %s is %d bytes as JSON, the limit is %d (its document vector has %d terms)",
				ErrTooLarge, m.URL, len(raw), MaxMarkBytes, len(m.Doc))
		}
		// Fold in the mark exactly as it will be read back, so that the
		// stored profile is bit for bit Rebuild(cfg, Marks()).
		var added Mark
		if err := json.Unmarshal(raw, &added); err != nil {
			return fmt.Errorf("usermodel: add mark of %s: decode: %w", m.URL, err)
		}
		rk := resultKey(added.QueryID, added.URL)
		var replaced *Mark
		if seq := b.byResult.Get(rk); seq != nil {
			var old Mark
			if found, err := getJSON(b.marks, seq, &old); err != nil || !found {
				return fmt.Errorf("usermodel: add mark of %s: the earlier mark %x on it is missing or damaged (found %t): %w", m.URL, seq, found, err)
			}
			replaced = &old
		}
		if err := b.byResult.Put(rk, u64key(added.Seq)); err != nil {
			return fmt.Errorf("usermodel: add mark of %s: %w", m.URL, err)
		}
		var p Profile
		if replaced == nil {
			if p, err = getProfile(b); err != nil {
				return err
			}
			if err := p.Apply(s.cfg, added); err != nil {
				return fmt.Errorf("usermodel: add mark of %s: %w", m.URL, err)
			}
		} else {
			// The replaced mark's share of the decayed, pruned profile
			// cannot be subtracted exactly: rebuild without it.
			marks, err := readMarks(b)
			if err != nil {
				return err
			}
			kept := make([]Mark, 0, len(marks))
			for _, old := range marks {
				if old.Seq != replaced.Seq {
					kept = append(kept, old)
				}
			}
			if p, err = Rebuild(s.cfg, append(kept, added)); err != nil {
				return err
			}
			// Keep the replaced mark's bytes as they were, for Undo.
			oldRaw := bytes.Clone(b.marks.Get(u64key(replaced.Seq)))
			if err := b.replaced.Put(u64key(added.Seq), oldRaw); err != nil {
				return fmt.Errorf("usermodel: replace mark %d of %s: keep it for undo: %w", replaced.Seq, m.URL, err)
			}
			if err := b.marks.Delete(u64key(replaced.Seq)); err != nil {
				return fmt.Errorf("usermodel: replace mark %d of %s: %w", replaced.Seq, m.URL, err)
			}
		}
		if err := b.marks.Put(u64key(added.Seq), raw); err != nil {
			return fmt.Errorf("usermodel: add mark of %s: %w", m.URL, err)
		}
		prof, err := putProfile(b, p)
		if err != nil {
			return err
		}
		ch = MarkChange{Mark: added, Replaced: replaced, Profile: prof}
		if also != nil {
			return also(Tx{b.tx}, ch)
		}
		return nil
	})
	if err != nil {
		return MarkChange{}, err
	}
	return ch, nil
}

// fillFromQuery completes a mark from the query log entry it refers to.
func fillFromQuery(m *Mark, q QueryRecord, r ShownResult) {
	if m.Query == "" {
		m.Query = q.Text
	}
	if len(m.QueryVec) == 0 {
		m.QueryVec = q.QueryVec
	}
	if m.DocID == "" {
		m.DocID = r.DocID
	}
	if m.Title == "" {
		m.Title = r.Title
	}
	if len(m.Source) == 0 {
		m.Source = r.Source
	}
}

// Undo is UndoWith with nothing else to do in the transaction.
func (s *Store) Undo(ctx context.Context) (Mark, Profile, error) {
	ch, err := s.UndoWith(ctx, nil)
	if err != nil {
		return Mark{}, Profile{}, err
	}
	return ch.Mark, ch.Profile, nil
}

// UndoWith removes the last mark from the log, puts back the mark it
// replaced if it replaced one (see AddMarkWith), and stores the profile
// rebuilt from the resulting log, which is exactly the profile before the
// undone mark was added. It returns the removed mark, the mark put back,
// and the new profile, or ErrNothingToUndo when the log is empty.
//
// also, when not nil, runs in the same read-write transaction, as in
// AddMarkWith; its error undoes nothing.
func (s *Store) UndoWith(ctx context.Context, also func(tx Tx, ch MarkChange) error) (MarkChange, error) {
	defer s.marks.changed() // after the commit (or the rollback)
	var ch MarkChange
	err := s.update(ctx, "undo", func(b *buckets) error {
		marks, err := readMarks(b)
		if err != nil {
			return err
		}
		if len(marks) == 0 {
			return ErrNothingToUndo
		}
		undone := marks[len(marks)-1]
		marks = marks[:len(marks)-1]
		if err := b.marks.Delete(u64key(undone.Seq)); err != nil {
			return fmt.Errorf("usermodel: undo mark %d: %w", undone.Seq, err)
		}
		rk := resultKey(undone.QueryID, undone.URL)
		if err := b.byResult.Delete(rk); err != nil {
			return fmt.Errorf("usermodel: undo mark %d: %w", undone.Seq, err)
		}
		var restored *Mark
		if oldRaw := bytes.Clone(b.replaced.Get(u64key(undone.Seq))); oldRaw != nil {
			var old Mark
			if err := json.Unmarshal(oldRaw, &old); err != nil {
				return fmt.Errorf("usermodel: undo mark %d: the mark it replaced is damaged: %w", undone.Seq, err)
			}
			restored = &old
			if err := b.marks.Put(u64key(old.Seq), oldRaw); err != nil {
				return fmt.Errorf("usermodel: undo mark %d: put back mark %d: %w", undone.Seq, old.Seq, err)
			}
			if err := b.replaced.Delete(u64key(undone.Seq)); err != nil {
				return fmt.Errorf("usermodel: undo mark %d: %w", undone.Seq, err)
			}
			if err := b.byResult.Put(rk, u64key(old.Seq)); err != nil {
				return fmt.Errorf("usermodel: undo mark %d: %w", undone.Seq, err)
			}
			if marks, err = readMarks(b); err != nil {
				return err
			}
		}
		p, err := Rebuild(s.cfg, marks)
		if err != nil {
			return err
		}
		prof, err := putProfile(b, p)
		if err != nil {
			return err
		}
		ch = MarkChange{Mark: undone, Replaced: restored, Profile: prof}
		if also != nil {
			return also(Tx{b.tx}, ch)
		}
		return nil
	})
	if err != nil {
		return MarkChange{}, err
	}
	return ch, nil
}

// Marks returns the feedback log in Seq order.
func (s *Store) Marks(ctx context.Context) ([]Mark, error) {
	var marks []Mark
	gen := s.marks.generation() // before the snapshot: see readMarks
	err := s.view(ctx, "marks", func(b *buckets) error {
		var err error
		marks, _, err = s.marks.readMarks(b, gen)
		return err
	})
	if err != nil {
		return nil, err
	}
	return cloneMarks(marks), nil
}

// SharedMarks is Marks without the copies: the slice, the marks' vectors
// and source lists are shared with the store's cache of decoded marks (and
// with other callers), so they must not be modified (appending is
// allowed: the slice is clipped). While the log does not change, every
// read returns the same slice; a changed log is read into a new one, and
// the store never writes to a slice it handed out, so callers may key
// what they derive from the log on the slice itself. For readers on a hot path (a
// search reads the whole log), where copying a few hundred vectors cost
// as much as the search.
func (s *Store) SharedMarks(ctx context.Context) ([]Mark, error) {
	var marks []Mark
	gen := s.marks.generation() // before the snapshot: see readMarks
	err := s.view(ctx, "marks", func(b *buckets) error {
		var err error
		marks, _, err = s.marks.readMarks(b, gen)
		return err
	})
	return marks, err
}

// SharedState is SharedProfile and SharedMarks read in one transaction
// (one snapshot, so the profile and the marks agree), with the marks'
// queries prepared for cosines, queries[i] being marks[i].QueryVec
// prepared once when the store decoded the mark: what a search reads of
// the store, once per search. queries is shared like marks (appending is
// allowed, modifying is not) and, like it, one slice while the log does
// not change.
func (s *Store) SharedState(ctx context.Context) (p Profile, marks []Mark, queries []PreparedQuery, err error) {
	gen := s.marks.generation() // before the snapshot: see readMarks
	err = s.view(ctx, "profile and marks", func(b *buckets) error {
		var err error
		if p, err = s.profile.read(b); err != nil {
			return err
		}
		marks, queries, err = s.marks.readMarks(b, gen)
		return err
	})
	if err != nil {
		return Profile{}, nil, nil, err
	}
	return p, marks, queries, nil
}

// SharedProfile is Profile decoded once per stored value: its Terms are
// shared with the store's cache (and with other callers), so they must not
// be modified.
func (s *Store) SharedProfile(ctx context.Context) (Profile, error) {
	var p Profile
	err := s.view(ctx, "profile", func(b *buckets) error {
		var err error
		p, err = s.profile.read(b)
		return err
	})
	return p, err
}

// Profile returns the stored profile (the zero Profile before any mark).
func (s *Store) Profile(ctx context.Context) (Profile, error) {
	var p Profile
	err := s.view(ctx, "profile", func(b *buckets) error {
		var err error
		p, err = getProfile(b)
		return err
	})
	return p, err
}

// Rebuild recomputes the profile from the feedback log with the store's
// Config, stores it and returns it.
func (s *Store) Rebuild(ctx context.Context) (Profile, error) {
	var p Profile
	err := s.update(ctx, "rebuild", func(b *buckets) error {
		var err error
		p, err = s.rebuild(b)
		return err
	})
	return p, err
}

// rebuild is Rebuild within a transaction.
func (s *Store) rebuild(b *buckets) (Profile, error) {
	marks, err := readMarks(b)
	if err != nil {
		return Profile{}, err
	}
	p, err := Rebuild(s.cfg, marks)
	if err != nil {
		return Profile{}, err
	}
	return putProfile(b, p)
}

// readMarks decodes the whole log, in Seq order.
func readMarks(b *buckets) ([]Mark, error) {
	var marks []Mark
	err := b.marks.ForEach(func(k, v []byte) error {
		var m Mark
		if err := json.Unmarshal(v, &m); err != nil {
			return fmt.Errorf("usermodel: mark %x is damaged: %w", k, err)
		}
		marks = append(marks, m)
		return nil
	})
	return marks, err
}

// lastSeq is the last 8-byte key of bucket b (marks, replaced) as a
// number, 0 for an empty bucket.
func lastSeq(b *bbolt.Bucket) (uint64, error) {
	k, _ := b.Cursor().Last()
	switch {
	case k == nil:
		return 0, nil
	case len(k) != 8:
		return 0, fmt.Errorf("usermodel: mark key %x is damaged", k)
	}
	return binary.BigEndian.Uint64(k), nil
}

// getProfile reads the stored profile.
func getProfile(b *buckets) (Profile, error) {
	var p Profile
	if _, err := getJSON(b.meta, keyProfile, &p); err != nil {
		return Profile{}, fmt.Errorf("usermodel: profile: %w", err)
	}
	return p, nil
}

// putProfile stores p and returns it as it will be read back.
func putProfile(b *buckets, p Profile) (Profile, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return Profile{}, fmt.Errorf("usermodel: store profile: %w", err)
	}
	if err := b.meta.Put(keyProfile, raw); err != nil {
		return Profile{}, fmt.Errorf("usermodel: store profile: %w", err)
	}
	var back Profile
	if err := json.Unmarshal(raw, &back); err != nil {
		return Profile{}, fmt.Errorf("usermodel: store profile: %w", err)
	}
	return back, nil
}
