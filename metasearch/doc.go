// Package metasearch asks external search engines for results: SearXNG
// instances, YaCy peers, any OpenSearch 1.1 endpoint (RSS 2.0 or Atom
// responses, configured by a URL template or discovered from a description
// document) and other p2pir nodes' JSON API (ARCHITECTURE §5).
//
// Every engine implements Engine: one method that answers a Request within
// a context. The package does no merging: each engine returns its own
// answer in its own order, with ranks 1..n, and the client agent fuses the
// answers of all sources.
//
// Responses are untrusted input and are handled as such:
//
//   - every request honours its context and Options.Timeout, whichever ends
//     first, and returns promptly when it ends;
//   - a response body is read up to Options.MaxBytes; a larger one fails
//     with ErrTooLarge as soon as the cap is passed (or at once, when its
//     Content-Length says so);
//   - a non-2xx status is an *HTTPError; a body that is not what the
//     engine speaks (malformed JSON or XML, a wrong shape) is
//     ErrBadResponse, wrapped with the engine name and a short reason;
//   - titles and snippets become plain text: markup is removed with the
//     golang.org/x/net/html tokenizer (the contents of script, style and
//     similar elements are dropped), entities are decoded, invalid UTF-8
//     is repaired, control and bidirectional-override characters are
//     removed, white space is collapsed, and the text is capped
//     (MaxTitleRunes, MaxContentRunes);
//   - result URLs must be absolute http or https URLs once resolved
//     against the response URL; anything else (javascript:, data:, mailto:,
//     ftp:, a URL that does not parse) drops the item. Within one answer,
//     an exact duplicate URL is dropped (the first one wins); URLs that
//     differ only in scheme, "www." or tracking parameters are kept, since
//     collapsing them is the merge's job.
//
// Engines are safe for concurrent use.
package metasearch
