package crawler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/textextract"
)

// errNotRegular reports a path that is no longer a regular file.
var errNotRegular = errors.New("crawler: not a regular file")

// readDocument reads and extracts the file at path (whose URL is id) into a
// document. Its Modified and Size come from the open file, so they describe
// the bytes read. Errors: ErrFileTooLarge, textextract.ErrBinary and
// textextract.ErrUnsupported (skips), fs errors, extraction errors.
func readDocument(path, id string, maxSize int64) (index.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return index.Document{}, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return index.Document{}, err
	}
	if !info.Mode().IsRegular() {
		return index.Document{}, errNotRegular
	}
	if info.Size() > maxSize {
		return index.Document{}, fmt.Errorf("%w (%d bytes, limit %d)", ErrFileTooLarge, info.Size(), maxSize)
	}
	// One buffer of the file's size (and room for the read that finds
	// the end), not one grown by doubling: a 10 MiB file would allocate
	// some 30 MiB.
	buf := bytes.NewBuffer(make([]byte, 0, info.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, maxSize+1)); err != nil {
		return index.Document{}, fmt.Errorf("read: %w", err)
	}
	b := buf.Bytes()
	if int64(len(b)) > maxSize {
		return index.Document{}, fmt.Errorf("%w (grew past the limit of %d bytes)", ErrFileTooLarge, maxSize)
	}
	res, err := extract(b, path, id)
	if err != nil {
		return index.Document{}, err
	}
	if res.Title == "" {
		res.Title = textextract.ValidUTF8(filepath.Base(path))
	}
	return index.Document{
		ID:       index.DocID(id),
		URL:      id,
		Title:    res.Title,
		Body:     res.Text,
		Source:   index.SourceFile,
		Modified: info.ModTime(),
		Size:     int64(len(b)),
		Hash:     index.ContentHash(res.Title, res.Text),
	}, nil
}

// extract picks the extractor by file extension: HTML, Markdown, PDF, or
// plain text for anything else. Text formats are sniffed for binary
// content first.
func extract(b []byte, path, id string) (textextract.Result, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".pdf" {
		res, err := textextract.PDF(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return res, fmt.Errorf("extract PDF: %w", err)
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
