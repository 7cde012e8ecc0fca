package index

import "time"

// maxCachedMeta bounds the documents Index.meta describes (a few hundred
// bytes each). Index.meta keeps the small stored fields of documents that
// were hits without a snippet (SearchOptions.NoSnippets), for one version
// of the index (Index.Version): a document's stored fields are read as
// one block with its body, so for a 30 KiB file the URL and title cost as
// much as the whole text, and the client agent asks for the same
// candidates search after search. A new version empties it, so it never
// describes a document as it no longer is.
const maxCachedMeta = 1 << 16

// hitMeta is what a hit shows of a document besides its snippet: its
// small stored fields.
type hitMeta struct {
	url, title, source, lang string
	modified                 time.Time
}
