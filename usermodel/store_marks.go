package usermodel

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
)

// AddMark appends a mark to the feedback log and folds it into the profile
// (Profile.Apply), both in one transaction: when AddMark returns nil the
// mark is on disk. It returns the mark as stored and the new profile, equal
// to what Marks and Profile return from now on.
//
// The mark must pass Validate; its QueryID must be in the query log
// (ErrUnknownQuery) and its URL among that query's results
// (ErrNotShown); its JSON must not exceed MaxMarkBytes (ErrTooLarge). The
// store sets Seq to one more than the last mark's (m.Seq is ignored), and
// fills an empty Query, QueryVec, DocID, Title and Source from the query
// log. On any error nothing changes.
func (s *Store) AddMark(ctx context.Context, m Mark) (Mark, Profile, error) {
	if err := m.Validate(); err != nil {
		return Mark{}, Profile{}, err
	}
	var added Mark
	var prof Profile
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

		last, err := lastSeq(b)
		if err != nil {
			return err
		}
		m.Seq = last + 1
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
		if err := json.Unmarshal(raw, &added); err != nil {
			return fmt.Errorf("usermodel: add mark of %s: decode: %w", m.URL, err)
		}
		p, err := getProfile(b)
		if err != nil {
			return err
		}
		if err := p.Apply(s.cfg, added); err != nil {
			return fmt.Errorf("usermodel: add mark of %s: %w", m.URL, err)
		}
		if err := b.marks.Put(u64key(added.Seq), raw); err != nil {
			return fmt.Errorf("usermodel: add mark of %s: %w", m.URL, err)
		}
		prof, err = putProfile(b, p)
		return err
	})
	if err != nil {
		return Mark{}, Profile{}, err
	}
	return added, prof, nil
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

// Undo removes the last mark from the log and stores the profile rebuilt
// from the remaining marks, which is exactly the profile before that mark
// was added. It returns the removed mark and the new profile, or
// ErrNothingToUndo when the log is empty.
func (s *Store) Undo(ctx context.Context) (Mark, Profile, error) {
	var undone Mark
	var prof Profile
	err := s.update(ctx, "undo", func(b *buckets) error {
		marks, err := readMarks(b)
		if err != nil {
			return err
		}
		if len(marks) == 0 {
			return ErrNothingToUndo
		}
		undone, marks = marks[len(marks)-1], marks[:len(marks)-1]
		p, err := Rebuild(s.cfg, marks)
		if err != nil {
			return err
		}
		if err := b.marks.Delete(u64key(undone.Seq)); err != nil {
			return fmt.Errorf("usermodel: undo mark %d: %w", undone.Seq, err)
		}
		prof, err = putProfile(b, p)
		return err
	})
	if err != nil {
		return Mark{}, Profile{}, err
	}
	return undone, prof, nil
}

// Marks returns the feedback log in Seq order.
func (s *Store) Marks(ctx context.Context) ([]Mark, error) {
	var marks []Mark
	err := s.view(ctx, "marks", func(b *buckets) error {
		var err error
		marks, err = s.marks.readMarks(b)
		return err
	})
	return marks, err
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

// lastSeq is the Seq of the last mark, 0 for an empty log.
func lastSeq(b *buckets) (uint64, error) {
	k, _ := b.marks.Cursor().Last()
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
