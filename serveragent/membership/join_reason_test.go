package membership

import (
	"errors"
	"testing"
)

// TestJoinReasonSaysWhyInWords: each seed's failure is put in words a
// person can act on; an unknown one is kept as it came.
func TestJoinReasonSaysWhyInWords(t *testing.T) {
	for _, tc := range []struct {
		cause, want string
	}{
		{"dial tcp 127.0.0.1:1: connect: connection refused", "could not join through a:1: nothing listens there (connection refused)"},
		{"dial tcp 10.0.0.9:7946: i/o timeout", "could not join through a:1: no answer in time"},
		{"Reading remote state failed: No installed keys could decrypt the message", "could not join through a:1: the network secret does not match (--secret-file or P2PIR_SECRET)"},
		{"lookup nowhere.invalid: no such host", "could not join through a:1: unknown host"},
		{"something else", "could not join through a:1: something else"},
	} {
		err := &joinError{seeds: []string{"a:1"}, causes: []error{errors.New(tc.cause)}}
		if got := JoinReason(err); got != tc.want {
			t.Errorf("JoinReason(%q) = %q, want %q", tc.cause, got, tc.want)
		}
	}
}
