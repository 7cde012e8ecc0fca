package clientagent

import (
	"net/url"
	"regexp"
	"strings"
	"unicode"
)

// urlPattern finds URLs in an error's text.
var urlPattern = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"'<>]+`)

// redact takes out of a failure's reason what would tell a person's
// search, before it is logged at warn: every URL is cut to its scheme
// and host (an engine's request URL carries the query; a crawl's, a
// result the person was shown), and every word of the query (as typed,
// and as escaped in a URL) is replaced by "[query]".
func redact(reason, query string) string {
	reason = urlPattern.ReplaceAllStringFunc(reason, func(s string) string {
		trimmed := strings.TrimRight(s, ".,;:)]")
		tail := s[len(trimmed):] // punctuation after the URL, not of it
		u, err := url.Parse(trimmed)
		if err != nil || u.Host == "" {
			return "[url]" + tail
		}
		return u.Scheme + "://" + u.Host + "/…" + tail
	})
	words := strings.FieldsFunc(query, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	for _, w := range words {
		if len([]rune(w)) < 2 {
			continue
		}
		for _, form := range []string{w, url.QueryEscape(w)} {
			re := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(form))
			reason = re.ReplaceAllString(reason, "[query]")
		}
	}
	return reason
}
