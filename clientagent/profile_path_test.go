package clientagent

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// shownResult is what a person sees of a result, for comparing searches.
type shownResult struct {
	URL, Title, Content string
	Snippet             index.Snippet
	Score, ProfileSim   float64
	Why                 string
}

func shownOf(rs []Result) []shownResult {
	out := make([]shownResult, len(rs))
	for i, r := range rs {
		out[i] = shownResult{r.URL, r.Title, r.Content, r.Snippet, r.Score, r.ProfileSim, r.Why}
	}
	return out
}

// TestSearchWithProfileShowsWhatTheStraightforwardPathShows: a search with
// the profile (which retrieves its candidates without snippets, re-ranks
// them with cached, prepared vectors and cuts snippets for the results it
// shows only) shows exactly the results, in the same order, with the same
// titles, snippets, scores, profile similarities and reasons, and filters
// the same results, as the straightforward path: every candidate retrieved
// with its snippet (around the typed terms and the SnippetExpansion
// heaviest expansion terms), its vector computed afresh, usermodel.Rerank on plain
// vectors, the top K shown. Checked on queries the person marked before
// (reformulated, re-ranked and filtered), twice each (the second time
// from the caches), and again after one more mark.
func TestSearchWithProfileShowsWhatTheStraightforwardPathShows(t *testing.T) {
	cfg := DefaultConfig()
	f := syntheticPerson(t, cfg)
	queries := []string{"glacier moraine", "river valley", "basalt lava", "glacier", "ice river valley"}
	for _, text := range queries {
		resp := f.search(t, Request{Query: text})
		for i, r := range resp.Results {
			f.mark(t, resp, r.URL, i%3 == 0)
		}
	}
	filtered, reformulated := 0, 0
	for round := range 3 {
		if round == 2 {
			// A new mark: the cached profile and rejected documents give way.
			resp := f.search(t, Request{Query: queries[0]})
			f.mark(t, resp, resp.Results[0].URL, false)
		}
		for _, text := range queries {
			resp := f.search(t, Request{Query: text})
			if len(resp.Expanded) > 0 {
				reformulated++
			}
			filtered += len(resp.Filtered)
			want, wantFiltered := straightforwardSearch(t, f, cfg, text, resp.Expanded)
			got := shownOf(resp.Results)
			if len(got) != len(want) {
				t.Errorf("round %d, %q: %d results shown, the straightforward path shows %d", round, text, len(got), len(want))
				continue
			}
			for i := range got {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("round %d, %q: result %d is\n%+v\nwant (straightforward path)\n%+v", round, text, i+1, got[i], want[i])
				}
			}
			if !reflect.DeepEqual(resp.Filtered, wantFiltered) {
				t.Errorf("round %d, %q: filtered %+v, want %+v", round, text, resp.Filtered, wantFiltered)
			}
		}
	}
	if filtered == 0 || reformulated == 0 {
		t.Fatalf("%d results filtered, %d queries reformulated: the fixture does not exercise the profile", filtered, reformulated)
	}
}

// straightforwardSearch is Agent.Search with the profile for text over the
// local index alone, the plain way; expanded is the query it ran.
func straightforwardSearch(t *testing.T, f agentFixture, cfg Config, text string, expanded []usermodel.TermWeight) ([]shownResult, []Filtered) {
	t.Helper()
	ctx := context.Background()
	q, err := f.ix.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	typed := len(q.Terms)
	var snippetTerms []index.WeightedTerm
	if len(expanded) > 0 {
		// Snippets show the typed terms and the SnippetExpansion heaviest
		// added ones (expanded is heaviest first).
		snippetTerms = append(snippetTerms, q.Terms...)
		typedSet := map[string]bool{}
		for _, t := range q.Terms {
			typedSet[t.Term] = true
		}
		q.Terms = nil
		for _, tw := range expanded {
			q.Terms = append(q.Terms, index.WeightedTerm{Term: tw.Term, Weight: tw.Weight})
			if !typedSet[tw.Term] && len(snippetTerms) < typed+cfg.SnippetExpansion {
				snippetTerms = append(snippetTerms, index.WeightedTerm{Term: tw.Term, Weight: 1})
			}
		}
	}
	res, err := f.ix.Search(ctx, q, index.SearchOptions{K: cfg.Candidates, SnippetTerms: snippetTerms})
	if err != nil {
		t.Fatal(err)
	}
	var hits []Hit
	for _, h := range res.Hits {
		hits = append(hits, Hit{URL: h.URL, Title: h.Title, Content: h.Snippet.Text, Snippet: h.Snippet, Score: h.Score,
			Rank: h.Rank, DocID: h.ID, Modified: h.Modified, Origin: h.Source})
	}
	st, err := f.ag.stats.get(context.Background(), LocalName) // the weight it learned, as of the search
	if err != nil {
		t.Fatal(err)
	}
	merged, err := Merge(cfg.Merge, []SourceHits{{Source: LocalName, Weight: st.WeightFactor(), Hits: hits}})
	if err != nil {
		t.Fatal(err)
	}
	qvec, err := usermodel.TextVector(ctx, f.ix, text)
	if err != nil {
		t.Fatal(err)
	}
	marks, err := f.store.Marks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var rejected []usermodel.Vector
	for _, m := range marks {
		if qvec.Cosine(m.QueryVec) >= cfg.SimilarQuery && !m.Interested {
			rejected = append(rejected, m.Doc)
		}
	}
	profile, err := f.store.Profile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rc := cfg.Rerank
	if typed > cfg.ShortQuery {
		rc.ProfileWeight *= float64(cfg.ShortQuery) / float64(typed)
	}
	scores := rerankScores(merged)
	cands := make([]usermodel.Candidate, len(merged))
	for i, m := range merged {
		tf, err := f.ix.TermVector(ctx, m.DocID)
		if err != nil {
			t.Fatal(err)
		}
		v, err := usermodel.TFVector(ctx, f.ix, tf)
		if err != nil {
			t.Fatal(err)
		}
		cands[i] = usermodel.Candidate{Key: fmt.Sprint(i), Score: scores[i], Doc: v}
	}
	kept, dropped := usermodel.Rerank(rc, cands, profile.Terms, rejected)
	var shown []shownResult
	for _, r := range kept[:min(len(kept), cfg.K)] {
		var i int
		fmt.Sscan(r.Key, &i)
		m := merged[i]
		shown = append(shown, shownResult{m.URL, m.Title, m.Content, m.Snippet, r.Final, r.ProfileSim, r.Why})
	}
	var filtered []Filtered
	for _, d := range dropped {
		var i int
		fmt.Sscan(d.Key, &i)
		filtered = append(filtered, Filtered{URL: merged[i].URL, Title: merged[i].Title, Why: d.Why})
	}
	return shown, filtered
}

// syntheticPerson is an agent over 150 generated documents of a few
// hundred words each (drawn from a small vocabulary, so that queries
// have more matches than the profile re-ranks) and an empty model.
func syntheticPerson(t *testing.T, cfg Config) agentFixture {
	t.Helper()
	vocab := strings.Fields(`glacier moraine ice river valley basalt lava volcano crater ash
		sediment delta estuary tide coast cliff erosion dune desert oasis canyon mesa plateau
		granite quartz feldspar mica magma fault quake rift ridge trench plate mantle crust
		aquifer spring geyser lake pond marsh swamp fjord cirque tarn esker drumlin outwash`)
	rng := rand.New(rand.NewSource(8))
	var docs []index.Document
	for i := range 150 {
		// Each document leans to a few words, as real text does.
		lean := []string{vocab[rng.Intn(len(vocab))], vocab[rng.Intn(len(vocab))], vocab[rng.Intn(12)]}
		var b strings.Builder
		for range 150 + rng.Intn(300) {
			if rng.Intn(3) == 0 {
				b.WriteString(lean[rng.Intn(len(lean))])
			} else {
				b.WriteString(vocab[rng.Intn(len(vocab))])
			}
			b.WriteByte(' ')
		}
		u := fmt.Sprintf("file:///home/person/geo/%03d.txt", i)
		docs = append(docs, index.Document{ID: index.DocID(u), URL: u, Title: fmt.Sprintf("Notes %d on %s", i, lean[0]),
			Body: b.String(), Source: index.SourceFile})
	}
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	st, err := usermodel.OpenStore(filepath.Join(dir, "state.db"), usermodel.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ag, err := New(ix, st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return agentFixture{ag: ag, ix: ix, store: st}
}
