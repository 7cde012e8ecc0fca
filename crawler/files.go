package crawler

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// ErrFileTooLarge reports a file larger than FilesConfig.MaxFileSize; such
// files are skipped (and listed in FilesReport.Skips).
var ErrFileTooLarge = errors.New("crawler: file larger than the size limit")

// FilesConfig tunes IndexFiles. Start from DefaultFilesConfig: a zero
// FilesConfig works too (zero fields take their defaults) except that its
// FollowSymlinks is false.
type FilesConfig struct {
	// Exclude lists patterns of files and folders not to index; an
	// excluded folder is not entered. A pattern without a slash matches
	// the base name of a file or folder at any depth (path.Match syntax:
	// "*.tmp", ".git", "~*"). A pattern with a slash matches the path
	// relative to the root, with slashes, in doublestar syntax where "**"
	// spans folders ("archive/**/*.html", "build/cache"). A trailing slash
	// ("logs/") limits a pattern to folders. Matching is case-sensitive.
	// Default (nil): DefaultExcludes. An empty, non-nil slice excludes
	// nothing.
	Exclude []string
	// MaxFileSize is the largest file indexed, in bytes; larger files are
	// skipped and reported. Default 10 MiB.
	MaxFileSize int64
	// MaxMailboxSize is the largest mailbox (.mbox) indexed, in bytes, in
	// place of MaxFileSize: a mailbox is read one message at a time, so
	// its size costs time, not memory. Default 4 GiB
	// (DefaultMaxMailboxSize).
	MaxMailboxSize int64
	// Extensions lists the file name extensions (with the dot, matched
	// case-insensitively) of the files to index. ".html", ".htm", ".xhtml"
	// are read as HTML, ".md", ".markdown", ".mdown", ".mkd" as Markdown,
	// ".pdf" as PDF, ".docx" as Word, ".odt" as OpenDocument text,
	// ".epub" as an EPUB book, ".rtf" as RTF, ".mbox" as a Unix mailbox
	// (one document per message, see MessageURL) and every other listed
	// extension as plain text (after a binary sniff of the first 8 KiB). An extension may be given with
	// or without its dot ("txt" is ".txt"). Default (nil):
	// DefaultExtensions. With the default extensions, files without an extension (README,
	// NOTES, COPYING) are indexed too when their content is text (the
	// binary sniff decides; a binary one is skipped and reported). With
	// Extensions given, files without an extension are not indexed,
	// except a root given as a file, which is always read.
	Extensions []string
	// FollowSymlinks makes the crawl follow symbolic links to files and
	// folders. Loops are safe: each real folder (device and inode) is
	// entered once per root, under the first path that reaches it (walks
	// go in name order). Default true in DefaultFilesConfig.
	FollowSymlinks bool
	// BatchSize is the number of documents per Sink.Index call, and of IDs
	// per Sink.Delete call. Default 256.
	BatchSize int
	// Progress, if set, is called as the crawl goes on: first while
	// folders are listed (total -1, current is the folder), then once per
	// file examined (total is the number of candidate files of the root).
	// See TerminalProgress.
	Progress Progress
	// MaxTextBytes is the most bytes of a file's title and text that are
	// indexed: the rest of a longer text is left out (cut at a character
	// boundary) and the file is listed in FilesReport.Truncated. Default
	// DefaultMaxTextBytes, the index's own cap (index.Config.MaxDocBytes),
	// which would otherwise refuse the document.
	MaxTextBytes int

	// extensionless is set by withDefaults when Extensions was left to
	// its default: files without an extension are read when they are
	// text.
	extensionless bool
}

// DefaultExcludes returns the default FilesConfig.Exclude patterns:
// version-control and dependency folders, caches, trash, editor and
// temporary files:
//
//	.git .hg .svn .bzr node_modules __pycache__ .cache .venv .tox
//	.Trash .Trash-* lost+found *.tmp *.temp *.swp *.swo *~ ~* .#* #*# .DS_Store
func DefaultExcludes() []string {
	return []string{
		".git", ".hg", ".svn", ".bzr", "node_modules", "__pycache__", ".cache",
		".venv", ".tox", ".Trash", ".Trash-*", "lost+found",
		"*.tmp", "*.temp", "*.swp", "*.swo", "*~", "~*", ".#*", "#*#",
		".DS_Store",
	}
}

// NormalizeExtensions returns exts as FilesConfig matches them: each
// with its leading dot (".txt" for "txt"), lower case, without spaces;
// empty ones are dropped.
func NormalizeExtensions(exts []string) []string {
	out := make([]string, 0, len(exts))
	for _, e := range exts {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" || e == "." {
			continue
		}
		if !strings.HasPrefix(e, ".") {
			e = "." + e
		}
		out = append(out, e)
	}
	return out
}

// DefaultMaxTextBytes is FilesConfig.MaxTextBytes' default: the index's
// default cap on a document's text (index.Config.MaxDocBytes).
const DefaultMaxTextBytes = 16 << 20

// ErrTextCut is in the chain of a FilesReport.Truncated entry: the file's
// text was longer than FilesConfig.MaxTextBytes, and its first part is
// indexed.
var ErrTextCut = errors.New("text too long: its first part is indexed")

// DefaultExtensions returns the default FilesConfig.Extensions: plain
// text, Markdown, HTML, PDF, office documents and books (Word, OpenDocument
// text, EPUB, RTF), mailboxes, and lightweight markup read as plain text
// (reStructuredText, Org, AsciiDoc, LaTeX):
//
//	.txt .text .md .markdown .mdown .mkd .html .htm .xhtml .pdf
//	.docx .odt .epub .rtf .mbox
//	.rst .org .adoc .asciidoc .tex
//
// Data formats such as .csv and .json are left out: add them to
// FilesConfig.Extensions to make them searchable.
func DefaultExtensions() []string {
	return []string{
		".txt", ".text", ".md", ".markdown", ".mdown", ".mkd",
		".html", ".htm", ".xhtml", ".pdf",
		".docx", ".odt", ".epub", ".rtf", ".mbox",
		".rst", ".org", ".adoc", ".asciidoc", ".tex",
	}
}

// Defaults of FilesConfig.
const (
	// DefaultMaxFileSize is the default FilesConfig.MaxFileSize: 10 MiB.
	DefaultMaxFileSize = 10 << 20
	// DefaultMaxMailboxSize is the default FilesConfig.MaxMailboxSize:
	// 4 GiB.
	DefaultMaxMailboxSize = 4 << 30
	// DefaultFilesBatchSize is the default FilesConfig.BatchSize.
	DefaultFilesBatchSize = 256
)

// DefaultFilesConfig returns the documented defaults.
func DefaultFilesConfig() FilesConfig {
	return FilesConfig{
		Exclude:        DefaultExcludes(),
		MaxFileSize:    DefaultMaxFileSize,
		MaxMailboxSize: DefaultMaxMailboxSize,
		Extensions:     DefaultExtensions(),
		FollowSymlinks: true,
		BatchSize:      DefaultFilesBatchSize,
	}
}

// withDefaults fills zero fields with their defaults.
func (c FilesConfig) withDefaults() FilesConfig {
	if c.Exclude == nil {
		c.Exclude = DefaultExcludes()
	}
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	if c.MaxMailboxSize <= 0 {
		c.MaxMailboxSize = DefaultMaxMailboxSize
	}
	if c.Extensions == nil {
		c.Extensions = DefaultExtensions()
	}
	c.Extensions = NormalizeExtensions(c.Extensions)
	c.extensionless = slices.Equal(c.Extensions, NormalizeExtensions(DefaultExtensions()))
	if c.BatchSize <= 0 {
		c.BatchSize = DefaultFilesBatchSize
	}
	if c.MaxTextBytes <= 0 {
		c.MaxTextBytes = DefaultMaxTextBytes
	}
	return c
}

// FileError is a file or folder the crawl could not use, and why.
type FileError struct {
	// Path is the file or folder path as walked (under the root).
	Path string
	// Err is the reason; test it with errors.Is (fs.ErrPermission,
	// ErrFileTooLarge, textextract.ErrBinary, ...).
	Err error
}

// Error implements error.
func (e FileError) Error() string { return e.Path + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e FileError) Unwrap() error { return e.Err }

// FilesReport counts what IndexFiles did.
type FilesReport struct {
	// Added and Updated count documents written to the sink (new files,
	// and files whose size or modification time changed).
	Added, Updated int
	// Unchanged counts indexed files whose size and modification time are
	// the same as in the index; they are not read.
	Unchanged int
	// Deleted counts documents removed because their file is gone, is now
	// excluded, too large, or binary.
	Deleted int
	// Skipped counts files not indexed on purpose: too large, binary or in
	// an unsupported form; Skips lists them with the reason.
	Skipped int
	// Skips lists the skipped files with the reason (ErrFileTooLarge,
	// textextract.ErrBinary, textextract.ErrUnsupported).
	Skips []FileError
	// Truncated lists the files whose text was longer than
	// FilesConfig.MaxTextBytes: their first part is indexed.
	Truncated []FileError
	// Errors lists files and folders that could not be read or extracted.
	// The crawl goes on past them, and what the index holds for them (or
	// under them, for a folder) is kept.
	Errors []FileError
}

// IndexFiles walks each root (a folder, or a single file) and brings the
// sink up to date with the files under it, incrementally:
//
//   - Each file's document has the ID index.DocID of its URL, the file://
//     URL of its absolute cleaned path; Source is index.SourceFile,
//     Modified and Size are the file's, Hash is index.ContentHash. The
//     title is the extracted one (see package textextract), else the file
//     name.
//   - What the sink already holds under the root is listed first
//     (Sink.MetaByPrefix on the root's URL and a slash); files whose size
//     and modification time are unchanged are not read again.
//   - Documents whose file is gone, or now excluded, too large or binary,
//     are deleted, but never those under a folder that could not be read,
//     nor files that exist but could not be read: a crawl loses nothing
//     it cannot see. A crawl stopped by its context deletes nothing.
//
// Per-file problems go into the report and the crawl goes on. The error is
// non-nil only when the crawl cannot proceed: a root that does not exist
// (checked for every root before any work), an invalid exclude pattern, a
// failing sink, or the context ending (ctx.Err() is wrapped; documents
// already sent stay indexed).
func IndexFiles(ctx context.Context, sink Sink, cfg FilesConfig, roots ...string) (FilesReport, error) {
	var rep FilesReport
	if sink == nil {
		return rep, errors.New("crawler: IndexFiles: nil sink")
	}
	if len(roots) == 0 {
		return rep, errors.New("crawler: IndexFiles: no root folder given")
	}
	cfg = cfg.withDefaults()
	ex, err := newExcluder(cfg.Exclude)
	if err != nil {
		return rep, err
	}
	abs := make([]string, len(roots))
	for i, root := range roots {
		if abs[i], err = filepath.Abs(root); err != nil {
			return rep, fmt.Errorf("crawler: root %q: %w", root, err)
		}
		if _, err := os.Stat(abs[i]); err != nil {
			return rep, fmt.Errorf("crawler: root %q: %w", root, err)
		}
	}
	for _, root := range abs {
		if err := ctx.Err(); err != nil {
			return rep, fmt.Errorf("crawler: files crawl stopped: %w", err)
		}
		c := &filesCrawl{ctx: ctx, sink: sink, cfg: cfg, ex: ex, rep: &rep, root: root}
		if err := c.run(); err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// fileURL is the file:// URL of an absolute path.
func fileURL(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive letters
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// sameModTime compares modification times as stored by the index: exactly,
// or to the second when one of them has no sub-second part (an index that
// keeps RFC 3339 seconds).
func sameModTime(a, b time.Time) bool {
	if a.Equal(b) {
		return true
	}
	if a.Nanosecond() == 0 || b.Nanosecond() == 0 {
		return a.Unix() == b.Unix()
	}
	return false
}

// isNotExist reports errors meaning the file went away.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// FileURL is the file:// URL the files crawler files a document under,
// for an absolute path: a folder's documents have URLs starting with its
// FileURL and a slash.
func FileURL(abs string) string { return fileURL(abs) }
