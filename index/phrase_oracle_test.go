package index

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

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
