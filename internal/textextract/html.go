package textextract

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"codeberg.org/readeck/go-readability/v2/render"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

const (
	// maxReadabilityDepthSum bounds the documents handed to readability:
	// the sum over elements of their depth. Readability scores every
	// paragraph's ancestors, so its cost grows with this sum and with the
	// text length; past the bound (a typical article page is well below
	// 100000) the linear visible-text walk alone is used. With the text
	// bound below, readability takes at most about two seconds.
	maxReadabilityDepthSum = 300000
	// maxReadabilityText bounds the visible text (bytes) of documents
	// handed to readability.
	maxReadabilityText = 1 << 20
	// minReadableShare is how much of the page's visible text the
	// readability article must keep to be used. Below it, readability has
	// probably picked one part of a page that is not an article (a file
	// listing, a manual with many sections), and the whole visible text is
	// kept instead: losing content costs recall, keeping some boilerplate
	// costs little precision.
	minReadableShare = 0.4
)

// HTML extracts the title and main readable text of an HTML page: scripts,
// styles, noscript, templates, nav/aside boilerplate dropped; entities
// decoded; whitespace collapsed to single spaces/paragraph breaks. pageURL
// may be nil. Hostile input (deep nesting, huge attributes, broken markup,
// invalid UTF-8) never panics and is bounded in time/memory.
//
// Steps:
//
//   - At most MaxInputBytes bytes are read. Content that IsBinary rejects
//     gives ErrBinary.
//   - Bytes are decoded: UTF-16 or UTF-8 by byte-order mark; valid UTF-8 as
//     is (so a body already converted by an HTTP client stays right); else
//     the charset of a <meta> tag; else ValidUTF8's rules.
//   - The page is parsed (golang.org/x/net/html) and its visible text is
//     collected: body text minus the elements above, minus elements hidden
//     by the hidden attribute, aria-hidden, inline display:none or
//     visibility:hidden, or a navigation/menu role.
//   - If the page looks like an article (readability's own check) and is
//     not huge, go-readability extracts the main content; it is used when
//     it keeps at least 40% of the visible text, else the visible text is
//     kept (pages that are not articles keep all their text).
//   - Title: readability's title when it ran and did not cut the <title>
//     inside a word (see articleTitle), else <title>, else the first h1 (or
//     other heading).
//   - Pages nested deeper than the parser accepts are read with the
//     tokenizer alone, in one linear pass.
//
// The only errors are ErrBinary, a failure to read r, and a nil r.
func HTML(r io.Reader, pageURL *url.URL) (Result, error) {
	if r == nil {
		return Result{}, fmt.Errorf("textextract: HTML: nil reader")
	}
	b, err := readInput(r)
	if err != nil {
		return Result{}, fmt.Errorf("textextract: read HTML: %w", err)
	}
	if looksBinary(b) {
		return Result{}, fmt.Errorf("%w: HTML input fails the text sniff", ErrBinary)
	}
	return extractHTML(decodeHTML(b), pageURL, true), nil
}

// readInput reads at most MaxInputBytes bytes of r. A reader that tells
// its length (bytes.Reader, strings.Reader, bytes.Buffer: what the
// crawlers hand over) is read into one buffer of that size, instead of one
// grown by doubling, which for a 10 MiB page allocates three times as much.
func readInput(r io.Reader) ([]byte, error) {
	l, ok := r.(interface{ Len() int })
	if !ok {
		return io.ReadAll(io.LimitReader(r, MaxInputBytes))
	}
	b := make([]byte, min(l.Len(), MaxInputBytes))
	n, err := io.ReadFull(r, b)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, err
	}
	return b[:n], nil
}

// decodeHTML turns the bytes of an HTML document into valid UTF-8 (see
// HTML for the order of the rules).
func decodeHTML(b []byte) string {
	if _, ok := bomEncoding(b); ok {
		return decodeText(b)
	}
	b = bytes.TrimPrefix(b, bomUTF8)
	if utf8.Valid(b) {
		return string(b)
	}
	// DetermineEncoding reads a <meta> charset in the first 1024 bytes; its
	// fallback when there is none is windows-1252, which ValidUTF8 also
	// applies, more carefully (it leaves damaged UTF-8 as UTF-8). WHATWG
	// maps the ISO 8859-1 and ASCII labels to windows-1252 too.
	enc, name, _ := charset.DetermineEncoding(b, "")
	if enc != nil && name != "utf-8" && name != "windows-1252" {
		if out, err := enc.NewDecoder().Bytes(b); err == nil {
			return strings.ToValidUTF8(string(out), "\uFFFD")
		}
	}
	return ValidUTF8(string(b))
}

// extractHTML extracts from decoded HTML; withReadability enables the
// article extraction (off for HTML rendered from Markdown, which has no
// boilerplate).
func extractHTML(src string, pageURL *url.URL, withReadability bool) Result {
	doc, err := html.Parse(strings.NewReader(src))
	if err != nil {
		// The parser refuses documents nested too deep; the tokenizer
		// does not build a tree and has no such limit.
		v := tokenText(src)
		return Result{Title: firstNonEmpty(v.title, v.heading), Text: v.text}
	}
	v := walkVisible(doc)
	res := Result{Title: firstNonEmpty(v.title, v.heading), Text: v.text}
	if !withReadability || v.depthSum > maxReadabilityDepthSum || len(v.text) > maxReadabilityText ||
		!readability.CheckDocument(doc) {
		return res
	}
	pruneInvisible(doc)
	title, text, ok := readable(doc, pageURL)
	if !ok {
		return res
	}
	res.Title = articleTitle(v.title, title, res.Title)
	if float64(len(text)) >= minReadableShare*float64(len(v.text)) {
		res.Text = text
	}
	return res
}

// readable runs go-readability on doc (which it mutates) and returns the
// article's title and normalised text. ok is false when readability fails,
// finds nothing or panics.
func readable(doc *html.Node, pageURL *url.URL) (title, text string, ok bool) {
	defer func() {
		if recover() != nil {
			title, text, ok = "", "", false
		}
	}()
	p := readability.NewParser()
	art, err := p.ParseAndMutate(doc, pageURL)
	if err != nil || art.Node == nil {
		return "", "", false
	}
	text = normalizeText(render.InnerText(art.Node), true)
	if text == "" {
		return "", "", false
	}
	return capTitle(art.Title()), text, true
}

// articleTitle chooses between the page's <title> (pageTitle) and
// readability's cleaned title (readTitle); fallback is used when both are
// empty. Readability drops a site name from "Article | Site", which is
// welcome, but its pattern also cuts at a hyphen inside a word: "Command-line
// API | Docs" becomes "line API | Docs". So readability's title is taken
// only when it does not cut the <title> inside a word: it is a different
// title altogether (from metadata), or the <title> itself, or a part of it
// bounded by white space on both sides.
func articleTitle(pageTitle, readTitle, fallback string) string {
	switch {
	case readTitle == "":
		return firstNonEmpty(pageTitle, fallback)
	case pageTitle == "":
		return readTitle
	}
	i := strings.Index(pageTitle, readTitle)
	if i < 0 {
		return readTitle
	}
	before, after := pageTitle[:i], pageTitle[i+len(readTitle):]
	if (before == "" || endsWithSpace(before)) && (after == "" || startsWithSpace(after)) {
		return readTitle
	}
	return pageTitle
}

func endsWithSpace(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(r)
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// pruneInvisible removes from doc what walkVisible does not show and
// readability would keep: templates, noscript fallbacks and hidden
// elements (see hiddenElement).
func pruneInvisible(n *html.Node) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if c.DataAtom == atom.Template || c.DataAtom == atom.Noscript || hiddenElement(c) {
				n.RemoveChild(c)
			} else {
				pruneInvisible(c)
			}
		}
		c = next
	}
}

// firstNonEmpty returns the first of ss that is not empty.
func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
