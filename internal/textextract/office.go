package textextract

import (
	"encoding/xml"
	"fmt"
)

// DOCX returns the title and text of a Word document (Office Open XML, a
// zip archive). The text is that of word/document.xml, then of the
// footnotes and endnotes (word/footnotes.xml, word/endnotes.xml): each paragraph a
// block, tabs as spaces, line breaks kept, deleted revisions and field
// codes left out. The title is the document property dc:title
// (docProps/core.xml), else the first line of text.
//
// Bounds: at most MaxUnzippedBytes are decompressed, XML nested deeper
// than 256 elements is refused, and at most MaxInputBytes of text are
// kept. Errors wrap ErrUnsupported (not a zip, no document part, over a
// bound: see ErrTooLarge); nothing panics on hostile input.
func DOCX(b []byte) (Result, error) { return docx(b, MaxUnzippedBytes) }

// docx is DOCX with a budget of decompressed bytes.
func docx(b []byte, budget int64) (Result, error) {
	z, err := openZip(b, "DOCX", budget)
	if err != nil {
		return Result{}, err
	}
	var text textBuilder
	// The body, then footnotes and endnotes when the document has them.
	for _, part := range []string{"word/document.xml", "word/footnotes.xml", "word/endnotes.xml"} {
		if part != "word/document.xml" && !z.has(part) {
			continue
		}
		src, err := z.read(part)
		if err != nil {
			return Result{}, fmt.Errorf("read DOCX: %w", err)
		}
		text.setBreak(brkPara)
		if err := docxText(&text, src, part); err != nil {
			return Result{}, fmt.Errorf("read DOCX: %w", err)
		}
	}
	res := Result{Text: text.String()}
	if z.has("docProps/core.xml") {
		if core, err := z.read("docProps/core.xml"); err == nil {
			res.Title = xmlMetaTitle(core)
		}
	}
	res.Title = firstNonEmpty(res.Title, firstLine(res.Text))
	return res, nil
}

// docxText adds the text of a WordprocessingML part (the body, footnotes,
// endnotes) to text.
func docxText(text *textBuilder, src []byte, part string) error {
	inT := 0 // inside <w:t>, counted so a malformed nesting cannot stick
	return xmlWalker{
		start: func(el xml.StartElement, _ int) {
			switch el.Name.Local {
			case "t":
				inT++
			case "tab":
				text.setBreak(brkSpace)
			case "br", "cr":
				text.setBreak(brkLine)
			}
		},
		end: func(name xml.Name, _ int) {
			switch name.Local {
			case "t":
				if inT > 0 {
					inT--
				}
			case "p":
				text.setBreak(brkPara)
			case "tc":
				text.setBreak(brkSpace)
			case "tr":
				text.setBreak(brkLine)
			}
		},
		text: func(s []byte) {
			if inT > 0 && text.Len() < MaxInputBytes {
				text.WriteString(ValidUTF8(string(s)))
			}
		},
	}.walk(src, part)
}

// ODT returns the title and text of an OpenDocument text (a zip archive).
// The text is that of the body of content.xml: paragraphs and headings
// as blocks, text:s as spaces, tabs as spaces, line breaks kept, tracked
// deletions left out. The title is dc:title from meta.xml, else the first
// heading, else the first line of text. Bounds and errors as in DOCX.
func ODT(b []byte) (Result, error) { return odt(b, MaxUnzippedBytes) }

// odt is ODT with a budget of decompressed bytes.
func odt(b []byte, budget int64) (Result, error) {
	z, err := openZip(b, "ODT", budget)
	if err != nil {
		return Result{}, err
	}
	content, err := z.read("content.xml")
	if err != nil {
		return Result{}, fmt.Errorf("read ODT: %w", err)
	}
	var (
		text    textBuilder
		heading textBuilder
		inBody  int
		skip    int // inside tracked changes or annotations
		inH     int
		headed  bool
	)
	err = xmlWalker{
		start: func(el xml.StartElement, _ int) {
			switch el.Name.Local {
			case "body":
				inBody++
			case "tracked-changes", "annotation":
				skip++
			case "h":
				inH++
			case "s", "tab": // text:s c="N" is N spaces: one, once normalised
				text.setBreak(brkSpace)
			case "line-break":
				text.setBreak(brkLine)
			}
		},
		end: func(name xml.Name, _ int) {
			switch name.Local {
			case "body":
				if inBody > 0 {
					inBody--
				}
			case "tracked-changes", "annotation":
				if skip > 0 {
					skip--
				}
			case "h":
				if inH > 0 {
					inH--
					if inH == 0 && heading.Len() > 0 {
						headed = true
					}
				}
				text.setBreak(brkPara)
			case "p", "list-item":
				text.setBreak(brkPara)
			case "table-cell":
				text.setBreak(brkSpace)
			case "table-row":
				text.setBreak(brkLine)
			}
		},
		text: func(s []byte) {
			if inBody == 0 || skip > 0 || text.Len() >= MaxInputBytes {
				return
			}
			t := ValidUTF8(string(s))
			text.WriteString(t)
			if inH > 0 && !headed && heading.Len() < 4*MaxTitleRunes {
				heading.WriteString(t)
			}
		},
	}.walk(content, "the ODT content part")
	if err != nil {
		return Result{}, fmt.Errorf("read ODT: %w", err)
	}
	res := Result{Text: text.String()}
	if z.has("meta.xml") {
		if meta, err := z.read("meta.xml"); err == nil {
			res.Title = xmlMetaTitle(meta)
		}
	}
	res.Title = firstNonEmpty(res.Title, capTitle(heading.String()), firstLine(res.Text))
	return res, nil
}
