package eval

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxLineBytes bounds one line of an input file; a longer line is reported as
// malformed rather than read into memory without limit.
const maxLineBytes = 4 << 20

// ParseError reports malformed input: the file (or stream name), the 1-based
// line number, and what is wrong. Line is 0 when the problem is not tied to a
// line (a missing record terminator at end of file, for instance).
type ParseError struct {
	// File is the path of the file, or a name given to a stream.
	File string
	// Line is the 1-based line number, 0 if not tied to one line.
	Line int
	// Err is the underlying problem.
	Err error
}

// Error implements error as "file:line: problem".
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns the underlying problem.
func (e *ParseError) Unwrap() error { return e.Err }

// lineReader reads a text file line by line, stripping the line ending (LF
// or CRLF) and decoding bytes leniently (see decodeLenient). It counts lines
// so errors can point at them.
type lineReader struct {
	name string
	sc   *bufio.Scanner
	num  int
	text string
	err  error
}

func newLineReader(name string, r io.Reader) *lineReader {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	return &lineReader{name: name, sc: sc}
}

// next advances to the next line; it returns false at end of input or on a
// read error (see failure).
func (r *lineReader) next() bool {
	if r.err != nil {
		return false
	}
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				r.err = &ParseError{File: r.name, Line: r.num + 1,
					Err: fmt.Errorf("line longer than %d bytes", maxLineBytes)}
			} else {
				r.err = fmt.Errorf("read %s: %w", r.name, err)
			}
		}
		return false
	}
	r.num++
	b := r.sc.Bytes()
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	r.text = decodeLenient(b)
	return true
}

// failure reports the read error that stopped next, if any.
func (r *lineReader) failure() error { return r.err }

// errorf returns a ParseError for the current line.
func (r *lineReader) errorf(format string, args ...any) error {
	return &ParseError{File: r.name, Line: r.num, Err: fmt.Errorf(format, args...)}
}

// decodeLenient turns bytes into a string: valid UTF-8 is kept as is, and
// every byte that is not part of a valid UTF-8 sequence becomes the Latin-1
// character of the same value (so 0xA3 becomes "£"). The old collections
// are ASCII with the odd Latin-1 byte; nothing is lost either way.
func decodeLenient(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + 8)
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			sb.WriteRune(rune(b[0]))
		} else {
			sb.WriteRune(r)
		}
		b = b[size:]
	}
	return sb.String()
}

// withFile opens path and calls fn with a lineReader on it; the error of fn
// or of reading is returned. Errors already carry the path.
func withFile(path string, fn func(r *lineReader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open collection file: %w", err)
	}
	defer f.Close()
	r := newLineReader(path, f)
	if err := fn(r); err != nil {
		return err
	}
	return r.failure()
}

// normID canonicalises a record id: an all-digit id loses its leading zeros
// ("001" and "1" are the same query in the SMART files, and CACM's qrels
// write "01"), anything else is kept as is.
func normID(s string) string {
	if s == "" {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return s
		}
	}
	t := strings.TrimLeft(s, "0")
	if t == "" {
		return "0"
	}
	return t
}

// isUint reports whether s is a non-empty string of ASCII digits.
func isUint(s string) bool {
	if s == "" {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// textBuilder collects the lines of one text field: each line is trimmed,
// blank lines are dropped, and the rest are joined with "\n".
type textBuilder struct {
	sb strings.Builder
}

func (t *textBuilder) add(line string) {
	line = strings.TrimSpace(line)
	if line == "" {
		return
	}
	if t.sb.Len() > 0 {
		t.sb.WriteByte('\n')
	}
	t.sb.WriteString(line)
}

func (t *textBuilder) String() string { return t.sb.String() }

// joinNonEmpty joins the non-empty parts with "\n".
func joinNonEmpty(parts ...string) string {
	var tb textBuilder
	for _, p := range parts {
		tb.add(p)
	}
	return tb.String()
}
