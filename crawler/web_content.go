package crawler

import (
	"mime"
	"strings"
)

// Kinds of response content.
const (
	webKindOther = iota // not indexed
	webKindHTML
	webKindText
)

// webPageKind classifies a Content-Type value.
func webPageKind(contentType string) int {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
	}
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "text/html", "application/xhtml+xml":
		return webKindHTML
	case "text/plain":
		return webKindText
	}
	return webKindOther
}
