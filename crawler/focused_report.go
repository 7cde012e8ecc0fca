package crawler

// FocusedReport sums up a focused crawl.
type FocusedReport struct {
	// Fetched counts the HTTP responses received for page requests (after
	// redirects), whatever their status.
	Fetched int
	// Indexed counts the documents handed to the sink successfully.
	Indexed int
	// Relevant counts the pages read whose similarity to the query reached
	// FocusedConfig.RelevantThreshold.
	Relevant int
	// Duplicates counts fetched pages not indexed because their canonical
	// URL or content was already indexed (see WebReport.Duplicates).
	Duplicates int
	// Skipped counts pages left out by policy (see WebReport.Skipped),
	// including links to hosts whose robots.txt could not be fetched.
	Skipped int
	// Errors lists the pages that failed; the crawl goes on after each.
	Errors []PageError
	// Order lists the URLs requested, in the order the requests were made.
	Order []string
	// Pages describes the pages read (HTML or plain text responses), in
	// the order they arrived.
	Pages []FocusedPage
}

// FocusedPage is one page read by a focused crawl, and why it was fetched
// when it was.
type FocusedPage struct {
	// URL is the page's URL after redirects.
	URL string
	// Depth is 1 for a seed, 2 for a page a seed links to, and so on.
	Depth int
	// Priority is the link's priority when it was picked, without the host
	// penalty (see FocusScoring); 0 for seeds, which go first.
	Priority float64
	// Similarity is the page's similarity to the query (see FocusQuery).
	Similarity float64
	// Relevant reports whether Similarity reached the threshold.
	Relevant bool
}
