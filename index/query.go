package index

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// Query is what Search runs: weighted scoring terms plus filters. Build one
// with ParseQuery (text a person typed), PlainQuery (text without syntax)
// or WeightedQuery (a reformulated query), or fill it in directly.
type Query struct {
	// Terms are the analysed scoring terms with their weights.
	Terms []WeightedTerm `json:"terms"`
	// Required are words or phrases (raw text) that every result must
	// contain. One word matches as the scoring analyser sees it (stemmed:
	// "+layers" matches "layer"); several words, or a stop word, match as
	// an exact phrase (see PhraseAnalyzerName).
	Required []string `json:"required,omitempty"`
	// Excluded are words or phrases no result may contain, matched as
	// Required entries are.
	Excluded []string `json:"excluded,omitempty"`
	// Sources keeps only documents from one of these sources ("file", "web", ...).
	Sources []string `json:"sources,omitempty"`
	// Sites keeps only documents whose URL host is one of these hosts.
	Sites []string `json:"sites,omitempty"`
	// Langs keeps only documents in one of these languages (codes of
	// Languages: "en", "de", ...).
	Langs []string `json:"langs,omitempty"`
}

// TermSet returns the scoring terms as a set, for highlighting.
func (q Query) TermSet() map[string]bool {
	s := make(map[string]bool, len(q.Terms))
	for _, t := range q.Terms {
		s[t.Term] = true
	}
	return s
}

// ParseQuery parses text a person typed. The syntax, kept small on purpose:
//
//	words            scored with BM25 (any may match; more matches rank higher)
//	"a phrase"       the phrase must appear: the same words in the same
//	                 order, case aside, stop words included, not stemmed;
//	                 its words are scored (a phrase of stop words only,
//	                 "to be or not to be", is matched but scores nothing;
//	                 one quoted word is a required word, "+word")
//	+word, +"phrase" must appear
//	-word, -"phrase" must not appear
//	source:web       only documents from that source (DocumentSources:
//	                 file, web, eval; another is an error)
//	site:example.org only documents from that host (and its subdomains)
//	lang:de          only documents in that language (see Languages)
//
// Anything else with a colon ("C++: a tour") is plain text. Errors (all
// wrapping ErrBadQuery): empty or over-long text, invalid UTF-8, an
// unterminated quote, a bare + or -, an empty source: or site:, a query
// whose words are all stop words, a query that only excludes.
func (ix *Index) ParseQuery(text string) (Query, error) {
	q, _, err := ix.parseQuery(text, false)
	return q, err
}

// ParseQueryTerms is ParseQuery, and also the terms of the whole text as
// Analyze gives them (filters and exclusions included), of which a
// search's query vector is made: the text is analysed once for both when
// every word of it is a plain scoring word, the usual query, and the
// terms are counted from the same tokens the query's are.
func (ix *Index) ParseQueryTerms(text string) (Query, []string, error) {
	return ix.parseQuery(text, true)
}

// parseQuery is ParseQuery, and, with withTerms, ParseQueryTerms's terms.
func (ix *Index) parseQuery(text string, withTerms bool) (Query, []string, error) {
	q, toks, err := ix.parseQueryTokens(text)
	if err != nil || !withTerms {
		return q, nil, err
	}
	if toks == nil { // syntax: the whole text differs from the scoring text
		return q, ix.terms(text), nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = string(t.Term)
	}
	return q, out, nil
}

// parseQueryTokens is ParseQuery; when every word of text is a plain
// scoring word it also returns the analyser's tokens of the scoring text,
// which are then text's own (the words, joined by one space instead of
// the whitespace between them: whitespace only separates words).
func (ix *Index) parseQueryTokens(text string) (Query, analysis.TokenStream, error) {
	if !utf8.ValidString(text) {
		return Query{}, nil, fmt.Errorf("%w: not valid UTF-8", ErrBadQuery)
	}
	if len(text) > ix.cfg.MaxQueryBytes {
		return Query{}, nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrBadQuery, len(text), ix.cfg.MaxQueryBytes)
	}
	if strings.TrimSpace(text) == "" {
		return Query{}, nil, fmt.Errorf("%w: empty query", ErrBadQuery)
	}
	toks, err := lexQuery(text)
	if err != nil {
		return Query{}, nil, err
	}
	var q Query
	var scoring []string
	plain := true
	for _, t := range toks {
		plain = plain && t.op == 0 && !t.phrase && t.field == ""
		switch {
		case t.field == "source":
			src := strings.ToLower(t.text)
			if !slices.Contains(DocumentSources(), src) {
				return Query{}, nil, fmt.Errorf("%w: source:%s: documents come from %s (source:file is your folders, source:web the sites you crawled)",
					ErrBadQuery, t.text, strings.Join(DocumentSources(), ", "))
			}
			q.Sources = append(q.Sources, src)
		case t.field == "site":
			q.Sites = append(q.Sites, normaliseHost(t.text))
		case t.field == "lang":
			code := strings.ToLower(t.text)
			if !knownLanguage(code) {
				return Query{}, nil, fmt.Errorf("%w: lang:%s is not a language p2pir knows; use one of %s", ErrBadQuery, t.text, strings.Join(Languages(), ", "))
			}
			q.Langs = append(q.Langs, code)
		case t.op == '-' && t.phrase:
			if len(ix.phraseWords(t.text)) == 0 {
				return Query{}, nil, fmt.Errorf("%w: -%s excludes nothing searchable (no words)", ErrBadQuery, quoteIf(t))
			}
			q.Excluded = append(q.Excluded, t.text)
		case t.op == '-':
			if len(ix.terms(t.text)) == 0 {
				return Query{}, nil, fmt.Errorf("%w: -%s excludes nothing searchable (stop words only)", ErrBadQuery, quoteIf(t))
			}
			q.Excluded = append(q.Excluded, t.text)
		case t.phrase:
			// Stop words count in a phrase: "to be or not to be" is
			// matched word for word even though none of its words scores.
			if len(ix.phraseWords(t.text)) == 0 {
				return Query{}, nil, fmt.Errorf("%w: %s has no words (only punctuation)", ErrBadQuery, quoteIf(t))
			}
			q.Required = append(q.Required, t.text)
			scoring = append(scoring, t.text)
		case t.op == '+':
			if len(ix.terms(t.text)) == 0 {
				return Query{}, nil, fmt.Errorf("%w: %s has no searchable words (stop words only)", ErrBadQuery, quoteIf(t))
			}
			q.Required = append(q.Required, t.text)
			scoring = append(scoring, t.text)
		default:
			scoring = append(scoring, t.text)
		}
	}
	scoringText := strings.Join(scoring, " ")
	tokens := ix.analyzer.Analyze([]byte(scoringText))
	q.Terms = ix.countTokens(tokens, scoringText)
	if len(q.Terms) == 0 && len(q.Required) == 0 {
		switch {
		case len(q.Sources) > 0 || len(q.Sites) > 0 || len(q.Langs) > 0:
			// A pure filter query ("site:example.org") lists documents.
		case len(q.Excluded) > 0:
			return Query{}, nil, fmt.Errorf("%w: a query needs a word to search for, not only exclusions", ErrBadQuery)
		default:
			return Query{}, nil, fmt.Errorf("%w: %q has no searchable words (only stop words or punctuation)", ErrBadQuery, text)
		}
	}
	if len(q.Terms) > ix.cfg.MaxQueryTerms {
		return Query{}, nil, fmt.Errorf("%w: %d distinct terms, the limit is %d", ErrBadQuery, len(q.Terms), ix.cfg.MaxQueryTerms)
	}
	if !plain {
		tokens = nil
	}
	return q, tokens, nil
}

// PlainQuery turns text into a query with no syntax at all: every word is a
// scoring term weighted by how often it occurs in the text. This is how
// test-collection queries run.
func (ix *Index) PlainQuery(text string) (Query, error) {
	if !utf8.ValidString(text) {
		return Query{}, fmt.Errorf("%w: not valid UTF-8", ErrBadQuery)
	}
	q := Query{Terms: ix.countTerms(text)}
	if len(q.Terms) == 0 {
		return Query{}, fmt.Errorf("%w: %q has no searchable words", ErrBadQuery, truncate(text, 80))
	}
	if len(q.Terms) > ix.cfg.MaxQueryTerms {
		return Query{}, fmt.Errorf("%w: %d distinct terms, the limit is %d", ErrBadQuery, len(q.Terms), ix.cfg.MaxQueryTerms)
	}
	return q, nil
}

// WeightedQuery builds a query from analysed terms and weights (e.g. a
// reformulated query). Duplicate terms are merged by adding their weights.
// Empty terms, and weights that are not finite and positive, are an error.
func (ix *Index) WeightedQuery(terms []WeightedTerm) (Query, error) {
	merged := make(map[string]float64, len(terms))
	for _, t := range terms {
		if t.Term == "" || !utf8.ValidString(t.Term) {
			return Query{}, fmt.Errorf("%w: empty or invalid term %q", ErrBadQuery, t.Term)
		}
		if math.IsNaN(t.Weight) || math.IsInf(t.Weight, 0) || t.Weight <= 0 {
			return Query{}, fmt.Errorf("%w: term %q has weight %v; weights must be finite and > 0", ErrBadQuery, t.Term, t.Weight)
		}
		merged[t.Term] += t.Weight
	}
	if len(merged) == 0 {
		return Query{}, fmt.Errorf("%w: no terms", ErrBadQuery)
	}
	if len(merged) > ix.cfg.MaxQueryTerms {
		return Query{}, fmt.Errorf("%w: %d distinct terms, the limit is %d", ErrBadQuery, len(merged), ix.cfg.MaxQueryTerms)
	}
	return Query{Terms: sortedTerms(merged)}, nil
}

// countTerms analyses text and weights each distinct term by its count.
// The text is analysed in English and in each other language that
// indexed documents are in (see presentLanguages), or only in its own
// language when that is clear (see languageTerms), so a German query word
// finds German documents stemmed the German way; the terms of other
// languages carry their language as a prefix ("de:suchmaschin") and only
// match documents in it. They are added while the query stays within
// Config.MaxQueryTerms.
func (ix *Index) countTerms(text string) []WeightedTerm {
	return ix.countTokens(ix.analyzer.Analyze([]byte(text)), text)
}

// countTokens is countTerms with text's tokens under the analyser given.
func (ix *Index) countTokens(toks analysis.TokenStream, text string) []WeightedTerm {
	counts := make(map[string]float64)
	for _, t := range toks {
		if isJoinedCompound(t) {
			counts[string(t.Term)] += compoundQueryWeight
		} else {
			counts[string(t.Term)]++
		}
	}
	for _, t := range ix.languageTerms(text) {
		if _, ok := counts[t]; ok || len(counts) < ix.cfg.MaxQueryTerms {
			counts[t]++
		}
	}
	return sortedTerms(counts)
}

func sortedTerms(m map[string]float64) []WeightedTerm {
	out := make([]WeightedTerm, 0, len(m))
	for t, w := range m {
		out = append(out, WeightedTerm{Term: t, Weight: w})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Weight != out[j].Weight {
			return out[i].Weight > out[j].Weight
		}
		return out[i].Term < out[j].Term
	})
	return out
}

// queryToken is one lexical item of a person-typed query.
type queryToken struct {
	text   string
	op     byte // '+', '-' or 0
	phrase bool
	field  string // "source" or "site" for filters
}

func quoteIf(t queryToken) string {
	if t.phrase {
		return `"` + t.text + `"`
	}
	return t.text
}

// lexQuery splits a query into words, quoted phrases, operators and filters.
func lexQuery(s string) ([]queryToken, error) {
	var out []queryToken
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += size
			continue
		}
		var t queryToken
		if (s[i] == '+' || s[i] == '-') && i+1 <= len(s) {
			// An operator only at the start of a word: "state-of-the-art" stays one word.
			t.op = s[i]
			i++
			if i >= len(s) || isSpaceAt(s, i) {
				return nil, fmt.Errorf("%w: %q stands alone; write %cword or %c\"a phrase\"", ErrBadQuery, string(t.op), t.op, t.op)
			}
		}
		if s[i] == '"' {
			end := strings.IndexByte(s[i+1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("%w: unterminated quote at byte %d", ErrBadQuery, i)
			}
			t.text = s[i+1 : i+1+end]
			t.phrase = true
			i += end + 2
			if strings.TrimSpace(t.text) == "" {
				return nil, fmt.Errorf("%w: empty phrase \"\"", ErrBadQuery)
			}
			out = append(out, t)
			continue
		}
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += size
		}
		word := s[i:j]
		i = j
		if t.op == 0 {
			if f, v, ok := strings.Cut(word, ":"); ok {
				switch strings.ToLower(f) {
				case "source", "site", "lang":
					if v == "" {
						return nil, fmt.Errorf("%w: %s: needs a value, e.g. %s", ErrBadQuery, f, example(f))
					}
					out = append(out, queryToken{text: v, field: strings.ToLower(f)})
					continue
				}
			}
		}
		t.text = word
		out = append(out, t)
	}
	return out, nil
}

func example(field string) string {
	switch strings.ToLower(field) {
	case "site":
		return "site:example.org"
	case "lang":
		return "lang:de"
	}
	return "source:web"
}

func isSpaceAt(s string, i int) bool {
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// normaliseHost lower-cases a host and drops a scheme, "www." and any path.
func normaliseHost(h string) string {
	h = strings.ToLower(h)
	if _, rest, ok := strings.Cut(h, "://"); ok {
		h = rest
	}
	if i := strings.IndexAny(h, "/?#"); i >= 0 {
		h = h[:i]
	}
	return strings.TrimPrefix(h, "www.")
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
