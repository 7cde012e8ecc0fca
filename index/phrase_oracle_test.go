package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordByWord is the phrase field as index formats 2 and 3 wrote it, the
// oracle phrase matching is checked against: the words PhraseAnalyzerName
// gives the whole title and the whole body, those starting before byte
// bound of title + "\n" + body, and where words stand in a row in either
// (title and body apart).
func wordByWord(a analysis.Analyzer, title, body string, words []string, bound int) []span {
	return phraseFieldOf(a, title, body, bound).occurrences(words)
}

// phraseToken is a word of the phrase field with its offsets.
type phraseToken struct {
	term       string
	start, end int
}

// phraseField is a document's words as the phrase field held them: the
// title's and the body's apart.
type phraseField [2][]phraseToken

func phraseFieldOf(a analysis.Analyzer, title, body string, bound int) phraseField {
	var f phraseField
	for h, half := range []struct {
		text   string
		offset int
	}{{title, 0}, {body, len(title) + 1}} {
		for _, t := range a.Analyze([]byte(half.text)) {
			if start := half.offset + t.Start; start < bound {
				f[h] = append(f[h], phraseToken{term: string(t.Term), start: start, end: half.offset + t.End})
			}
		}
	}
	return f
}

// occurrences returns where words stand in a row.
func (f phraseField) occurrences(words []string) []span {
	var out []span
	for _, toks := range f {
		for i := 0; i+len(words) <= len(toks); i++ {
			if slices.EqualFunc(toks[i:i+len(words)], words, func(t phraseToken, w string) bool { return t.term == w }) {
				out = append(out, span{toks[i].start, toks[i+len(words)-1].end})
			}
		}
	}
	return out
}

// phraseVocabulary mixes the cases phrase matching must tell apart: words
// the English analyser stems alike (run, runs, running), stop words
// (dropped from the scored field, so positions have gaps), possessives,
// hyphenated compounds (joined in the scored field), numbers, case, and
// punctuation between words.
var phraseVocabulary = strings.Fields(`run runs running Running RUN runner happen happens happening
	memory Memory's memories out of the The to be or not it it's is a an and e-mail state-of-the-art
	3.14 x.y laminar flow wing wings heat boundary layer layers`)

var phrasePunctuation = []string{" ", " ", " ", " ", ", ", ". ", "; ", "\n", " - ", " (", ") "}

func randomText(rng *rand.Rand, words int) string {
	var sb strings.Builder
	for i := range words {
		if i > 0 {
			sb.WriteString(phrasePunctuation[rng.IntN(len(phrasePunctuation))])
		}
		sb.WriteString(phraseVocabulary[rng.IntN(len(phraseVocabulary))])
	}
	return sb.String()
}

// Quoted phrases, required or excluded, with or without scoring words,
// match exactly the documents the phrase field matched, word for word,
// over random English texts: stem-alike words, stop words, case,
// possessives, compounds, a phrase running from the title into the body,
// words past the position bound, and a body long enough to be stored
// packed. Snippets highlight exactly the phrase field's occurrences.
func TestPhraseQueriesMatchAsWordByWord(t *testing.T) {
	for _, bound := range []int{DefaultConfig().TermPositionBytes, 300} {
		t.Run(fmt.Sprintf("positions kept for %d bytes", bound), func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.TermPositionBytes = bound
			ix := openWith(t, cfg)
			rng := rand.New(rand.NewPCG(7, uint64(bound)))
			var docs []Document
			for i := range 240 {
				body := randomText(rng, 1+rng.IntN(120))
				if i == 0 {
					// Packed when stored (over packBodyBytes), positions
					// kept for the first bound bytes only.
					body = strings.Repeat(body+" filler text ", packBodyBytes/len(body)+2)
				}
				// English, as detection would not always have it (the
				// words are few): other languages are tested apart.
				docs = append(docs, Document{ID: fmt.Sprint("d", i), Lang: English, Title: randomText(rng, 1+rng.IntN(6)), Body: body})
			}
			mustIndex(t, ix, docs...)
			docTerms := make([][]string, len(docs))
			fields := make([]phraseField, len(docs))
			for i, d := range docs {
				docTerms[i] = ix.terms(d.Title + "\n" + d.Body)
				fields[i] = phraseFieldOf(ix.phraseAnalyzer, d.Title, d.Body, bound)
			}
			// scored returns the documents holding one of query's
			// scoring terms (a required phrase's words are among them).
			scored := func(query string) []string {
				q, err := ix.ParseQuery(query)
				if err != nil {
					t.Fatalf("parse %q: %v", query, err)
				}
				var out []string
				for i, d := range docs {
					if slices.ContainsFunc(q.Terms, func(w WeightedTerm) bool { return slices.Contains(docTerms[i], w.Term) }) {
						out = append(out, d.ID)
					}
				}
				return out
			}
			for p := range 100 {
				var phrase string
				if p%2 == 0 { // words of a document, mostly found
					d := docs[rng.IntN(len(docs))]
					toks := ix.phraseAnalyzer.Analyze([]byte(d.Title + "\n" + d.Body[:min(len(d.Body), 2000)]))
					n := 1 + rng.IntN(min(5, len(toks)))
					at := rng.IntN(len(toks) - n + 1)
					var ws []string
					for _, tok := range toks[at : at+n] {
						ws = append(ws, string(tok.Term))
					}
					phrase = strings.Join(ws, " ")
					if p%4 == 0 {
						phrase = strings.ToUpper(phrase)
					}
				} else { // random words, mostly not found
					phrase = randomText(rng, 1+rng.IntN(4))
				}
				words := ix.phraseWords(phrase)
				if len(words) == 0 || strings.ContainsAny(phrase, `"`) {
					continue
				}
				var want []string
				for i, d := range docs {
					if len(fields[i].occurrences(words)) > 0 {
						want = append(want, d.ID)
					}
				}
				quoted := `"` + strings.Join(words, " ") + `"`
				if len(words) == 1 && len(ix.terms(words[0])) == 1 {
					continue // one word the English analyser keeps: matched stemmed, not as a phrase
				}
				checkHits(t, ix, quoted, want)
				checkHits(t, ix, "run +"+quoted, intersect(scored("run +"+quoted), want))
				checkHits(t, ix, "layer -"+quoted, subtract(scored("layer -"+quoted), want))
				checkPhraseSnippets(t, ix, docs, fields, words, want)
			}
		})
	}
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

func subtract(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// checkHits runs query for every hit and compares their IDs with want,
// in any order.
func checkHits(t *testing.T, ix *Index, query string, want []string) {
	t.Helper()
	q, err := ix.ParseQuery(query)
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	res, err := ix.Search(context.Background(), q, SearchOptions{K: MaxK, IDsOnly: true})
	if err != nil {
		t.Fatalf("search %q: %v", query, err)
	}
	got := ids(res)
	slices.Sort(got)
	want = slices.Clone(want)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("%s: %d hits %v, want %d %v", query, len(got), got, len(want), want)
	}
	if res.Total != uint64(len(want)) {
		t.Errorf("%s: total %d, want %d", query, res.Total, len(want))
	}
}

// checkPhraseSnippets compares where snippets would highlight words in
// the bodies of the documents in want with the phrase field's body
// occurrences (the first maxSnippetMatches).
func checkPhraseSnippets(t *testing.T, ix *Index, docs []Document, fields []phraseField, words []string, want []string) {
	t.Helper()
	r, err := ix.reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var nums []uint64
	var titleLens []int
	var bodies []string
	var wantSpans [][]span
	for k, d := range docs {
		if !slices.Contains(want, d.ID) {
			continue
		}
		iid, err := r.InternalID(d.ID)
		if err != nil {
			t.Fatal(err)
		}
		nums = append(nums, iid.Value())
		titleLens = append(titleLens, len(d.Title))
		bodies = append(bodies, d.Body)
		var inBody []span
		for _, s := range fields[k].occurrences(words) {
			if s.start > len(d.Title) {
				inBody = append(inBody, span{s.start - len(d.Title) - 1, s.end - len(d.Title) - 1})
			}
		}
		wantSpans = append(wantSpans, inBody[:min(len(inBody), maxSnippetMatches)])
	}
	order := make([]int, len(nums))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return int(nums[a]) - int(nums[b]) })
	sorted := func(xs []uint64) []uint64 {
		out := make([]uint64, len(order))
		for j, i := range order {
			out[j] = xs[i]
		}
		return out
	}
	lens, texts := make([]int, len(order)), make([]string, len(order))
	for j, i := range order {
		lens[j], texts[j] = titleLens[i], bodies[i]
	}
	ms, err := ix.phraseMatches(context.Background(), r, [][]string{words}, sorted(nums), lens, texts)
	if err != nil {
		t.Fatal(err)
	}
	for j, i := range order {
		var got []span
		for _, m := range ms[j] {
			got = append(got, span{m.start, m.end})
		}
		if !slices.Equal(got, wantSpans[i]) {
			t.Errorf("%q in document %d: highlighted %v, want %v", strings.Join(words, " "), nums[i], got, wantSpans[i])
		}
	}
}

// Documents in other languages are found by a quoted phrase word for word
// too: French with its elided articles in any case (the elision filter
// runs before lower-casing), German, and Chinese, whose analyser makes
// bigrams; a phrase of another language's stop words, and an English
// document next to them.
func TestPhraseQueriesInOtherLanguages(t *testing.T) {
	ix := openTest(t)
	docs := []Document{
		{ID: "fr", Lang: "fr", Title: "Le vol", Body: "L'avion décolle de l'aéroport à midi; L'AVION est en retard."},
		{ID: "fr2", Lang: "fr", Title: "Un autre vol", Body: "Un avion décolle et un autre atterrit."},
		{ID: "de", Lang: "de", Title: "Die Katze", Body: "Der Hund und die Katze sind im Haus, aber nicht im Garten."},
		{ID: "zh", Lang: "zh", Title: "东京", Body: "我住在东京都的中心。"},
		{ID: "en", Lang: "en", Title: "Flight", Body: "The plane left the airport; der Hund was not on board."},
	}
	mustIndex(t, ix, docs...)
	tests := []struct {
		phrase string
		want   []string
	}{
		{`"l'avion décolle"`, []string{"fr"}},
		{`"L'AVION est"`, []string{"fr"}},
		{`"avion décolle"`, []string{"fr2"}},
		{`"der hund"`, []string{"de", "en"}},
		{`"die katze sind"`, []string{"de"}},
		{`"im haus aber nicht"`, []string{"de"}},
		{`"东京都"`, []string{"zh"}},
		{`"京都"`, []string{"zh"}},
		{`"都东"`, nil},
		{`"the airport"`, []string{"en"}},
	}
	for _, tc := range tests {
		words := ix.phraseWords(strings.Trim(tc.phrase, `"`))
		var oracle []string
		for _, d := range docs {
			if len(wordByWord(ix.phraseAnalyzer, d.Title, d.Body, words, 1<<30)) > 0 {
				oracle = append(oracle, d.ID)
			}
		}
		if !slices.Equal(oracle, tc.want) {
			t.Fatalf("%s: the word-by-word oracle finds %v, the test expects %v", tc.phrase, oracle, tc.want)
		}
		checkHits(t, ix, tc.phrase, tc.want)
	}
}

// stopPairsOracle is what fieldStopPairs must hold for title and body
// analysed by the scored chain a: one pass of the phrase analyser and of
// a over each whole half, each two words in a row that a drops (no word
// of a's at their positions), lower-cased, starting before bound.
func stopPairsOracle(a, phrase analysis.Analyzer, title, body string, bound int) []occurrence {
	var out []occurrence
	pos := 0
	for _, half := range []struct {
		text   string
		offset int
	}{{title, 0}, {body, len(title) + 1}} {
		kept := map[int]bool{}
		for _, t := range a.Analyze([]byte(half.text)) {
			if t.Type != analysis.Shingle {
				kept[t.Position] = true
			}
		}
		words := phrase.Analyze([]byte(half.text))
		for i := 0; i+1 < len(words); i++ {
			w, z := words[i], words[i+1]
			if !kept[w.Position] && !kept[z.Position] && half.offset+z.Start < bound {
				out = append(out, occurrence{string(w.Term) + " " + string(z.Term), half.offset + w.Start, half.offset + z.End, pos + w.Position})
			}
		}
		if len(words) > 0 {
			pos += words[len(words)-1].Position
		}
	}
	return out
}

// The stop pairs filed while the scored field is analysed, piece by piece,
// are exactly those of one pass over each whole half: every two words in
// a row the scored analyser drops, lower-cased, at the first one's
// position, spanning both, none from the title into the body, none past
// the position bound; for English and a language analysed word by word.
func TestStopPairsAsWholeTextAnalysis(t *testing.T) {
	ix := openTest(t)
	long := strings.Repeat("It is THE end of it; to be or not to be, that is the question of the day. ", 60)
	texts := []struct{ name, title, body string }{
		{"stop words in a row", "To be or not", "Out of the blue, it's the one that was there."},
		{"title into body", "the end of", "the story is not of the type"},
		{"compounds and possessives", "State-of-the-art", "It's the dogs' and the cat's out-of-the-way place, isn't it?"},
		{"long text over many pieces", "Of the", long},
		{"German", "Der die das", "Der Hund und die Katze sind im Haus, aber nicht in dem Garten."},
		{"no stop words", "Laminar flow", "Boundary layer separation measured."},
	}
	chains := map[string]chain{English: ix.textChain, "de": ix.langs.chains["de"]}
	analysers := map[string]analysis.Analyzer{English: ix.analyzer, "de": ix.langs.analysers["de"]}
	for code, c := range chains {
		for _, chunk := range []int{16, 97, analysisChunkBytes} {
			for _, bound := range []int{40, 1 << 30} {
				for _, tc := range texts {
					f := newTextField(fieldText, tc.title, tc.body, c, bound)
					f.pairs = newPairField(tc.title, tc.body, ix.phraseChain, bound)
					f.chunkBytes = chunk
					f.analyzeWith(&analyser{})
					_, _, got := fieldAnalysis(f.pairs)
					want := stopPairsOracle(analysers[code], ix.phraseAnalyzer, tc.title, tc.body, bound)
					sortOccurrences(got)
					sortOccurrences(want)
					if !slices.Equal(got, want) {
						t.Errorf("%s, %s, pieces of %d, bound %d:\n got %v\nwant %v", code, tc.name, chunk, bound, got, want)
					}
				}
			}
		}
	}
}

// Documents written by formats 2 and 3 (a phrase field word for word, no
// stop pairs) are found by every kind of phrase once the index is
// upgraded, next to documents written since.
func TestPhrasesFindDocumentsOfFormat3(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ix")
	ix, err := Open(dir, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	old := []Document{
		{ID: "old-hamlet", Lang: English, Title: "Soliloquy", Body: "To be, or not to be, that is the question."},
		{ID: "old-oom", Lang: English, Title: "Crash", Body: "The worker ran out of memory."},
		{ID: "old-de", Lang: "de", Title: "Katze", Body: "Der Hund und die Katze sind im Haus."},
	}
	// Written as format 3 wrote them: the phrase field, no stop pairs.
	b := ix.bi.NewBatch()
	for _, d := range old {
		if err := ix.prepare(&d); err != nil {
			t.Fatal(err)
		}
		text := newTextField(fieldText, d.Title, d.Body, ix.textChainFor(d.Lang), ix.cfg.TermPositionBytes)
		text.Analyze()
		doc := buildDocument(d, text, nil)
		words := newTextField(fieldLegacyPhrase, d.Title, d.Body, ix.phraseChain, ix.cfg.TermPositionBytes)
		words.Analyze()
		doc.AddField(words)
		if err := b.IndexAdvanced(doc); err != nil {
			t.Fatal(err)
		}
	}
	b.SetInternal(keySchema, []byte("3"))
	if err := batchDurably(context.Background(), ix.bi, b); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if ix, err = Open(dir, DefaultConfig()); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	mustIndex(t, ix,
		Document{ID: "new-hamlet", Lang: English, Title: "Again", Body: "He said: to be or not to be."},
		Document{ID: "new-de", Lang: "de", Title: "Haus", Body: "Die Katze und der Hund."},
	)
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{`"to be or not to be"`, []string{"new-hamlet", "old-hamlet"}},
		{`"out of memory"`, []string{"old-oom"}},
		{`"die katze"`, []string{"new-de", "old-de"}},
		{`"und der hund"`, []string{"new-de"}},
		{`"der hund"`, []string{"new-de", "old-de"}},
		{`"to be"`, []string{"new-hamlet", "old-hamlet"}},
	} {
		checkHits(t, ix, tc.query, tc.want)
	}
}

// FuzzPhraseMatchesWordByWord checks, for any document text and any
// phrase, that a quoted phrase finds the document exactly when the phrase
// field's word-by-word matching would (wordByWord), wherever the text
// comes from: invalid UTF-8 repaired, scripts of every kind, stop words
// of any language, runs without white space. The document's language is
// detected as indexing detects it, so every path of phraseFinder is
// reached (anchored by English terms or stop pairs, searched through).
func FuzzPhraseMatchesWordByWord(f *testing.F) {
	cfg := DefaultConfig()
	cfg.TermPositionBytes = 512 // phrases past the bound are not found
	ix, err := Open(filepath.Join(f.TempDir(), "ix"), cfg)
	if err != nil {
		f.Fatalf("open index: %v", err)
	}
	f.Cleanup(func() { ix.Close() })
	for _, seed := range [][3]string{
		{"Crash report", "The worker ran out of memory and was killed.", "out of memory"},
		{"Soliloquy", "To be, or not to be, that is the question.", "to be or not to be"},
		{"Events", "Things happening before noon; a write happens before a read.", "happens before"},
		{"Le vol", "L'avion décolle de l'aéroport à midi; L'AVION est en retard.", "l'avion est"},
		{"Die Katze", "Der Hund und die Katze sind im Haus, aber nicht im Garten.", "und die katze"},
		{"东京", "我住在东京都的中心。", "京都"},
		{"State-of-the-art", "the state-of-the-art e-mail it's Memory's", "of the art e"},
		{"x", strings.Repeat("of the ", 100) + "end", "the end"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, title, body, phrase string) {
		d := Document{ID: "doc", Title: title, Body: body}
		if err := ix.Index(ctx, []Document{d}); err != nil {
			return // refused (empty, too large): nothing to match
		}
		words := ix.phraseWords(phrase)
		if !utf8.ValidString(phrase) || len(words) == 0 || (len(words) == 1 && len(ix.terms(phrase)) == 1) {
			// Refused (a query is text), no words, or one word matched
			// stemmed rather than as a phrase.
			return
		}
		// The text as indexed: prepare repairs invalid UTF-8.
		if err := ix.prepare(&d); err != nil {
			t.Fatalf("indexed, then refused: %v", err)
		}
		want := len(wordByWord(ix.phraseAnalyzer, d.Title, d.Body, words, cfg.TermPositionBytes)) > 0
		res, err := ix.Search(ctx, Query{Required: []string{phrase}}, SearchOptions{K: 10, IDsOnly: true})
		if err != nil {
			t.Fatalf("search %q: %v", words, err)
		}
		if got := len(res.Hits) == 1; got != want {
			t.Fatalf("title %q body %q: phrase %q found %v, word by word %v", d.Title, d.Body, words, got, want)
		}
	})
}
