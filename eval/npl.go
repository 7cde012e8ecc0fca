package eval

import (
	"fmt"
	"strings"
)

// NPL (also called VASWANI): doc-text, query-text and rlv-ass share one
// layout: a record is its id alone on a line, then body lines, ending with
// a line holding only "/" (sometimes indented). In rlv-ass the body lists
// the relevant document ids, spread over several lines.

// readSlashRecords calls fn for each "/"-terminated record of r, with the
// record's id, the line of the id, and its body lines. Blank lines between
// records are skipped; a last record without "/" at end of file is
// accepted.
func readSlashRecords(r *lineReader, fn func(id string, line int, body []string) error) error {
	var (
		id     string
		idLine int
		body   []string
	)
	for r.next() {
		line := strings.TrimSpace(r.text)
		if id == "" {
			if line == "" {
				continue
			}
			if line == "/" {
				return r.errorf("record terminator \"/\" without a record")
			}
			if !isUint(line) {
				return r.errorf("want a record number, got %q", clip(line))
			}
			id, idLine, body = normID(line), r.num, nil
			continue
		}
		if line == "/" {
			if err := fn(id, idLine, body); err != nil {
				return err
			}
			id = ""
			continue
		}
		body = append(body, r.text)
	}
	if err := r.failure(); err != nil {
		return err
	}
	if id != "" {
		return fn(id, idLine, body)
	}
	return nil
}

// loadNPL reads doc-text, query-text and rlv-ass.
func loadNPL(dir string, files map[string]string, c *Collection) error {
	set := newDocSet(c)
	if err := withFile(path(dir, files, "doc-text"), func(r *lineReader) error {
		return readSlashRecords(r, func(id string, line int, body []string) error {
			var tb textBuilder
			for _, l := range body {
				tb.add(l)
			}
			set.add(Doc{DocNo: id, Text: tb.String()}, fmt.Sprintf("%s:%d", r.name, line))
			return nil
		})
	}); err != nil {
		return err
	}
	seen := map[string]bool{}
	if err := withFile(path(dir, files, "query-text"), func(r *lineReader) error {
		return readSlashRecords(r, func(id string, line int, body []string) error {
			var tb textBuilder
			for _, l := range body {
				tb.add(l)
			}
			return addQuery(c, seen, Query{ID: id, Text: tb.String()}, r, line)
		})
	}); err != nil {
		return err
	}
	return withFile(path(dir, files, "rlv-ass"), func(r *lineReader) error {
		return readSlashRecords(r, func(id string, line int, body []string) error {
			for i, l := range body {
				for _, d := range strings.Fields(l) {
					if !isUint(d) {
						return &ParseError{File: r.name, Line: line + 1 + i,
							Err: fmt.Errorf("want a document number, got %q", clip(d))}
					}
					judge(c, id, normID(d), 1, fmt.Sprintf("%s:%d", r.name, line+1+i))
				}
			}
			return nil
		})
	})
}
