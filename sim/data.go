package sim

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/p2pir/p2pir/eval"
)

// Document is one shared document of a node.
type Document struct {
	// URL is http://<domain>.sim.p2pir.invalid/doc/<docno>: http, so nodes
	// answer it to peers; .invalid, so nothing ever fetches it.
	URL string
	// Domain is the interest domain (collection) it belongs to.
	Domain string
	// DocNo is the collection's document id, as the judgments use it.
	DocNo string
	// Title and Text are the document's fields.
	Title, Text string
}

// DocURL returns the URL of document docno of domain.
func DocURL(domain, docno string) string {
	return "http://" + domain + ".sim.p2pir.invalid/doc/" + docno
}

// SimQuery is one judged query of a domain.
type SimQuery struct {
	// ID is the collection's query id.
	ID string
	// Text is the query reduced to words (see QueryText).
	Text string
	// Relevant holds the URLs of the documents judged relevant (grade ≥ 1)
	// with their grades.
	Relevant map[string]int
}

// Domain is one interest domain: a test collection's documents and judged
// queries, split into training and held-out test queries.
type Domain struct {
	// Name is the domain name used in URLs.
	Name string
	// Docs are the documents in collection order.
	Docs []Document
	// Train are the queries people issue and judge, round after round.
	Train []SimQuery
	// Test are the held-out queries the measures use.
	Test []SimQuery
}

// LoadDomains loads every collection of cfg with eval.Load and splits its
// judged queries (see SplitQueries).
func LoadDomains(ctx context.Context, cfg Config) ([]Domain, error) {
	var out []Domain
	seen := map[string]bool{}
	for i := range cfg.Collections {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("load collections: %w", err)
		}
		c, err := eval.Load(cfg.CollectionPath(i))
		if err != nil {
			return nil, fmt.Errorf("load collection %d: %w", i+1, err)
		}
		name := cfg.Collections[i].Domain
		if name == "" {
			name = c.Name
		}
		if seen[name] {
			return nil, fmt.Errorf("%w: two collections are domain %q (give them distinct domain names)", ErrBadConfig, name)
		}
		seen[name] = true
		out = append(out, NewDomain(name, c, cfg.TestShare))
	}
	return out, nil
}

// NewDomain builds a domain from a loaded collection: documents get their
// URLs, queries without a relevant document are dropped, and the rest are
// split with SplitQueries.
func NewDomain(name string, c *eval.Collection, testShare float64) Domain {
	d := Domain{Name: name}
	for _, doc := range c.Docs {
		d.Docs = append(d.Docs, Document{URL: DocURL(name, doc.DocNo), Domain: name, DocNo: doc.DocNo, Title: doc.Title, Text: doc.Text})
	}
	var qs []SimQuery
	for _, q := range c.Queries {
		rel := map[string]int{}
		for docno, g := range c.Qrels[q.ID] {
			if g >= 1 {
				rel[DocURL(name, docno)] = g
			}
		}
		text := QueryText(q.Text)
		if len(rel) == 0 || text == "" {
			continue
		}
		qs = append(qs, SimQuery{ID: q.ID, Text: text, Relevant: rel})
	}
	d.Train, d.Test = SplitQueries(name, qs, testShare)
	return d
}

// SplitQueries splits a domain's judged queries into training and test
// queries, independently of the seed so that every experiment on a
// collection is measured on the same held-out queries: queries are ordered
// by the FNV-1a hash of "domain/id" (ties by id) and the first
// round(testShare·n) of that order, at least one and at most n-1 when n ≥ 2,
// are the test queries. Both lists keep the collection's order.
func SplitQueries(domain string, qs []SimQuery, testShare float64) (train, test []SimQuery) {
	n := len(qs)
	if n == 0 {
		return nil, nil
	}
	order := make([]int, n)
	keys := make([]uint64, n)
	for i, q := range qs {
		order[i] = i
		h := fnv.New64a()
		h.Write([]byte(domain + "/" + q.ID))
		keys[i] = h.Sum64()
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(keys[a], keys[b]), strings.Compare(qs[a].ID, qs[b].ID))
	})
	nTest := int(math.Round(testShare * float64(n)))
	nTest = max(1, min(nTest, n-1))
	if n == 1 {
		nTest = 1
	}
	isTest := make([]bool, n)
	for _, i := range order[:nTest] {
		isTest[i] = true
	}
	for i, q := range qs {
		if isTest[i] {
			test = append(test, q)
		} else {
			train = append(train, q)
		}
	}
	return train, test
}

// QueryText reduces a query to its words (letters and digits, single
// spaces), so that no query syntax (quotes, minus signs, "site:") changes
// its meaning whichever parser the network uses.
func QueryText(s string) string {
	f := strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.ToLower(strings.Join(f, " "))
}
