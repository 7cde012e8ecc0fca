package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/textextract"
)

// errNotRegular reports a path that is no longer a regular file.
var errNotRegular = errors.New("crawler: not a regular file")

// readDocuments reads and extracts the file at path (whose URL is id) into
// its document (mailboxes are read by filesCrawl.mailbox instead). Its
// Modified and Size come from the open file, so they describe the bytes
// read. Errors: ErrFileTooLarge, textextract.ErrBinary
// and textextract.ErrUnsupported (skips), fs errors, extraction errors.
func readDocuments(path, id string, maxSize int64) ([]index.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, errNotRegular
	}
	if info.Size() > maxSize {
		return nil, fmt.Errorf("%w (%d bytes, limit %d)", ErrFileTooLarge, info.Size(), maxSize)
	}
	// One buffer of the file's size (and room for the read that finds
	// the end), not one grown by doubling: a 10 MiB file would allocate
	// some 30 MiB.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, maxSize+1)); err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	b := buf.Bytes()
	if int64(len(b)) > maxSize {
		return nil, fmt.Errorf("%w (grew past the limit of %d bytes)", ErrFileTooLarge, maxSize)
	}
	res, err := extract(b, path, id)
	if err != nil {
		return nil, err
	}
	if res.Title == "" {
		res.Title = textextract.ValidUTF8(filepath.Base(path))
	}
	return []index.Document{{
		ID:       index.DocID(id),
		URL:      id,
		Title:    res.Title,
		Body:     res.Text,
		Source:   index.SourceFile,
		Modified: info.ModTime(),
		Size:     int64(len(b)),
		Hash:     index.ContentHash(res.Title, res.Text),
	}}, nil
}

// isMailbox reports whether the file at path is read as a Unix mailbox:
// one document per message.
func isMailbox(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".mbox")
}

// MessageURL is the URL, and the document ID, of message n (1 for the
// first) of the mailbox whose file URL is fileURL: the file URL with the
// fragment "#n". A file URL never holds a raw '#' (FileURL escapes it),
// so the fragment is unambiguous.
func MessageURL(fileURL string, n int) string {
	return fileURL + "#" + strconv.Itoa(n)
}

// messageDocument is the document of message n (1 for the first) of the
// mailbox at path (whose URL is id): the Subject is the title (else the
// file name and the message number), the body starts with a line
// "From: ... · Date: ..." and goes on with the message's text. Every
// message carries the file's modification time and size, so an unchanged
// mailbox is recognised without reading it.
func messageDocument(m textextract.Message, path, id string, n int, mtime time.Time, size int64) index.Document {
	title := m.Subject
	if title == "" {
		title = fmt.Sprintf("%s, message %d", textextract.ValidUTF8(filepath.Base(path)), n)
	}
	var head []string
	if m.From != "" {
		head = append(head, "From: "+m.From)
	}
	if !m.Date.IsZero() {
		head = append(head, "Date: "+m.Date.Format("2006-01-02 15:04 -0700"))
	}
	body := m.Text
	if len(head) > 0 {
		body = strings.Join(head, " · ") + "\n\n" + body
	}
	u := MessageURL(id, n)
	return index.Document{
		ID:       index.DocID(u),
		URL:      u,
		Title:    title,
		Body:     body,
		Source:   index.SourceFile,
		Modified: mtime,
		Size:     size,
		Hash:     index.ContentHash(title, body),
	}
}

// documentFormat is how a format read by its own extractor (not sniffed
// as text) is called in errors and read, by extension; read is nil for
// other extensions.
func documentFormat(ext string) (kind string, read func([]byte) (textextract.Result, error)) {
	switch ext {
	case ".pdf":
		return "PDF", func(b []byte) (textextract.Result, error) { return textextract.PDF(bytes.NewReader(b), int64(len(b))) }
	case ".docx":
		return "Word document", textextract.DOCX
	case ".odt":
		return "OpenDocument text", textextract.ODT
	case ".epub":
		return "EPUB book", textextract.EPUB
	case ".rtf":
		return "RTF document", textextract.RTF
	}
	return "", nil
}

// extract picks the extractor by file extension: HTML, Markdown, PDF,
// DOCX, ODT, EPUB, RTF, or plain text for anything else. Text formats are
// sniffed for binary content first.
func extract(b []byte, path, id string) (textextract.Result, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if kind, read := documentFormat(ext); read != nil {
		res, err := read(b)
		if err != nil {
			return res, fmt.Errorf("extract %s: %w", kind, err)
		}
		return res, nil
	}
	sample := b
	if len(sample) > textextract.BinarySniffLen {
		sample = sample[:textextract.BinarySniffLen]
	}
	if textextract.IsBinary(sample) {
		return textextract.Result{}, fmt.Errorf("%w: first %d bytes are not text", textextract.ErrBinary, len(sample))
	}
	switch ext {
	case ".html", ".htm", ".xhtml":
		u, err := url.Parse(id)
		if err != nil {
			u = nil
		}
		res, err := textextract.HTML(bytes.NewReader(b), u)
		if err != nil {
			return res, fmt.Errorf("extract HTML: %w", err)
		}
		return res, nil
	case ".md", ".markdown", ".mdown", ".mkd":
		return textextract.Markdown(b), nil
	}
	return textextract.Plain(b), nil
}
