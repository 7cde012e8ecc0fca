package metasearch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// jsonText is a JSON value read as text, whatever the engine put there: a
// string as is, a number as written, anything else (null, true, an object)
// as "". Engines are loose with types (YaCy writes numbers as strings,
// SearXNG may write null for a URL), and one odd field must not lose the
// whole answer, so decoding never fails.
type jsonText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *jsonText) UnmarshalJSON(b []byte) error {
	*t = ""
	if len(b) == 0 {
		return nil
	}
	switch c := b[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(b, &s) == nil {
			*t = jsonText(s)
		}
	case c == '-' || (c >= '0' && c <= '9'):
		*t = jsonText(b)
	}
	return nil
}

// jsonNumber is a JSON number, or a string holding one ("4.9E7", " 12 "),
// as YaCy writes them. ok is false for anything else, NaN and infinities
// included; decoding never fails.
type jsonNumber struct {
	v  float64
	ok bool
}

// UnmarshalJSON implements json.Unmarshaler.
func (n *jsonNumber) UnmarshalJSON(b []byte) error {
	*n = jsonNumber{}
	var t jsonText
	_ = t.UnmarshalJSON(b)
	v, err := strconv.ParseFloat(strings.TrimSpace(string(t)), 64)
	if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
		*n = jsonNumber{v: v, ok: true}
	}
	return nil
}

// parseCount reads a count of matches as engines write it: digits with
// optional thousands separators ("1,234", "1.234", "1 234"). It returns -1
// for anything else and for values beyond int64.
func parseCount(s string) int64 {
	s = strings.TrimSpace(s)
	var n int64
	digits := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if n > (math.MaxInt64-9)/10 {
				return -1
			}
			n = n*10 + int64(c-'0')
			digits++
		case c == ',' || c == '.' || c == ' ' || c == '\'' || c == '\u00a0' || c == '\u202f':
		default:
			return -1
		}
	}
	if digits == 0 {
		return -1
	}
	return n
}

// decodeJSONObject decodes body, which must hold one JSON object, into v.
// Errors wrap ErrBadResponse with a short reason; contentType helps tell
// why (an HTML error page served with status 200 is a common one).
func decodeJSONObject(body []byte, contentType string, v any) error {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return fmt.Errorf("%w: empty body", ErrBadResponse)
	}
	if trimmed[0] != '{' {
		return fmt.Errorf("%w: not a JSON object (Content-Type %q, body starts %q)",
			ErrBadResponse, contentType, prefix(trimmed, 16))
	}
	if err := json.Unmarshal(body, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%w: invalid JSON at byte %d: %v", ErrBadResponse, se.Offset, se)
		}
		return fmt.Errorf("%w: unexpected JSON: %v", ErrBadResponse, err)
	}
	return nil
}

// prefix is at most n bytes of b as valid UTF-8, for error messages.
func prefix(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
