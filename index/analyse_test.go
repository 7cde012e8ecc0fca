package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestAnalyseOnEveryCoreAsOneByOne: a batch analysed on several
// goroutines gives, document by document and in order, what analysing
// each document alone gives: the repaired document, both fields' terms,
// counts and locations, the packed body, and the same refusals.
func TestAnalyseOnEveryCoreAsOneByOne(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	ix := openTest(t)
	var docs []Document
	for i := range 40 {
		docs = append(docs, Document{ID: fmt.Sprintf("doc%02d", i), Title: fmt.Sprintf("Glacier notes %d", i),
			Body: strings.Repeat(fmt.Sprintf("ice flow %d moraine and the valley ", i), 1+i*3)})
	}
	docs = append(docs,
		Document{ID: " ", Body: "no ID: refused"},
		Document{ID: "latin1", Title: "caf\xe9", Body: "na\xefve text"}, // repaired, not refused
		Document{ID: "long", Title: "Long", Body: strings.Repeat("a long body that is packed before it is stored ", packBodyBytes/40)},
		Document{ID: "huge", Body: strings.Repeat("x", ix.cfg.MaxDocBytes+1)},
	)
	got := ix.analyse(docs)
	if len(got) != len(docs) {
		t.Fatalf("%d analysed, want %d", len(got), len(docs))
	}
	refused := 0
	for i, d := range docs {
		want := ix.analyse([]Document{d})[0] // one document: one goroutine
		g := got[i]
		if fmt.Sprint(g.rejected) != fmt.Sprint(want.rejected) || fmt.Sprint(g.err) != fmt.Sprint(want.err) {
			t.Errorf("%q: refused %v (error %v), alone %v (%v)", d.ID, g.rejected, g.err, want.rejected, want.err)
			continue
		}
		if g.rejected != nil {
			refused++
			continue
		}
		if !reflect.DeepEqual(g.doc, want.doc) || string(g.packed) != string(want.packed) {
			t.Errorf("%q: prepared %+v (packed %d bytes), alone %+v (%d bytes)", d.ID, g.doc, len(g.packed), want.doc, len(want.packed))
		}
		if g.text.AnalyzedLength() != want.text.AnalyzedLength() || !reflect.DeepEqual(g.text.AnalyzedTokenFrequencies(), want.text.AnalyzedTokenFrequencies()) {
			t.Errorf("%q: scored field: %d tokens, alone %d, or other terms or locations", d.ID, g.text.AnalyzedLength(), want.text.AnalyzedLength())
		}
	}
	if refused != 2 || got[len(docs)-2].packed == nil {
		t.Errorf("%d refused (want the one without an ID and the one over the cap), long body packed: %v", refused, got[len(docs)-2].packed != nil)
	}
}

// TestBatchesAnalysedAheadAsOneByOne: a call of many batches (each next
// batch analysed while the one before is written) leaves the index as
// indexing the documents one call at a time does: the same documents,
// the same statistics (a document replaced by a later batch counts once,
// at its new length), the same refusals, and progress after every batch.
func TestBatchesAnalysedAheadAsOneByOne(t *testing.T) {
	var docs []Document
	for i := range 10 {
		docs = append(docs, Document{ID: fmt.Sprintf("doc%d", i), Body: strings.Repeat("glacier ice ", i+1)})
	}
	docs = append(docs, Document{ID: "", Body: "refused"})
	for i := range 3 { // replaces documents of the first batches
		docs = append(docs, Document{ID: fmt.Sprintf("doc%d", i), Body: strings.Repeat("moraine valley floor ", 20+i)})
	}
	cfg := DefaultConfig()
	cfg.BatchSize = 3
	open := func() *Index {
		ix, err := Open(filepath.Join(t.TempDir(), "ix"), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ix.Close() })
		return ix
	}
	ctx := context.Background()
	batched, oneByOne := open(), open()
	var done []int
	err := batched.IndexWithProgress(ctx, docs, func(n, total int) { done = append(done, n) })
	if err == nil || !errors.Is(err, ErrBadDocument) {
		t.Errorf("error %v, want the document without an ID reported", err)
	}
	if want := []int{3, 6, 9, 12, 14}; !slices.Equal(done, want) {
		t.Errorf("progress %v, want %v", done, want)
	}
	for _, d := range docs {
		_ = oneByOne.Index(ctx, []Document{d})
	}
	got, err := batched.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want, err := oneByOne.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if got != want || got.Docs != 10 {
		t.Errorf("statistics %+v, one call at a time %+v (10 documents)", got, want)
	}
	for _, id := range []string{"doc0", "doc2", "doc9"} {
		g, _, err := batched.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		w, _, _ := oneByOne.Get(ctx, id)
		if g.Body != w.Body {
			t.Errorf("%s holds %q, one call at a time %q", id, g.Body, w.Body)
		}
	}
}
