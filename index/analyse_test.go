package index

import (
	"fmt"
	"reflect"
	"runtime"
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
		for _, f := range []struct {
			name      string
			got, want *textField
		}{{"scored", g.text, want.text}, {"phrase", g.words, want.words}} {
			if f.got.AnalyzedLength() != f.want.AnalyzedLength() || !reflect.DeepEqual(f.got.AnalyzedTokenFrequencies(), f.want.AnalyzedTokenFrequencies()) {
				t.Errorf("%q: %s field: %d tokens, alone %d, or other terms or locations", d.ID, f.name, f.got.AnalyzedLength(), f.want.AnalyzedLength())
			}
		}
	}
	if refused != 2 || got[len(docs)-2].packed == nil {
		t.Errorf("%d refused (want the one without an ID and the one over the cap), long body packed: %v", refused, got[len(docs)-2].packed != nil)
	}
}
