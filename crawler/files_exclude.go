package crawler

import (
	"fmt"
	"path"
	"strings"

	"github.com/bmatcuk/doublestar/v4"
)

// excluder matches paths against FilesConfig.Exclude (see there for the
// syntax).
type excluder struct {
	rules []excludeRule
}

type excludeRule struct {
	pattern string
	dirOnly bool // the pattern ended with a slash
	full    bool // the pattern has a slash: match the relative path
}

// newExcluder checks and compiles patterns.
func newExcluder(patterns []string) (*excluder, error) {
	ex := &excluder{}
	for _, p := range patterns {
		r := excludeRule{pattern: p}
		if strings.HasSuffix(r.pattern, "/") {
			r.dirOnly = true
			r.pattern = strings.TrimRight(r.pattern, "/")
		}
		r.pattern = strings.TrimPrefix(r.pattern, "/")
		if r.pattern == "" {
			return nil, fmt.Errorf("crawler: exclude pattern %q: empty", p)
		}
		r.full = strings.Contains(r.pattern, "/")
		var ok bool
		if r.full {
			ok = doublestar.ValidatePattern(r.pattern)
		} else {
			_, err := path.Match(r.pattern, "")
			ok = err == nil
		}
		if !ok {
			return nil, fmt.Errorf("crawler: exclude pattern %q: malformed", p)
		}
		ex.rules = append(ex.rules, r)
	}
	return ex, nil
}

// excluded reports whether the file or folder at rel (slash-separated,
// relative to the root) is excluded.
func (ex *excluder) excluded(rel string, isDir bool) bool {
	base := path.Base(rel)
	for _, r := range ex.rules {
		if r.dirOnly && !isDir {
			continue
		}
		if r.full {
			if doublestar.MatchUnvalidated(r.pattern, rel) {
				return true
			}
		} else if ok, _ := path.Match(r.pattern, base); ok {
			return true
		}
	}
	return false
}
