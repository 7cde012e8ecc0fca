package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/textextract"
)

// filesCrawl is the crawl of one root.
type filesCrawl struct {
	ctx  context.Context
	sink Sink
	cfg  FilesConfig
	ex   *excluder
	rep  *FilesReport
	root string // absolute, clean

	visited map[string]bool // dirKey of folders walked
	files   []candidate
	// keep holds IDs, and keepPrefixes URL prefixes, of documents that
	// must survive this crawl whatever happens: files and folders that
	// exist but could not be examined.
	keep         map[string]bool
	keepPrefixes []string

	existing map[string]index.Meta // what the sink holds under the root
	seen     map[string]bool       // IDs whose file is present and indexable

	batch          []index.Document
	batchAdded     int
	batchUpdated   int
	examined       int
	totalExamining int
}

// run crawls the root: list what is indexed, walk, index what changed,
// delete what is gone.
func (c *filesCrawl) run() error {
	info, err := os.Stat(c.root)
	if err != nil {
		return fmt.Errorf("crawler: root %q: %w", c.root, err)
	}
	rootURL := fileURL(c.root)
	prefix := rootURL
	if info.IsDir() && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	metas, err := c.sink.MetaByPrefix(c.ctx, prefix)
	if err != nil {
		return fmt.Errorf("crawler: list indexed files under %s: %w", prefix, err)
	}
	c.existing = make(map[string]index.Meta, len(metas))
	for _, m := range metas {
		if m.Source != index.SourceFile {
			continue // never touch documents the files crawler did not write
		}
		if !info.IsDir() && m.URL != rootURL && !strings.HasPrefix(m.URL, rootURL+"#") {
			continue // a file root: only that file's own documents (a mailbox has several)
		}
		c.existing[m.ID] = m
	}
	c.keep = map[string]bool{}
	c.seen = map[string]bool{}

	c.walk(info)
	if err := c.ctx.Err(); err != nil {
		return fmt.Errorf("crawler: files crawl of %s stopped: %w", c.root, err)
	}
	c.totalExamining = len(c.files)
	for _, f := range c.files {
		if err := c.ctx.Err(); err != nil {
			return fmt.Errorf("crawler: files crawl of %s stopped: %w", c.root, err)
		}
		if err := c.file(f); err != nil {
			return err
		}
	}
	if err := c.flush(); err != nil {
		return err
	}
	c.progress(c.totalExamining, c.totalExamining, "")
	return c.deleteGone()
}

// file examines one candidate: unchanged, skipped, failed or (re)indexed.
func (c *filesCrawl) file(f candidate) error {
	c.examined++
	c.progress(c.examined, c.totalExamining, f.path)
	mailbox := isMailbox(f.path)
	limit := c.cfg.MaxFileSize
	if mailbox {
		limit = c.cfg.MaxMailboxSize
	}
	if f.size > limit {
		c.skip(f.path, fmt.Errorf("%w (%d bytes, limit %d)", ErrFileTooLarge, f.size, limit))
		return nil
	}
	key := f.id
	if mailbox {
		key = MessageURL(f.id, 1) // every message carries the file's size and time
	}
	old, indexed := c.existing[key]
	if indexed && old.Size == f.size && sameModTime(old.Modified, f.mtime) {
		c.markSeen(f.id, mailbox)
		c.rep.Unchanged++
		return nil
	}
	if mailbox {
		return c.mailbox(f, indexed)
	}
	docs, err := readDocuments(f.path, f.id, c.cfg.MaxFileSize)
	switch {
	case err == nil:
	case errors.Is(err, ErrFileTooLarge), errors.Is(err, textextract.ErrBinary),
		errors.Is(err, textextract.ErrUnsupported), errors.Is(err, errNotRegular):
		c.skip(f.path, err)
		return nil
	case isNotExist(err):
		return nil // removed since the walk: gone
	default:
		// Unreadable or not extractable: keep what the index has.
		c.fileError(f.path, err)
		c.keep[f.id] = true
		return nil
	}
	if indexed {
		c.batchUpdated++
	} else {
		c.batchAdded++
	}
	for _, doc := range docs {
		if err := c.add(f, doc); err != nil {
			return err
		}
	}
	return nil
}

// add queues one document of the file f (cut to MaxTextBytes) and sends
// a full batch.
func (c *filesCrawl) add(f candidate, doc index.Document) error {
	if n := len(doc.Title) + len(doc.Body); n > c.cfg.MaxTextBytes {
		doc.Body = cutText(doc.Body, max(c.cfg.MaxTextBytes-len(doc.Title), 0))
		doc.Hash = "" // the index hashes what it holds
		c.rep.Truncated = append(c.rep.Truncated, FileError{Path: f.path, Err: fmt.Errorf("%w: %d bytes of text, the first %d indexed", ErrTextCut, n, len(doc.Title)+len(doc.Body))})
	}
	c.seen[doc.ID] = true
	c.batch = append(c.batch, doc)
	if len(c.batch) >= c.cfg.BatchSize {
		return c.flush()
	}
	return nil
}

// mailbox indexes the messages of the mailbox f as it reads them, one
// document each (see MessageURL), so a mailbox of gigabytes costs the
// memory of one message and one batch. A mailbox that cannot be opened
// or read to its end keeps the messages the index holds for it beyond
// those read; content that is not a mailbox is skipped.
func (c *filesCrawl) mailbox(f candidate, indexed bool) error {
	fh, err := os.Open(f.path)
	if err != nil {
		if isNotExist(err) {
			return nil // removed since the walk: gone
		}
		c.fileError(f.path, err)
		c.keepMailbox(f.id)
		return nil
	}
	defer fh.Close()
	info, err := fh.Stat()
	switch {
	case err != nil:
		c.fileError(f.path, err)
		c.keepMailbox(f.id)
		return nil
	case !info.Mode().IsRegular():
		c.skip(f.path, errNotRegular)
		return nil
	case info.Size() > c.cfg.MaxMailboxSize:
		c.skip(f.path, fmt.Errorf("%w (%d bytes, limit %d)", ErrFileTooLarge, info.Size(), c.cfg.MaxMailboxSize))
		return nil
	}
	r := textextract.NewMboxReader(io.LimitReader(fh, c.cfg.MaxMailboxSize))
	counted := false
	for n := 1; ; n++ {
		if err := c.ctx.Err(); err != nil {
			return fmt.Errorf("crawler: files crawl of %s stopped: %w", c.root, err)
		}
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if errors.Is(err, textextract.ErrUnsupported) {
				c.skip(f.path, fmt.Errorf("read mailbox: %w", err))
			} else {
				c.fileError(f.path, err)
				c.keepMailbox(f.id)
			}
			return nil
		}
		if !counted {
			counted = true
			if indexed {
				c.batchUpdated++
			} else {
				c.batchAdded++
			}
		}
		if err := c.add(f, messageDocument(m, f.path, f.id, n, info.ModTime(), info.Size())); err != nil {
			return err
		}
	}
}

// keepMailbox keeps every message the index holds for the mailbox id.
func (c *filesCrawl) keepMailbox(id string) {
	c.keep[id] = true
	c.keepPrefixes = append(c.keepPrefixes, id+"#")
}

// markSeen records that the unchanged file whose URL is id is still
// there: its document, or for a mailbox every message's document.
func (c *filesCrawl) markSeen(id string, mailbox bool) {
	if !mailbox {
		c.seen[id] = true
		return
	}
	prefix := id + "#"
	for eid := range c.existing {
		if strings.HasPrefix(eid, prefix) {
			c.seen[eid] = true
		}
	}
}

// flush sends the pending documents to the sink.
func (c *filesCrawl) flush() error {
	if len(c.batch) == 0 {
		return nil
	}
	if err := c.sink.Index(c.ctx, c.batch); err != nil {
		return fmt.Errorf("crawler: index %d files under %s: %w", len(c.batch), c.root, err)
	}
	c.rep.Added += c.batchAdded
	c.rep.Updated += c.batchUpdated
	c.batch, c.batchAdded, c.batchUpdated = c.batch[:0], 0, 0
	return nil
}

// deleteGone deletes the documents under the root whose file was not seen,
// except those the crawl must keep.
func (c *filesCrawl) deleteGone() error {
	var gone []string
	for id := range c.existing {
		if c.seen[id] || c.keep[id] || c.underKeptPrefix(id) {
			continue
		}
		gone = append(gone, id)
	}
	slices.Sort(gone)
	for len(gone) > 0 {
		n := min(len(gone), c.cfg.BatchSize)
		if err := c.sink.Delete(c.ctx, gone[:n]...); err != nil {
			return fmt.Errorf("crawler: delete %d documents under %s: %w", n, c.root, err)
		}
		c.rep.Deleted += n
		gone = gone[n:]
	}
	return nil
}

// keepPrefix protects the documents of path and everything under it.
func (c *filesCrawl) keepPrefix(path string) {
	u := fileURL(path)
	c.keep[u] = true
	c.keepPrefixes = append(c.keepPrefixes, strings.TrimSuffix(u, "/")+"/")
}

func (c *filesCrawl) underKeptPrefix(id string) bool {
	for _, p := range c.keepPrefixes {
		if strings.HasPrefix(id, p) {
			return true
		}
	}
	return false
}

func (c *filesCrawl) skip(path string, err error) {
	c.rep.Skipped++
	c.rep.Skips = append(c.rep.Skips, FileError{Path: path, Err: err})
}

func (c *filesCrawl) fileError(path string, err error) {
	c.rep.Errors = append(c.rep.Errors, FileError{Path: path, Err: err})
}

func (c *filesCrawl) progress(done, total int, current string) {
	if c.cfg.Progress != nil {
		c.cfg.Progress(done, total, current)
	}
}

// cutText is the longest start of s of at most n bytes that ends at a
// character boundary.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
