package eval

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// LISA (Sheffield, 1982): documents in LISA0.001 … LISA5.850, each record
// "Document <n>", title line(s), a blank line, the abstract, and a line of
// asterisks; queries in LISA.QUE; judgments in LISARJ.NUM. LISA.REL is
// internally inconsistent (a block declares 21 ids and lists 15, blocks are
// missing, one is repeated) and is not read.

// lisaDocFile matches the names of the LISA document files (lower case).
var lisaDocFile = regexp.MustCompile(`^lisa\d\.\d{3}$`)

// lisaHeader matches a LISA record header.
var lisaHeader = regexp.MustCompile(`^Document\s+(\d+)\s*$`)

// hasLISADocs reports whether names (lower case) include LISA document files.
func hasLISADocs(names []string) (bool, string) {
	for _, n := range names {
		if lisaDocFile.MatchString(n) {
			return true, ""
		}
	}
	return false, "LISA*.nnn document files"
}

// isStarLine reports whether line is a LISA record separator: nothing but
// asterisks (44 in the files; any run of three or more is accepted).
func isStarLine(line string) bool {
	t := strings.TrimSpace(line)
	return len(t) >= 3 && strings.Trim(t, "*") == ""
}

// loadLISA reads the LISA document files in name order, LISA.QUE and
// LISARJ.NUM. The document files as distributed miss documents 1993–1997,
// repeat 1998–2001, and hold one record with no "Document" header after the
// first 2001: the fragment is skipped and the first occurrence of a
// repeated id is kept, each noted in the warnings (5999 documents remain).
func loadLISA(dir string, files map[string]string, c *Collection) error {
	var docFiles []string
	for low := range files {
		if lisaDocFile.MatchString(low) {
			docFiles = append(docFiles, low)
		}
	}
	sort.Strings(docFiles)
	set := newDocSet(c)
	for _, low := range docFiles {
		if err := withFile(path(dir, files, low), func(r *lineReader) error {
			return readLISADocs(r, c, set)
		}); err != nil {
			return err
		}
	}
	if err := withFile(path(dir, files, "lisa.que"), func(r *lineReader) error {
		return readLISAQueries(r, c)
	}); err != nil {
		return err
	}
	return withFile(path(dir, files, "lisarj.num"), func(r *lineReader) error {
		return readLISAJudgments(r, c)
	})
}

// readLISADocs reads one LISA document file.
func readLISADocs(r *lineReader, c *Collection, set *docSet) error {
	var (
		lines []string
		start int // line number of the record's first line
	)
	flush := func() {
		// Skip leading blank lines.
		i := 0
		for i < len(lines) && strings.TrimSpace(lines[i]) == "" {
			i++
		}
		body := lines[i:]
		lines = nil
		if len(body) == 0 {
			return
		}
		where := fmt.Sprintf("%s:%d", r.name, start+i)
		m := lisaHeader.FindStringSubmatch(strings.TrimSpace(body[0]))
		if m == nil {
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s: record without a \"Document <n>\" header skipped (%q)",
				where, clip(strings.TrimSpace(body[0]))))
			return
		}
		var title, text textBuilder
		inTitle := true
		for _, l := range body[1:] {
			if inTitle && strings.TrimSpace(l) == "" {
				if title.sb.Len() > 0 {
					inTitle = false
				}
				continue
			}
			if inTitle {
				title.add(l)
			} else {
				text.add(l)
			}
		}
		set.add(Doc{DocNo: normID(m[1]), Title: title.String(), Text: text.String()}, where)
	}
	for r.next() {
		if isStarLine(r.text) {
			flush()
			continue
		}
		if lines == nil {
			start = r.num
		}
		lines = append(lines, r.text)
	}
	if err := r.failure(); err != nil {
		return err
	}
	flush()
	return nil
}

// readLISAQueries reads LISA.QUE: a query id alone on its line, then the
// query text, which ends with " #".
func readLISAQueries(r *lineReader, c *Collection) error {
	seen := map[string]bool{}
	var (
		id     string
		idLine int
		text   textBuilder
	)
	for r.next() {
		line := strings.TrimSpace(r.text)
		if id == "" {
			if line == "" {
				continue
			}
			if !isUint(line) {
				return r.errorf("want a query number, got %q", clip(line))
			}
			id, idLine, text = normID(line), r.num, textBuilder{}
			continue
		}
		if strings.HasSuffix(line, "#") {
			text.add(strings.TrimSuffix(line, "#"))
			if err := addQuery(c, seen, Query{ID: id, Text: text.String()}, r, idLine); err != nil {
				return err
			}
			id = ""
			continue
		}
		text.add(line)
	}
	if err := r.failure(); err != nil {
		return err
	}
	if id != "" {
		return &ParseError{File: r.name, Line: idLine, Err: fmt.Errorf("query %s has no closing \"#\"", id)}
	}
	return nil
}

// readLISAJudgments reads LISARJ.NUM: whitespace-separated integers, for
// each query "qid count docid…" (count docids follow). Every listed
// document is relevant (grade 1).
func readLISAJudgments(r *lineReader, c *Collection) error {
	type token struct {
		s    string
		line int
	}
	var toks []token
	for r.next() {
		for _, f := range strings.Fields(r.text) {
			if !isUint(f) {
				return r.errorf("want a number, got %q", clip(f))
			}
			toks = append(toks, token{f, r.num})
		}
	}
	if err := r.failure(); err != nil {
		return err
	}
	for i := 0; i < len(toks); {
		if i+1 >= len(toks) {
			return &ParseError{File: r.name, Line: toks[i].line,
				Err: fmt.Errorf("query %s has no document count", toks[i].s)}
		}
		qid := normID(toks[i].s)
		n, err := strconv.Atoi(toks[i+1].s)
		if err != nil {
			return &ParseError{File: r.name, Line: toks[i+1].line, Err: fmt.Errorf("bad document count %q", toks[i+1].s)}
		}
		if i+2+n > len(toks) {
			return &ParseError{File: r.name, Line: toks[i].line,
				Err: fmt.Errorf("query %s declares %d documents but the file ends after %d", qid, n, len(toks)-i-2)}
		}
		if n == 0 {
			// Qrels cannot hold "judged, nothing relevant" without a
			// document, so such a query stays absent; say so.
			c.Warnings = append(c.Warnings, fmt.Sprintf("%s:%d: query %s lists no relevant documents", r.name, toks[i].line, qid))
		}
		for _, t := range toks[i+2 : i+2+n] {
			judge(c, qid, normID(t.s), 1, fmt.Sprintf("%s:%d", r.name, t.line))
		}
		i += 2 + n
	}
	return nil
}
