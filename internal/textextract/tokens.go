package textextract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// tokenText extracts text from HTML with the tokenizer alone, in one
// linear pass and without building a tree. It is the fallback for documents
// the parser refuses (nesting deeper than its limit). It skips the same
// elements as walkVisible, counting open and close tags, but cannot honour
// attributes that hide an element.
func tokenText(src string) visible {
	z := html.NewTokenizer(strings.NewReader(src))
	var (
		text           textBuilder
		title, heading textBuilder
		h1             textBuilder
		skip           int  // open skipped elements
		inTitle        bool // inside the first <title>
		h1State        captureState
		hState         captureState
		pre            int
		elements       int
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			v := visible{text: text.String(), title: capTitle(title.String()), elements: elements}
			v.heading = capTitle(h1.String())
			if v.heading == "" {
				v.heading = capTitle(heading.String())
			}
			return v
		case html.TextToken:
			if skip > 0 {
				continue
			}
			s := string(z.Text())
			if inTitle {
				title.WriteString(s)
				continue
			}
			if h1State == capturing {
				h1.WriteString(s)
			}
			if hState == capturing {
				heading.WriteString(s)
			}
			text.lines = pre > 0
			text.WriteString(s)
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt == html.StartTagToken
			if tt != html.EndTagToken {
				elements++
			}
			if a != atom.Head && skippedElement(a) {
				if start {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
				continue
			}
			if skip > 0 {
				continue
			}
			switch {
			case a == atom.Title:
				inTitle = start && title.Len() == 0
			case a == atom.Pre:
				if start {
					pre++
				} else if tt == html.EndTagToken && pre > 0 {
					pre--
				}
			case isHeading(a):
				hState = hState.next(start)
				if a == atom.H1 {
					h1State = h1State.next(start)
				}
			}
			text.setBreak(blockBreak(a))
		}
	}
}

// captureState follows the capture of the first element of a kind.
type captureState int

const (
	notSeen   captureState = iota // no such element yet
	capturing                     // inside the first one
	captured                      // the first one has ended
)

// next moves the state on at a start (start true) or end tag.
func (c captureState) next(start bool) captureState {
	switch {
	case c == notSeen && start:
		return capturing
	case c == capturing && !start:
		return captured
	}
	return c
}
