// Package clientagent answers a person's queries: it reformulates the
// query with the user model, retrieves, re-ranks and filters the results
// with the profile, remembers what it showed, and learns from the marks
// the person makes on those results.
//
// Today the agent retrieves from the local index; meta-search engines, the
// focused crawl and peers plug in as further sources.
package clientagent

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/logx"
	"github.com/p2pir/p2pir/internal/memo"
	"github.com/p2pir/p2pir/usermodel"
)

// Config tunes the agent. Start from DefaultConfig.
type Config struct {
	// K is how many results a search shows by default. Default 10.
	K int
	// Candidates is how many results are retrieved for re-ranking before
	// the top K are shown. Default 50.
	Candidates int
	// Reform tunes query reformulation from past feedback.
	Reform usermodel.ReformConfig
	// Rerank tunes re-ranking and filtering with the profile.
	Rerank usermodel.RerankConfig
	// SimilarQuery is the least cosine between the current query and a
	// past one for the past query's marks to reformulate the current one
	// and filter its results. Default 0.9: the same need again. Marks of
	// merely related queries (0.3, 0.5, 0.7 were tried) lowered MAP in the
	// returning-person experiment, because what was relevant or not to one
	// need says little about another (docs/BENCHMARKS.md).
	SimilarQuery float64
	// History is how many of the latest marks are consulted. Default 500.
	History int
	// Merge is the fusion method (MergeRRF, MergeCombMNZ, ...). Default RRF.
	Merge string
	// Health says when failing sources are suspended.
	Health HealthConfig
	// ShortQuery is the number of query terms up to which the profile
	// re-ranks with the full Rerank.ProfileWeight; a longer query says
	// more about what is wanted, so the weight shrinks in proportion
	// (λ·ShortQuery/terms). Default 2. With it, re-ranking lifted P@10 from
	// 0.200 to 0.455 on ambiguous one-word queries while costing long
	// test-collection queries under 1% MAP (docs/BENCHMARKS.md).
	ShortQuery int
	// SnippetExpansion is how many of the terms reformulation added (the
	// heaviest first) the snippets of a reformulated query place
	// themselves around and highlight, besides the terms the person typed:
	// snippets show the person's own words, not the dozens of expansion
	// terms that rank the results (and placing snippets costs a read of
	// each term's postings). Default 5; negative: none.
	SnippetExpansion int
	// Trust says how each peer's own trust is learned (decay, cap).
	Trust TrustConfig
	// ListPeers is how many peers Sources lists under a source that relays
	// peers (SourceStats.Peers), those with the most evidence: a node with
	// hundreds of peers does not flood the listing. Default 10.
	ListPeers int
	// TextTerms, when set, memoises the analysis of results that are not
	// in the local index; agents whose indexes are configured alike may
	// share one (see TextTerms). Default nil: analysed at every search.
	TextTerms *TextTerms
	// Logger receives the agent's log lines: at warn, sources (search
	// engines, the peers) that fail a query and focused crawls that fail,
	// each source's repeats at most once a minute, with the query's words
	// and the URLs in the reason taken out; at debug, each search's start
	// and answer with the query's text. Default nil: discarded.
	Logger *slog.Logger
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		K:            10,
		Candidates:   50,
		Reform:       usermodel.DefaultReformConfig(),
		Rerank:       usermodel.DefaultRerankConfig(),
		SimilarQuery: 0.9,
		History:      500,
		ShortQuery:   2,
		Merge:        MergeRRF,
		Health:       DefaultHealthConfig(),

		SnippetExpansion: 5,
		Trust:            DefaultTrustConfig(),
		ListPeers:        10,
	}
}

// Agent is a person's client agent. It is safe for concurrent use;
// SetEngines changes its engines while it serves searches.
type Agent struct {
	// urls remembers the dedup keys of the URLs merged lately.
	urls urlKeys
	// sketches remembers local files' near-duplicate sketches, by
	// document ID for one version of the index (a document's text changes
	// only with it), at most maxCachedSketches.
	sketches memo.Versioned[string, sketch]
	// formatKeys remembers the keys under which copies of a page in
	// several formats meet (collapseFormatCopies), at most maxFormatKeys.
	formatKeys *memo.Cache[string]
	// leadTables are collapseNearDuplicates' tables, reused.
	leadTables leadTables
	// nearDups knows which local files are near duplicates of which, for
	// one version of the index (collapseNearDuplicates).
	nearDups nearDupIndex
	// mergedBufs lends searches the arrays they merge their results in.
	mergedBufs mergedBufs
	ix         *index.Index
	store      *usermodel.Store
	stats      statsStore
	cfg        Config
	now        func() time.Time
	// mu guards sources, which is replaced, never changed in place, so a
	// search keeps the set it planned with while engines are swapped.
	mu      sync.RWMutex
	sources []*sourceEntry // the local index first
	// engMu serialises SetEngines.
	engMu sync.Mutex
	crawl *CrawlOptions // nil: no focused crawl
	log   *slog.Logger  // Config.Logger, or a discarding one
	warn  *logx.Limiter // one warning a minute per event and source
	// vectors are local documents' tf-idf vectors, prepared for
	// re-ranking, by document ID for one version of the index, at most
	// maxCachedVectorTerms term entries in all; shared, never modified.
	vectors memo.Versioned[string, *usermodel.PreparedVector]
	basis   basisCache // the profile and rejected documents, prepared for re-ranking
	// unitProfile is the shared profile normalised, for reformulation.
	unitProfile unitCache
	// reforms are the latest reformulations, by what they came from.
	reforms reformCache
}

// finishTimeout bounds the local work that follows the sources' answers
// (re-ranking, recording the search), which runs even when the sources
// used up the search's deadline.
const finishTimeout = 5 * time.Second

// LocalName is the name of the local index among the sources.
const LocalName = "local"

// New returns an agent over the local index and the person's store.
func New(ix *index.Index, store *usermodel.Store, cfg Config) (*Agent, error) {
	if ix == nil || store == nil {
		return nil, errors.New("clientagent: an index and a store are required")
	}
	d := DefaultConfig()
	if cfg.K <= 0 {
		cfg.K = d.K
	}
	if cfg.Candidates < cfg.K {
		cfg.Candidates = max(d.Candidates, cfg.K)
	}
	if cfg.Reform.Method == "" {
		cfg.Reform = d.Reform
	}
	if cfg.SimilarQuery <= 0 {
		cfg.SimilarQuery = d.SimilarQuery
	}
	if cfg.History <= 0 {
		cfg.History = d.History
	}
	if cfg.ShortQuery <= 0 {
		cfg.ShortQuery = d.ShortQuery
	}
	if cfg.SnippetExpansion == 0 {
		cfg.SnippetExpansion = d.SnippetExpansion
	}
	if cfg.Merge == "" {
		cfg.Merge = d.Merge
	}
	if cfg.Trust.HalfLife == 0 {
		cfg.Trust.HalfLife = d.Trust.HalfLife
	}
	if cfg.Trust.MaxPeers <= 0 {
		cfg.Trust.MaxPeers = d.Trust.MaxPeers
	}
	if cfg.Trust.IgnoreBelow <= 0 {
		cfg.Trust.IgnoreBelow = d.Trust.IgnoreBelow
	}
	if cfg.Trust.IgnoreAfter <= 0 {
		cfg.Trust.IgnoreAfter = d.Trust.IgnoreAfter
	}
	if cfg.ListPeers <= 0 {
		cfg.ListPeers = d.ListPeers
	}
	if cfg.Health.FailuresBeforeSuspend <= 0 {
		cfg.Health = d.Health
	}
	a := &Agent{ix: ix, store: store, stats: statsStore{store}, cfg: cfg, now: time.Now, formatKeys: memo.New[string](maxFormatKeys),
		sketches: memo.Versioned[string, sketch]{Max: maxCachedSketches},
		vectors: memo.Versioned[string, *usermodel.PreparedVector]{Max: maxCachedVectorTerms,
			Weight: (*usermodel.PreparedVector).Len},
		log: logx.OrDiscard(cfg.Logger), warn: logx.NewLimiter(logx.DefaultInterval)}
	// The local index has no deadline of its own: it answers within the
	// search's, however slow the machine, so a search always has it.
	a.sources = []*sourceEntry{{name: LocalName, src: LocalSource{Index: ix}, weight: 1, enabled: true}}
	return a, nil
}

// Request is one search.
type Request struct {
	// Query is the text the person typed (see index.ParseQuery for syntax).
	Query string
	// K is how many results to show; 0 means Config.K.
	K int
	// NoProfile turns the user model off for this search: no
	// reformulation, no re-ranking, no filtering.
	NoProfile bool
	// Sources, if not empty, names the only sources to ask (disabled and
	// suspended ones included: the person forces them).
	Sources []string
	// Exclude names sources not to ask.
	Exclude []string
	// Merge overrides Config.Merge for this search.
	Merge string
	// Crawl runs the focused crawl (when enabled) besides the other
	// sources, whatever they bring.
	Crawl bool
	// Routing is how the peers source forwards this search through the
	// network ("interest", "flood" or "walk"); empty: the node's own
	// strategy. Experiments compare strategies on one running network.
	Routing string
	// Hops and FanOut override, for this search, how many forwarding steps
	// the peers source allows and how many peers each step asks (walkers,
	// for a walk); 0: the node's settings.
	Hops, FanOut int
	// Timeout is the whole search's deadline, from its start; the trace
	// reports it. 0: ctx's deadline alone. Negative is a bad query.
	Timeout time.Duration
}

// Result is one result shown to the person.
type Result struct {
	URL     string        `json:"url"`
	Title   string        `json:"title"`
	Content string        `json:"content"`
	Snippet index.Snippet `json:"-"`
	// Score is what the results are ordered by: the fused score, or,
	// when the profile re-ranked them, its blend with the profile
	// similarity (usermodel.Ranked.Final). Higher first.
	Score float64 `json:"score"`
	// Source is the kind of a local document ("file", "web"), "peer:ID"
	// for a document a peer found, else the engine that ranked it best.
	Source string `json:"source"`
	// Engine is the source that ranked the result best; Engines every
	// source that found it and Positions its rank in each (SearXNG's shape).
	Engine    string    `json:"engine"`
	Engines   []string  `json:"engines"`
	Positions []int     `json:"positions"`
	DocID     string    `json:"doc_id,omitempty"`
	Rank      int       `json:"rank"`
	Modified  time.Time `json:"modified,omitzero"`
	// Lang is the document's language (a code of index.Languages: "en",
	// "de", "ja", ...): the local index's for a local document, the
	// finder's for a peer's result; left out when not known (engines'
	// results, documents indexed before languages were detected).
	Lang string `json:"lang,omitempty"`
	// ProfileSim is the result's similarity to the profile.
	ProfileSim float64 `json:"profile_sim"`
	// Why says why the result is where it is.
	Why string `json:"why"`
	// Formats are the URLs of the same page in other text formats, shown
	// once (notes/page.html beside notes/page.md, with the same title).
	Formats []string `json:"formats"`
	// NearDuplicates are the URLs of other local files whose text is
	// nearly the same (NearDuplicateResemblance), shown once, here.
	NearDuplicates []string `json:"near_duplicates"`
	// Duplicates is how many results were collapsed into this one:
	// len(Formats) + len(NearDuplicates).
	Duplicates int `json:"duplicates"`
}

// Response is the answer to a search.
type Response struct {
	// QueryID identifies this search; marks refer to it.
	QueryID string `json:"query_id"`
	// Query is the text searched.
	Query string `json:"query"`
	// Expanded is the reformulated query actually run (term and weight);
	// empty when the user model was off or had nothing to go on.
	Expanded []usermodel.TermWeight `json:"expanded"`
	// Added and Dropped are the terms reformulation added and removed.
	Added   []string `json:"added,omitempty"`
	Dropped []string `json:"dropped,omitempty"`
	// Results are the results shown, best first.
	Results []Result `json:"results"`
	// Filtered are results the profile removed, with the reason.
	Filtered []Filtered `json:"filtered,omitempty"`
	// Unresponsive lists the sources that failed, timed out or are
	// suspended, and the peers that did not answer a source relaying them
	// (Engine "peer:ID"), with the reason; the query is answered without
	// them.
	Unresponsive []Unresponsive `json:"unresponsive"`
	// Total is the number of documents found to match, however many are
	// shown: the sum of the counts the sources give (the local index's
	// count of its matching documents; an engine's own estimate, when it
	// gives one), plus the distinct merged results that only sources
	// giving no count found. A document that two counting sources both
	// count is counted twice; the local index's count is a lower bound
	// (index.Index.Search).
	Total uint64 `json:"number_of_results"`
	// Took is how long the search took; in JSON, TookMS carries it in
	// milliseconds.
	Took time.Duration `json:"-"`
	// TookMS is Took in milliseconds (JSON "took_ms").
	TookMS float64 `json:"took_ms"`
	// Trace is how each source fared: its outcome and latency and, for
	// the peers, the calls the query took through the network.
	Trace SearchTrace `json:"trace"`
}

// Filtered is a result removed by the profile.
type Filtered struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Why   string `json:"why"`
}

// Search answers a request.
func (a *Agent) Search(ctx context.Context, req Request) (*Response, error) {
	start := a.now()
	k := req.K
	if k <= 0 {
		k = a.cfg.K
	}
	if k > index.MaxK {
		return nil, fmt.Errorf("%w: k=%d, at most %d", index.ErrBadQuery, k, index.MaxK)
	}
	switch req.Routing {
	case "", "interest", "flood", "walk":
	default:
		return nil, fmt.Errorf("%w: routing %q: use interest, flood or walk", index.ErrBadQuery, req.Routing)
	}
	if req.Hops < 0 || req.Hops > 16 || req.FanOut < 0 || req.FanOut > 16 {
		return nil, fmt.Errorf("%w: hops and fan-out go from 1 to 16 (0: the node's settings)", index.ErrBadQuery)
	}
	if req.Timeout < 0 {
		return nil, fmt.Errorf("%w: a search's timeout must be more than 0, not %v", index.ErrBadQuery, req.Timeout)
	}
	if req.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, req.Timeout)
		defer cancel()
	}
	// The query and its vector (usermodel.TextVector's: the whole text's
	// terms, weighted) from one analysis of the text.
	q, words, err := a.ix.ParseQueryTerms(req.Query)
	if err != nil {
		return nil, err
	}
	typed := q
	typed.Terms = slices.Clone(q.Terms) // q's are reformulated in place below
	tf := make(map[string]int, len(words))
	for _, w := range words {
		tf[w]++
	}
	qvec, err := usermodel.TFVector(ctx, a.ix, tf)
	if err != nil {
		return nil, fmt.Errorf("clientagent: %w", err)
	}
	resp := &Response{QueryID: usermodel.NewQueryID(), Query: req.Query}
	resp.Trace.TimeoutMS = ms(req.Timeout)
	a.log.Debug("search started", logx.KeyEvent, logx.EventQueryStart, "query_id", resp.QueryID, "query", req.Query)

	typedTerms := len(q.Terms)            // the profile weight scales with what the person typed
	var snippetTerms []index.WeightedTerm // empty: q's terms
	var profile usermodel.Profile
	var rejected []usermodel.Vector
	if !req.NoProfile {
		// Shared (not copied) profile and marks, in one read of the
		// store: the search only reads them.
		var marks []usermodel.Mark
		var pastQueries []usermodel.PreparedQuery // marks[i]'s query prepared
		profile, marks, pastQueries, err = a.store.SharedState(ctx)
		if err != nil {
			return nil, fmt.Errorf("clientagent: %w", err)
		}
		if len(marks) > a.cfg.History {
			marks = marks[len(marks)-a.cfg.History:]
			pastQueries = pastQueries[len(pastQueries)-a.cfg.History:]
		}
		// A mark speaks about the information need it was made for: only
		// marks of similar past queries reformulate this one, and a result
		// rejected there is filtered here (the same need, the same page or
		// a near copy of it, again). The profile carries the rest.
		var judged []usermodel.Judged
		judged, rejected = judgePastQueries(marks, pastQueries, qvec, a.cfg.SimilarQuery)
		if len(q.Terms) > 0 && (len(judged) > 0 || len(profile.Terms) > 0) {
			ref, err := a.reforms.reformulate(ctx, a.ix, a.cfg.Reform, q.Terms, judged, a.unitProfile.get(profile.Terms))
			if err != nil {
				return nil, fmt.Errorf("clientagent: reformulate: %w", err)
			}
			if len(ref.Terms) > 0 {
				snippetTerms = showTerms(q.Terms, ref.Added, a.cfg.SnippetExpansion)
				q.Terms = q.Terms[:0]
				for _, t := range ref.Terms {
					q.Terms = append(q.Terms, index.WeightedTerm{Term: t.Term, Weight: t.Weight})
				}
				resp.Expanded, resp.Added, resp.Dropped = ref.Terms, ref.Added, ref.Dropped
			}
		}
	}

	n := k
	if !req.NoProfile {
		n = max(k, a.cfg.Candidates)
	}
	sq := &SourceQuery{Text: req.Query, Query: q, K: n, Routing: req.Routing, Hops: req.Hops, FanOut: req.FanOut, SnippetTerms: snippetTerms}
	chosen, skipped, err := a.plan(ctx, req)
	if err != nil {
		return nil, err
	}
	// When the local index's hits are merged with no other source's,
	// merging needs only their URLs and re-ranking their IDs and scores:
	// the index skips the snippets (and the bodies they are cut from,
	// most of a large file's cost) of the candidates, and only the K
	// shown get theirs, below. Other sources' hits are merged with the
	// local ones by their text too (mirrors), so when another source
	// brings hits every local hit gets its snippet before merging
	// (localSnippets), as the index would have given it; a source that
	// answers with nothing (the peers of a node that has none) costs no
	// snippets. The focused crawl starts from the merged text, so with it
	// the index makes every snippet.
	sq.NoSnippets = n > k && slices.ContainsFunc(chosen, func(e *sourceEntry) bool { return e.name == LocalName }) && !a.mayCrawl(req)
	snippetsLater := sq.NoSnippets // sq is the sources' (one abandoned at its deadline may still read it)
	for _, e := range chosen {
		if ps, ok := e.src.(PoolingSource); ok && len(typed.Terms) > 0 {
			if c := ps.Pool(ctx, typed); c != nil {
				sq.Corpus, sq.Typed = c, typed
				break
			}
		}
	}
	lists, unresponsive, traces := a.fanOut(ctx, chosen, sq)
	rankPooled(lists)
	resp.Unresponsive = append(skipped, unresponsive...)
	for _, u := range skipped {
		resp.Trace.Sources = append(resp.Trace.Sources, SourceTrace{Source: u.Engine, Outcome: SourceSuspended})
	}
	resp.Trace.Sources = append(resp.Trace.Sources, traces...)
	if len(lists) == 0 && !a.wantCrawl(req, 0, k) {
		return nil, fmt.Errorf("clientagent: no source answered: %v", resp.Unresponsive)
	}
	if snippetsLater && othersHit(lists) {
		if err := a.localSnippets(ctx, sq.snippetQuery(), lists); err != nil {
			return nil, err
		}
		snippetsLater = false
	}
	method := req.Merge
	if method == "" {
		method = a.cfg.Merge
	}
	mbuf := a.mergedBufs.get()
	merged, err := mergeWith(method, lists, &a.urls, mbuf)
	if err != nil {
		return nil, err
	}
	if a.wantCrawl(req, len(merged), k) {
		// The focused crawl starts from what the others found, so it runs
		// second, within what is left of the query's deadline.
		crawlStart := time.Now()
		crawled, err := a.runCrawl(ctx, sq, a.crawlSeeds(merged))
		resp.Trace.Sources = append(resp.Trace.Sources, SourceTrace{Source: CrawlName, Outcome: sourceOutcome(err), LatencyMS: ms(time.Since(crawlStart)), Hits: len(crawled.Hits)})
		if err != nil {
			resp.Unresponsive = append(resp.Unresponsive, Unresponsive{Engine: CrawlName, Error: err.Error()})
			a.warn.Warn(ctx, a.log, logx.EventCrawlError, CrawlName, "the focused crawl failed", logx.KeyReason, redact(err.Error(), req.Query))
		} else if len(crawled.Hits) > 0 {
			lists = append(lists, crawled)
			if merged, err = mergeWith(method, lists, &a.urls, nil); err != nil {
				return nil, err
			}
		}
		if len(lists) == 0 {
			return nil, fmt.Errorf("clientagent: no source answered: %v", resp.Unresponsive)
		}
	}
	resp.Total = matches(lists, merged)
	merged = collapseFormatCopies(merged, a.formatKeys)
	merged = a.collapseNearDuplicates(ctx, merged)
	rerank := !req.NoProfile && (len(profile.Terms) > 0 || len(rejected) > 0)
	var ranked []rankedHit
	if !rerank {
		shown := merged[:min(len(merged), k)] // the rest is not shown, nor re-ranked
		ranked = make([]rankedHit, len(shown))
		for i, m := range shown {
			ranked[i] = rankedHit{Merged: m, score: m.Fused, why: "retrieval score"}
		}
	} else {
		rc := a.cfg.Rerank
		if typedTerms > a.cfg.ShortQuery {
			rc.ProfileWeight *= float64(a.cfg.ShortQuery) / float64(typedTerms)
		}
		// The sources may have used up the search's deadline; re-ranking
		// is local work the answer needs, so it gets its own short bound.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
		ranked, resp.Filtered, err = a.rerank(rctx, rc, merged, profile.Terms, rejected, k)
		cancel()
		if err != nil {
			return nil, err
		}
	}
	// What is shown was copied out of merged (ranked), which the next
	// search may now build its results in.
	a.mergedBufs.put(mbuf, merged)
	if len(ranked) > k {
		ranked = ranked[:k]
	}
	if snippetsLater {
		if err := a.addSnippets(ctx, sq.snippetQuery(), ranked); err != nil {
			return nil, err
		}
	}
	if len(ranked) > 0 {
		resp.Results = make([]Result, 0, len(ranked))
	}
	for i, h := range ranked {
		engine := bestEngine(h.Merged)
		src := engine
		if h.Origin != "" { // "file"/"web" for local documents, "peer:ID" for a peer's
			src = h.Origin
		}
		resp.Results = append(resp.Results, Result{
			URL: h.URL, Title: h.Title, Content: h.Content, Snippet: h.Snippet, Score: h.score,
			Source: src, Engine: engine, Engines: h.Engines, Positions: h.Positions,
			DocID: h.DocID, Rank: i + 1, Modified: h.Modified, Lang: h.Lang, ProfileSim: h.sim, Why: h.why,
			Formats: orEmpty(h.Formats), NearDuplicates: orEmpty(h.NearDuplicates), Duplicates: len(h.Formats) + len(h.NearDuplicates),
		})
	}
	// Recording is what makes the results markable: it never shares the
	// sources' deadline, only a short bound of its own.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := a.remember(rctx, resp, qvec); err != nil {
		return nil, err
	}
	resp.Took = a.now().Sub(start)
	resp.TookMS = float64(resp.Took.Microseconds()) / 1000
	if a.log.Enabled(ctx, slog.LevelDebug) {
		a.log.Debug("search answered", logx.KeyEvent, logx.EventQueryDone, "query_id", resp.QueryID, "query", req.Query,
			"results", len(resp.Results), "unresponsive", len(resp.Unresponsive), "took_ms", resp.Took.Milliseconds())
	}
	return resp, nil
}

// matches is Response.Total for the sources' answers and their fusion.
func matches(lists []SourceHits, merged []Merged) uint64 {
	var total uint64
	counting := map[string]bool{}
	for _, l := range lists {
		if l.Matches > 0 {
			total += max(l.Matches, uint64(len(l.Hits)))
			counting[l.Source] = true
		}
	}
	for _, m := range merged {
		if !slices.ContainsFunc(m.Engines, func(e string) bool { return counting[e] }) {
			total++
		}
	}
	return total
}

// bestEngine is the source that ranked a merged result best (the first of
// them on a tie).
func bestEngine(m Merged) string {
	best := 0
	for j, p := range m.Positions {
		if p < m.Positions[best] {
			best = j
		}
	}
	if best >= len(m.Engines) {
		return ""
	}
	return m.Engines[best]
}

// addSnippets gives the local results to show, retrieved without snippets
// (SourceQuery.NoSnippets), the snippets the index would have given them
// for q (SourceQuery.snippetQuery). It is local work the answer needs, with its own short bound like
// re-ranking.
func (a *Agent) addSnippets(ctx context.Context, q index.Query, ranked []rankedHit) error {
	hits := make([]index.Hit, 0, len(ranked))
	at := make([]int, 0, len(ranked))
	for i, h := range ranked {
		if h.DocID != "" {
			hits = append(hits, index.Hit{ID: h.DocID, URL: h.URL, Title: h.Title, Source: h.Origin, Modified: h.Modified, Lang: h.Lang, Ref: h.ref})
			at = append(at, i)
		}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer cancel()
	if err := a.ix.Snippets(ctx, q, hits); err != nil {
		return fmt.Errorf("clientagent: snippets: %w", err)
	}
	for j, i := range at {
		h := &ranked[i]
		h.Title, h.Content, h.Snippet, h.Modified, h.Lang = hits[j].Title, hits[j].Snippet.Text, hits[j].Snippet, hits[j].Modified, hits[j].Lang
	}
	return nil
}

// othersHit reports whether a source other than the local index brought
// hits (which are then merged with the local ones by their text too).
func othersHit(lists []SourceHits) bool {
	return slices.ContainsFunc(lists, func(l SourceHits) bool { return l.Source != LocalName && len(l.Hits) > 0 })
}

// localSnippets gives every hit of the local index's list, retrieved
// without snippets (SourceQuery.NoSnippets), the snippet and text the
// index would have given it for q, before they are merged with other
// sources' hits by their text. Local work the answer needs, with its own
// short bound like re-ranking.
func (a *Agent) localSnippets(ctx context.Context, q index.Query, lists []SourceHits) error {
	for li := range lists {
		l := lists[li].Hits
		if lists[li].Source != LocalName || len(l) == 0 {
			continue
		}
		var hits []index.Hit
		var at []int
		for i, h := range l {
			if h.DocID != "" && h.Content == "" { // a search of filters alone brings its snippets anyway
				hits = append(hits, index.Hit{ID: h.DocID, URL: h.URL, Title: h.Title, Source: h.Origin, Modified: h.Modified, Lang: h.Lang, Ref: h.ref})
				at = append(at, i)
			}
		}
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
		err := a.ix.Snippets(sctx, q, hits)
		cancel()
		if err != nil {
			return fmt.Errorf("clientagent: snippets: %w", err)
		}
		for j, i := range at {
			h := &l[i]
			h.Title, h.Content, h.Snippet, h.Modified, h.Lang = hits[j].Title, hits[j].Snippet.Text, hits[j].Snippet, hits[j].Modified, hits[j].Lang
		}
	}
	return nil
}

// showTerms returns the terms the snippets of a reformulated query show
// (SourceQuery.SnippetTerms): the typed terms, then the first n of added
// (the terms reformulation added, heaviest first; none when n < 0). The
// added terms get weight 1: snippets ignore weights.
func showTerms(typed []index.WeightedTerm, added []string, n int) []index.WeightedTerm {
	n = max(0, min(n, len(added)))
	out := make([]index.WeightedTerm, 0, len(typed)+n)
	out = append(out, typed...)
	for _, t := range added[:n] {
		out = append(out, index.WeightedTerm{Term: t, Weight: 1})
	}
	return out
}
