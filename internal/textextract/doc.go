// Package textextract turns file and HTTP content (HTML, Markdown, plain
// text, PDF) into a title and readable plain text for indexing.
package textextract
