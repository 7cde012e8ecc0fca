package textextract

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// maxRTFDepth is the deepest group nesting RTF reads; Word itself stops
// well below it.
const maxRTFDepth = 512

// RTF returns the title and text of a Rich Text Format document. It is a
// small parser of the RTF 1.9 syntax, not a layout engine: groups, control
// words and symbols are read; the text of the body is kept with \par and
// \line as breaks and \tab as a space; \'hh bytes are decoded in the
// document's code page (\ansicpg, Windows-1252 by default), \uN as Unicode
// (skipping the \ucN fallback characters that follow); binary data (\bin)
// and destinations that are not body text (font, colour and style tables,
// pictures, objects, headers and footers, {\* ...} groups) are skipped. The
// title is the \title of the \info group, else the first line of text.
//
// Content that does not start with "{\rtf" is not RTF (ErrUnsupported);
// groups nested deeper than 512 give an error wrapping ErrTooLarge. At most
// MaxInputBytes of input are read. Unbalanced braces at the end are
// forgiven, as word processors do.
func RTF(src []byte) (Result, error) {
	if len(src) > MaxInputBytes {
		src = src[:MaxInputBytes]
	}
	if !bytes.HasPrefix(bytes.TrimLeft(src, " \t\r\n"), []byte(`{\rtf`)) {
		return Result{}, fmt.Errorf("%w: the content does not start with {\\rtf", ErrUnsupported)
	}
	p := rtfParser{src: src, enc: charmap.Windows1252}
	p.stack = append(p.stack, rtfGroup{uc: 1})
	if err := p.run(); err != nil {
		return Result{}, err
	}
	p.flushBytes()
	res := Result{Text: p.text.String(), Title: capTitle(p.title.String())}
	res.Title = firstNonEmpty(res.Title, firstLine(res.Text))
	return res, nil
}

// rtfGroup is the state a group inherits from its parent and restores on
// its end.
type rtfGroup struct {
	skip  bool // a destination whose text is not body text
	title bool // inside \info's \title
	uc    int  // fallback characters after \uN
}

type rtfParser struct {
	src   []byte
	pos   int
	stack []rtfGroup
	enc   encoding.Encoding
	text  textBuilder
	title strings.Builder
	// pending holds \'hh bytes, decoded together so multi-byte code
	// pages (Shift-JIS, GBK) come out right.
	pending []byte
	// skipFallback is how many characters after a \uN are still its
	// fallback and are dropped.
	skipFallback int
}

func (p *rtfParser) top() *rtfGroup { return &p.stack[len(p.stack)-1] }

// rtfSkipped reports destinations whose content is not body text.
func rtfSkipped(word string) bool {
	switch word {
	case "fonttbl", "colortbl", "stylesheet", "listtable", "listoverridetable",
		"revtbl", "rsidtbl", "generator", "pict", "object", "objdata", "themedata",
		"colorschememapping", "datastore", "latentstyles", "header", "headerl",
		"headerr", "headerf", "footer", "footerl", "footerr", "footerf", "info",
		"xmlnstbl", "filetbl", "pgdsctbl", "fldinst", "bkmkstart", "bkmkend",
		"nonshppict", "footnote", "annotation", "atnid", "atnauthor":
		return true
	}
	return false
}

// keeps reports whether text in the current group is kept (body or title).
func (p *rtfParser) keeps() bool {
	g := p.top()
	return !g.skip || g.title
}

func (p *rtfParser) run() error {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch c {
		case '{':
			p.pos++
			p.flushBytes()
			if len(p.stack) >= maxRTFDepth {
				return fmt.Errorf("%w: RTF groups nest more than %d deep", ErrTooLarge, maxRTFDepth)
			}
			p.stack = append(p.stack, *p.top())
		case '}':
			p.pos++
			p.flushBytes()
			if len(p.stack) > 1 {
				p.stack = p.stack[:len(p.stack)-1]
			}
			p.skipFallback = 0
		case '\\':
			p.control()
		case '\r', '\n':
			p.pos++ // line ends in RTF source are not text
		default:
			p.pos++
			p.byteText(c)
		}
	}
	return nil
}

// control reads one control word or symbol at p.pos (a backslash).
func (p *rtfParser) control() {
	p.pos++ // the backslash
	if p.pos >= len(p.src) {
		return
	}
	c := p.src[p.pos]
	if !isASCIILetter(c) {
		p.pos++
		switch c {
		case '\'':
			if p.pos+2 <= len(p.src) {
				if v, err := strconv.ParseUint(string(p.src[p.pos:p.pos+2]), 16, 8); err == nil {
					p.pos += 2
					if p.skipFallback > 0 {
						p.skipFallback--
						return
					}
					if p.keeps() {
						p.pending = append(p.pending, byte(v))
					}
				}
			}
		case '*':
			p.top().skip = true // an optional destination: ignored when unknown
		case '\\', '{', '}':
			p.byteText(c)
		case '~':
			p.runeText('\u00a0')
		case '-': // optional hyphen
		case '_':
			p.runeText('-')
		case '\r', '\n':
			p.breakText(brkPara)
		}
		return
	}
	start := p.pos
	for p.pos < len(p.src) && isASCIILetter(p.src[p.pos]) && p.pos-start < 32 {
		p.pos++
	}
	word := string(p.src[start:p.pos])
	param, hasParam := 0, false
	if p.pos < len(p.src) && (p.src[p.pos] == '-' || isASCIIDigit(p.src[p.pos])) {
		ps := p.pos
		p.pos++
		for p.pos < len(p.src) && isASCIIDigit(p.src[p.pos]) && p.pos-ps < 11 {
			p.pos++
		}
		if v, err := strconv.Atoi(string(p.src[ps:p.pos])); err == nil {
			param, hasParam = v, true
		}
	}
	if p.pos < len(p.src) && p.src[p.pos] == ' ' {
		p.pos++ // the delimiting space belongs to the control word
	}
	g := p.top()
	switch word {
	case "bin":
		if hasParam && param > 0 {
			p.pos = min(p.pos+param, len(p.src))
		}
	case "u":
		if !hasParam {
			return
		}
		if param < 0 {
			param += 65536
		}
		p.flushBytes()
		p.skipFallback = 0 // a \u is never another's fallback
		if p.keeps() {
			p.runeText(rune(param))
		}
		p.skipFallback = g.uc
	case "uc":
		if hasParam && param >= 0 && param < 16 {
			g.uc = param
		}
	case "ansicpg":
		if enc := codePage(param); enc != nil {
			p.flushBytes()
			p.enc = enc
		}
	case "title":
		g.title = true
	case "par", "sect", "page":
		p.breakText(brkPara)
	case "line", "row":
		p.breakText(brkLine)
	case "tab", "cell":
		p.breakText(brkSpace)
	case "emdash":
		p.runeText('—')
	case "endash":
		p.runeText('–')
	case "lquote":
		p.runeText('‘')
	case "rquote":
		p.runeText('’')
	case "ldblquote":
		p.runeText('“')
	case "rdblquote":
		p.runeText('”')
	case "bullet":
		p.runeText('•')
	default:
		if rtfSkipped(word) {
			g.skip = true
		}
	}
}

// byteText adds one byte of text in the document's code page.
func (p *rtfParser) byteText(c byte) {
	if p.skipFallback > 0 {
		p.skipFallback--
		return
	}
	if p.keeps() {
		p.pending = append(p.pending, c)
	}
}

// flushBytes decodes the pending code-page bytes.
func (p *rtfParser) flushBytes() {
	if len(p.pending) == 0 {
		return
	}
	s, err := p.enc.NewDecoder().String(string(p.pending))
	if err != nil {
		s = ValidUTF8(string(p.pending))
	}
	p.pending = p.pending[:0]
	p.write(strings.ToValidUTF8(s, "\uFFFD"))
}

func (p *rtfParser) runeText(r rune) {
	if p.skipFallback > 0 {
		p.skipFallback--
		return
	}
	p.flushBytes()
	var b [utf8.UTFMax]byte
	p.write(string(b[:utf8.EncodeRune(b[:], r)]))
}

func (p *rtfParser) breakText(k brk) {
	p.flushBytes()
	if g := p.top(); !g.skip {
		p.text.setBreak(k)
	}
}

// write sends decoded text to the title or the body.
func (p *rtfParser) write(s string) {
	g := p.top()
	switch {
	case g.title:
		if p.title.Len() < 4*MaxTitleRunes {
			p.title.WriteString(s)
		}
	case !g.skip && p.text.Len() < MaxInputBytes:
		p.text.WriteString(s)
	}
}

// codePage is the encoding of a Windows code page number, or nil.
func codePage(n int) encoding.Encoding {
	switch n {
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 852:
		return charmap.CodePage852
	case 866:
		return charmap.CodePage866
	case 874:
		return charmap.Windows874
	case 932:
		return japanese.ShiftJIS
	case 936:
		return simplifiedchinese.GBK
	case 949:
		return korean.EUCKR
	case 950:
		return traditionalchinese.Big5
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1255:
		return charmap.Windows1255
	case 1256:
		return charmap.Windows1256
	case 1257:
		return charmap.Windows1257
	case 1258:
		return charmap.Windows1258
	case 10000:
		return charmap.Macintosh
	}
	return nil
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isASCIIDigit(c byte) bool  { return c >= '0' && c <= '9' }
