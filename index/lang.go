package index

import (
	"fmt"
	mathbits "math/bits"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/da"
	"github.com/blevesearch/bleve/v2/analysis/lang/de"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/es"
	"github.com/blevesearch/bleve/v2/analysis/lang/fi"
	"github.com/blevesearch/bleve/v2/analysis/lang/fr"
	"github.com/blevesearch/bleve/v2/analysis/lang/hu"
	"github.com/blevesearch/bleve/v2/analysis/lang/it"
	"github.com/blevesearch/bleve/v2/analysis/lang/nl"
	"github.com/blevesearch/bleve/v2/analysis/lang/no"
	"github.com/blevesearch/bleve/v2/analysis/lang/pt"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/lang/sv"
	"github.com/blevesearch/bleve/v2/analysis/lang/tr"
	"github.com/blevesearch/bleve/v2/registry"
)

// English is the language code of documents analysed with AnalyzerName,
// the default.
const English = "en"

// Languages returns the codes (ISO 639-1) of the languages the index
// recognises: English first, then, in order, those bleve has an analyser
// for (stop words and a stemmer) that detectLanguage tells apart by their
// stop words, and those it tells by their script (Arabic, Greek, Chinese,
// Japanese, Korean; see lang_script.go).
func Languages() []string {
	return []string{English, "ar", "da", "de", "el", "es", "fi", "fr", "hu", "it", "ja", "ko", "nl", "no", "pt", "ro", "ru", "sv", "tr", "zh"}
}

// languageAnalysers names bleve's analyser and stop list of each
// language but English.
func languageAnalysers() map[string][2]string {
	return map[string][2]string{
		"da": {da.AnalyzerName, da.StopName}, "de": {de.AnalyzerName, de.StopName},
		"es": {es.AnalyzerName, es.StopName}, "fi": {fi.AnalyzerName, fi.StopName},
		"fr": {fr.AnalyzerName, fr.StopName}, "hu": {hu.AnalyzerName, hu.StopName},
		"it": {it.AnalyzerName, it.StopName}, "nl": {nl.AnalyzerName, nl.StopName},
		"no": {no.AnalyzerName, no.StopName}, "pt": {pt.AnalyzerName, pt.StopName},
		"ro": {ro.AnalyzerName, ro.StopName}, "ru": {ru.AnalyzerName, ru.StopName},
		"sv": {sv.AnalyzerName, sv.StopName}, "tr": {tr.AnalyzerName, tr.StopName},
	}
}

// Language detection. A document's language is the one whose stop words
// make up the largest share of the first detectSampleBytes of its text,
// when that share is at least minStopShare and, for a language other
// than English, at least otherOverEnglish times English's share; every
// other document is English. Stop words are the most frequent words of a
// language (a third or more of running text), so a page of German has
// many German ones and few English ones, and the other way round.
const (
	detectSampleBytes = 4 << 10
	minDetectWords    = 12
	minStopShare      = 0.15
	otherOverEnglish  = 1.5
)

// languages holds the analysers of the languages other than English:
// taken apart into chains whose terms carry the language as a prefix
// ("de:suchmaschin"), so that they never mix with English terms in the
// scored field, and their stop lists for detection.
type languages struct {
	chains    map[string]chain
	analysers map[string]analysis.Analyzer
	// prefixes holds each language's term prefix: its code and ":",
	// except Chinese, Japanese and Korean, which share one analyser and
	// cjkPrefix.
	prefixes map[string]string
	// wordwise holds the languages whose analysers keep or drop words one
	// by one, at their positions (each of languageAnalysers: bleve's
	// Unicode tokenizer and filters of one word each), unlike the script
	// chains, whose bigrams and splits number their terms otherwise.
	wordwise map[string]bool
	// stopOf maps a stop word to the languages (bit i: Languages()[i])
	// whose stop list has it: one look-up per word, not one per language.
	stopOf map[string]uint32
}

// sharedLanguages is newLanguages' result, built once per process and
// shared by every Index: it is never modified after it is built, and its
// analysers keep no state between calls (an index already runs them on
// many goroutines at once). A process holding many indexes (p2pir sim
// runs a thousand nodes in one) keeps one copy of every stop list and
// stemmer table instead of one per index: about a quarter of a MiB of
// small maps each, which the garbage collector walked on every cycle.
var sharedLanguages = sync.OnceValues(newLanguages)

// newLanguages loads the analysers from bleve's registry, not from the
// index's stored mapping, so an index built before languages were
// analysed opens with them too (its documents are English).
func newLanguages() (*languages, error) {
	cache := registry.NewCache()
	l := &languages{chains: map[string]chain{}, analysers: map[string]analysis.Analyzer{}, prefixes: map[string]string{},
		wordwise: map[string]bool{}, stopOf: map[string]uint32{}}
	stops := map[string]analysis.TokenMap{}
	enStop, err := cache.TokenMapNamed(en.StopName)
	if err != nil {
		return nil, fmt.Errorf("English stop words: %w", err)
	}
	stops[English] = enStop
	for code, names := range languageAnalysers() {
		a, err := cache.AnalyzerNamed(names[0])
		if err != nil {
			return nil, fmt.Errorf("analyser %q: %w", names[0], err)
		}
		c, err := chainOf(a)
		if err != nil {
			return nil, err
		}
		c.filters = append(slices.Clip(c.filters), prefixFilter(code+":"))
		l.chains[code], l.prefixes[code] = c, code+":"
		l.wordwise[code] = true
		stop, err := cache.TokenMapNamed(names[1])
		if err != nil {
			return nil, fmt.Errorf("stop words %q: %w", names[1], err)
		}
		stops[code] = stop
	}
	scripts, prefixes, err := scriptChains(cache)
	if err != nil {
		return nil, err
	}
	for code, c := range scripts {
		l.chains[code], l.prefixes[code] = c, prefixes[code]
	}
	for code, c := range l.chains {
		l.analysers[code] = &analysis.DefaultAnalyzer{Tokenizer: c.tokenizer, TokenFilters: c.filters}
	}
	for i, code := range Languages() {
		for w := range stops[code] {
			l.stopOf[w] |= 1 << i
		}
	}
	return l, nil
}

// prefixFilter puts a language's code before every term.
type prefixFilter string

// Filter implements analysis.TokenFilter.
func (p prefixFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		t.Term = append([]byte(p), t.Term...)
	}
	return ts
}

// tally is what language detection reads of a text: how many of its
// words are stop words of each language (counts[i]: Languages()[i]), the
// same with each stop word weighted by one over the number of languages
// whose stop list has it (weights: "pour", a French stop word only, counts
// 1 for French; "de", a stop word of several languages, a fraction for
// each), how many words it has, and its letters by script.
type tally struct {
	counts  [32]int
	weights [32]float64
	words   int
	scripts scriptCounts
}

// tally counts text's words and letters. Words are runs of letters,
// lower-cased (so French "l'index" is "l" and "index", as its elision
// filter has it): a splitter of its own, some ten times faster than the
// analysers' tokenizer, since detection reads every document.
func (l *languages) tally(text string) tally {
	var (
		t   tally
		buf = make([]byte, 0, 64)
	)
	flush := func() {
		if len(buf) == 0 {
			return
		}
		t.words++
		bits := l.stopOf[string(buf)]
		w := 1 / float64(max(mathbits.OnesCount32(bits), 1))
		for ; bits != 0; bits &= bits - 1 {
			i := mathbits.TrailingZeros32(bits)
			t.counts[i]++
			t.weights[i] += w
		}
		buf = buf[:0]
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r):
			t.scripts.add(r)
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return t
}

// detect returns the language of text: by script first (see
// scriptCounts.language), else by stop words (see the constants above).
func (l *languages) detect(text string) string {
	t := l.tally(text)
	if lang := t.scripts.language(); lang != "" {
		return lang
	}
	if t.words < minDetectWords {
		return English
	}
	codes := Languages()
	best := 0 // English (index 0) first: it wins ties
	for i := range codes {
		if t.counts[i] > t.counts[best] {
			best = i
		}
	}
	if best == 0 || float64(t.counts[best]) < minStopShare*float64(t.words) ||
		float64(t.counts[best]) < otherOverEnglish*float64(t.counts[0]) {
		return English
	}
	return codes[best]
}

// Query-language detection. A query is short, so the document rule (a
// share of a dozen words or more) rarely applies; a query's language is
// the one told by its script, or the one with at least minQueryStops of
// its stop words in the query, making up at least minStopShare of its
// words, whose weighted count (see tally) is at least queryLangLead times
// that of any other language, English included: "die Suchmaschine für das
// Netz" is German; "les moteurs de recherche" is not told (les is a
// French and a Spanish stop word, de one of several languages), "les
// moteurs de recherche pour les pages" is French.
const (
	minQueryStops = 2
	queryLangLead = 1.5
)

// queryLanguage returns the language of a query when it is clear (see
// above), "" when it is not: a query of one or two words without stop
// words, or whose stop words are shared by several languages (Danish,
// Norwegian and Swedish have many in common).
func (l *languages) queryLanguage(text string) string {
	t := l.tally(text)
	if lang := t.scripts.language(); lang != "" {
		return lang
	}
	codes := Languages()
	best := 0
	for i := range codes {
		if t.weights[i] > t.weights[best] {
			best = i
		}
	}
	second := 0.0 // a tie makes second equal to best: not told
	for i := range codes {
		if i != best {
			second = max(second, t.weights[i])
		}
	}
	n := t.counts[best]
	if n < minQueryStops || float64(n) < minStopShare*float64(t.words) || t.weights[best] < queryLangLead*second {
		return ""
	}
	return codes[best]
}

// detectLanguage returns the language of a document's title and body.
func (ix *Index) detectLanguage(title, body string) string {
	sample := cutAtRune(title, detectSampleBytes) + "\n" + cutAtRune(body, detectSampleBytes)
	return ix.langs.detect(sample)
}

// cutAtRune cuts s to at most n bytes at a character boundary.
func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// knownLanguage reports whether code is one of Languages.
func knownLanguage(code string) bool { return slices.Contains(Languages(), code) }

// textChainFor is the chain of the scored field for a document in lang.
func (ix *Index) textChainFor(lang string) chain {
	if c, ok := ix.langs.chains[lang]; ok {
		return c
	}
	return ix.textChain
}

// presentLanguages lists the languages other than English that indexed
// documents are in, sorted; the query side analyses a query with each of
// them. It is cached until the next write.
func (ix *Index) presentLanguages() ([]string, error) {
	gen := ix.writes.Load()
	if p := ix.present.Load(); p != nil && p.gen == gen {
		return p.langs, nil
	}
	dict, err := ix.bi.FieldDict(fieldLang)
	if err != nil {
		return nil, fmt.Errorf("index: list languages: %w", err)
	}
	defer dict.Close()
	var out []string
	for {
		e, err := dict.Next()
		if err != nil {
			return nil, fmt.Errorf("index: list languages: %w", err)
		}
		if e == nil {
			break
		}
		if e.Count > 0 && e.Term != English && ix.langs.chains[e.Term].tokenizer != nil {
			out = append(out, e.Term)
		}
	}
	slices.Sort(out)
	// Labelled with the count of writes read before the dictionary: a
	// write since makes the next call look again.
	ix.present.Store(&presentCache{gen: gen, langs: out})
	return out, nil
}

// presentCache is presentLanguages' answer after gen writes.
type presentCache struct {
	gen   uint64
	langs []string
}

// languageTerms analyses text with the analyser of each language present
// in the index but English: the terms that find documents in those
// languages ("Suchmaschine" gives "de:suchmaschin" once German documents
// are indexed). Nothing when every document is English. When the text's
// own language is clear (queryLanguage), only that language's analyser is
// used, if its documents are present: nothing more for an English query,
// German terms alone for a German one, so a query is not stemmed into
// words of languages it is not in. A short or ambiguous query is analysed
// in every language present.
func (ix *Index) languageTerms(text string) []string {
	present, err := ix.presentLanguages()
	if err != nil || len(present) == 0 {
		return nil
	}
	return ix.langs.terms(text, ix.langs.queryLanguages(text, present))
}

// queryLanguages returns the languages of present to analyse a query
// with: those sharing the query's analyser when its language is clear
// (none for English), all of present otherwise.
func (l *languages) queryLanguages(text string, present []string) []string {
	lang := l.queryLanguage(text)
	if lang == "" {
		return present
	}
	var out []string
	for _, code := range present {
		if p := l.prefixes[code]; p != "" && p == l.prefixes[lang] {
			out = append(out, code)
		}
	}
	return out
}

// terms analyses text with the analyser of each language of codes, once
// per analyser (Chinese, Japanese and Korean share one).
func (l *languages) terms(text string, codes []string) []string {
	var out []string
	done := make(map[string]bool, len(codes))
	for _, code := range codes {
		p := l.prefixes[code]
		if p == "" || done[p] {
			continue
		}
		done[p] = true
		for _, t := range l.analysers[code].Analyze([]byte(text)) {
			out = append(out, string(t.Term))
		}
	}
	return out
}
