package index

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	bindex "github.com/blevesearch/bleve_index_api"
)

// byIDOnly hides the scorch snapshot behind it, so visitStored takes the
// path of any other reader: the bleve Document by ID.
type byIDOnly struct{ bindex.IndexReader }

// Reading a document's stored fields by its number, straight from its
// segment, gives what the bleve Document by ID gives, for every document
// of an index of several segments with deleted and replaced documents,
// packed bodies among them; a number past the last is not found.
func TestStoredFieldsByNumberMatchTheDocument(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	mod := time.Date(2026, 3, 4, 5, 6, 7, 8, time.UTC)
	want := map[string]Document{}
	for batch := range 4 { // a segment each
		var docs []Document
		for i := range 5 {
			id := fmt.Sprintf("d%d-%d", batch, i)
			body := fmt.Sprintf("body %d of batch %d about wind tunnels", i, batch)
			if i == 2 && batch == 0 {
				body = strings.Repeat("a long packed body of boundary layers ", packBodyBytes/30)
			}
			d := Document{ID: id, URL: "https://example.org/" + id, Title: "Title " + id, Body: body, Source: "src", Modified: mod.Add(time.Duration(batch) * time.Hour)}
			docs = append(docs, d)
			want[id] = d
		}
		mustIndex(t, ix, docs...)
	}
	if err := ix.Delete(ctx, "d1-1"); err != nil {
		t.Fatal(err)
	}
	delete(want, "d1-1")
	re := Document{ID: "d0-3", URL: "https://example.org/d0-3", Title: "Replaced", Body: "a new body", Source: "src2"}
	mustIndex(t, ix, re)
	want["d0-3"] = re

	adv, err := ix.bi.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var last uint64
	for id, d := range want {
		iid, err := r.InternalID(id)
		if err != nil || len(iid) == 0 {
			t.Fatalf("%s not in the index: %v", id, err)
		}
		last = max(last, iid.Value())
		m, body, err := loadDoc(r, iid.Value(), id)
		if err != nil {
			t.Fatal(err)
		}
		bm, bbody, err := loadDoc(byIDOnly{r}, iid.Value(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m != bm || body != bbody {
			t.Errorf("%s: by number %+v %.40q, by ID %+v %.40q", id, m, body, bm, bbody)
		}
		wm := hitMeta{url: d.URL, title: d.Title, source: d.Source, modified: d.Modified}
		if m != wm || body != d.Body {
			t.Errorf("%s: read %+v %.40q, indexed %+v %.40q", id, m, body, wm, d.Body)
		}
	}
	n := uint64(0) // the number after the last of every segment
	for _, ss := range r.(*scorch.IndexSnapshot).Segments() {
		n += ss.Segment().Count()
	}
	if found, err := visitStored(r, n, "", func(string, []byte) { t.Error("a field of a document past the last") }); found || err != nil {
		t.Errorf("document %d (past the last, %d) found %v, error %v", n, last, found, err)
	}
}
