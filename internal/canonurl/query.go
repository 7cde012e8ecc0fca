package canonurl

import (
	"sort"
	"strings"
)

// param is one name=value pair of a query, already normalised.
type param struct {
	name, value string
	hasValue    bool // "name=" rather than "name"
}

// canonicalQuery normalises a raw query string: pieces split on '&', empty
// pieces and tracking parameters dropped, percent-encoding normalised, and
// the rest sorted by name then value. It returns "" when nothing remains.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	pieces := strings.Split(raw, "&")
	params := make([]param, 0, len(pieces))
	for _, piece := range pieces {
		if piece == "" {
			continue
		}
		name, value, hasValue := strings.Cut(piece, "=")
		name = normaliseEscapes(name, isQueryNameLiteral)
		if IsTrackingParam(name) {
			continue
		}
		params = append(params, param{
			name:     name,
			value:    normaliseEscapes(value, isQueryLiteral),
			hasValue: hasValue,
		})
	}
	sort.SliceStable(params, func(i, j int) bool {
		a, b := params[i], params[j]
		if a.name != b.name {
			return a.name < b.name
		}
		if a.value != b.value {
			return a.value < b.value
		}
		return !a.hasValue && b.hasValue
	})
	var b strings.Builder
	for i, p := range params {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.name)
		if p.hasValue {
			b.WriteByte('=')
			b.WriteString(p.value)
		}
	}
	return b.String()
}

// isQueryNameLiteral is isQueryLiteral without '=', which must stay escaped
// in a parameter name so that the name/value split is kept.
func isQueryNameLiteral(c byte) bool {
	return c != '=' && isQueryLiteral(c)
}
