// Package docs holds p2pir's own documentation and embeds it, so that
// "p2pir demo" has something real to search on a fresh machine: the
// Markdown files here, cut into one document per section.
package docs

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
)

//go:embed *.md
var files embed.FS

// Section is one section of one of the embedded Markdown documents, as a
// document of its own.
type Section struct {
	// Name is a file name for the section, unique among the sections:
	// the document's name, the section's position and a slug of its
	// heading, e.g. "EXPERIMENTS-07-growth-from-10-to-1000-nodes.md".
	Name string
	// Text is the section in Markdown: a title line naming the document
	// and the heading, then the section's body.
	Text string
}

// Sections cuts every embedded Markdown document at its headings of
// levels 1 to 3 ("# ", "## ", "### ") outside code blocks and returns the
// sections that have a body, in document order.
func Sections() ([]Section, error) {
	names, err := fs.Glob(files, "*.md")
	if err != nil {
		return nil, fmt.Errorf("list the embedded documents: %w", err)
	}
	var out []Section
	for _, name := range names {
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("read the embedded %s: %w", name, err)
		}
		out = append(out, Split(strings.TrimSuffix(name, path.Ext(name)), string(raw))...)
	}
	return out, nil
}

// Split cuts one Markdown document, named doc, into its sections (see
// Sections). Text before the first heading belongs to a section titled
// by the document's name.
func Split(doc, markdown string) []Section {
	var (
		out      []Section
		docTitle = doc
		h2       string
		heading  string
		body     strings.Builder
		fenced   bool
	)
	flush := func() {
		text := strings.TrimSpace(body.String())
		body.Reset()
		if text == "" {
			return
		}
		title := docTitle
		if heading != "" && heading != docTitle {
			title = docTitle + ": " + heading
		}
		name := fmt.Sprintf("%s-%02d", doc, len(out)+1)
		if s := slug(heading); s != "" {
			name += "-" + s
		}
		out = append(out, Section{Name: name + ".md", Text: "# " + title + "\n\n" + text + "\n"})
	}
	for _, line := range strings.Split(markdown, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
		}
		if !fenced {
			if h, ok := strings.CutPrefix(line, "# "); ok {
				flush()
				docTitle, h2, heading = strings.TrimSpace(h), "", ""
				continue
			}
			if h, ok := strings.CutPrefix(line, "## "); ok {
				flush()
				h2 = strings.TrimSpace(h)
				heading = h2
				continue
			}
			if h, ok := strings.CutPrefix(line, "### "); ok {
				flush()
				heading = strings.TrimSpace(h)
				if h2 != "" {
					heading = h2 + ": " + heading
				}
				continue
			}
		}
		body.WriteString(line)
		body.WriteByte('\n')
	}
	flush()
	return out
}

var nonSlug = regexp.MustCompile(`[^a-z0-9]+`)

// slug is a heading as lower-case ASCII words joined by hyphens, at most
// 48 bytes.
func slug(heading string) string {
	s := strings.Trim(nonSlug.ReplaceAllString(strings.ToLower(heading), "-"), "-")
	if len(s) > 48 {
		s = strings.TrimRight(s[:48], "-")
	}
	return s
}
