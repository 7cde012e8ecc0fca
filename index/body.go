package index

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
)

// packBodyBytes is the body length above which a document's body is
// stored deflated, in fieldBodyPacked instead of fieldBody. While a batch
// is written, bleve holds a stored value some four times over (the
// document's fields, the segment's uncompressed stored data, its snappy
// encoding and the segment itself); a 10 MiB body deflated to some 4.4
// MiB (English text at the fastest level) costs less than half of that. Bodies of usual documents, well below the bound,
// are stored as they are and read without a step more.
const packBodyBytes = 1 << 20

// packBody deflates body (at the fastest level: most of the gain, little
// time) for fieldBodyPacked.
func packBody(body string) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(body) / 3)
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, fmt.Errorf("pack body: %w", err)
	}
	// Piece by piece: a []byte of the whole body would be a copy of it.
	piece := make([]byte, 0, 64<<10)
	for len(body) > 0 {
		n := min(len(body), cap(piece))
		piece = append(piece[:0], body[:n]...)
		body = body[n:]
		if _, err := w.Write(piece); err != nil {
			return nil, fmt.Errorf("pack body: %w", err)
		}
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("pack body: %w", err)
	}
	if buf.Cap() > buf.Len()+buf.Len()/8 {
		return bytes.Clone(buf.Bytes()), nil // the spare room would stay with the document
	}
	return buf.Bytes(), nil
}

// unpackBody inflates a body stored by packBody: all of it, or with max
// >= 0 its first max bytes at most (which may end inside a character).
func unpackBody(packed string, max int) (string, error) {
	var r io.Reader = flate.NewReader(strings.NewReader(packed))
	defer r.(io.Closer).Close()
	var sb strings.Builder
	if max >= 0 {
		r = io.LimitReader(r, int64(max))
		sb.Grow(min(max, 3*len(packed)))
	} else {
		sb.Grow(3 * len(packed))
	}
	if _, err := io.Copy(&sb, r); err != nil {
		return "", fmt.Errorf("unpack stored body: %w", err)
	}
	return sb.String(), nil
}

// storedBody is the body among a document's stored fields, as bleve
// returns them with a search hit: fieldBody, or fieldBodyPacked inflated.
// A packed body that does not inflate (a damaged index) reads as empty.
func storedBody(fields map[string]interface{}) string {
	if packed := field(fields, fieldBodyPacked); packed != "" {
		body, err := unpackBody(packed, -1)
		if err != nil {
			return ""
		}
		return body
	}
	return field(fields, fieldBody)
}
