package usermodel

import (
	"context"
	"fmt"
)

// Sharing reports whether the person lets the node share their profile's
// fingerprint with peers. It is on until SetSharing turns it off.
func (s *Store) Sharing(ctx context.Context) (bool, error) {
	var on bool
	err := s.view(ctx, "sharing", func(b *buckets) error {
		var err error
		on, err = readSharing(b)
		return err
	})
	if err != nil {
		return false, err
	}
	return on, nil
}

// readSharing reads the sharing setting (on when never set).
func readSharing(b *buckets) (bool, error) {
	switch v := b.meta.Get(keySharing); {
	case v == nil:
		return true, nil
	case len(v) == 1 && v[0] <= 1:
		return v[0] == 1, nil
	default:
		return false, fmt.Errorf("usermodel: sharing setting %x is damaged", v)
	}
}

// SharedFingerprint returns the fingerprint of the stored profile in dim
// dimensions (MakeFingerprint) and whether sharing is on, in one read.
// The fingerprint is made once per stored profile and dimension and
// shared: the caller must not modify its vector. A node reads its own
// fingerprint for every query it forwards and every gossip round, and
// the profile changes only with a mark.
func (s *Store) SharedFingerprint(ctx context.Context, dim int) (Fingerprint, bool, error) {
	var fp Fingerprint
	var on bool
	err := s.view(ctx, "fingerprint", func(b *buckets) error {
		var err error
		if on, err = readSharing(b); err != nil {
			return err
		}
		fp, err = s.profile.fingerprint(b, dim)
		return err
	})
	if err != nil {
		return Fingerprint{}, false, err
	}
	return fp, on, nil
}

// SetSharing turns sharing of the fingerprint on or off, durably.
func (s *Store) SetSharing(ctx context.Context, on bool) error {
	v := byte(0)
	if on {
		v = 1
	}
	return s.update(ctx, "set sharing", func(b *buckets) error {
		if err := b.meta.Put(keySharing, []byte{v}); err != nil {
			return fmt.Errorf("usermodel: set sharing: %w", err)
		}
		return nil
	})
}
