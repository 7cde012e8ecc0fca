package eval

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Doc is one document of a test collection.
type Doc struct {
	// DocNo is the collection's own document id ("1".."1400" for
	// Cranfield), as the qrels use it. All-digit ids lose leading zeros.
	DocNo string
	// Title is the title (.T in SMART files, repeated .T fields joined by a
	// newline; the first paragraph of a LISA record); empty when the
	// collection has none (MED, NPL).
	Title string
	// Text is the abstract or body (.W in SMART files, repeated .W fields
	// joined by a newline). Lines are trimmed and blank lines dropped.
	Text string
}

// Query is one query of a test collection.
type Query struct {
	// ID is the query id as the qrels use it (for Cranfield, after
	// renumbering the queries 1..225 in file order).
	ID string
	// Text is the query text. For SMART queries that also carry a title
	// (55 of the CISI queries are paper abstracts with a .T) it is the title
	// followed by the .W text, so that no words of the request are lost.
	Text string
}

// Collection is a loaded test collection.
type Collection struct {
	// Name is the detected format: "cranfield", "cisi", "med", "adi",
	// "cacm", "lisa" or "npl".
	Name string
	// Docs holds the documents in file order, without duplicated ids.
	Docs []Doc
	// Queries holds the queries in file order.
	Queries []Query
	// Qrels holds the relevance judgments.
	Qrels Qrels
	// Warnings lists what was skipped or repaired while loading (a LISA
	// fragment without a header, a duplicated document id, a duplicated
	// judgment), with file and line. Nothing else is dropped silently.
	Warnings []string
}

// ErrUnknownFormat is returned (wrapped) by Load when a folder matches no
// known collection format.
var ErrUnknownFormat = errors.New("unknown test collection format")

// format describes one collection layout: the files that identify it and
// the loader that reads it. Names are matched case-insensitively.
type format struct {
	name string
	// files are the required file names (lower case).
	files []string
	// extra reports whether names (lower case) hold the format's further
	// required files, and explains what is missing when not.
	extra func(names []string) (ok bool, missing string)
	load  func(dir string, files map[string]string, c *Collection) error
}

// knownFormats is the table of known layouts, tried in order.
func knownFormats() []format {
	return []format{
		{name: "cranfield", files: []string{"cran.all.1400", "cran.qry", "cranqrel"}, load: loadCranfield},
		{name: "cisi", files: []string{"cisi.all", "cisi.qry", "cisi.rel"}, load: smartLoader("cisi", relSMART)},
		{name: "med", files: []string{"med.all", "med.qry", "med.rel"}, load: smartLoader("med", relTREC)},
		{name: "adi", files: []string{"adi.all", "adi.qry", "adi.rel"}, load: smartLoader("adi", relSMART)},
		{name: "cacm", files: []string{"cacm.all", "query.text", "qrels.text"}, load: loadCACM},
		{name: "lisa", files: []string{"lisa.que", "lisarj.num"}, extra: hasLISADocs, load: loadLISA},
		{name: "npl", files: []string{"doc-text", "query-text", "rlv-ass"}, load: loadNPL},
	}
}

// Load reads the test collection in dir, detecting its format from the file
// names:
//
//	cranfield  cran.all.1400, cran.qry, cranqrel
//	cisi       CISI.ALL, CISI.QRY, CISI.REL
//	med        MED.ALL, MED.QRY, MED.REL (TREC qrels "qid 0 docid rel")
//	adi        ADI.ALL, ADI.QRY, ADI.REL
//	cacm       cacm.all, query.text, qrels.text
//	lisa       LISA*.nnn documents, LISA.QUE, LISARJ.NUM (LISA.REL is
//	           internally inconsistent and is not used)
//	npl        doc-text, query-text, rlv-ass
//
// Names match case-insensitively; other files in dir are ignored. It
// returns an error wrapping ErrUnknownFormat when no format matches (naming
// the files that are missing for a partial match), and a *ParseError with
// file and line when a file is malformed.
func Load(dir string) (*Collection, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("load test collection: %w", err)
	}
	files := make(map[string]string, len(entries)) // lower-case name -> real name
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		low := strings.ToLower(e.Name())
		files[low] = e.Name()
		names = append(names, low)
	}
	sort.Strings(names)

	var partial []string
	for _, f := range knownFormats() {
		var missing []string
		found := 0
		for _, want := range f.files {
			if _, ok := files[want]; ok {
				found++
			} else {
				missing = append(missing, want)
			}
		}
		if f.extra != nil {
			if ok, what := f.extra(names); ok {
				found++
			} else {
				missing = append(missing, what)
			}
		}
		if len(missing) == 0 {
			c := &Collection{Name: f.name, Qrels: Qrels{}}
			if err := f.load(dir, files, c); err != nil {
				return nil, fmt.Errorf("load %s collection from %s: %w", f.name, dir, err)
			}
			c.checkReferences()
			return c, nil
		}
		if found > 0 {
			partial = append(partial, fmt.Sprintf("%s (missing %s)", f.name, strings.Join(missing, ", ")))
		}
	}
	if len(partial) > 0 {
		return nil, fmt.Errorf("load test collection from %s: %w: incomplete %s",
			dir, ErrUnknownFormat, strings.Join(partial, "; "))
	}
	return nil, fmt.Errorf("load test collection from %s: %w: no cran.all.1400, CISI.ALL, MED.ALL, ADI.ALL, cacm.all, LISA.QUE or doc-text found",
		dir, ErrUnknownFormat)
}

// path returns the full path of the file named low (lower case) in dir.
func path(dir string, files map[string]string, low string) string {
	return filepath.Join(dir, files[low])
}

// docSet accumulates documents, keeping the first of a duplicated id and
// noting the others in the collection's warnings.
type docSet struct {
	c    *Collection
	seen map[string]bool
}

func newDocSet(c *Collection) *docSet { return &docSet{c: c, seen: map[string]bool{}} }

func (s *docSet) add(d Doc, where string) {
	if s.seen[d.DocNo] {
		s.c.Warnings = append(s.c.Warnings,
			fmt.Sprintf("%s: duplicated document id %s skipped (first occurrence kept)", where, d.DocNo))
		return
	}
	s.seen[d.DocNo] = true
	s.c.Docs = append(s.c.Docs, d)
}

// addQuery appends a query, refusing a duplicated id (queries are few and
// a duplicate means the file is not what we think it is).
func addQuery(c *Collection, seen map[string]bool, q Query, r *lineReader, line int) error {
	if seen[q.ID] {
		return &ParseError{File: r.name, Line: line, Err: fmt.Errorf("duplicated query id %s", q.ID)}
	}
	seen[q.ID] = true
	c.Queries = append(c.Queries, q)
	return nil
}

// judge records one judgment read from a collection's relevance file,
// keeping the first of a duplicated (query, document) pair and noting the
// duplicate in the warnings.
func judge(c *Collection, qid, docno string, grade int, where string) {
	m := c.Qrels[qid]
	if m == nil {
		m = map[string]int{}
		c.Qrels[qid] = m
	}
	if old, ok := m[docno]; ok {
		c.Warnings = append(c.Warnings,
			fmt.Sprintf("%s: duplicated judgment for query %s, document %s (grade %d kept, %d ignored)",
				where, qid, docno, old, grade))
		return
	}
	m[docno] = grade
}

// checkReferences notes in the warnings judgments that name a query or a
// document the collection does not have. They are kept: trec_eval would
// count them too, and a missing document simply cannot be retrieved.
func (c *Collection) checkReferences() {
	docs := make(map[string]bool, len(c.Docs))
	for _, d := range c.Docs {
		docs[d.DocNo] = true
	}
	queries := make(map[string]bool, len(c.Queries))
	for _, q := range c.Queries {
		queries[q.ID] = true
	}
	var unknownQ []string
	unknownD := 0
	for qid, m := range c.Qrels {
		if !queries[qid] {
			unknownQ = append(unknownQ, qid)
		}
		for docno := range m {
			if !docs[docno] {
				unknownD++
			}
		}
	}
	if len(unknownQ) > 0 {
		sortIDs(unknownQ)
		c.Warnings = append(c.Warnings, fmt.Sprintf("qrels judge queries that are not in the query file: %s",
			strings.Join(unknownQ, ", ")))
	}
	if unknownD > 0 {
		c.Warnings = append(c.Warnings, fmt.Sprintf("qrels hold %d judgments of documents that are not in the collection", unknownD))
	}
}
