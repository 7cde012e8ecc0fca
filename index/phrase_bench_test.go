package index_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/testenv"
)

// BenchmarkPhraseSearch runs quoted phrases taken from the CRAN, CISI and
// MED queries (the first two neighbouring words of each query that are
// not stop words, "boundary layer") against one settled index of CRAN,
// CISI, MED, ADI and LISA (BenchmarkSearchDepth's), top 10 with snippets
// as a person searches, and reports latency percentiles:
//
//   - phrase: the phrase alone ("\"boundary layer\""), a filter: every
//     document holding it;
//   - query+phrase: the whole query with the phrase required;
//   - stop-words: a phrase of stop words only from the same queries
//     ("\"of the\""), which no scoring word narrows.
func BenchmarkPhraseSearch(b *testing.B) {
	root := testenv.DataDir(b)
	ix, queries := depthIndex(b, root, index.DefaultConfig())
	ctx := context.Background()
	stop := func(w string) bool { return len(ix.TermFreqs(w)) == 0 } // the English analyser drops it
	kinds := map[string][]string{}
	for _, text := range queries {
		words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
		for j := 0; j+1 < len(words); j++ {
			if a, z := words[j], words[j+1]; !stop(a) && !stop(z) {
				phrase := `"` + a + " " + z + `"`
				kinds["phrase"] = append(kinds["phrase"], phrase)
				kinds["query+phrase"] = append(kinds["query+phrase"], strings.Join(words, " ")+" +"+phrase)
				break
			}
		}
		for j := 0; j+1 < len(words); j++ {
			if stop(words[j]) && stop(words[j+1]) {
				kinds["stop-words"] = append(kinds["stop-words"], `"`+words[j]+" "+words[j+1]+`"`)
				break
			}
		}
	}
	for _, kind := range []string{"phrase", "query+phrase", "stop-words"} {
		var prepared []index.Query
		for _, t := range kinds[kind] {
			q, err := ix.ParseQuery(t)
			if err != nil {
				b.Fatalf("parse %q: %v", t, err)
			}
			prepared = append(prepared, q)
		}
		b.Run(fmt.Sprintf("%s/%d-queries", kind, len(prepared)), func(b *testing.B) {
			hits := 0
			for _, q := range prepared { // warm the caches
				res, err := ix.Search(ctx, q, index.SearchOptions{K: 10})
				if err != nil {
					b.Fatal(err)
				}
				hits += int(res.Total)
			}
			b.ReportAllocs()
			timeSearches(b, ix, prepared, index.SearchOptions{K: 10})
			b.ReportMetric(float64(hits)/float64(len(prepared)), "matches/query")
		})
	}
}
