package textextract

import "strings"

// Plain returns plain text with normalised whitespace and its title, the
// first line that has visible text (trimmed, capped at MaxTitleRunes
// runes) other than punctuation alone or reStructuredText markup (see
// firstLine), so a reST file's over- and underlined title is found. Line breaks are kept: one newline is a line break, two or more a
// paragraph break; "\r\n" and a lone "\r" count as one newline.
//
// Bytes are decoded as text: a UTF-8 byte-order mark is dropped, UTF-16
// with a byte-order mark is decoded, and anything else goes through
// ValidUTF8. At most MaxInputBytes bytes are read.
func Plain(src []byte) Result {
	if len(src) > MaxInputBytes {
		src = src[:MaxInputBytes]
	}
	s := decodeText(src)
	if strings.IndexByte(s, '\r') >= 0 {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	return Result{Title: firstLine(s), Text: normalizeText(s, true)}
}
