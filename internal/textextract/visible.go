package textextract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// skippedElement reports elements whose content is never readable text
// (scripts, styles, media, form widgets) or is page boilerplate
// (navigation, asides). head is skipped too: its title is read apart.
func skippedElement(a atom.Atom) bool {
	switch a {
	case atom.Head, atom.Script, atom.Style, atom.Noscript, atom.Template,
		atom.Nav, atom.Aside, atom.Svg, atom.Iframe, atom.Object, atom.Embed,
		atom.Canvas, atom.Audio, atom.Video, atom.Select, atom.Textarea,
		atom.Button, atom.Noframes, atom.Noembed, atom.Math:
		return true
	}
	return false
}

// blockBreak is the separator an element puts before and after its
// content: paragraph-like blocks get a blank line, smaller blocks a line
// break, table cells a space, inline elements nothing.
func blockBreak(a atom.Atom) brk {
	switch a {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Blockquote, atom.Pre, atom.Table, atom.Ul, atom.Ol, atom.Dl,
		atom.Hr, atom.Figure, atom.Section, atom.Article, atom.Main,
		atom.Header, atom.Footer, atom.Address, atom.Details, atom.Form,
		atom.Fieldset, atom.Body:
		return brkPara
	case atom.Div, atom.Li, atom.Dt, atom.Dd, atom.Tr, atom.Br,
		atom.Caption, atom.Figcaption, atom.Summary, atom.Option,
		atom.Thead, atom.Tbody, atom.Tfoot, atom.Center, atom.Legend:
		return brkLine
	case atom.Td, atom.Th:
		return brkSpace
	}
	return brkNone
}

// isHeading reports h1 to h6.
func isHeading(a atom.Atom) bool {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return true
	}
	return false
}

// hiddenElement reports elements a browser would not show or that are
// marked as navigation: the hidden attribute, aria-hidden="true", inline
// display:none or visibility:hidden, and navigation or menu roles.
func hiddenElement(n *html.Node) bool {
	for _, a := range n.Attr {
		switch strings.ToLower(a.Key) {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "style":
			s := strings.ToLower(strings.Join(strings.Fields(a.Val), ""))
			if strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden") {
				return true
			}
		case "role":
			switch strings.ToLower(strings.TrimSpace(a.Val)) {
			case "navigation", "menu", "menubar":
				return true
			}
		}
	}
	return false
}

// visible is what walkVisible finds in a parsed document.
type visible struct {
	text     string // visible text of the body, normalised
	title    string // text of the first <title> in the head, capped
	heading  string // first h1, or else first h1-h6, capped
	elements int    // number of element nodes in the document
	// depthSum is the sum over elements of their depth, a measure of the
	// work readability's scoring of ancestors does.
	depthSum int
}

// walkVisible collects the visible text of a parsed HTML document. The
// tree comes from html.Parse, whose depth is bounded (512 open elements),
// so the recursion is bounded too.
func walkVisible(doc *html.Node) visible {
	w := visibleWalker{}
	w.walk(doc)
	v := visible{
		text:     w.text.String(),
		title:    capTitle(w.title),
		elements: w.elements,
		depthSum: w.depthSum,
	}
	if w.h1 != "" {
		v.heading = capTitle(w.h1)
	} else {
		v.heading = capTitle(w.heading)
	}
	return v
}

type visibleWalker struct {
	text     textBuilder
	title    string
	h1       string
	heading  string
	elements int
	depth    int
	depthSum int
}

func (w *visibleWalker) walk(n *html.Node) {
	switch n.Type {
	case html.DocumentNode:
		w.children(n)
	case html.TextNode:
		w.text.WriteString(n.Data)
	case html.ElementNode:
		w.elements++
		w.depthSum += w.depth
		if n.DataAtom == atom.Title && n.Namespace == "" && w.title == "" {
			w.title = nodeText(n)
		}
		if n.Namespace == "" && isHeading(n.DataAtom) {
			if n.DataAtom == atom.H1 && w.h1 == "" {
				w.h1 = nodeText(n)
			}
			if w.heading == "" {
				w.heading = nodeText(n)
			}
		}
		if skippedElement(n.DataAtom) || hiddenElement(n) {
			w.countElements(n)
			return
		}
		b := blockBreak(n.DataAtom)
		w.text.setBreak(b)
		if n.DataAtom == atom.Pre {
			was := w.text.lines
			w.text.lines = true
			w.children(n)
			w.text.lines = was
		} else {
			w.children(n)
		}
		w.text.setBreak(b)
	}
}

func (w *visibleWalker) children(n *html.Node) {
	w.depth++
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
	w.depth--
}

// countElements counts the elements below a skipped one and still finds
// the document title (it lives in the skipped head).
func (w *visibleWalker) countElements(n *html.Node) {
	w.depth++
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		w.elements++
		w.depthSum += w.depth
		if c.DataAtom == atom.Title && c.Namespace == "" && w.title == "" {
			w.title = nodeText(c)
		}
		w.countElements(c)
	}
	w.depth--
}

// nodeText is the text content of n on one line, skipping scripts and
// styles.
func nodeText(n *html.Node) string {
	var t textBuilder
	var rec func(*html.Node)
	rec = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				t.WriteString(c.Data)
			case html.ElementNode:
				if c.DataAtom != atom.Script && c.DataAtom != atom.Style {
					rec(c)
				}
			}
		}
	}
	rec(n)
	return t.String()
}
