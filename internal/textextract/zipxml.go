package textextract

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"golang.org/x/net/html/charset"
)

// Bounds on the zip+XML formats (DOCX, ODT, EPUB). A hostile archive can
// claim small sizes and inflate to gigabytes (a zip bomb), hold thousands of
// entries, or nest XML elements without end; each of these is cut off with
// an error wrapping ErrUnsupported, never read whole.
const (
	// MaxUnzippedBytes is the most bytes decompressed from one archive,
	// all the entries read together. Past it the document is refused.
	MaxUnzippedBytes = 64 << 20
	// maxZipEntries is the most entries an archive may list.
	maxZipEntries = 10000
	// maxXMLDepth is the deepest element nesting read in an XML part.
	maxXMLDepth = 256
	// maxEPUBChapters is the most spine items of an EPUB that are read.
	maxEPUBChapters = 5000
)

// ErrTooLarge is wrapped by errors for archives that decompress to more
// than MaxUnzippedBytes or nest XML deeper than the extractors read. It
// wraps ErrUnsupported, so callers that skip unsupported content skip
// these too.
var ErrTooLarge = fmt.Errorf("%w: too large or too deeply nested", ErrUnsupported)

// zipDoc is an opened archive with a budget of bytes still to decompress.
type zipDoc struct {
	files  map[string]*zip.File
	budget int64 // bytes still to decompress
	limit  int64 // the budget at the start
}

// openZip opens b as a zip archive. Errors wrap ErrUnsupported: a file
// with a .docx name that is not a zip is not something the extractors can
// read.
func openZip(b []byte, kind string, budget int64) (*zipDoc, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a readable zip archive: %v", ErrUnsupported, kind, err)
	}
	if len(zr.File) > maxZipEntries {
		return nil, fmt.Errorf("%w: %s archive lists %d entries, the limit is %d", ErrTooLarge, kind, len(zr.File), maxZipEntries)
	}
	z := &zipDoc{files: make(map[string]*zip.File, len(zr.File)), budget: budget, limit: budget}
	for _, f := range zr.File {
		z.files[path.Clean(strings.TrimPrefix(f.Name, "/"))] = f
	}
	return z, nil
}

// read decompresses the entry name, counting it against the archive's
// budget. A missing entry gives an error wrapping ErrUnsupported.
func (z *zipDoc) read(name string) ([]byte, error) {
	f, ok := z.files[path.Clean(strings.TrimPrefix(name, "/"))]
	if !ok {
		return nil, fmt.Errorf("%w: the archive has no %s", ErrUnsupported, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: open %s in the archive: %v", ErrUnsupported, name, err)
	}
	defer rc.Close()
	// The declared size is not trusted: read at most the budget plus one
	// byte, and refuse the archive when that byte arrives.
	b, err := io.ReadAll(io.LimitReader(rc, z.budget+1))
	if err != nil {
		return nil, fmt.Errorf("%w: decompress %s: %v", ErrUnsupported, name, err)
	}
	if int64(len(b)) > z.budget {
		return nil, fmt.Errorf("%w: the archive decompresses to more than %d bytes", ErrTooLarge, z.limit)
	}
	z.budget -= int64(len(b))
	return b, nil
}

// has reports whether the archive holds the entry name.
func (z *zipDoc) has(name string) bool {
	_, ok := z.files[path.Clean(strings.TrimPrefix(name, "/"))]
	return ok
}

// xmlWalker streams the tokens of an XML part to its callbacks, with a
// bound on nesting. Names are matched by their local part: the formats'
// namespaces are fixed, and documents written by odd tools get the prefix
// wrong more often than the local name.
type xmlWalker struct {
	// start is called for each start element, with the current depth (1
	// for the root).
	start func(el xml.StartElement, depth int)
	// end is called for each end element.
	end func(name xml.Name, depth int)
	// text is called for character data.
	text func(s []byte)
}

// walk reads src to its end or to the first error. Entities are not
// expanded beyond XML's five and HTML's named ones (encoding/xml never
// fetches external ones), and the nesting is bounded by maxXMLDepth.
func (w xmlWalker) walk(src []byte, part string) error {
	d := xml.NewDecoder(bytes.NewReader(src))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	d.CharsetReader = charset.NewReaderLabel
	depth := 0
	for {
		tok, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: %s is not well-formed XML: %v", ErrUnsupported, part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxXMLDepth {
				return fmt.Errorf("%w: %s nests elements more than %d deep", ErrTooLarge, part, maxXMLDepth)
			}
			if w.start != nil {
				w.start(t, depth)
			}
		case xml.EndElement:
			if w.end != nil {
				w.end(t.Name, depth)
			}
			if depth > 0 {
				depth--
			}
		case xml.CharData:
			if w.text != nil {
				w.text(t)
			}
		}
	}
}

// attr returns the value of the attribute with local name local.
func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// xmlMetaTitle returns the text of the first element with local name
// "title" in an XML part (Dublin Core's dc:title in DOCX's core.xml, ODT's
// meta.xml and EPUB's package document), or "" when there is none or the
// part cannot be read.
func xmlMetaTitle(src []byte) string {
	var (
		title  strings.Builder
		in     bool
		done   bool
		inside int
	)
	_ = xmlWalker{
		start: func(el xml.StartElement, depth int) {
			if !done && !in && el.Name.Local == "title" {
				in, inside = true, depth
			}
		},
		end: func(name xml.Name, depth int) {
			if in && depth == inside {
				in, done = false, true
			}
		},
		text: func(s []byte) {
			if in && title.Len() < 4*MaxTitleRunes {
				title.Write(s)
			}
		},
	}.walk(src, "metadata")
	return capTitle(ValidUTF8(title.String()))
}
