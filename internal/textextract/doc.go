// Package textextract turns file and HTTP content (HTML, Markdown, plain
// text, PDF, Word DOCX, OpenDocument ODT, EPUB, RTF, and Unix mailboxes,
// one message at a time) into a title and readable plain text for
// indexing.
//
// Every extractor returns valid UTF-8 whose whitespace is normalised: runs
// of spaces and tabs become one space, lines are trimmed, and blocks are
// separated by a single newline (a line break) or a blank line (a paragraph
// break). Control characters other than those breaks are dropped. Titles are
// collapsed to one line and capped at MaxTitleRunes runes.
//
// The extractors are meant for untrusted input: they never panic, read at
// most MaxInputBytes bytes of a document (the rest is ignored; the zip
// formats decompress at most MaxUnzippedBytes and refuse the rest), and fall back
// to simpler, linear-time strategies when a document is pathological (for
// example HTML nested deeper than the parser's limit).
package textextract

import "errors"

// Limits shared by the extractors.
const (
	// MaxTitleRunes is the longest title an extractor returns; longer
	// titles are cut at a rune boundary.
	MaxTitleRunes = 300
	// MaxInputBytes is the most an extractor reads of one document (HTML,
	// Markdown, plain text). Bytes past it are ignored, so a huge input
	// costs bounded time and memory. PDF is bounded by its size argument.
	MaxInputBytes = 32 << 20
)

// Result is the extracted title and readable plain text.
type Result struct {
	// Title is the document title on one line, at most MaxTitleRunes runes;
	// empty when the document has none.
	Title string
	// Text is the readable text, valid UTF-8, whitespace normalised.
	Text string
}

// Errors returned (wrapped) by the extractors; test with errors.Is.
var (
	// ErrBinary reports content that is not text.
	ErrBinary = errors.New("textextract: binary content")
	// ErrUnsupported reports a format, or a feature of one (such as an
	// encrypted PDF), that the extractors cannot read.
	ErrUnsupported = errors.New("textextract: unsupported content")
)
