package metasearch

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// Limits of a Request and of the text of a Result.
const (
	// DefaultCount is the number of results asked for when Request.Count
	// is zero.
	DefaultCount = 10
	// MaxCount is the most results one request asks for; a larger
	// Request.Count is lowered to it.
	MaxCount = 100
	// MaxStart is the largest Request.Start accepted. Engines do not page
	// that deep anyway.
	MaxStart = 10000
	// MaxQueryBytes is the longest query accepted, in bytes.
	MaxQueryBytes = 2048
	// MaxTitleRunes is the longest Result.Title, in runes.
	MaxTitleRunes = 300
	// MaxContentRunes is the longest Result.Content, in runes.
	MaxContentRunes = 1000
)

// Engine is an external search engine.
type Engine interface {
	// Name is the name the engine was configured with; it labels results
	// and errors.
	Name() string
	// Search asks the engine for r and returns its answer in the engine's
	// order, ranks 1..n, at most r.Count results. It returns when ctx
	// ends, with an error that wraps ctx.Err().
	Search(ctx context.Context, r Request) ([]Result, error)
}

// The engines of this package.
var (
	_ Engine = (*SearXNG)(nil)
	_ Engine = (*YaCy)(nil)
	_ Engine = (*OpenSearch)(nil)
	_ Engine = (*P2PIR)(nil)
)

// Request is one query to an engine.
type Request struct {
	// Query is the text to search for, as the person typed it. Surrounding
	// white space is trimmed and control characters become spaces; an
	// empty query, one longer than MaxQueryBytes or one that is not valid
	// UTF-8 is refused with ErrBadRequest.
	Query string
	// Count is how many results are wanted: 0 means DefaultCount, more
	// than MaxCount means MaxCount, a negative count is refused.
	Count int
	// Start is the 0-based offset of the first result wanted (for paging);
	// negative or above MaxStart is refused.
	Start int
	// Language is an optional BCP 47 language tag ("en", "de-CH") that
	// engines able to filter by language receive; empty means any
	// language. A malformed tag is refused.
	Language string
}

// normalize checks r and fills in its defaults (see Request).
func (r Request) normalize() (Request, error) {
	if !utf8.ValidString(r.Query) {
		return r, fmt.Errorf("%w: query is not valid UTF-8", ErrBadRequest)
	}
	r.Query = strings.TrimSpace(strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return ' '
		}
		return c
	}, r.Query))
	switch {
	case r.Query == "":
		return r, fmt.Errorf("%w: empty query", ErrBadRequest)
	case len(r.Query) > MaxQueryBytes:
		return r, fmt.Errorf("%w: query of %d bytes, more than %d", ErrBadRequest, len(r.Query), MaxQueryBytes)
	case r.Count < 0:
		return r, fmt.Errorf("%w: negative count %d", ErrBadRequest, r.Count)
	case r.Start < 0 || r.Start > MaxStart:
		return r, fmt.Errorf("%w: start %d outside 0..%d", ErrBadRequest, r.Start, MaxStart)
	}
	if r.Count == 0 {
		r.Count = DefaultCount
	}
	r.Count = min(r.Count, MaxCount)
	if l := strings.TrimSpace(r.Language); l != "" {
		tag, err := language.Parse(l)
		if err != nil {
			return r, fmt.Errorf("%w: language %q: %v", ErrBadRequest, l, err)
		}
		r.Language = tag.String()
	} else {
		r.Language = ""
	}
	return r, nil
}

// baseLanguage is the primary language subtag of r.Language ("de" for
// "de-CH"), or "" when r.Language is empty.
func (r Request) baseLanguage() string {
	if r.Language == "" {
		return ""
	}
	tag, err := language.Parse(r.Language)
	if err != nil {
		return ""
	}
	base, _ := tag.Base()
	return base.String()
}

// Result is one item of an engine's answer.
type Result struct {
	// URL is an absolute http or https URL.
	URL string
	// Title and Content (the engine's snippet) are plain text: tags
	// stripped, entities decoded, control characters removed, white space
	// collapsed, at most MaxTitleRunes and MaxContentRunes runes. A
	// literal "<" may remain (from an encoded "&lt;"): the text is not
	// markup, and displays must escape it.
	Title, Content string
	// Score is the engine's own score when it gives one (SearXNG, YaCy,
	// p2pir), else 0. Scores are only comparable within one engine.
	Score float64
	// Rank is the 1-based position in this engine's answer, counted after
	// unusable items were dropped.
	Rank int
	// Published is when the document was published or last changed, as
	// the engine reports it; zero when unknown.
	Published time.Time
}

// Page is an engine's whole answer to one request: the results and what
// the engine says about them.
type Page struct {
	// Results are the usable results, in the engine's order, ranks 1..n.
	Results []Result
	// Total is the engine's estimate of the number of matches, -1 when it
	// gives none.
	Total int64
	// Unresponsive lists the upstream engines a meta-search engine
	// (SearXNG, a p2pir node) could not reach for this answer, as
	// "name: reason"; nil otherwise.
	Unresponsive []string
}
