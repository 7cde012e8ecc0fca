package usermodel

import (
	"context"
	"fmt"
)

// Sharing reports whether the person lets the node share their profile's
// fingerprint with peers. It is on until SetSharing turns it off.
func (s *Store) Sharing(ctx context.Context) (bool, error) {
	on := true
	err := s.view(ctx, "sharing", func(b *buckets) error {
		switch v := b.meta.Get(keySharing); {
		case v == nil:
		case len(v) == 1 && v[0] <= 1:
			on = v[0] == 1
		default:
			return fmt.Errorf("usermodel: sharing setting %x is damaged", v)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return on, nil
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
