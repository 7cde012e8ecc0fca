package index

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	bindex "github.com/blevesearch/bleve_index_api"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// SearchOptions controls one search. The zero value returns the top 10
// hits with stored fields and snippets.
type SearchOptions struct {
	// K is how many hits to return; 0 means 10. At most 10000.
	K int
	// Offset skips the first Offset hits (paging).
	Offset int
	// IDsOnly returns only IDs and scores (no stored fields, no snippets):
	// the fast path for evaluation.
	IDsOnly bool
	// Explain attaches a per-term account of each score to every hit.
	Explain bool
	// NoSnippets returns hits with their IDs, scores, URLs, titles,
	// sources and modification times but no snippets, without reading the
	// documents' bodies (their small fields are cached from search to
	// search while the index does not change): for a caller that picks
	// the few hits it shows among many, and then asks Index.Snippets for
	// those. Ignored with IDsOnly.
	NoSnippets bool
	// SnippetTerms, when not empty, are the terms snippets are placed
	// around and highlight instead of the query's terms (the query's
	// required phrases are highlighted either way): a reformulated query
	// ranks with dozens of expansion terms, while its snippets should show
	// the words the person typed and a few of the heaviest added ones.
	// Their weights are ignored. Default (empty): the query's terms.
	SnippetTerms []WeightedTerm
	// Corpus, when set, are the collection statistics BM25 scores with
	// instead of this index's own: a network's pooled statistics, so that
	// scores from many indexes rank on one scale (see CorpusStats). Nil
	// (the default) scores with the index's own statistics.
	Corpus *CorpusStats
}

// MaxK is the largest K a search accepts.
const MaxK = 10000

// Hit is one search result.
type Hit struct {
	ID       string    `json:"id"`
	URL      string    `json:"url"`
	Title    string    `json:"title"`
	Snippet  Snippet   `json:"snippet"`
	Score    float64   `json:"score"`
	Rank     int       `json:"rank"` // 1-based, counting from the first hit overall
	Source   string    `json:"source"`
	Modified time.Time `json:"modified,omitempty"`
	// Lang is the document's language (a code of Languages), "" when it
	// was indexed before languages were detected.
	Lang string `json:"lang,omitempty"`
	// Explain is the per-term account of Score when requested.
	Explain string `json:"explain,omitempty"`
	// Ref is where the document was in the snapshot the search read, so
	// that Snippets finds it without looking its ID up again while the
	// index has not changed. A caller that copies a hit for Snippets
	// copies Ref with its ID; the zero value is always valid.
	Ref DocRef `json:"-"`
}

// Results is the answer to a search.
type Results struct {
	// Total is the number of matching documents.
	Total uint64 `json:"total"`
	// Hits are the requested page of results, best first.
	Hits []Hit `json:"hits"`
	// Took is how long the search took.
	Took time.Duration `json:"took"`
}

// Search runs q and returns the best hits by BM25 (see bm25Query). Total
// counts the documents scored: every match unless MaxScore pruning skipped
// documents that could not reach the top K+Offset, so it is a lower bound.
func (ix *Index) Search(ctx context.Context, q Query, opts SearchOptions) (*Results, error) {
	if ix.closed.Load() {
		return nil, ErrClosed
	}
	start := time.Now()
	k := opts.K
	if k == 0 {
		k = 10
	}
	if k < 0 || k > MaxK || opts.Offset < 0 || opts.Offset > MaxK {
		return nil, fmt.Errorf("%w: k=%d offset=%d (k must be 1..%d, offset 0..%d)", ErrBadQuery, k, opts.Offset, MaxK, MaxK)
	}
	for _, t := range opts.SnippetTerms {
		if t.Term == "" {
			return nil, fmt.Errorf("%w: an empty snippet term", ErrBadQuery)
		}
	}
	bq, err := ix.compile(q)
	if err != nil {
		return nil, err
	}
	if err := opts.Corpus.validate(); err != nil {
		return nil, err
	}
	bq.corpus = opts.Corpus
	if len(bq.terms) == 0 {
		return ix.filterSearch(ctx, bq, k, opts)
	}
	r, err := ix.reader()
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	defer r.Close()
	if bq.totalLen, err = ix.totalLenOf(r); err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	top, err := ix.topK(ctx, r, bq, k+opts.Offset)
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	out := &Results{Total: top.scored}
	if opts.Offset < len(top.hits) {
		top.hits = top.hits[opts.Offset:]
	} else {
		top.hits = nil
	}
	idBuf := make(bindex.IndexInternalID, 8)
	if len(top.hits) > 0 {
		out.Hits = make([]Hit, 0, len(top.hits))
	}
	var bodies []string
	var titleLens []int
	if !opts.IDsOnly && !opts.NoSnippets {
		bodies = make([]string, len(top.hits))
		titleLens = make([]int, len(top.hits))
	}
	ids := make([]string, len(top.hits))
	var metas []*hitMeta // the candidates' small stored fields, when kept
	if opts.NoSnippets && !opts.IDsOnly {
		metas = make([]*hitMeta, len(top.hits))
	}
	if err := ix.ids.resolveMetas(r, top.hits, ids, metas); err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	ref := refs(r)
	for i, s := range top.hits {
		id := ids[i]
		idBuf.SetValue(s.doc) // for Explain
		hit := Hit{ID: id, Score: s.score, Rank: opts.Offset + i + 1, Ref: ref(s.doc)}
		switch {
		case opts.IDsOnly:
		case opts.NoSnippets:
			m := metas[i]
			if m == nil {
				read, err := loadMeta(r, s.doc, id)
				if err != nil {
					return nil, fmt.Errorf("index: search: %w", err)
				}
				ix.ids.keepMeta(r, s.doc, read)
				m = &read
			}
			hit.URL, hit.Title, hit.Source, hit.Modified, hit.Lang = m.url, m.title, m.source, m.modified, m.lang
		default:
			var m hitMeta
			if m, bodies[i], err = ix.docs.load(r, s.doc, id); err != nil {
				return nil, fmt.Errorf("index: search: %w", err)
			}
			hit.URL, hit.Title, hit.Source, hit.Modified, hit.Lang = m.url, m.title, m.source, m.modified, m.lang
			titleLens[i] = len(hit.Title)
		}
		if opts.Explain {
			hit.Explain, err = explain(ctx, r, bq, idBuf)
			if err != nil {
				return nil, fmt.Errorf("index: search: explain %s: %w", id, err)
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if !opts.IDsOnly && !opts.NoSnippets && len(out.Hits) > 0 {
		sq := bq
		if len(opts.SnippetTerms) > 0 {
			sq = &bm25Query{terms: opts.SnippetTerms, phrases: bq.phrases}
		}
		if err := ix.addSnippets(ctx, r, sq, top.hits, out.Hits, bodies, titleLens); err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// loadDoc reads the stored fields of document number doc of r, whose ID
// is id: the small ones and its body (the zero values for a document not
// in r).
func loadDoc(r bindex.IndexReader, doc uint64, id string) (m hitMeta, body string, err error) {
	m, body, packed, err := readStored(r, doc, id, readTitle|readMeta|readBody)
	if err == nil && packed != "" {
		if body, err = unpackBody(packed, -1); err != nil {
			return hitMeta{}, "", fmt.Errorf("load %s: %w", id, err)
		}
	}
	return m, body, err
}

// loadMeta is loadDoc without the body.
func loadMeta(r bindex.IndexReader, doc uint64, id string) (hitMeta, error) {
	m, _, _, err := readStored(r, doc, id, readTitle|readMeta)
	return m, err
}

// storedFields are the stored fields readStored reads.
type storedFields uint8

const (
	readTitle storedFields = 1 << iota
	readMeta               // the URL, source, modification time and language
	readBody               // the body: plain, or packed as it is stored
)

// readStored reads the stored fields of document number doc of r, whose
// ID is id, that want asks for: into m (the title and the small ones), and
// the body plain or still packed (see packBody); the zero values for the
// others, and for a document not in r. A field not asked for is not even
// copied into a string.
func readStored(r bindex.IndexReader, doc uint64, id string, want storedFields) (m hitMeta, body, packed string, err error) {
	found, err := visitStored(r, doc, id, func(name string, value []byte) {
		switch name {
		case fieldTitle:
			if want&readTitle != 0 {
				m.title = string(value)
			}
		case fieldBody:
			if want&readBody != 0 {
				body = string(value)
			}
		case fieldBodyPacked:
			if want&readBody != 0 {
				packed = string(value)
			}
		}
		if want&readMeta == 0 {
			return
		}
		switch name {
		case fieldURL:
			m.url = string(value)
		case fieldSource:
			m.source = string(value)
		case fieldModified:
			m.modified, _ = time.Parse(time.RFC3339Nano, string(value))
		case fieldLang:
			m.lang = string(value)
		}
	})
	if err != nil {
		return hitMeta{}, "", "", fmt.Errorf("load %s: %w", id, err)
	}
	if !found {
		return hitMeta{}, "", "", nil
	}
	return m, body, packed, nil
}

// Snippets fills in the snippet, and refreshes the URL, title, source and
// modification time, of each of hits (by Hit.ID) as a search for q would
// have: for the hits of a search with SearchOptions.NoSnippets that are
// shown. A hit whose document is no longer in the index keeps what it has.
func (ix *Index) Snippets(ctx context.Context, q Query, hits []Hit) error {
	if ix.closed.Load() {
		return ErrClosed
	}
	if len(hits) == 0 {
		return nil
	}
	bq, err := ix.compile(q)
	if err != nil {
		return err
	}
	r, err := ix.reader()
	if err != nil {
		return fmt.Errorf("index: snippets: %w", err)
	}
	defer r.Close()
	b, err := resolveHits(r, hits, func(_ int, doc uint64, h *Hit) (string, error) {
		m, body, err := ix.docs.load(r, doc, h.ID)
		if err != nil {
			return "", err
		}
		h.URL, h.Title, h.Source, h.Modified, h.Lang = m.url, m.title, m.source, m.modified, m.lang
		return body, nil
	})
	if err != nil {
		return fmt.Errorf("index: snippets: %w", err)
	}
	at, top, sub, bodies, titleLens := b.at, b.top, b.sub, b.bodies, b.titleLens
	if len(sub) == 0 {
		return nil
	}
	if len(bq.terms) == 0 {
		for k := range sub {
			sub[k].Snippet = ix.leadSnippet(bodies[k])
		}
		if len(bq.phrases) > 0 {
			err = ix.addSnippets(ctx, r, &bm25Query{phrases: bq.phrases}, top, sub, bodies, titleLens)
		}
	} else {
		err = ix.addSnippets(ctx, r, bq, top, sub, bodies, titleLens)
	}
	if err != nil {
		return fmt.Errorf("index: snippets: %w", err)
	}
	for k, i := range at {
		hits[i] = sub[k]
	}
	return nil
}

// addSnippets fills each hit's snippet from the term vectors of its body:
// where the query's terms and its required phrases occur.
func (ix *Index) addSnippets(ctx context.Context, r bindex.IndexReader, bq *bm25Query, top []scored, hits []Hit, bodies []string, titleLens []int) error {
	order := make([]int, len(top)) // hits by ascending document number
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(top[a].doc, top[b].doc) })
	docs := make([]uint64, len(order))
	lens := make([]int, len(order))
	texts := make([]string, len(order))
	for j, i := range order {
		docs[j], lens[j], texts[j] = top[i].doc, titleLens[i], bodies[i]
	}
	ms, err := ix.bodyMatches(ctx, r, bq.terms, docs, lens)
	if err != nil {
		return err
	}
	if len(bq.phrases) > 0 {
		ps, err := ix.phraseMatches(ctx, r, bq.phrases, docs, lens, texts)
		if err != nil {
			return err
		}
		for j := range ms {
			ms[j] = mergeMatches(ms[j], ps[j])
		}
	}
	for j, i := range order {
		hits[i].Snippet = ix.snippet(bodies[i], ms[j])
	}
	return nil
}

// filterSearch serves a query with filters but no scoring terms
// ("site:example.org"): every match, score 0, in index order.
func (ix *Index) filterSearch(ctx context.Context, bq *bm25Query, k int, opts SearchOptions) (*Results, error) {
	fq := query.NewBooleanQuery([]query.Query{bq.must}, nil, nil)
	if bq.mustNot != nil {
		fq.AddMustNot(bq.mustNot)
	}
	req := bleve.NewSearchRequestOptions(fq, k, opts.Offset, false)
	req.Score = "none"
	if !opts.IDsOnly {
		req.Fields = []string{fieldURL, fieldTitle, fieldBody, fieldBodyPacked, fieldSource, fieldModified, fieldLang}
	}
	res, err := ix.bi.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index: search: %w", err)
	}
	out := &Results{Total: res.Total, Took: res.Took, Hits: make([]Hit, 0, len(res.Hits))}
	for i, h := range res.Hits {
		hit := Hit{ID: h.ID, Rank: opts.Offset + i + 1}
		if !opts.IDsOnly {
			hit.URL = field(h.Fields, fieldURL)
			hit.Title = field(h.Fields, fieldTitle)
			hit.Source = field(h.Fields, fieldSource)
			hit.Lang = field(h.Fields, fieldLang)
			if m := field(h.Fields, fieldModified); m != "" {
				hit.Modified, _ = time.Parse(time.RFC3339Nano, m)
			}
			hit.Snippet = ix.leadSnippet(storedBody(h.Fields))
		}
		out.Hits = append(out.Hits, hit)
	}
	if !opts.IDsOnly && len(bq.phrases) > 0 && len(out.Hits) > 0 {
		// A phrase of stop words only ("to be or not to be") has no
		// scoring terms and lands here: show where it occurs.
		if err := ix.phraseSnippets(ctx, bq, out.Hits, res.Hits); err != nil {
			return nil, fmt.Errorf("index: search: %w", err)
		}
	}
	return out, nil
}

// phraseSnippets replaces the lead snippets of a filter search's hits with
// snippets around the query's phrases.
func (ix *Index) phraseSnippets(ctx context.Context, bq *bm25Query, hits []Hit, found search.DocumentMatchCollection) error {
	r, err := ix.reader()
	if err != nil {
		return fmt.Errorf("phrase snippets: %w", err)
	}
	defer r.Close()
	// A hit deleted since the search keeps its lead snippet.
	b, err := resolveHits(r, hits, func(i int, _ uint64, _ *Hit) (string, error) {
		return storedBody(found[i].Fields), nil
	})
	if err != nil {
		return fmt.Errorf("phrase snippets: %w", err)
	}
	at, top, sub, bodies, titleLens := b.at, b.top, b.sub, b.bodies, b.titleLens
	if err := ix.addSnippets(ctx, r, &bm25Query{phrases: bq.phrases}, top, sub, bodies, titleLens); err != nil {
		return fmt.Errorf("phrase snippets: %w", err)
	}
	for k, i := range at {
		hits[i].Snippet = sub[k].Snippet
	}
	return nil
}

// explain accounts for the score of document id term by term.
func explain(ctx context.Context, r bindex.IndexReader, bq *bm25Query, id bindex.IndexInternalID) (string, error) {
	n, err := r.DocCount()
	if err != nil {
		return "", err
	}
	n, avgdl := bq.collection(n)
	var b strings.Builder
	total := 0.0
	for _, t := range bq.terms {
		tfr, err := r.TermFieldReader(ctx, []byte(t.Term), fieldText, true, true, false)
		if err != nil {
			return "", err
		}
		df := bq.docFreq(t.Term, tfr.Count(), n)
		d, err := tfr.Advance(id, nil)
		tfr.Close()
		if err != nil {
			return "", err
		}
		if d == nil || !bytes.Equal(d.ID, id) {
			continue
		}
		idf := rsjIDF(n, df)
		tf, dl := float64(d.Freq), docLen(d.Norm)
		part := t.Weight * idf * (bq.k1 + 1) * tf / (tf + bq.k1*(1-bq.b+bq.b*dl/avgdl))
		total += part
		fmt.Fprintf(&b, "  %8.4f  %s: weight %.3g, idf %.3f (df %d of %d), tf %g, length %g (avg %.1f)\n", part, t.Term, t.Weight, idf, df, n, tf, dl, avgdl)
	}
	return fmt.Sprintf("  %8.4f  BM25 (k1 %g, b %g), sum of:\n%s", total, bq.k1, bq.b, b.String()), nil
}

func field(f map[string]interface{}, name string) string {
	switch v := f[name].(type) {
	case string:
		return v
	case []interface{}:
		if len(v) > 0 {
			if s, ok := v[0].(string); ok {
				return s
			}
		}
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return ""
}

// compile turns a Query into the bleve query that runs it.
func (ix *Index) compile(q Query) (*bm25Query, error) {
	for _, t := range q.Terms {
		if t.Term == "" || !(t.Weight > 0) || t.Weight > 1e300 {
			return nil, fmt.Errorf("%w: term %q has weight %v", ErrBadQuery, t.Term, t.Weight)
		}
	}
	if len(q.Terms) > ix.cfg.MaxQueryTerms {
		return nil, fmt.Errorf("%w: %d terms, the limit is %d", ErrBadQuery, len(q.Terms), ix.cfg.MaxQueryTerms)
	}
	var must []query.Query
	var phrases [][]string
	for _, r := range q.Required {
		tq, words, err := ix.textQuery(r)
		if err != nil {
			return nil, err
		}
		must = append(must, tq)
		if words != nil {
			phrases = append(phrases, words)
		}
	}
	if len(q.Sources) > 0 {
		must = append(must, anyKeyword(fieldSource, q.Sources))
	}
	if len(q.Sites) > 0 {
		must = append(must, anyKeyword(fieldHost, q.Sites))
	}
	if len(q.Langs) > 0 {
		must = append(must, anyKeyword(fieldLang, q.Langs))
	}
	if len(q.Terms) == 0 && len(must) == 0 {
		return nil, fmt.Errorf("%w: nothing to search for", ErrBadQuery)
	}
	bq := &bm25Query{terms: q.Terms, phrases: phrases, k1: ix.cfg.K1, b: ix.cfg.B}
	switch len(must) {
	case 0:
	case 1:
		bq.must = must[0]
	default:
		bq.must = query.NewConjunctionQuery(must)
	}
	if len(q.Excluded) > 0 {
		var not []query.Query
		for _, e := range q.Excluded {
			tq, _, err := ix.textQuery(e)
			if err != nil {
				return nil, err
			}
			not = append(not, tq)
		}
		bq.mustNot = query.NewDisjunctionQuery(not)
	}
	return bq, nil
}

// textQuery matches documents containing text. One word that the English
// analyser keeps is a term query on fieldText, stemmed as ranking sees it
// ("layers" matches "layer"). Anything else (several words, or a stop word)
// is an exact phrase (phraseQuery): the same words in the same order, case
// aside, stop words included, nothing stemmed; words are then the phrase's
// words, for highlighting (nil for a term query).
func (ix *Index) textQuery(text string) (q query.Query, words []string, err error) {
	if !utf8.ValidString(text) {
		// The analysers split invalid bytes unlike one another (and
		// differently next to a space): no match could be told right.
		return nil, nil, fmt.Errorf("%w: %q is not valid UTF-8 text", ErrBadQuery, strings.ToValidUTF8(truncate(text, 80), "\uFFFD"))
	}
	words = ix.phraseWords(text)
	if len(words) == 0 {
		return nil, nil, fmt.Errorf("%w: %q has no words to match (only punctuation)", ErrBadQuery, truncate(text, 80))
	}
	if terms := ix.terms(text); len(terms) == 1 && len(words) == 1 {
		// Documents in other languages hold the word as their analyser
		// stems it, under their prefix (see countTerms).
		return anyKeyword(fieldText, append(terms, ix.languageTerms(text)...)), nil, nil
	}
	return ix.phraseQuery(words), words, nil
}

// anyKeyword matches the documents whose field holds one of values.
func anyKeyword(fieldName string, values []string) query.Query {
	qs := make([]query.Query, 0, len(values))
	for _, v := range values {
		qs = append(qs, termQuery(fieldName, v))
	}
	if len(qs) == 1 {
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

// termQuery matches the documents whose field holds term.
func termQuery(fieldName, term string) query.Query {
	tq := query.NewTermQuery(term)
	tq.SetField(fieldName)
	return tq
}

// hitBatch is the hits of a search still in a reader's snapshot, with
// what addSnippets needs of them: at is each one's index in the hits
// given, top its internal document number, bodies and titleLens its text.
type hitBatch struct {
	at        []int
	top       []scored
	sub       []Hit
	bodies    []string
	titleLens []int
}

// resolveHits looks each of hits up in r's snapshot (by its Ref when it
// refers to r, else by its ID), skipping those deleted since the search; body gives a found hit's body text, by its
// index in hits and its document number in r (and may refresh the hit's
// stored fields first).
func resolveHits(r bindex.IndexReader, hits []Hit, body func(i int, doc uint64, h *Hit) (string, error)) (hitBatch, error) {
	n := len(hits)
	b := hitBatch{at: make([]int, 0, n), top: make([]scored, 0, n), sub: make([]Hit, 0, n), bodies: make([]string, 0, n), titleLens: make([]int, 0, n)}
	for i, h := range hits {
		doc, ok := h.Ref.in(r)
		if !ok {
			iid, err := r.InternalID(h.ID)
			if err != nil {
				return hitBatch{}, fmt.Errorf("resolve %s: %w", h.ID, err)
			}
			if len(iid) == 0 {
				continue // deleted since the search
			}
			doc = iid.Value()
		}
		text, err := body(i, doc, &h)
		if err != nil {
			return hitBatch{}, err
		}
		b.at = append(b.at, i)
		b.top = append(b.top, scored{doc: doc})
		b.sub = append(b.sub, h)
		b.bodies = append(b.bodies, text)
		b.titleLens = append(b.titleLens, len(h.Title))
	}
	return b, nil
}
