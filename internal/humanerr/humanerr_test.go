package humanerr

import (
	"errors"
	"fmt"
	"testing"
)

// TestMessageDropsPackageNamesAtTheStart: package names and the extra
// prefixes go, however nested, only at the start; the rest of the message
// (a "index:" inside it, a path) stays; the chain is untouched.
func TestMessageDropsPackageNamesAtTheStart(t *testing.T) {
	base := errors.New("context deadline exceeded")
	for _, tc := range []struct {
		err   error
		extra []string
		want  string
	}{
		{fmt.Errorf("clientagent: usermodel: profile: %w", base), nil, "profile: context deadline exceeded"},
		{errors.New("searx: metasearch: timed out"), []string{"searx: "}, "timed out"},
		{errors.New("could not open the index: locked"), nil, "could not open the index: locked"},
		{errors.New("crawl: http://x/: refused"), nil, "crawl: http://x/: refused"},
		{errors.New("bad input: k must be positive"), nil, "k must be positive"},
		{nil, nil, ""},
	} {
		if got := Message(tc.err, tc.extra...); got != tc.want {
			t.Errorf("Message(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
