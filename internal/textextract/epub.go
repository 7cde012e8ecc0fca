package textextract

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// EPUB returns the title and text of an EPUB book (a zip archive of XHTML
// chapters). META-INF/container.xml names the package document; its
// spine gives the reading order, and each chapter's visible text is
// extracted as HTML (scripts, styles and navigation dropped) and joined
// with paragraph breaks. The title is the package's dc:title, else the
// first chapter's title or heading, else the first line of text. Chapters
// the manifest does not list or the archive lacks are passed over.
//
// Bounds as in DOCX (decompressed bytes, XML nesting, MaxInputBytes of
// text), and at most 5000 chapters. Errors wrap ErrUnsupported.
func EPUB(b []byte) (Result, error) { return epub(b, MaxUnzippedBytes) }

// epub is EPUB with a budget of decompressed bytes.
func epub(b []byte, budget int64) (Result, error) {
	z, err := openZip(b, "EPUB", budget)
	if err != nil {
		return Result{}, err
	}
	container, err := z.read("META-INF/container.xml")
	if err != nil {
		return Result{}, fmt.Errorf("read EPUB: %w", err)
	}
	var opfPath string
	err = xmlWalker{start: func(el xml.StartElement, _ int) {
		if el.Name.Local == "rootfile" && opfPath == "" {
			opfPath = attr(el, "full-path")
		}
	}}.walk(container, "the EPUB container")
	if err != nil {
		return Result{}, fmt.Errorf("read EPUB: %w", err)
	}
	if opfPath == "" {
		return Result{}, fmt.Errorf("read EPUB: %w: the container names no package document", ErrUnsupported)
	}
	opf, err := z.read(opfPath)
	if err != nil {
		return Result{}, fmt.Errorf("read EPUB: %w", err)
	}
	manifest := map[string]string{} // id -> href
	var spine []string
	err = xmlWalker{start: func(el xml.StartElement, _ int) {
		switch el.Name.Local {
		case "item":
			if id := attr(el, "id"); id != "" && len(manifest) < maxZipEntries {
				manifest[id] = attr(el, "href")
			}
		case "itemref":
			if len(spine) < maxEPUBChapters && !strings.EqualFold(attr(el, "linear"), "no") {
				spine = append(spine, attr(el, "idref"))
			}
		}
	}}.walk(opf, "the EPUB package document")
	if err != nil {
		return Result{}, fmt.Errorf("read EPUB: %w", err)
	}
	res := Result{Title: xmlMetaTitle(opf)}
	var (
		text      textBuilder
		chapTitle string
	)
	base := path.Dir(opfPath)
	seen := map[string]bool{}
	for _, idref := range spine {
		href, ok := manifest[idref]
		if !ok || href == "" {
			continue
		}
		if u, err := url.Parse(href); err == nil {
			href = u.Path // drop a fragment; unescape %20 and the like
		}
		name := path.Join(base, href)
		if seen[name] || !z.has(name) {
			continue
		}
		seen[name] = true
		chapter, err := z.read(name)
		if err != nil {
			return Result{}, fmt.Errorf("read EPUB: %w", err)
		}
		if len(chapter) > MaxInputBytes {
			chapter = chapter[:MaxInputBytes] // as HTML reads at most
		}
		ch := extractHTML(decodeHTML(chapter), nil, false)
		if chapTitle == "" {
			chapTitle = ch.Title
		}
		text.setBreak(brkPara)
		text.lines = true
		text.WriteString(ch.Text)
		if text.Len() >= MaxInputBytes {
			break
		}
	}
	res.Text = text.String()
	res.Title = firstNonEmpty(res.Title, chapTitle, firstLine(res.Text))
	return res, nil
}
