package index

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
)

// occurrence is one location of a term, for comparing analyses.
type occurrence struct {
	term            string
	start, end, pos int
}

// wholeTextAnalysis is what bleve's own TextField made of title + "\n" +
// body before textField existed: one pass of the analyser over the whole
// text, with the body's positions moved up by titleGap. It returns the
// token count (a compound's joined token aside, see isJoinedCompound),
// each term's frequency and every location.
func wholeTextAnalysis(a analysis.Analyzer, title, body string, titleGap int) (int, map[string]int, []occurrence) {
	tokens := a.Analyze([]byte(title + "\n" + body))
	freqs := map[string]int{}
	var occ []occurrence
	n := 0
	for _, t := range tokens {
		if !isJoinedCompound(t) {
			n++
		}
		pos := t.Position
		if t.Start > len(title) {
			pos += titleGap
		}
		freqs[string(t.Term)]++
		occ = append(occ, occurrence{string(t.Term), t.Start, t.End, pos})
	}
	return n, freqs, occ
}

// fieldAnalysis is the same from a textField's frequencies.
func fieldAnalysis(f *textField) (int, map[string]int, []occurrence) {
	f.Analyze()
	freqs := map[string]int{}
	var occ []occurrence
	for term, tf := range f.AnalyzedTokenFrequencies() {
		freqs[term] = tf.Frequency()
		if string(tf.Term) != term {
			panic(fmt.Sprintf("term %q filed under %q", tf.Term, term))
		}
		for _, l := range tf.Locations {
			occ = append(occ, occurrence{term, l.Start, l.End, l.Position})
		}
	}
	return f.AnalyzedLength(), freqs, occ
}

func sortOccurrences(occ []occurrence) {
	slices.SortFunc(occ, func(a, b occurrence) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return strings.Compare(a.term, b.term) // a compound's joined token starts with its first part
	})
}

// Analysed piece by piece, the scored and phrase fields have exactly the
// tokens, frequencies, offsets and positions of one pass over the whole
// text, whatever the size of the pieces (longer than a word), when every
// location is kept.
func TestTextFieldMatchesWholeTextAnalysis(t *testing.T) {
	ix := openTest(t)
	long := strings.Repeat("The runner's shoes were running fast; runners ran. ", 300)
	texts := []struct{ name, title, body string }{
		{"short", "Crash report", "The worker ran out of memory and was killed."},
		{"no title", "", "Memory is cheap; memory is fast."},
		{"empty body", "Only a title", ""},
		{"line breaks and tabs", "Notes\r\nmore", "first line\r\nsecond\tline\n\n\nthird   line \v\f end"},
		{"accents, CJK and digits", "Café", "naïve café über 東京都 2024年 versión 3.14 e-mail foo_bar"},
		{"possessives and stop words", "The Cat's Toys", "It is the cat's and the dogs' toy, isn't it?"},
		{"long text over many pieces", "Running", long},
	}
	for _, chunk := range []int{16, 64, 1000, analysisChunkBytes} {
		for _, tc := range texts {
			t.Run(fmt.Sprintf("%s/pieces of %d bytes", tc.name, chunk), func(t *testing.T) {
				for _, f := range []struct {
					field    *textField
					analyser analysis.Analyzer
					gap      int
				}{
					{newTextField(fieldText, tc.title, tc.body, ix.textChain, 1<<30), ix.analyzer, 0},
				} {
					f.field.chunkBytes = chunk
					wantN, wantFreqs, wantOcc := wholeTextAnalysis(f.analyser, tc.title, tc.body, f.gap)
					gotN, gotFreqs, gotOcc := fieldAnalysis(f.field)
					sortOccurrences(wantOcc)
					sortOccurrences(gotOcc)
					if gotN != wantN {
						t.Errorf("%s: %d tokens, want %d", f.field.name, gotN, wantN)
					}
					if !mapsEqual(gotFreqs, wantFreqs) {
						t.Errorf("%s: frequencies %v, want %v", f.field.name, gotFreqs, wantFreqs)
					}
					if !slices.Equal(gotOcc, wantOcc) {
						t.Errorf("%s: locations differ:\n got %v\nwant %v", f.field.name, head(gotOcc), head(wantOcc))
					}
				}
			})
		}
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func head(occ []occurrence) []occurrence { return occ[:min(len(occ), 12)] }

// Past positionBytes the scored field keeps counting every word but
// records no location, and the phrase field stops altogether; the
// locations that are kept are those of the whole-text analysis.
func TestTextFieldKeepsLocationsWithinTheBound(t *testing.T) {
	ix := openTest(t)
	title := "Bound"
	body := strings.Repeat("alpha beta gamma delta. ", 400) + "omega zeta"
	for _, bound := range []int{0, 1, 100, 5000, len(title) + 1 + len(body)} {
		t.Run(fmt.Sprint(bound), func(t *testing.T) {
			text := newTextField(fieldText, title, body, ix.textChain, bound)
			text.chunkBytes = 97
			wantN, wantFreqs, wantOcc := wholeTextAnalysis(ix.analyzer, title, body, 0)
			gotN, gotFreqs, gotOcc := fieldAnalysis(text)
			if gotN != wantN || !mapsEqual(gotFreqs, wantFreqs) {
				t.Errorf("scored field: %d tokens %v, want all %d %v", gotN, gotFreqs, wantN, wantFreqs)
			}
			var within []occurrence
			for _, o := range wantOcc {
				if o.start < bound {
					within = append(within, o)
				}
			}
			sortOccurrences(gotOcc)
			sortOccurrences(within)
			if !slices.Equal(gotOcc, within) {
				t.Errorf("scored field: %d locations, want the %d that start before byte %d", len(gotOcc), len(within), bound)
			}

		})
	}
}

// A piece ends just after white space, so no word is split; a piece
// without white space ends at a character boundary, and no piece is empty.
func TestCutPoint(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want int
	}{
		{"short", 10, 5},
		{"one two three", 10, 8},
		{"one two\nthree", 9, 8},
		{"one\r\ntwo three", 5, 5},
		{"abcdefghij", 4, 4},
		{"ééééé", 5, 4},             // é is two bytes: cut before the third
		{"東京都", 4, 3},               // three-byte characters
		{"\x80\x80\x80\x80a", 2, 4}, // not UTF-8: up to the next character
		{"東京都", 2, 3},               // one character is longer than n: the piece holds it whole
		{" abc", 3, 1},
	}
	for _, tc := range tests {
		if got := cutPoint(tc.s, tc.n); got != tc.want {
			t.Errorf("cutPoint(%q, %d) = %d, want %d", tc.s, tc.n, got, tc.want)
		}
	}
}

// A document longer than the position bound and than packBodyBytes is
// found by its words everywhere, by quoted phrases where positions are
// kept (and, as documented, not past them), keeps its exact token count
// for BM25, and reads back whole: Get, a hit's lead snippet and snippets
// all come from the packed body.
func TestHugeDocumentIsSearchableAndReadsBackWhole(t *testing.T) {
	cfg := DefaultConfig()
	cfg.TermPositionBytes = 64 << 10
	ix, err := Open(filepath.Join(t.TempDir(), "ix"), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })

	filler := "the committee discussed budgets, harbours and the weather at length. "
	var sb strings.Builder
	sb.WriteString("Opening words: the lighthouse keeper wrote daily. ")
	for sb.Len() < packBodyBytes+(256<<10) {
		sb.WriteString(filler)
	}
	sb.WriteString("Closing words: a xylophonist named quetzal arrived by ferry.")
	huge := Document{ID: "huge", URL: "https://books.example.org/huge", Title: "A very long record", Body: sb.String(), Source: SourceWeb}
	small := Document{ID: "small", URL: "https://notes.example.org/small", Title: "Ferry times", Body: "The ferry leaves at noon; the lighthouse keeper waves.", Source: SourceWeb}
	mustIndex(t, ix, huge, small)

	got, ok, err := ix.Get(context.Background(), "huge")
	if err != nil || !ok {
		t.Fatalf("Get: %v %v", ok, err)
	}
	if got.Body != huge.Body || got.Title != huge.Title {
		t.Fatalf("Get gave a body of %d bytes, want the %d indexed", len(got.Body), len(huge.Body))
	}
	tv, err := ix.TermVector(context.Background(), "huge")
	if err != nil {
		t.Fatal(err)
	}
	if want := ix.TermFreqs((huge.Title + "\n" + huge.Body)[:MaxVectorBytes]); !mapsEqual(tv, want) {
		t.Errorf("term vector of the packed body: %d terms, want the %d of its first %d bytes", len(tv), len(want), MaxVectorBytes)
	}
	lens, err := ix.storedLens([]string{"huge"})
	if err != nil {
		t.Fatal(err)
	}
	n := lens["huge"]
	if want := len(ix.analyzer.Analyze([]byte(huge.Title + "\n" + huge.Body))); n != int64(want) {
		t.Errorf("stored length %d tokens, want %d (every token counts for BM25)", n, want)
	}

	tests := []struct {
		query string
		want  []string
	}{
		{"xylophonist", []string{"huge"}},                  // a word only past the bound
		{"quetzal ferry", []string{"huge", "small"}},       // ranking words past the bound
		{`"lighthouse keeper"`, []string{"huge", "small"}}, // a phrase within the bound
		{`"named quetzal"`, nil},                           // a phrase only past the bound: no positions there
	}
	for _, tc := range tests {
		res := find(t, ix, tc.query)
		gotIDs := ids(res)
		slices.Sort(gotIDs)
		if !slices.Equal(gotIDs, tc.want) {
			t.Errorf("%s: hits %v, want %v", tc.query, gotIDs, tc.want)
		}
		for _, h := range res.Hits {
			if h.ID == "huge" && h.Snippet.Text == "" {
				t.Errorf("%s: the huge document's hit has no snippet", tc.query)
			}
		}
	}
	res := find(t, ix, `"lighthouse keeper"`)
	for _, h := range res.Hits {
		if h.ID == "huge" && !strings.Contains(h.Snippet.Text, "lighthouse keeper") {
			t.Errorf("phrase snippet %q does not show the phrase", h.Snippet.Text)
		}
	}
	res = find(t, ix, "site:books.example.org")
	if len(res.Hits) != 1 || !strings.HasPrefix(res.Hits[0].Snippet.Text, "Opening words: the lighthouse keeper") {
		t.Errorf("filter search: %+v, want the huge document with the start of its body as snippet", res.Hits)
	}
}

// Analysed in a reused scratch space (analyzeWith, as each of
// Index.analyse's goroutines analyses its documents one after another,
// with its buffers and English stem cache), a scored field has exactly
// the terms, counts, lengths and locations it gets analysed afresh, for
// every language's chain, whatever the piece size and the position bound.
func TestScratchAnalysisAsFresh(t *testing.T) {
	ix := openTest(t)
	long := strings.Repeat("The runner's x-forwarded-for shoes were RUNNING fast; runners ran. ", 200)
	texts := []struct{ name, title, body string }{
		{"short", "Crash report", "The worker ran out of memory and was killed."},
		{"empty", "", ""},
		{"hyphenated compounds and dates", "X-Forwarded-For", "e-mail the state-of-the-art 2024-01-05 10-20 well-known a-b-c-d-e-f-g"},
		{"possessives and upper case", "The CAT'S Toys", "It is the cat’s and the dogs' toy, isn't it? ΟΔΟΣ's end"},
		{"accents, CJK and digits", "Café", "naïve café über 東京都 2024年 versión 3.14 foo_bar Ⱥpple"},
		{"German words", "Die Suchmaschine", "Der Hund und die Katze sind im Haus, aber nicht im Garten."},
		{"long text over many pieces", "Running", long},
	}
	scratch := &analyser{} // reused throughout
	chains := map[string]chain{English: ix.textChain}
	for code, c := range ix.langs.chains {
		chains[code] = c
	}
	for code, c := range chains {
		for _, chunk := range []int{16, 97, analysisChunkBytes} {
			for _, bound := range []int{0, 50, 1 << 30} {
				for _, tc := range texts {
					fresh := newTextField(fieldText, tc.title, tc.body, c, bound)
					reused := newTextField(fieldText, tc.title, tc.body, c, bound)
					fresh.chunkBytes, reused.chunkBytes = chunk, chunk
					fresh.Analyze()
					reused.analyzeWith(scratch)
					if reused.AnalyzedLength() != fresh.AnalyzedLength() || !reflect.DeepEqual(reused.AnalyzedTokenFrequencies(), fresh.AnalyzedTokenFrequencies()) {
						_, gotFreqs, _ := fieldAnalysis(reused)
						_, wantFreqs, _ := fieldAnalysis(fresh)
						t.Errorf("%s, %s, pieces of %d, bound %d: reused scratch %d tokens %v, fresh %d %v (or other locations)",
							code, tc.name, chunk, bound, reused.AnalyzedLength(), gotFreqs, fresh.AnalyzedLength(), wantFreqs)
					}
				}
			}
		}
	}
}
