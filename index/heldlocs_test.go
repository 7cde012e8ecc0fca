package index

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// TestHeldLocationsAreBlevesTermVectors checks heldLocs against bleve's
// own term reader with term vectors: for every term of a snapshot of
// three segments with deleted documents (whose postings are still in
// their segments), the locations held for each held document are the
// term vectors' offsets, in their order; a term with more locations than
// it may hold (more than maxLocsPerPosting a document, or than the most
// it is given) is not held.
func TestHeldLocationsAreBlevesTermVectors(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	docs, _ := zipfDocs(5, 120, 30)
	for start := 0; start < len(docs); start += 40 {
		mustIndex(t, ix, docs[start:start+40]...)
	}
	// Deleted documents stay listed in their segments until a merge in
	// the background drops them: documents are deleted one at a time
	// until a snapshot lists one.
	var r bindex.IndexReader
	var is *scorch.IndexSnapshot
	for _, id := range []string{"d0003", "d0040", "d0041", "d0119", "d0077", "d0012", "d0100", "d0060"} {
		if err := ix.Delete(ctx, id); err != nil {
			t.Fatal(err)
		}
		r = snapshotReader(t, ix)
		var ok bool
		if is, ok = r.(*scorch.IndexSnapshot); !ok {
			t.Fatalf("the index reader is a %T, not a scorch snapshot", r)
		}
		if listsDeleted(is) {
			break
		}
	}
	if !listsDeleted(is) {
		t.Fatal("no snapshot listed a deleted document: the test cannot check that they are passed over")
	}
	withDeleted := 0 // held terms whose segments still list a deleted document
	held, tooMany := 0, 0
	for i := range 30 {
		term := fmt.Sprintf("w%03dx", i)
		l, err := readHeld(ctx, ix.held, r, term)
		if err != nil {
			t.Fatal(err)
		}
		if l == nil || len(l.docs) == 0 {
			continue
		}
		// bleve's locations of the term in each of its documents.
		var want [][][2]uint64
		total := 0
		eachPosting(t, r, term, true, func(d *bindex.TermFieldDoc) {
			if k := len(want); k == len(l.docs) || d.ID.Value() != uint64(l.docs[k].doc) {
				t.Fatalf("%q: bleve's posting %d is document %d, not the held one", term, k, d.ID.Value())
			}
			var locs [][2]uint64
			for _, v := range d.Vectors {
				locs = append(locs, [2]uint64{v.Start, v.End})
			}
			want = append(want, locs)
			total += len(locs)
		})
		if len(want) != len(l.docs) {
			t.Fatalf("%q: bleve lists %d documents, %d are held", term, len(want), len(l.docs))
		}
		h, err := readHeldLocs(ctx, is, term, l, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if total > maxLocsPerPosting*len(l.docs) {
			if h != nil {
				t.Fatalf("%q: %d locations in %d documents held, more than %d a document", term, total, len(l.docs), maxLocsPerPosting)
			}
			tooMany++
			continue
		}
		if h == nil {
			t.Fatalf("%q: the %d locations in %d documents are not held", term, total, len(l.docs))
		}
		for k := range want {
			n, loc := h.of(k)
			var got [][2]uint64
			for m := range n {
				s, e := loc(m)
				got = append(got, [2]uint64{s, e})
			}
			if !slices.Equal(got, want[k]) {
				t.Fatalf("%q in document %d: held locations %v, bleve's %v", term, l.docs[k].doc, got, want[k])
			}
		}
		held++
		if listed := segmentPostings(t, is, term); listed > uint64(len(l.docs)) {
			withDeleted++
		}
		// One location fewer than the term has: not held.
		if h, err := readHeldLocs(ctx, is, term, l, len(h.pairs)/2-1); err != nil || h != nil {
			t.Fatalf("%q: held with room for one location fewer than it has (%v)", term, err)
		}
	}
	if withDeleted == 0 || held < 10 || tooMany == 0 {
		t.Fatalf("%d terms' locations held (%d listing a deleted document), %d with too many: the test checked too little", held, withDeleted, tooMany)
	}
}

// listsDeleted reports whether a segment of is still lists a deleted
// document.
func listsDeleted(is *scorch.IndexSnapshot) bool {
	for _, ss := range is.Segments() {
		if d := ss.Deleted(); d != nil && !d.IsEmpty() {
			return true
		}
	}
	return false
}

// segmentPostings counts the postings of term in the segments of is,
// deleted documents included.
func segmentPostings(t *testing.T, is *scorch.IndexSnapshot, term string) uint64 {
	t.Helper()
	var n uint64
	for _, ss := range is.Segments() {
		dict, err := ss.Segment().Dictionary(fieldText)
		if err != nil {
			t.Fatal(err)
		}
		pl, err := dict.PostingsList([]byte(term), nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		n += pl.Count()
	}
	return n
}
