package index

import (
	"fmt"
	"slices"

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
// recognises: English and those bleve has an analyser for (stop words
// and a stemmer) that detectLanguage tells apart by their stop words.
func Languages() []string {
	return []string{English, "da", "de", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv", "tr"}
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
	detectSampleBytes = 8 << 10
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
	stops     map[string]analysis.TokenMap
}

// newLanguages loads the analysers from bleve's registry, not from the
// index's stored mapping, so an index built before languages were
// analysed opens with them too (its documents are English).
func newLanguages() (*languages, error) {
	cache := registry.NewCache()
	l := &languages{chains: map[string]chain{}, analysers: map[string]analysis.Analyzer{}, stops: map[string]analysis.TokenMap{}}
	enStop, err := cache.TokenMapNamed(en.StopName)
	if err != nil {
		return nil, fmt.Errorf("English stop words: %w", err)
	}
	l.stops[English] = enStop
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
		l.chains[code] = c
		l.analysers[code] = &analysis.DefaultAnalyzer{Tokenizer: c.tokenizer, TokenFilters: c.filters}
		stop, err := cache.TokenMapNamed(names[1])
		if err != nil {
			return nil, fmt.Errorf("stop words %q: %w", names[1], err)
		}
		l.stops[code] = stop
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

// detect returns the language of a text whose words (lower-cased, as the
// phrase analyser gives them) are words; see the constants above.
func (l *languages) detect(words []string) string {
	if len(words) < minDetectWords {
		return English
	}
	best, bestN := English, 0
	counts := make(map[string]int, len(l.stops))
	for _, code := range Languages() { // English first: it wins ties
		stop := l.stops[code]
		n := 0
		for _, w := range words {
			if stop[w] {
				n++
			}
		}
		counts[code] = n
		if n > bestN {
			best, bestN = code, n
		}
	}
	if best == English || float64(bestN) < minStopShare*float64(len(words)) ||
		float64(bestN) < otherOverEnglish*float64(counts[English]) {
		return English
	}
	return best
}

// detectLanguage returns the language of a document's title and body.
func (ix *Index) detectLanguage(title, body string) string {
	sample := title + "\n" + body
	if len(sample) > detectSampleBytes {
		sample = cutAtRune(sample, detectSampleBytes)
	}
	return ix.langs.detect(ix.phraseWords(sample))
}

// cutAtRune cuts s to at most n bytes at a character boundary.
func cutAtRune(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
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
	if p := ix.present.Load(); p != nil {
		return *p, nil
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
	ix.present.Store(&out)
	return out, nil
}

// languageTerms analyses text with the analyser of each language present
// in the index but English: the terms that find documents in those
// languages ("Suchmaschine" gives "de:suchmaschin" once German documents
// are indexed). Nothing when every document is English.
func (ix *Index) languageTerms(text string) []string {
	present, err := ix.presentLanguages()
	if err != nil || len(present) == 0 {
		return nil
	}
	var out []string
	for _, code := range present {
		for _, t := range ix.langs.analysers[code].Analyze([]byte(text)) {
			out = append(out, string(t.Term))
		}
	}
	return out
}
