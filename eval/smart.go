package eval

import (
	"fmt"
	"strconv"
	"strings"
)

// SMART format: a record starts with a line ".I <id>"; field markers
// (".T" title, ".A" authors, ".B" bibliographic source, ".W" text, ".X"
// citations, ".N", ".K", ".C") stand at the start of their own line, and the
// field's text follows on the next lines until the next marker. Only .T and
// .W are kept. Markers may carry trailing spaces (CISI writes ".T ") and, in
// some copies, text on the same line; both are handled.

// smartRecord is one parsed SMART record.
type smartRecord struct {
	id    string // normalised id (see normID)
	line  int    // line of the .I marker
	title string // .T fields joined
	text  string // .W fields joined
}

// smartMarker reports whether line is a field marker, returning the field
// letter and any text after the marker on the same line.
func smartMarker(line string) (field byte, rest string, ok bool) {
	if len(line) < 2 || line[0] != '.' {
		return 0, "", false
	}
	if len(line) > 2 && line[2] != ' ' && line[2] != '\t' {
		return 0, "", false
	}
	switch line[1] {
	case 'I', 'T', 'A', 'B', 'W', 'X', 'N', 'K', 'C':
		return line[1], strings.TrimSpace(line[2:]), true
	}
	return 0, "", false
}

// readSMART parses the SMART file read by r, calling fn for each record in
// file order.
func readSMART(r *lineReader, fn func(rec smartRecord) error) error {
	var (
		cur     *smartRecord
		field   byte
		title   []string
		text    []string
		tb      textBuilder
		inField bool
	)
	endField := func() {
		if !inField {
			return
		}
		switch field {
		case 'T':
			title = append(title, tb.String())
		case 'W':
			text = append(text, tb.String())
		}
		tb = textBuilder{}
		inField = false
	}
	flush := func() error {
		endField()
		if cur == nil {
			return nil
		}
		cur.title = joinNonEmpty(title...)
		cur.text = joinNonEmpty(text...)
		rec := *cur
		cur, title, text = nil, nil, nil
		return fn(rec)
	}
	for r.next() {
		line := r.text
		f, rest, ok := smartMarker(line)
		if !ok {
			if cur == nil {
				if strings.TrimSpace(line) != "" {
					return r.errorf("text before the first .I record: %q", clip(line))
				}
				continue
			}
			if inField {
				tb.add(line)
			} else if strings.TrimSpace(line) != "" {
				return r.errorf("text outside any field in record %s: %q", cur.id, clip(line))
			}
			continue
		}
		if f == 'I' {
			if err := flush(); err != nil {
				return err
			}
			parts := strings.Fields(rest)
			if len(parts) != 1 {
				return r.errorf(".I marker must be followed by exactly one id, got %q", clip(line))
			}
			cur = &smartRecord{id: normID(parts[0]), line: r.num}
			continue
		}
		if cur == nil {
			return r.errorf("field marker .%c before the first .I record", f)
		}
		endField()
		field, inField = f, true
		tb.add(rest)
	}
	if err := r.failure(); err != nil {
		return err
	}
	return flush()
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// smartDocs reads a SMART document file into c.
func smartDocs(path string, c *Collection) error {
	set := newDocSet(c)
	return withFile(path, func(r *lineReader) error {
		return readSMART(r, func(rec smartRecord) error {
			set.add(Doc{DocNo: rec.id, Title: rec.title, Text: rec.text},
				fmt.Sprintf("%s:%d", r.name, rec.line))
			return nil
		})
	})
}

// smartQueries reads a SMART query file into c. When renumber is true the
// queries get ids 1..N in file order instead of their .I ids (Cranfield).
func smartQueries(path string, renumber bool, c *Collection) error {
	seen := map[string]bool{}
	return withFile(path, func(r *lineReader) error {
		return readSMART(r, func(rec smartRecord) error {
			id := rec.id
			if renumber {
				id = strconv.Itoa(len(c.Queries) + 1)
			}
			return addQuery(c, seen, Query{ID: id, Text: joinNonEmpty(rec.title, rec.text)}, r, rec.line)
		})
	})
}

// relLayout is the column layout of a collection relevance file.
type relLayout int

const (
	// relSMART: "qid docid [x [y]]" (CISI, ADI, CACM: the last columns are
	// always "0 0.000000" or "0 0"); every line is a relevant pair, grade 1.
	relSMART relLayout = iota
	// relTREC: "qid iter docid grade" (MED.REL), the TREC qrels layout.
	relTREC
	// relCranfield: "qid docid grade" with Cleverdon's grades (cranqrel).
	relCranfield
)

// readRel reads a collection relevance file of the given layout into c.
func readRel(path string, layout relLayout, c *Collection) error {
	return withFile(path, func(r *lineReader) error {
		for r.next() {
			f := strings.Fields(r.text)
			if len(f) == 0 {
				continue
			}
			var qid, docno string
			grade := 1
			switch layout {
			case relSMART:
				if len(f) < 2 || len(f) > 4 {
					return r.errorf("want \"qid docid [0 0.0]\", got %d fields", len(f))
				}
				qid, docno = f[0], f[1]
			case relTREC:
				if len(f) != 4 {
					return r.errorf("want \"qid iter docid grade\", got %d fields", len(f))
				}
				g, err := strconv.Atoi(f[3])
				if err != nil {
					return r.errorf("grade %q is not an integer", f[3])
				}
				qid, docno, grade = f[0], f[2], g
			case relCranfield:
				if len(f) != 3 {
					return r.errorf("want \"qid docid grade\", got %d fields", len(f))
				}
				g, err := strconv.Atoi(f[2])
				if err != nil {
					return r.errorf("grade %q is not an integer", f[2])
				}
				grade, err = cranfieldGrade(g)
				if err != nil {
					return r.errorf("%v", err)
				}
				qid, docno = f[0], f[1]
			}
			if !isUint(qid) || !isUint(docno) {
				return r.errorf("query and document ids must be numbers, got %q and %q", qid, docno)
			}
			judge(c, normID(qid), normID(docno), grade, fmt.Sprintf("%s:%d", r.name, r.num))
		}
		return nil
	})
}

// cranfieldGrade maps a cranqrel grade to the stored grade. Cranfield's
// grades are 1..4 for relevant documents and -1 for a document judged not
// relevant (one per query); 5 ("no interest" in Cleverdon's scale) would be
// not relevant too. Which end of 1..4 is best is ambiguous: cranqrel.readme
// quotes Cleverdon (1 = complete answer, 4 = minimum interest) while
// ir_datasets reads them the other way round. So the grades are made binary:
// 1..4 are stored as 1 (relevant) and -1 and 5 as 0 (judged, not relevant).
// Binary grades keep MAP, P@10, R-precision and recall unchanged and make
// nDCG a binary nDCG, which does not depend on the disputed direction.
func cranfieldGrade(g int) (int, error) {
	switch {
	case g >= 1 && g <= 4:
		return 1, nil
	case g == -1 || g == 5:
		return 0, nil
	}
	return 0, fmt.Errorf("cranfield grade %d is not one of -1, 1..5", g)
}

// loadCranfield reads cran.all.1400, cran.qry and cranqrel. The .I numbers
// of cran.qry (001, 002, 004, 008, … 365) do not match cranqrel, which
// numbers the queries 1..225 in file order; the queries are renumbered so.
func loadCranfield(dir string, files map[string]string, c *Collection) error {
	if err := smartDocs(path(dir, files, "cran.all.1400"), c); err != nil {
		return err
	}
	if err := smartQueries(path(dir, files, "cran.qry"), true, c); err != nil {
		return err
	}
	return readRel(path(dir, files, "cranqrel"), relCranfield, c)
}

// smartLoader returns the loader of a collection whose files are
// NAME.ALL, NAME.QRY and NAME.REL.
func smartLoader(name string, layout relLayout) func(string, map[string]string, *Collection) error {
	return func(dir string, files map[string]string, c *Collection) error {
		if err := smartDocs(path(dir, files, name+".all"), c); err != nil {
			return err
		}
		if err := smartQueries(path(dir, files, name+".qry"), false, c); err != nil {
			return err
		}
		return readRel(path(dir, files, name+".rel"), layout, c)
	}
}

// loadCACM reads cacm.all, query.text and qrels.text (qrels lines are
// "qid docid 0 0" with zero-padded query ids, normalised by normID).
func loadCACM(dir string, files map[string]string, c *Collection) error {
	if err := smartDocs(path(dir, files, "cacm.all"), c); err != nil {
		return err
	}
	if err := smartQueries(path(dir, files, "query.text"), false, c); err != nil {
		return err
	}
	return readRel(path(dir, files, "qrels.text"), relSMART, c)
}
