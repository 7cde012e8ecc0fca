package clientagent

import (
	"encoding/binary"
	"net/url"
	"path"
	"strings"

	"github.com/p2pir/p2pir/internal/memo"
)

// isTextFormat reports whether ext (lower case, with its dot) is that of a
// file that may hold the same page in another format: Markdown, HTML,
// plain text, reStructuredText, AsciiDoc.
func isTextFormat(ext string) bool {
	switch ext {
	case ".md", ".markdown", ".html", ".htm", ".xhtml", ".txt", ".text", ".rst", ".adoc":
		return true
	}
	return false
}

// formatCopyKey is the key under which copies of one page in several text
// formats meet: "file://DIR/NAME|title" for a local file whose extension
// is a text format, "" for anything else. Two copies are the same page
// when they sit side by side under one name (notes/page.md and
// notes/page.html) and their titles read the same.
func formatCopyKey(h Hit) string {
	if h.Origin != "file" || !strings.HasPrefix(h.URL, "file://") {
		return ""
	}
	u, err := url.Parse(h.URL)
	if err != nil {
		return ""
	}
	title := normText(h.Title)
	if !isTextFormat(strings.ToLower(path.Ext(u.Path))) || title == "" {
		return ""
	}
	return strings.TrimSuffix(u.Path, path.Ext(u.Path)) + "|" + title
}

// collapseFormatCopies keeps, of the copies of one page in several text
// formats (formatCopyKey), the best ranked one, and lists the others'
// URLs in its Formats; the order of what is kept is unchanged. It works
// in place, in merged's array, which a search's results (mostly not
// local files, and not copies) then cost nothing more.
// keys, when not nil, remembers the keys from search to search (formatKey).
func collapseFormatCopies(merged []Merged, keys *memo.Cache[string]) []Merged {
	var first map[string]int
	n := 0 // merged[:n] is what is kept so far
	for i := range merged {
		m := &merged[i]
		k := m.formatKey
		if !m.formatKeyed {
			k = formatKey(keys, m.Hit)
		}
		if k != "" {
			if at, ok := first[k]; ok {
				merged[at].Formats = append(merged[at].Formats, m.URL)
				continue
			}
			if first == nil {
				first = make(map[string]int, len(merged)-i)
			}
			first[k] = n
		}
		if i != n {
			merged[n] = *m
		}
		n++
	}
	return merged[:n]
}

// maxFormatKeys bounds the keys an agent remembers (collapseFormatCopies'
// keys): the local files of many searches (a few hundred bytes each).
const maxFormatKeys = 1 << 14

// formatKey is formatCopyKey(h), remembered in keys (when not nil) by
// URL and title, all the key depends on for a local file: a search with
// the profile merges its 50 candidates, mostly the same files search
// after search, and parsing a URL and normalising a title cost more than
// a lookup.
func formatKey(keys *memo.Cache[string], h Hit) string {
	if keys == nil || h.Origin != "file" || !strings.HasPrefix(h.URL, "file://") {
		return formatCopyKey(h) // "" at once for what is not a local file
	}
	var buf [256]byte
	k := binary.AppendUvarint(buf[:0], uint64(len(h.URL))) // no two (URL, title) pairs alike
	k = append(append(k, h.URL...), h.Title...)
	return keys.Get(k, func() string { return formatCopyKey(h) }, nil)
}
