package index

import "time"

// hitMeta is what a hit shows of a document besides its snippet: its
// small stored fields.
type hitMeta struct {
	url, title, source, lang string
	modified                 time.Time
}
