package clientagent

import (
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/memo"
)

// maxTextTerms bounds the texts a TextTerms holds (about 2 KiB each for a
// result's title and snippet); when full it starts again empty.
const maxTextTerms = 1 << 15

// TextTerms memoises the analysis of result text the local index does
// not hold (peers' and engines' results, re-ranked by their title and
// snippet) by the exact text. Analysis is a pure function of the text for
// indexes configured alike, so agents over such indexes may share one:
// the nodes of a simulation are shown the same documents' snippets again
// and again. The term frequencies it returns are shared and must not be
// modified. Safe for concurrent use.
type TextTerms struct {
	c *memo.Cache[map[string]int]
}

// NewTextTerms returns an empty memo.
func NewTextTerms() *TextTerms {
	return &TextTerms{c: memo.New[map[string]int](maxTextTerms)}
}

// termFreqs returns ix's analysis of text (ix.TermFreqs), from the memo
// when t holds it; a nil t analyses every time.
func (t *TextTerms) termFreqs(ix *index.Index, text string) map[string]int {
	if t == nil {
		return ix.TermFreqs(text)
	}
	return t.c.Get([]byte(text), func() map[string]int { return ix.TermFreqs(text) }, nil)
}
