package crawler

import "fmt"

// WebReport sums up a web crawl.
type WebReport struct {
	// Fetched counts the HTTP responses received for page requests (after
	// redirects), whatever their status.
	Fetched int
	// Indexed counts the documents handed to the sink successfully.
	Indexed int
	// Unchanged counts pages asked for conditionally that the server
	// answered 304 Not Modified: the stored page is kept, not downloaded
	// again (see Crawl).
	Unchanged int
	// Duplicates counts fetched pages not indexed because their canonical
	// URL or their content was already indexed (in this crawl, or in the
	// sink for content), or because a redirect led to a page already
	// fetched.
	Duplicates int
	// Skipped counts pages left out by policy: a content type that is not
	// HTML or plain text, a robots.txt disallow, a "noindex" directive,
	// binary content, or no text at all.
	Skipped int
	// Errors lists the pages that failed: HTTP errors (404, 5xx, ...),
	// network errors and timeouts, unreadable content, sink lookups that
	// failed. The crawl goes on after each.
	Errors []PageError
}

// PageError is one page that failed during a crawl.
type PageError struct {
	// URL is the page (or seed) that failed.
	URL string
	// Status is the HTTP status code, 0 when there was no response.
	Status int
	// Err is what went wrong.
	Err error
}

// Error describes the failure with its URL and status.
func (e PageError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d: %v", e.URL, e.Status, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.URL, e.Err)
}

// Unwrap returns the underlying error.
func (e PageError) Unwrap() error { return e.Err }
