package index

import (
	"fmt"

	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the bleve index. Only fieldText is scored; the others
// are stored for display or indexed as exact keywords. (Index formats 2
// and 3 also wrote the text word for word into a field "phrase"; quoted
// phrases are now found from fieldText and the stored text, see
// phraseQuery, and documents written before keep that field unread.)
const (
	fieldText = "text" // title + body, the document language's analyser (English: AnalyzerName; others prefix their terms, "de:haus"), scored by BM25, positions and offsets kept for phrases and snippets
	// fieldStopPairs holds each two words in a row that fieldText's
	// analyser dropped ("of the"), lower-cased, with positions and
	// offsets: what quoted phrases of stop words only are found by (see
	// recordPairs, phraseQuery).
	fieldStopPairs = "stop_pairs"
	// fieldLegacyPhrase is the field formats 2 and 3 wrote the text into
	// word for word; documents written then have it and no fieldStopPairs.
	fieldLegacyPhrase = "phrase"
	fieldTitle        = "title" // stored only
	fieldBody         = "body"  // stored only
	// fieldBodyPacked holds, instead of fieldBody, a body longer than
	// packBodyBytes, deflated (see packBody).
	fieldBodyPacked = "body_packed" // stored only
	fieldURL        = "url"         // keyword: prefix listing
	fieldSource     = "source"      // keyword: filters
	fieldHash       = "hash"        // keyword: content de-duplication
	fieldHost       = "host"        // keyword, not stored: the URL host and its parent domains, for site:
	fieldModified   = "modified"    // stored only, RFC 3339
	fieldSize       = "size"        // stored only, decimal
	fieldLen        = "len"         // stored only: token count of fieldText, for BM25 statistics
	fieldETag       = "etag"        // stored only: a web page's ETag, for conditional re-crawls
	fieldLinks      = "links"       // stored only: a web page's links (see encodeLinks), for conditional re-crawls
	fieldLang       = "lang"        // keyword: the document's language (Languages), for lang: and the query's analysers
)

// AnalyzerName is the analyser used for documents and queries: bleve's
// English chain (Unicode tokenizer, possessive filter, lower-case, the
// English stop list; the tokenizer also joins hyphenated compounds, see
// CompoundTokenizerName) with Porter's English stemmer in its Snowball form
// (Porter2, the stemmer Xapian and Lucene's EnglishAnalyzer family use).
// Every term vector, query term and statistic in p2pir goes through it, so
// there is one tokenizer only. Porter2 rather than bleve's classic Porter
// measured +0.4% to +1% MAP on MED and CISI and -0.1% on CRAN
// (docs/BENCHMARKS.md).
const AnalyzerName = "p2pir_en"

// PhraseAnalyzerName is the analyser of quoted phrases: the Unicode
// tokenizer and lower-casing only, so stop words stay and nothing is
// stemmed. A quoted phrase is matched word for word, in order, against a
// document's text as this analyser splits it ("out of memory" needs "out",
// "of", "memory" in a row; "happens before" does not match "happening
// before"; see phraseQuery), while ranking stays with the English analyser
// of the scored field.
const PhraseAnalyzerName = "p2pir_phrase"

// newMapping describes the schema. Documents are built by hand (see
// buildDocument), so the mapping serves bleve's own tooling and holds the
// analysers Open loads.
func newMapping() *mapping.IndexMappingImpl {
	m := mapping.NewIndexMapping()
	err := m.AddCustomAnalyzer(AnalyzerName, map[string]interface{}{
		"type":      custom.Name,
		"tokenizer": CompoundTokenizerName,
		"token_filters": []interface{}{
			en.PossessiveName, lowercase.Name, en.StopName, en.SnowballStemmerName,
		},
	})
	if err != nil { // only possible if bleve renamed a component: a build-time fact
		panic(fmt.Sprintf("index: define analyser: %v", err))
	}
	err = m.AddCustomAnalyzer(PhraseAnalyzerName, map[string]interface{}{
		"type":          custom.Name,
		"tokenizer":     unicode.Name,
		"token_filters": []interface{}{lowercase.Name},
	})
	if err != nil {
		panic(fmt.Sprintf("index: define phrase analyser: %v", err))
	}
	m.DefaultAnalyzer = AnalyzerName
	m.DefaultField = fieldText
	m.StoreDynamic = false
	m.IndexDynamic = false

	text := mapping.NewTextFieldMapping()
	text.Analyzer = AnalyzerName
	text.Store = false
	text.IncludeTermVectors = true
	text.IncludeInAll = false
	text.DocValues = false

	pairs := mapping.NewTextFieldMapping()
	pairs.Analyzer = keyword.Name // filled by hand (recordPairs), never analysed by bleve
	pairs.Store = false
	pairs.IncludeTermVectors = true
	pairs.IncludeInAll = false
	pairs.DocValues = false

	stored := mapping.NewTextFieldMapping()
	stored.Index = false
	stored.Store = true
	stored.IncludeInAll = false
	stored.DocValues = false

	kw := mapping.NewKeywordFieldMapping()
	kw.Analyzer = keyword.Name
	kw.Store = true
	kw.IncludeInAll = false
	kw.IncludeTermVectors = false
	kw.DocValues = false

	doc := mapping.NewDocumentStaticMapping()
	doc.AddFieldMappingsAt(fieldText, text)
	doc.AddFieldMappingsAt(fieldStopPairs, pairs)
	for _, f := range []string{fieldTitle, fieldBody, fieldBodyPacked, fieldModified, fieldSize, fieldLen, fieldETag, fieldLinks} {
		doc.AddFieldMappingsAt(f, stored)
	}
	for _, f := range []string{fieldURL, fieldSource, fieldHash, fieldLang} {
		doc.AddFieldMappingsAt(f, kw)
	}
	host := mapping.NewKeywordFieldMapping()
	host.Store = false
	host.IncludeInAll = false
	host.DocValues = false
	doc.AddFieldMappingsAt(fieldHost, host)
	m.DefaultMapping = doc
	return m
}
