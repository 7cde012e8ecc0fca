package index

import (
	"context"
	"fmt"
	"slices"
	"testing"

	bindex "github.com/blevesearch/bleve_index_api"
)

// TestIDCacheFollowsTheSnapshot checks that the IDs idCache gives for a
// snapshot's document numbers are those the snapshot itself gives, read
// from the cache (a second time) as from the segments (the first), and
// still after writes and a merge have renumbered the documents: a new
// snapshot is never answered with the numbers of an old one. A full cache
// (room for 7 of 30-36 documents) stays within its limit and still
// answers right, from what it holds and from the segments.
func TestIDCacheFollowsTheSnapshot(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int
	}{
		{"room for every document", 0},
		{"full after 7 documents", 7},
	} {
		t.Run(tc.name, func(t *testing.T) { testIDCache(t, tc.limit) })
	}
}

func testIDCache(t *testing.T, limit int) {
	ctx := context.Background()
	ix := openTest(t)
	c := idCache{limit: limit}
	check := func(step string) {
		t.Helper()
		r := snapshotReader(t, ix)
		// Every live document's number, as a term's postings list them.
		var docs []scored
		eachPosting(t, r, "glacier", false, func(d *bindex.TermFieldDoc) {
			docs = append(docs, scored{doc: d.ID.Value()})
		})
		if len(docs) == 0 {
			t.Fatalf("%s: no documents", step)
		}
		for pass := range 2 { // the first fills the cache, the second reads it
			got := make([]string, len(docs))
			if err := c.resolve(r, docs, got); err != nil {
				t.Fatal(err)
			}
			buf := make(bindex.IndexInternalID, 8)
			for i, d := range docs {
				buf.SetValue(d.doc)
				want, err := r.ExternalID(buf)
				if err != nil {
					t.Fatal(err)
				}
				if got[i] != want {
					t.Fatalf("%s, pass %d: document number %d resolved to %q, the snapshot says %q", step, pass, d.doc, got[i], want)
				}
			}
			if limit > 0 && len(c.byNum) > limit {
				t.Fatalf("%s: the cache holds %d IDs, its limit is %d", step, len(c.byNum), limit)
			}
		}
	}
	for i := range 30 {
		mustIndex(t, ix, Document{ID: fmt.Sprintf("a%02d", i), Body: "glacier moraine"})
	}
	check("first snapshot")
	if err := ix.Delete(ctx, "a00", "a03", "a07", "a15"); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		mustIndex(t, ix, Document{ID: fmt.Sprintf("b%02d", i), Body: "glacier ice"})
	}
	check("after deletes and additions")
	if err := ix.Compact(ctx); err != nil {
		t.Fatal(err)
	}
	check("after a merge into one segment")
}

// TestIDCacheKeepsSmallFieldsForItsSnapshot checks resolveMetas and keepMeta: the
// small stored fields kept for a document are given back for the snapshot
// they were read in, only for documents whose fields were kept, and never
// for a later snapshot (a write may have changed the document); and
// nothing is kept for a document whose ID the cache does not keep.
func TestIDCacheKeepsSmallFieldsForItsSnapshot(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix, Document{ID: "a", Body: "glacier"}, Document{ID: "b", Body: "glacier ice"})
	c := idCache{limit: 1}
	r := snapshotReader(t, ix)
	docs := []scored{{doc: 0}, {doc: 1}}
	ids := make([]string, 2)
	if err := c.resolve(r, docs, ids); err != nil {
		t.Fatal(err)
	}
	c.keepMeta(r, 0, hitMeta{title: "first"})
	c.keepMeta(r, 1, hitMeta{title: "second"}) // its ID is not kept (limit 1)
	out := make([]*hitMeta, 2)
	if err := c.resolveMetas(r, docs, ids, out); err != nil {
		t.Fatal(err)
	}
	if out[0] == nil || out[0].title != "first" || out[1] != nil {
		t.Fatalf("fields %v, %v: want the first document's alone", out[0], out[1])
	}
	if !slices.Equal(slices.Sorted(slices.Values(ids)), []string{"a", "b"}) {
		t.Fatalf("IDs resolved with the fields: %q", ids)
	}
	mustIndex(t, ix, Document{ID: "a", Body: "glacier again"})
	r2 := snapshotReader(t, ix)
	out = make([]*hitMeta, 2)
	if err := c.resolveMetas(r2, docs, ids, out); err != nil {
		t.Fatal(err)
	}
	if out[0] != nil || out[1] != nil {
		t.Fatalf("fields kept for an older snapshot given for a newer one: %v, %v", out[0], out[1])
	}
}

// eachPosting calls fn with each posting of term in the scored field of r,
// with its term vectors when vectors is true, in bleve's order.
func eachPosting(t *testing.T, r bindex.IndexReader, term string, vectors bool, fn func(*bindex.TermFieldDoc)) {
	t.Helper()
	tfr, err := r.TermFieldReader(context.Background(), []byte(term), fieldText, false, false, vectors)
	if err != nil {
		t.Fatal(err)
	}
	defer tfr.Close()
	for {
		d, err := tfr.Next(nil)
		if err != nil {
			t.Fatal(err)
		}
		if d == nil {
			return
		}
		fn(d)
	}
}
