package metasearch

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"strings"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// xmlUTF8 returns an XML body as UTF-8 that encoding/xml accepts. The
// charset is the one of the Content-Type header (RFC 7303: it wins), else
// the one of the XML declaration, else UTF-8; a byte-order mark overrides
// both. Invalid UTF-8 is replaced by U+FFFD and the characters XML 1.0
// forbids (C0 controls other than tab, line feed and carriage return,
// U+FFFE, U+FFFF), which real feeds do contain, are dropped, so that one
// bad byte does not lose a whole answer.
func xmlUTF8(body []byte, contentType string) ([]byte, error) {
	label := ""
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		label = params["charset"]
	}
	if label == "" {
		label = xmlDeclEncoding(body)
	}
	var dec transform.Transformer = encoding.Nop.NewDecoder()
	if enc, name := charset.Lookup(label); enc != nil && name != "utf-8" {
		dec = enc.NewDecoder()
	}
	out, _, err := transform.Bytes(unicode.BOMOverride(dec), body)
	if err != nil {
		return nil, fmt.Errorf("%w: cannot decode charset %q: %v", ErrBadResponse, label, err)
	}
	out = bytes.ToValidUTF8(out, []byte("\uFFFD"))
	return bytes.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == '\uFFFE' || r == '\uFFFF' {
			return -1
		}
		return r
	}, out), nil
}

// xmlDeclEncoding is the encoding named by the XML declaration at the
// start of b (<?xml version="1.0" encoding="ISO-8859-1"?>), or "".
func xmlDeclEncoding(b []byte) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if !bytes.HasPrefix(b, []byte("<?xml")) {
		return ""
	}
	end := bytes.Index(b, []byte("?>"))
	if end < 0 || end > 256 {
		return ""
	}
	decl := string(b[:end])
	i := strings.Index(decl, "encoding")
	if i < 0 {
		return ""
	}
	rest := strings.TrimLeft(decl[i+len("encoding"):], " \t\r\n")
	rest, ok := strings.CutPrefix(rest, "=")
	if !ok {
		return ""
	}
	rest = strings.TrimLeft(rest, " \t\r\n")
	if rest == "" || (rest[0] != '"' && rest[0] != '\'') {
		return ""
	}
	v, _, ok := strings.Cut(rest[1:], rest[:1])
	if !ok {
		return ""
	}
	return v
}

// newXMLDecoder returns a strict decoder for a body made UTF-8 by
// xmlUTF8. HTML's named entities (&nbsp;, &eacute;), which feeds use
// although XML does not define them, are accepted; an encoding named by
// the declaration is ignored, the bytes being UTF-8 already. encoding/xml
// neither fetches external entities nor expands entities a document
// declares, so hostile documents cannot make it read files or blow up.
func newXMLDecoder(b []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = true
	d.Entity = xml.HTMLEntity
	d.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	return d
}

// rootElement reads up to the document's root element. Errors wrap
// ErrBadResponse.
func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, fmt.Errorf("%w: no XML element in the body", ErrBadResponse)
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("%w: invalid XML: %v", ErrBadResponse, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return xml.StartElement{}, fmt.Errorf("%w: text before the root element, not XML", ErrBadResponse)
			}
		}
	}
}
