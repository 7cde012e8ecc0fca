package index

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Batches end after BatchSize documents or once they hold BatchBytes of
// text, whichever comes first, and hold one document at least (a
// document larger than BatchBytes makes a batch of its own).
func TestBatchesEndAtCountOrBytes(t *testing.T) {
	doc := func(n int) Document { return Document{ID: fmt.Sprint(n), Title: "t", Body: strings.Repeat("x", n-1)} }
	tests := []struct {
		name        string
		size, bytes int
		docs        []int // each document's bytes of text
		want        []int // batch ends
	}{
		{"count only", 2, 1 << 20, []int{10, 10, 10, 10, 10}, []int{2, 4, 5}},
		{"bytes only", 100, 25, []int{10, 10, 10, 10, 10}, []int{3, 5}},
		{"one byte over ends the batch after it", 100, 20, []int{10, 11, 5, 5}, []int{2, 4}},
		{"a document over the cap alone", 100, 20, []int{50, 50, 5}, []int{1, 2, 3}},
		{"count before bytes", 2, 25, []int{5, 5, 5, 30}, []int{2, 4}},
		{"empty", 4, 10, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ix := &Index{cfg: Config{BatchSize: tc.size, BatchBytes: tc.bytes}}
			var docs []Document
			for _, n := range tc.docs {
				docs = append(docs, doc(n))
			}
			var ends []int
			for start := 0; start < len(docs); start = ends[len(ends)-1] {
				ends = append(ends, ix.batchEnd(docs, start))
			}
			if !slices.Equal(ends, tc.want) {
				t.Errorf("batch ends %v, want %v", ends, tc.want)
			}
		})
	}
}

// A field's Size, counted while it is analysed, is what bleve's walk over
// its frequency table finds (give or take a pointer an entry): bleve
// calls it once a document for its statistics.
func TestTextFieldSizeCountsItsTerms(t *testing.T) {
	ix := openTest(t)
	for _, body := range []string{"", "one", strings.Repeat("glacier moraine valley ice sheet ", 300)} {
		for _, f := range []*textField{
			newTextField(fieldText, "A title", body, ix.textChain, 256<<10),
			newTextField(fieldText, "A title", body, ix.textChain, 64), // few locations kept
		} {
			f.Analyze()
			base := f.Size() - f.freqBytes
			walked := f.freqs.Size()
			if got := f.freqBytes; float64(got) < 0.9*float64(walked) || float64(got) > 1.5*float64(walked) {
				t.Errorf("%s field of %d bytes: counted %d bytes of terms, bleve walks %d", f.name, len(body), got, walked)
			}
			if base < len(body) {
				t.Errorf("%s field: Size %d leaves out the text (%d bytes)", f.name, f.Size(), len(body))
			}
		}
	}
}

// Close waits for batches written but not yet on disk: a batch that
// nothing waited for (writeBatch alone, as Index calls it before its own
// wait) is there after Close and Open.
func TestCloseWaitsForWrittenBatches(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	var docs []Document
	for i := range 300 {
		docs = append(docs, Document{ID: fmt.Sprintf("d%d", i), Body: strings.Repeat("moraine drumlin esker ", 50+i%7)})
	}
	for start := 0; start < len(docs); start += 100 {
		if _, p, err := ix.writeBatch(ix.analyse(docs[start : start+100])); err != nil || p == nil {
			t.Fatalf("write batch at %d: %v (persistence %v)", start, err, p)
		}
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, err = Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if n, err := ix.Count(); err != nil || n != uint64(len(docs)) {
		t.Fatalf("after Close and Open: %d documents (%v), want %d", n, err, len(docs))
	}
}

// Progress reaches the total when the last batches write nothing (every
// document refused): they are reported once the batch before them is on
// disk.
func TestProgressAfterBatchesWithNothingWritten(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BatchSize = 2
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	docs := []Document{{ID: "a", Body: "esker"}, {ID: "b", Body: "drumlin"}, {Body: "no ID"}, {Body: "no ID either"}, {Body: "nor this"}}
	var done []int
	err = ix.IndexWithProgress(context.Background(), docs, func(n, total int) { done = append(done, n) })
	if !errors.Is(err, ErrBadDocument) {
		t.Errorf("error %v, want the documents without an ID reported", err)
	}
	if want := []int{2, 4, 5}; !slices.Equal(done, want) {
		t.Errorf("progress %v, want %v", done, want)
	}
}
