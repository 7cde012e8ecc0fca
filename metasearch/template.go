package metasearch

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The parameters of the OpenSearch 1.1 namespace. The specification's
// list is exhaustive: no other unqualified name may appear in a template.
const (
	paramSearchTerms    = "searchTerms"
	paramCount          = "count"
	paramStartIndex     = "startIndex"
	paramStartPage      = "startPage"
	paramLanguage       = "language"
	paramInputEncoding  = "inputEncoding"
	paramOutputEncoding = "outputEncoding"
)

// templatePart is a piece of a URL template: literal text, or a parameter.
type templatePart struct {
	literal string
	// name is the parameter's name, with its prefix if it has one
	// ("time:start"); empty for a literal.
	name     string
	optional bool
}

// urlTemplate is a parsed OpenSearch 1.1 URL template ("OpenSearch URL
// template syntax" in the specification) with the indexOffset and
// pageOffset of its Url element.
type urlTemplate struct {
	raw         string // as resolved, with the parameters written as in the source
	parts       []templatePart
	indexOffset int
	pageOffset  int
}

// parseTemplate parses and checks an OpenSearch URL template: it must be an
// absolute http or https URL once resolved against base (base may be nil:
// then it must be absolute already), contain {searchTerms}, have no
// parameter in its scheme or host, and use only parameters it can fill:
// every required parameter must be one of the OpenSearch 1.1 names;
// optional parameters of other names ("{time:start?}") are left empty. The
// offsets are the spec's defaults, 1 and 1.
func parseTemplate(raw string, base *url.URL) (*urlTemplate, error) {
	raw = strings.TrimSpace(raw)
	parts, err := splitTemplate(raw)
	if err != nil {
		return nil, err
	}
	hasTerms := false
	for _, p := range parts {
		switch {
		case p.name == "":
		case p.name == paramSearchTerms:
			hasTerms = true
		case isOpenSearchParam(p.name):
		case !p.optional:
			return nil, fmt.Errorf("%w: template parameter {%s} is required and not one p2pir can fill", ErrBadRequest, p.name)
		}
	}
	if !hasTerms {
		return nil, fmt.Errorf("%w: template has no {searchTerms}", ErrBadRequest)
	}
	// Check (and resolve) the URL with each parameter replaced by a
	// sentinel that URL parsing leaves alone, then split it again.
	const sentinel = "p2pirparam"
	if strings.Contains(strings.ToLower(raw), sentinel) {
		return nil, fmt.Errorf("%w: template contains the reserved text %q", ErrBadRequest, sentinel)
	}
	var skel strings.Builder
	var params []templatePart
	for _, p := range parts {
		if p.name == "" {
			skel.WriteString(p.literal)
			continue
		}
		fmt.Fprintf(&skel, "%s%dx", sentinel, len(params))
		params = append(params, p)
	}
	u, err := url.Parse(skel.String())
	if err != nil {
		return nil, fmt.Errorf("%w: template is not a URL: %v", ErrBadRequest, err)
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return nil, fmt.Errorf("%w: template is not an absolute http or https URL", ErrBadRequest)
	}
	if strings.Contains(strings.ToLower(u.Host), sentinel) || u.User != nil {
		return nil, fmt.Errorf("%w: template has a parameter or user information in its host", ErrBadRequest)
	}
	resolved := u.String()
	t := &urlTemplate{indexOffset: 1, pageOffset: 1}
	var src strings.Builder
	for i, p := range params {
		mark := sentinel + strconv.Itoa(i) + "x"
		before, after, ok := strings.Cut(resolved, mark)
		if !ok || strings.Contains(after, mark) {
			return nil, fmt.Errorf("%w: template parameter {%s} is lost when the URL is resolved", ErrBadRequest, p.name)
		}
		t.parts = append(t.parts, templatePart{literal: before}, p)
		src.WriteString(before)
		src.WriteString("{" + p.name)
		if p.optional {
			src.WriteByte('?')
		}
		src.WriteByte('}')
		resolved = after
	}
	t.parts = append(t.parts, templatePart{literal: resolved})
	src.WriteString(resolved)
	t.raw = src.String()
	return t, nil
}

// splitTemplate splits a template into literals and parameters
// ("{name}", "{name?}", "{prefix:name?}").
func splitTemplate(raw string) ([]templatePart, error) {
	var parts []templatePart
	rest := raw
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			parts = append(parts, templatePart{literal: rest})
			break
		}
		if rest[open] == '}' {
			return nil, fmt.Errorf("%w: template has a '}' without '{'", ErrBadRequest)
		}
		if open > 0 {
			parts = append(parts, templatePart{literal: rest[:open]})
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] != '}' {
			return nil, fmt.Errorf("%w: template has an unclosed '{'", ErrBadRequest)
		}
		name := rest[open+1 : open+1+end]
		p := templatePart{name: name}
		if n, ok := strings.CutSuffix(name, "?"); ok {
			p.name, p.optional = n, true
		}
		if !validParamName(p.name) {
			return nil, fmt.Errorf("%w: template parameter {%s} is not a valid name", ErrBadRequest, name)
		}
		parts = append(parts, p)
		rest = rest[open+1+end+1:]
	}
	return parts, nil
}

// validParamName reports a parameter name of the template grammar: an
// optional prefix and ':' and a local name, both non-empty and made of
// URI path characters.
func validParamName(name string) bool {
	if name == "" || strings.Count(name, ":") > 1 || strings.HasPrefix(name, ":") || strings.HasSuffix(name, ":") {
		return false
	}
	for _, c := range name {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.ContainsRune("-._~!$&'()*+,;=:@%", c):
		default:
			return false
		}
	}
	return true
}

// isOpenSearchParam reports the names of the OpenSearch 1.1 namespace.
func isOpenSearchParam(name string) bool {
	switch name {
	case paramSearchTerms, paramCount, paramStartIndex, paramStartPage,
		paramLanguage, paramInputEncoding, paramOutputEncoding:
		return true
	}
	return false
}

// expand fills the template for a normalised request:
//
//   - searchTerms: the query, percent-encoded (spaces as %20, which reads
//     right in a path and in a query);
//   - count: r.Count;
//   - startIndex: indexOffset + r.Start;
//   - startPage: pageOffset + r.Start/r.Count;
//   - language: r.Language, or "*" (any) when it is empty and the
//     parameter required, "" when optional;
//   - inputEncoding and outputEncoding: "UTF-8";
//   - other optional parameters: "".
func (t *urlTemplate) expand(r Request) (*url.URL, error) {
	var b strings.Builder
	for _, p := range t.parts {
		if p.name == "" {
			b.WriteString(p.literal)
			continue
		}
		var v string
		switch p.name {
		case paramSearchTerms:
			v = r.Query
		case paramCount:
			v = strconv.Itoa(r.Count)
		case paramStartIndex:
			v = strconv.Itoa(t.indexOffset + r.Start)
		case paramStartPage:
			v = strconv.Itoa(t.pageOffset + r.Start/r.Count)
		case paramLanguage:
			v = r.Language
			if v == "" && !p.optional {
				v = "*"
			}
		case paramInputEncoding, paramOutputEncoding:
			v = "UTF-8"
		}
		b.WriteString(escapeParam(v))
	}
	u, err := url.Parse(b.String())
	if err != nil {
		return nil, fmt.Errorf("%w: expanded template is not a URL: %v", ErrBadRequest, err)
	}
	return u, nil
}

// escapeParam percent-encodes every byte of v but the unreserved
// characters of RFC 3986 (and "*", which "any language" needs), so the
// value reads the same in a path segment and in a query.
func escapeParam(v string) string {
	return strings.NewReplacer("+", "%20", "%2A", "*").Replace(url.QueryEscape(v))
}
