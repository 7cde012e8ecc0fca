package canonurl

import "strings"

const upperHex = "0123456789ABCDEF"

// isUnreserved reports whether c is an unreserved character of RFC 3986
// §2.3; such characters are never escaped in a canonical URL.
func isUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}

// isSubDelim reports whether c is a sub-delimiter of RFC 3986 §2.2.
func isSubDelim(c byte) bool {
	switch c {
	case '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=':
		return true
	}
	return false
}

// isPathLiteral reports whether c may appear unescaped in a path (pchar
// plus '/').
func isPathLiteral(c byte) bool {
	return isSubDelim(c) || c == ':' || c == '@' || c == '/'
}

// isQueryLiteral reports whether c may appear unescaped in a query name or
// value once the query has been split on '&' (pchar plus '/' and '?').
func isQueryLiteral(c byte) bool {
	return isPathLiteral(c) || c == '?'
}

// fromHex returns the value of the hex digit c and whether c is one.
func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// isEscape reports whether s[i:] starts with a valid percent escape.
func isEscape(s string, i int) bool {
	if i+2 >= len(s) || s[i] != '%' {
		return false
	}
	_, ok1 := fromHex(s[i+1])
	_, ok2 := fromHex(s[i+2])
	return ok1 && ok2
}

// fixStrayPercents escapes every '%' of s that does not start a valid
// escape as "%25", so that "100%" or "%zz" parse as browsers read them.
func fixStrayPercents(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && !isEscape(s, i) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// normaliseEscapes rewrites s so that unreserved characters are literal,
// every other escape uses upper-case hex, bytes for which literal reports
// true stay as they are, and all other bytes are escaped.
func normaliseEscapes(s string, literal func(byte) bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '%' && isEscape(s, i):
			hi, _ := fromHex(s[i+1])
			lo, _ := fromHex(s[i+2])
			d := hi<<4 | lo
			if isUnreserved(d) {
				b.WriteByte(d)
			} else {
				writeEscape(&b, d)
			}
			i += 2
		case isUnreserved(c) || (c != '%' && literal(c)):
			b.WriteByte(c)
		default:
			writeEscape(&b, c)
		}
	}
	return b.String()
}

// writeEscape writes the upper-case percent escape of c.
func writeEscape(b *strings.Builder, c byte) {
	b.WriteByte('%')
	b.WriteByte(upperHex[c>>4])
	b.WriteByte(upperHex[c&15])
}
