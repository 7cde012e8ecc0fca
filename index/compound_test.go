package index

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// The analyser gives a hyphenated compound's parts and, once, its parts
// joined; numbers, runs too long, doubled hyphens and other punctuation
// give no joined token.
func TestAnalyzeJoinsHyphenatedCompounds(t *testing.T) {
	ix := openTest(t)
	tests := []struct {
		text       string
		want, not  []string
		wantLength int // tokens counted for BM25 length (joined ones are not)
	}{
		{"X-Forwarded-For header", []string{"x", "forward", "xforwardedfor", "header"}, nil, 3},
		{"a well-known fact", []string{"well", "known", "wellknown", "fact"}, nil, 3},
		{"on 2024-01-05 at 10-20", nil, []string{"20240105", "1020"}, 5},
		{"ipv4-mapped", []string{"ipv4", "map", "ipv4map"}, nil, 2},
		{"a--b and a - b and a_b", nil, []string{"ab"}, 3}, // b, b, a_b ("a" and "and" are stop words)
		{"one-two-three-four-five-six-seven", nil, []string{"onetwothreefourfivesixseven", "onetwothreefourfivesix"}, 7},
		{"five-part-word-for-test", []string{"fivepartwordfortest"}, nil, 4},
	}
	for _, tc := range tests {
		t.Run(tc.text, func(t *testing.T) {
			got := ix.Analyze(tc.text)
			for _, w := range tc.want {
				if n := count(got, w); n != 1 {
					t.Errorf("Analyze(%q) = %q: %q %d times, want once", tc.text, got, w, n)
				}
			}
			for _, w := range tc.not {
				if slices.Contains(got, w) {
					t.Errorf("Analyze(%q) = %q: has %q", tc.text, got, w)
				}
			}
			f := newTextField(fieldText, "", tc.text, ix.textChain, 1<<20)
			f.Analyze()
			// The title is empty: the text starts after the "\n" between them.
			if f.AnalyzedLength() != tc.wantLength {
				t.Errorf("length of %q = %d, want %d", tc.text, f.AnalyzedLength(), tc.wantLength)
			}
		})
	}
}

func count(s []string, w string) int {
	n := 0
	for _, x := range s {
		if x == w {
			n++
		}
	}
	return n
}

// The one document holding the compound ranks first for it, ahead of
// documents that repeat its parts, and a document's length (so the score
// of its other words) is the same with the compound written as one word or
// as separate words.
func TestHyphenatedCompoundRanksFirst(t *testing.T) {
	ix := openTest(t)
	var docs []Document
	for i := range 40 {
		docs = append(docs, Document{ID: fmt.Sprintf("d%02d", i), Title: fmt.Sprintf("Proxy notes %d", i),
			Body: strings.Repeat("The request was forwarded, then forwarded again to x; the x axis of the header plot. ", 1+i%3)})
	}
	docs = append(docs,
		Document{ID: "compound", Title: "Reverse proxies", Body: "Trust the X-Forwarded-For header only from your own proxies. " +
			strings.Repeat("Other words about load balancers and caches. ", 20)},
		Document{ID: "hyphen", Title: "t", Body: "x-forwarded-for marker"},
		Document{ID: "spaces", Title: "t", Body: "x forwarded for marker"},
	)
	mustIndex(t, ix, docs...)

	for _, q := range []string{"x-forwarded-for", "X-Forwarded-For header"} {
		res := find(t, ix, q)
		if len(res.Hits) == 0 || res.Hits[0].ID != "compound" && res.Hits[0].ID != "hyphen" {
			t.Errorf("%q: hits %v, want the documents with the compound first", q, ids(res))
		}
		if top2 := ids(res)[:2]; !slices.Contains(top2, "compound") || !slices.Contains(top2, "hyphen") {
			t.Errorf("%q: top two %v, want compound and hyphen", q, top2)
		}
	}

	res := find(t, ix, "marker")
	var scores = map[string]float64{}
	for _, h := range res.Hits {
		scores[h.ID] = h.Score
	}
	if scores["hyphen"] == 0 || scores["hyphen"] != scores["spaces"] {
		t.Errorf("marker: score %v with the compound, %v with separate words: want equal (same length)", scores["hyphen"], scores["spaces"])
	}
	// A quoted compound still matches word for word.
	if got := ids(find(t, ix, `"x-forwarded-for"`)); !slices.Contains(got, "compound") || !slices.Contains(got, "hyphen") || !slices.Contains(got, "spaces") {
		t.Errorf(`"x-forwarded-for": hits %v, want compound, hyphen and spaces`, got)
	}
}

// A snippet highlights a compound once, whole, and the query's other
// words after it.
func TestCompoundSnippetHighlightsTheCompound(t *testing.T) {
	ix := openTest(t)
	mustIndex(t, ix, Document{ID: "c", Title: "Proxies", Body: "Trust the X-Forwarded-For header only from your proxies."})
	res := find(t, ix, "x-forwarded-for header")
	if len(res.Hits) != 1 {
		t.Fatalf("hits %v, want c", ids(res))
	}
	sn := res.Hits[0].Snippet
	var got []string
	for _, h := range sn.Highlights {
		got = append(got, sn.Text[h.Start:h.End])
	}
	if want := []string{"X-Forwarded-For", "header"}; !slices.Equal(got, want) {
		t.Errorf("snippet %q highlights %q, want %q", sn.Text, got, want)
	}
}
