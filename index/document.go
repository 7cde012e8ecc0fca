package index

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Source names where a document came from. It is stored with the document
// and shown with every hit.
const (
	SourceFile = "file" // the files crawler (desktop search)
	SourceWeb  = "web"  // the web crawler (background or focused)
	SourceEval = "eval" // a test collection loaded by p2pir eval
)

// DocumentSources are the values of Document.Source, the words a query's
// source: filter takes.
func DocumentSources() []string { return []string{SourceFile, SourceWeb, SourceEval} }

// Document is one indexed unit: a file, a web page or a test-collection
// record. ID is the key for update and delete; it must be stable across
// re-indexing, so it is derived from the canonical URL (web pages) or the
// file URL of the absolute path (files), see DocID.
type Document struct {
	// ID is the stable key of the document (see DocID).
	ID string `json:"id"`
	// URL is the canonical URL (web) or file:// URL (files) of the document.
	URL string `json:"url"`
	// Title is the document title; may be empty.
	Title string `json:"title"`
	// Body is the plain text of the document (markup removed).
	Body string `json:"body"`
	// Source is where the document came from (SourceFile, SourceWeb, ...).
	Source string `json:"source"`
	// Modified is the last-modified time of the file or page; zero if unknown.
	Modified time.Time `json:"modified"`
	// Size is the size in bytes of the original file or response body.
	Size int64 `json:"size"`
	// Hash is the content hash of Title and Body (see ContentHash); it is
	// used to collapse duplicates. Index fills it in when empty.
	Hash string `json:"hash"`
	// ETag is the entity tag a web server gave the page (its ETag header,
	// as sent, quotes included); empty when it gave none. With Modified
	// (the Last-Modified header), it lets a re-crawl ask "changed since?"
	// (If-None-Match, If-Modified-Since) instead of downloading again.
	ETag string `json:"etag,omitempty"`
	// Links are the links a crawled web page had (absolute http or https
	// URLs), stored with its validators so that a re-crawl answered "not
	// modified" can go on from them without downloading the page. Nil means
	// they were not recorded (files, older crawls); an empty, non-nil slice
	// means the page had none to follow. At most MaxLinks, each at most
	// MaxLinkBytes long, without line breaks.
	Links []string `json:"links,omitempty"`
	// Lang is the document's language, a code of Languages ("en", "de",
	// ...). Index detects it when it is empty or unknown; the scored text
	// is analysed with that language's analyser.
	Lang string `json:"lang,omitempty"`
}

// Bounds of Document.Links: a page with more links keeps the first
// MaxLinks (the crawler cuts them), and Index refuses a document beyond
// either bound.
const (
	MaxLinks     = 1000
	MaxLinkBytes = 2048
)

// DocID returns the stable ID for a canonical URL or file URL. The ID is the
// URL itself: readable in the CLI, stable across runs, and unique because
// the URL is canonical.
func DocID(canonicalURL string) string { return canonicalURL }

// ContentHash returns the hex SHA-256 of a document's title and body text,
// the fingerprint used for content de-duplication.
func ContentHash(title, body string) string {
	h := sha256.New()
	// Through a small buffer: []byte(body) would copy a body of megabytes.
	buf := make([]byte, 0, 32<<10)
	for _, s := range []string{title, "\x00", body} {
		for len(s) > 0 {
			n := min(len(s), cap(buf))
			buf = append(buf[:0], s[:n]...)
			h.Write(buf)
			s = s[n:]
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Meta is what the crawlers need to decide whether a document must be
// re-indexed: everything but the text.
type Meta struct {
	ID       string
	URL      string
	Source   string
	Modified time.Time
	Size     int64
	Hash     string
	ETag     string
}
