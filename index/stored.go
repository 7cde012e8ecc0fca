package index

import (
	"fmt"
	"weak"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// visitStored calls visit with the name and value of each stored field
// (but the ID) of document number doc of r, whose ID is id, and reports
// whether r holds it. value is valid only during the call. On a scorch
// snapshot (every index Open makes) the fields are read straight from the
// document's segment by its number: no look-up of the ID and no bleve
// Document with a Field per value, which were most of a snippet's
// reading. Any other reader is asked for the Document by ID.
func visitStored(r bindex.IndexReader, doc uint64, id string, visit func(name string, value []byte)) (bool, error) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		d, err := r.Document(id)
		if err != nil || d == nil {
			return false, err
		}
		d.VisitFields(func(f bindex.Field) { visit(f.Name(), f.Value()) })
		return true, nil
	}
	// A snapshot numbers its documents segment after segment, each
	// segment's numbers starting after every number of the ones before
	// it, deleted documents included (scorch's introducer).
	var base uint64
	for _, ss := range is.Segments() {
		n := ss.Segment().Count()
		if doc < base+n {
			err := ss.VisitDocument(doc-base, func(name string, _ byte, value []byte, _ []uint64) bool {
				if name != "_id" {
					visit(name, value)
				}
				return true
			})
			if err != nil {
				return false, fmt.Errorf("stored fields of document %d: %w", doc, err)
			}
			return true, nil
		}
		base += n
	}
	return false, nil
}

// DocRef is where a hit's document was in the snapshot of the index the
// search read: Index.Snippets, given the hit while that snapshot is still
// the latest, reads the document by its number without looking its ID up
// again. It refers to the snapshot weakly (it neither keeps it open nor
// keeps it in memory), and is only ever made by Search: the zero value,
// or a reference to an older snapshot, makes Snippets look the ID up.
type DocRef struct {
	snap weak.Pointer[scorch.IndexSnapshot]
	doc  uint64
}

// refs makes DocRefs to documents of r, taking the weak reference to r's
// snapshot once for all of them.
func refs(r bindex.IndexReader) func(doc uint64) DocRef {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return func(uint64) DocRef { return DocRef{} }
	}
	snap := weak.Make(is)
	return func(doc uint64) DocRef { return DocRef{snap: snap, doc: doc} }
}

// in returns the document's number in r, if d refers to r: a snapshot
// never changes, so the number still names the same document.
func (d DocRef) in(r bindex.IndexReader) (uint64, bool) {
	is, ok := r.(*scorch.IndexSnapshot)
	if !ok || is == nil || d.snap.Value() != is {
		return 0, false
	}
	return d.doc, true
}
