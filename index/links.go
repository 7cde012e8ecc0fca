package index

import (
	"fmt"
	"strconv"
	"strings"
)

// checkLinks refuses a document whose Links break their bounds (see
// Document.Links): they are stored one a line, so a line break in one
// would change the list read back.
func checkLinks(d *Document) error {
	if len(d.Links) > MaxLinks {
		return fmt.Errorf("%w: document %s has %d links, the cap is %d", ErrBadDocument, d.ID, len(d.Links), MaxLinks)
	}
	for _, l := range d.Links {
		if len(l) > MaxLinkBytes {
			return fmt.Errorf("%w: document %s has a link of %d bytes, the cap is %d", ErrBadDocument, d.ID, len(l), MaxLinkBytes)
		}
		if l == "" || strings.ContainsAny(l, "\r\n") {
			return fmt.Errorf("%w: document %s has an empty link or one with a line break: %q", ErrBadDocument, d.ID, l)
		}
	}
	return nil
}

// encodeLinks is the stored form of a document's links: their count, then
// one link a line. The count keeps "no links" (a page without any) apart
// from links never recorded (no field at all).
func encodeLinks(links []string) string {
	var sb strings.Builder
	sb.WriteString(strconv.Itoa(len(links)))
	for _, l := range links {
		sb.WriteByte('\n')
		sb.WriteString(l)
	}
	return sb.String()
}

// decodeLinks reads what encodeLinks wrote; a value that does not read
// back as that many links (a damaged field) is nil, as if none were
// recorded, so the page is downloaded again rather than its links trusted.
func decodeLinks(v string) []string {
	head, rest, _ := strings.Cut(v, "\n")
	n, err := strconv.Atoi(head)
	if err != nil || n < 0 || n > MaxLinks {
		return nil
	}
	if n == 0 {
		if rest != "" {
			return nil
		}
		return []string{}
	}
	links := strings.Split(rest, "\n")
	if len(links) != n {
		return nil
	}
	return links
}
