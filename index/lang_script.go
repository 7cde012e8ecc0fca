package index

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/ar"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/el"
	unicodetok "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// Languages told by their script, not by stop words: Chinese, Japanese and
// Korean share bleve's CJK analyser (overlapping bigrams of ideographs and
// kana, so a two-character word is found inside a longer run) and one
// term prefix, "cjk:", so a query in Han characters finds Japanese kanji
// too; Arabic has bleve's Arabic analyser (normalisation, stop words, a
// light stemmer); Greek has bleve's Greek stop words with a lower-case
// filter that drops accents and final sigma, and a light suffix stemmer of
// ours (bleve has none for Greek).
const (
	langArabic   = "ar"
	langGreek    = "el"
	langJapanese = "ja"
	langKorean   = "ko"
	langChinese  = "zh"
	cjkPrefix    = "cjk:"
)

// Script detection: a text is in a script's language when that script's
// letters are at least this share of its letters. CJK characters carry a
// word or half of one each, against about five letters a word in Latin
// script, so their share can be lower for the same share of words.
const (
	minCJKShare    = 0.3
	minScriptShare = 0.5
	// minKanaShare of kana among the CJK characters makes a text Japanese
	// rather than Chinese (Japanese prose is mostly kana; Chinese has
	// none).
	minKanaShare = 0.05
)

// scriptCounts counts a text's letters by script.
type scriptCounts struct {
	letters, han, kana, hangul, arabic, greek int
}

// add counts the letter r.
func (s *scriptCounts) add(r rune) {
	s.letters++
	if r < 0x370 { // Latin and IPA: the common case, no table look-up
		return
	}
	switch {
	case unicode.Is(unicode.Han, r):
		s.han++
	case unicode.Is(unicode.Hiragana, r), unicode.Is(unicode.Katakana, r):
		s.kana++
	case unicode.Is(unicode.Hangul, r):
		s.hangul++
	case unicode.Is(unicode.Arabic, r):
		s.arabic++
	case unicode.Is(unicode.Greek, r):
		s.greek++
	}
}

// language returns the language its counts show by script, "" when none
// does (the text is Latin, Cyrillic or mixed).
func (s *scriptCounts) language() string {
	if s.letters == 0 {
		return ""
	}
	share := func(n int) float64 { return float64(n) / float64(s.letters) }
	cjkLetters := s.han + s.kana + s.hangul
	switch {
	case share(cjkLetters) >= minCJKShare:
		switch {
		case s.hangul > s.han+s.kana:
			return langKorean
		case float64(s.kana) >= minKanaShare*float64(cjkLetters):
			return langJapanese
		default:
			return langChinese
		}
	case share(s.arabic) >= minScriptShare:
		return langArabic
	case share(s.greek) >= minScriptShare:
		return langGreek
	}
	return ""
}

// scriptChains builds the analysis chains of the languages told by script,
// each ending with its prefix filter, and the prefix of each.
func scriptChains(cache *registry.Cache) (map[string]chain, map[string]string, error) {
	chains, prefixes := map[string]chain{}, map[string]string{}
	cjkAnalyser, err := cache.AnalyzerNamed(cjk.AnalyzerName)
	if err != nil {
		return nil, nil, fmt.Errorf("analyser %q: %w", cjk.AnalyzerName, err)
	}
	c, err := chainOf(cjkAnalyser)
	if err != nil {
		return nil, nil, err
	}
	c.filters = append(c.filters[:len(c.filters):len(c.filters)], prefixFilter(cjkPrefix))
	for _, code := range []string{langChinese, langJapanese, langKorean} {
		chains[code], prefixes[code] = c, cjkPrefix
	}

	arAnalyser, err := cache.AnalyzerNamed(ar.AnalyzerName)
	if err != nil {
		return nil, nil, fmt.Errorf("analyser %q: %w", ar.AnalyzerName, err)
	}
	if c, err = chainOf(arAnalyser); err != nil {
		return nil, nil, err
	}
	c.filters = append(c.filters[:len(c.filters):len(c.filters)], prefixFilter(langArabic+":"))
	chains[langArabic], prefixes[langArabic] = c, langArabic+":"

	tok, err := cache.TokenizerNamed(unicodetok.Name)
	if err != nil {
		return nil, nil, fmt.Errorf("tokenizer %q: %w", unicodetok.Name, err)
	}
	elStop, err := cache.TokenFilterNamed(el.StopName)
	if err != nil {
		return nil, nil, fmt.Errorf("stop words %q: %w", el.StopName, err)
	}
	chains[langGreek] = chain{tokenizer: tok, filters: []analysis.TokenFilter{
		greekLowerFilter{}, elStop, greekStemFilter{}, prefixFilter(langGreek + ":"),
	}}
	prefixes[langGreek] = langGreek + ":"
	return chains, prefixes, nil
}

// greekLowerFilter lower-cases Greek as Lucene's GreekLowerCaseFilter
// does, which bleve's Greek stop list expects: accents and diaeresis
// dropped, final sigma written σ, so "Μηχανές" is "μηχανεσ".
type greekLowerFilter struct{}

// Filter implements analysis.TokenFilter.
func (greekLowerFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		out := make([]byte, 0, len(t.Term))
		for _, r := range string(t.Term) {
			if unicode.Is(unicode.Mn, r) { // a combining accent of decomposed text
				continue
			}
			out = utf8.AppendRune(out, greekFold(unicode.ToLower(r)))
		}
		t.Term = out
	}
	return ts
}

// greekFold maps a lower-case Greek letter with an accent or diaeresis to
// the bare letter, and final sigma to σ.
func greekFold(r rune) rune {
	switch r {
	case 'ά':
		return 'α'
	case 'έ':
		return 'ε'
	case 'ή':
		return 'η'
	case 'ί', 'ϊ', 'ΐ':
		return 'ι'
	case 'ό':
		return 'ο'
	case 'ύ', 'ϋ', 'ΰ':
		return 'υ'
	case 'ώ':
		return 'ω'
	case 'ς':
		return 'σ'
	}
	return r
}

// greekSuffixes are the inflectional endings greekStemFilter removes,
// longest first, in greekLowerFilter's spelling: those of the common noun
// and adjective declensions (μηχανή, μηχανές, μηχανών; βιβλίο, βιβλία;
// όνομα, ονόματα) and of the present tense of verbs (ψάχνω, ψάχνουμε).
var greekSuffixes = []string{
	"ματων", "ματοσ", "ουμε", "ουνε", "ματα", "ιουσ",
	"ιων", "ιου", "ιεσ", "ιοι", "ιοσ", "εων", "εωσ", "ουσ", "ουν", "ετε", "εισ",
	"μα", "ια", "ιο", "ησ", "εσ", "ασ", "οσ", "ου", "ων", "οι", "ον", "ει",
	"α", "η", "ο", "ι", "ε", "ω", "υ",
}

// minGreekStem is the fewest letters greekStemFilter leaves of a word.
const minGreekStem = 2

// greekStemFilter is a light Greek stemmer: it removes the longest
// ending of greekSuffixes that leaves at least minGreekStem letters, so
// the forms of one word share a term ("μηχανή" and "μηχανές" are both
// "μηχαν"). It is lighter than a full stemmer (no derivational endings,
// no past tenses), which keeps it from joining unrelated words.
type greekStemFilter struct{}

// Filter implements analysis.TokenFilter.
func (greekStemFilter) Filter(ts analysis.TokenStream) analysis.TokenStream {
	for _, t := range ts {
		if t.KeyWord {
			continue
		}
		w := string(t.Term)
		for _, suf := range greekSuffixes {
			if strings.HasSuffix(w, suf) && utf8.RuneCountInString(w)-utf8.RuneCountInString(suf) >= minGreekStem {
				t.Term = t.Term[:len(t.Term)-len(suf)]
				break
			}
		}
	}
	return ts
}
