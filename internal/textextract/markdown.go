package textextract

import (
	"bytes"
	"html"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
)

// Markdown returns the text of a Markdown document (CommonMark with the
// GitHub extensions: tables, strikethrough, autolinks, task lists; plus
// footnotes and definition lists) and its title. Line breaks of the
// source stay line breaks of the text.
//
// The document is rendered to HTML with goldmark and the visible text of
// that HTML is kept, so link text stays and URLs, emphasis marks, code
// fences and escapes go; raw HTML inside the Markdown is read like any HTML
// (its scripts and styles are dropped). A leading front-matter block (YAML
// between "---" lines, or TOML between "+++" lines) is not text; its title
// field, if any, is the title. Otherwise the title is the first h1 heading,
// else the first heading of any level, else the first line of text (a
// <title> in raw HTML would come before the headings).
//
// Bytes are decoded as in Plain. At most MaxInputBytes bytes are read.
func Markdown(src []byte) Result {
	if len(src) > MaxInputBytes {
		src = src[:MaxInputBytes]
	}
	text := decodeText(src)
	fmTitle, body := splitFrontMatter(text)
	res := extractHTML(renderMarkdownBounded(body), nil, false)
	res.Title = firstNonEmpty(fmTitle, res.Title, firstLine(res.Text))
	return res
}

// Bounds on goldmark's work. Some inputs make it super-linear (a long run
// of unclosed "[a](" in one paragraph takes seconds per 100 KB), so large
// documents are rendered in segments, within a time budget.
const (
	// markdownSegment is the most bytes rendered in one goldmark call.
	// Documents up to this size are rendered whole; larger ones are cut at
	// blank lines outside fenced code (or, failing that, at line ends),
	// which only loses constructs that span segments, such as a link
	// reference defined far from its use.
	markdownSegment = 32 << 10
	// markdownBudget is the time after which the remaining segments are
	// kept as plain text instead of rendered.
	markdownBudget = 5 * time.Second
)

// renderMarkdownBounded renders Markdown to HTML segment by segment (see
// markdownSegment). A segment goldmark fails on, or one past the time
// budget, is kept as preformatted plain text, so no text is lost.
func renderMarkdownBounded(src string) string {
	var out strings.Builder
	start := time.Now()
	for _, seg := range splitMarkdown(src, markdownSegment) {
		if time.Since(start) < markdownBudget {
			if h, ok := renderMarkdown(seg); ok {
				out.WriteString(h)
				continue
			}
		}
		out.WriteString("<pre>")
		out.WriteString(html.EscapeString(seg))
		out.WriteString("</pre>\n")
	}
	return out.String()
}

// splitMarkdown cuts src into segments of at most limit bytes, preferably
// after a blank line outside a fenced code block, else at a line end, else
// (for a single longer line) at a rune boundary.
func splitMarkdown(src string, limit int) []string {
	if len(src) <= limit {
		return []string{src}
	}
	var segs []string
	start, lastCut, off := 0, -1, 0
	inFence := false
	for line := range strings.Lines(src) {
		end := off + len(line)
		if end-start > limit {
			cut := lastCut
			if cut <= start {
				cut = off
			}
			if cut > start {
				segs = append(segs, src[start:cut])
				start = cut
			}
			for end-start > limit {
				c := start + limit
				for c > start && !utf8.RuneStart(src[c]) {
					c--
				}
				segs = append(segs, src[start:c])
				start = c
			}
			lastCut = -1
		}
		if isFence(line) {
			inFence = !inFence
		}
		if !inFence && strings.TrimSpace(line) == "" {
			lastCut = end
		}
		off = end
	}
	if start < len(src) {
		segs = append(segs, src[start:])
	}
	return segs
}

// isFence reports a line that opens or closes a fenced code block.
func isFence(line string) bool {
	l := strings.TrimLeft(line, " ")
	if len(line)-len(l) > 3 {
		return false
	}
	return strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~")
}

// renderMarkdown renders Markdown to HTML; ok is false if goldmark fails
// or panics.
func renderMarkdown(src string) (out string, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = "", false
		}
	}()
	md := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList),
		// Hard wraps keep the source's line breaks as line breaks of the
		// text, as Plain does; raw HTML is kept and read like HTML.
		goldmark.WithRendererOptions(gmhtml.WithUnsafe(), gmhtml.WithHardWraps()),
	)
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		return "", false
	}
	return buf.String(), true
}

// splitFrontMatter removes a leading front-matter block from a Markdown
// document and returns its title field (empty if none) and the rest.
// Without a well-formed block, the document is returned unchanged.
func splitFrontMatter(doc string) (title, body string) {
	var fence, sep string
	switch {
	case strings.HasPrefix(doc, "---\n"), strings.HasPrefix(doc, "---\r\n"):
		fence, sep = "---", ":"
	case strings.HasPrefix(doc, "+++\n"), strings.HasPrefix(doc, "+++\r\n"):
		fence, sep = "+++", "="
	default:
		return "", doc
	}
	rest := doc[strings.IndexByte(doc, '\n')+1:]
	offset := len(doc) - len(rest)
	for line := range strings.Lines(rest) {
		offset += len(line)
		l := strings.TrimRight(line, "\r\n")
		if l == fence || (fence == "---" && l == "...") {
			return title, doc[offset:]
		}
		if title != "" {
			continue
		}
		key, val, ok := strings.Cut(l, sep)
		if ok && strings.EqualFold(strings.TrimSpace(key), "title") {
			title = capTitle(strings.Trim(strings.TrimSpace(val), `"'`))
		}
	}
	return "", doc // no closing fence: not front matter
}
