package clientagent

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// Pages of testdata/corpus.json the tests refer to.
const (
	corpusXF       = "https://cars.example/jaguar-xf"
	corpusLease    = "https://deals.example/jaguar-lease"
	corpusCat      = "https://wild.example/jaguar"
	corpusPredator = "https://wild.example/rainforest-predators"
	corpusBigCats  = "https://wild.example/big-cats"
	corpusCapybara = "https://wild.example/capybara"
)

// agentFixture is a client agent over a real on-disk index of
// testdata/corpus.json and a real store, both in a fresh directory.
type agentFixture struct {
	ag    *Agent
	ix    *index.Index
	store *usermodel.Store
}

// newAgentFixture indexes the corpus and opens an agent with cfg.
func newAgentFixture(t *testing.T, cfg Config) agentFixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	var corpus struct {
		Docs []index.Document `json:"docs"`
	}
	if err := json.Unmarshal(raw, &corpus); err != nil {
		t.Fatalf("testdata/corpus.json: %v", err)
	}
	for i := range corpus.Docs {
		d := &corpus.Docs[i]
		d.ID, d.Source = index.DocID(d.URL), index.SourceWeb
	}
	dir := t.TempDir()
	ix, err := index.Open(filepath.Join(dir, "index"), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if err := ix.Index(context.Background(), corpus.Docs); err != nil {
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

// search runs a request that must succeed.
func (f agentFixture) search(t *testing.T, req Request) *Response {
	t.Helper()
	resp, err := f.ag.Search(context.Background(), req)
	if err != nil {
		t.Fatalf("Search(%q): %v", req.Query, err)
	}
	return resp
}

// mark marks a shown result; it must succeed.
func (f agentFixture) mark(t *testing.T, resp *Response, url string, interested bool) {
	t.Helper()
	if _, _, err := f.ag.Mark(context.Background(), resp.QueryID, url, interested); err != nil {
		t.Fatalf("Mark(%s, %v): %v", url, interested, err)
	}
}

// shownURLs lists the results' URLs in the order shown.
func shownURLs(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.URL
	}
	return out
}

// plainOrder is what the index alone returns for text: the order a
// search with no user model must show.
func (f agentFixture) plainOrder(t *testing.T, text string, k int) []string {
	t.Helper()
	q, err := f.ix.ParseQuery(text)
	if err != nil {
		t.Fatal(err)
	}
	res, err := f.ix.Search(context.Background(), q, index.SearchOptions{K: k})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		out[i] = h.URL
	}
	return out
}

// dumpDB returns every key and value in the store's file, nested buckets
// as path prefixes, to show that a refused operation wrote nothing.
func (f agentFixture) dumpDB(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(prefix string, b *bbolt.Bucket) error
	walk = func(prefix string, b *bbolt.Bucket) error {
		out[prefix+"#seq"] = fmt.Sprint(b.Sequence())
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(prefix+string(k)+"/", b.Bucket(k))
			}
			out[prefix+string(k)] = string(v)
			return nil
		})
	}
	var copyOf bytes.Buffer
	if err := f.store.Backup(context.Background(), &copyOf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "state-copy.db")
	if err := os.WriteFile(path, copyOf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error { return walk(string(name)+"/", b) })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rankOf is the rank at which url was shown, 0 if it was not.
func rankOf(rs []Result, url string) int {
	for _, r := range rs {
		if r.URL == url {
			return r.Rank
		}
	}
	return 0
}

// TestSearchWithEmptyModelShowsTheIndexOrderAndRecordsIt: before any
// mark the agent shows what the index ranks, says so, changes nothing in
// the query, and remembers the search with the results shown.
func TestSearchWithEmptyModelShowsTheIndexOrderAndRecordsIt(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	for _, tc := range []struct {
		query string
		k     int
	}{
		{"jaguar", 0},
		{"jaguar", 3},
		{"rainforest predators", 0},
		{"jaguar sedan engine", 0},
		{"python", 0},
	} {
		t.Run(fmt.Sprintf("%s/k=%d", tc.query, tc.k), func(t *testing.T) {
			resp := f.search(t, Request{Query: tc.query, K: tc.k})
			k := tc.k
			if k == 0 {
				k = DefaultConfig().K
			}
			want := f.plainOrder(t, tc.query, k)
			if got := shownURLs(resp.Results); !slices.Equal(got, want) {
				t.Fatalf("results %v, want the index's order %v", got, want)
			}
			if resp.QueryID == "" || resp.Query != tc.query {
				t.Errorf("query ID %q, query %q", resp.QueryID, resp.Query)
			}
			if len(resp.Expanded) != 0 || len(resp.Added) != 0 || len(resp.Dropped) != 0 || len(resp.Filtered) != 0 {
				t.Errorf("empty model changed the search: expanded %v added %v dropped %v filtered %v",
					resp.Expanded, resp.Added, resp.Dropped, resp.Filtered)
			}
			for i, r := range resp.Results {
				if r.Rank != i+1 || r.Why != "retrieval score" || r.ProfileSim != 0 {
					t.Errorf("result %d: rank %d why %q profile sim %v", i+1, r.Rank, r.Why, r.ProfileSim)
				}
				if r.DocID != r.URL {
					t.Errorf("result %d: doc ID %q, want the local index ID %q", i+1, r.DocID, r.URL)
				}
			}
			rec, ok, err := f.store.Query(ctx, resp.QueryID)
			if err != nil || !ok {
				t.Fatalf("store.Query(%q) = %v, %v: the search was not recorded", resp.QueryID, ok, err)
			}
			if rec.Text != tc.query || len(rec.QueryVec) == 0 || rec.Time.IsZero() {
				t.Errorf("recorded text %q, query vector %v, time %v", rec.Text, rec.QueryVec, rec.Time)
			}
			var recorded []string
			for i, r := range rec.Results {
				recorded = append(recorded, r.URL)
				if r.Rank != i+1 || r.DocID != r.URL {
					t.Errorf("recorded result %d: rank %d doc ID %q", i+1, r.Rank, r.DocID)
				}
			}
			if !slices.Equal(recorded, want) {
				t.Errorf("recorded results %v, want the ones shown %v", recorded, want)
			}
		})
	}
}

// TestInterestedMarkReformulatesTheSameQueryAndLiftsTheDocument: after
// a + on a result, the same query again is expanded with terms of that
// document, and the document comes first.
func TestInterestedMarkReformulatesTheSameQueryAndLiftsTheDocument(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	first := f.search(t, Request{Query: "jaguar"})
	if r := rankOf(first.Results, corpusCat); r <= 1 {
		t.Fatalf("test premise: the big-cat page should not lead the plain results (rank %d)", r)
	}
	f.mark(t, first, corpusCat, true)

	again := f.search(t, Request{Query: "jaguar"})
	if len(again.Expanded) == 0 || len(again.Added) == 0 {
		t.Fatalf("same query after a mark: expanded %v, added %v; want a reformulated query", again.Expanded, again.Added)
	}
	tf, err := f.ix.TermVector(ctx, corpusCat)
	if err != nil {
		t.Fatal(err)
	}
	for _, term := range again.Added {
		if term == "jaguar" {
			t.Errorf("added %q, a term of the original query", term)
		}
		if tf[term] == 0 {
			t.Errorf("added %q, not a term of the marked document", term)
		}
	}
	if len(again.Results) == 0 || again.Results[0].URL != corpusCat {
		t.Fatalf("results %v, want the marked page %s first", shownURLs(again.Results), corpusCat)
	}
	if rec, ok, _ := f.store.Query(ctx, again.QueryID); !ok || !slices.Equal(termsOf(rec.Expanded), termsOf(again.Expanded)) {
		t.Errorf("the recorded search does not carry the expanded query")
	}
}

// termsOf lists the terms of a weighted query.
func termsOf(tws []usermodel.TermWeight) []string {
	out := make([]string, len(tws))
	for i, tw := range tws {
		out[i] = tw.Term
	}
	return out
}

// TestRejectedResultIsFilteredForTheSameNeedOnly: after a − on a result,
// the same query again leaves it out and says why; an unrelated query
// still shows it, since a mark speaks for the need it was made for.
func TestRejectedResultIsFilteredForTheSameNeedOnly(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	first := f.search(t, Request{Query: "jaguar"})
	if rankOf(first.Results, corpusLease) == 0 {
		t.Fatalf("test premise: the lease advert should be among %v", shownURLs(first.Results))
	}
	f.mark(t, first, corpusLease, false)

	again := f.search(t, Request{Query: "jaguar"})
	if r := rankOf(again.Results, corpusLease); r != 0 {
		t.Errorf("rejected page shown again at rank %d for the same query", r)
	}
	var filtered *Filtered
	for i := range again.Filtered {
		if again.Filtered[i].URL == corpusLease {
			filtered = &again.Filtered[i]
		}
	}
	if filtered == nil {
		t.Fatalf("filtered %+v, want the rejected page listed", again.Filtered)
	}
	if !strings.Contains(filtered.Why, "not interested") || filtered.Title == "" {
		t.Errorf("filtered entry %+v: want its title and a reason naming the rejection", *filtered)
	}
	if len(again.Results) != len(first.Results)-1 {
		t.Errorf("%d results, want the %d of before less the rejected one", len(again.Results), len(first.Results))
	}

	other := f.search(t, Request{Query: "dealer price"})
	if rankOf(other.Results, corpusLease) == 0 {
		t.Errorf("an unrelated query %q hides the page rejected for %q: results %v, filtered %+v",
			other.Query, first.Query, shownURLs(other.Results), other.Filtered)
	}
	if len(other.Filtered) != 0 {
		t.Errorf("an unrelated query filtered %+v", other.Filtered)
	}
}

// TestNoProfileShowsThePlainOrderDespiteMarks: with the user model
// turned off for a search, marks and profile change nothing.
func TestNoProfileShowsThePlainOrderDespiteMarks(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	queries := []string{"jaguar", "rainforest predators", "dealer price"}
	before := map[string][]string{}
	for _, q := range queries {
		before[q] = shownURLs(f.search(t, Request{Query: q, NoProfile: true}).Results)
	}
	r := f.search(t, Request{Query: "jaguar"})
	f.mark(t, r, corpusCat, true)
	f.mark(t, r, corpusLease, false)
	r = f.search(t, Request{Query: "rainforest predators"})
	f.mark(t, r, corpusCapybara, true)

	for _, q := range queries {
		t.Run(q, func(t *testing.T) {
			resp := f.search(t, Request{Query: q, NoProfile: true})
			got := shownURLs(resp.Results)
			if want := f.plainOrder(t, q, DefaultConfig().K); !slices.Equal(got, want) || !slices.Equal(got, before[q]) {
				t.Fatalf("NoProfile results %v, want the plain order %v (before any mark %v)", got, want, before[q])
			}
			if len(resp.Expanded) != 0 || len(resp.Filtered) != 0 {
				t.Errorf("NoProfile search expanded %v, filtered %+v", resp.Expanded, resp.Filtered)
			}
			for _, res := range resp.Results {
				if res.Why != "retrieval score" {
					t.Errorf("%s: why %q, want %q", res.URL, res.Why, "retrieval score")
				}
			}
		})
	}
	// Control: with the model on, the same marks do change "jaguar".
	if on := shownURLs(f.search(t, Request{Query: "jaguar"}).Results); slices.Equal(on, before["jaguar"]) {
		t.Fatalf("with the model on the marks changed nothing either (%v): the test shows nothing", on)
	}
}

// displacement is Σ |new rank − plain rank| over the results shown in
// both lists.
func displacement(plain, got []string) int {
	d := 0
	for i, u := range got {
		if j := slices.Index(plain, u); j >= 0 {
			d += max(i-j, j-i)
		}
	}
	return d
}

// longJaguarQuery is a specific need: every word of it is on the XF review.
const longJaguarQuery = "jaguar luxury sedan engine dealer price leather review"

// wildlifePerson returns an agent whose person cares about wildlife: three
// + on the results of "rainforest predators", a need unrelated to any
// jaguar query (so only the profile, not those marks, acts on them).
func wildlifePerson(t *testing.T, cfg Config) agentFixture {
	t.Helper()
	f := newAgentFixture(t, cfg)
	r := f.search(t, Request{Query: "rainforest predators"})
	for _, u := range []string{corpusPredator, corpusBigCats, corpusCapybara} {
		f.mark(t, r, u, true)
	}
	return f
}

// TestProfileLiftsInterestingPageForOneWordQuery: for an ambiguous
// one-word query the profile re-ranks with its full weight, so the page
// matching the person's interests moves up.
func TestProfileLiftsInterestingPageForOneWordQuery(t *testing.T) {
	f := wildlifePerson(t, DefaultConfig())
	plain := f.plainOrder(t, "jaguar", 10)
	resp := f.search(t, Request{Query: "jaguar"})
	got := shownURLs(resp.Results)
	if was, now := slices.Index(plain, corpusCat)+1, slices.Index(got, corpusCat)+1; now >= was {
		t.Errorf("the big-cat page went from rank %d to %d, want it lifted by the profile (%v)", was, now, got)
	}
	if len(resp.Added) != 0 {
		t.Errorf("marks of another need expanded the query with %v", resp.Added)
	}
	for _, r := range resp.Results {
		if want := slices.Index(plain, r.URL) + 1; r.Rank < want && !strings.HasPrefix(r.Why, fmt.Sprintf("up %d: ", want-r.Rank)) {
			t.Errorf("%s rose from %d to %d but why says %q", r.URL, want, r.Rank, r.Why)
		}
	}
}

// TestProfileMovesLongQueriesMuchLess: a long query says more about what
// is wanted, so Config.ShortQuery scales the profile weight down: the page
// matching every word stays first, results move at most half as much as
// for the one-word query, and less than with the scaling turned off.
func TestProfileMovesLongQueriesMuchLess(t *testing.T) {
	f := wildlifePerson(t, DefaultConfig())
	plainShort := f.plainOrder(t, "jaguar", 10)
	plainLong := f.plainOrder(t, longJaguarQuery, 10)
	short := shownURLs(f.search(t, Request{Query: "jaguar"}).Results)
	long := shownURLs(f.search(t, Request{Query: longJaguarQuery}).Results)
	if long[0] != plainLong[0] {
		t.Errorf("%s overtook %s, the page matching every word: %v", long[0], plainLong[0], long)
	}
	ds, dl := displacement(plainShort, short), displacement(plainLong, long)
	t.Logf("places moved: one-word query %d, long query %d", ds, dl)
	if 2*dl > ds {
		t.Errorf("the long query moved results by %d places in all, the one-word query by %d: want at most half", dl, ds)
	}

	// Without the scaling the same long query moves more: the scaling is
	// what holds it.
	cfg := DefaultConfig()
	cfg.ShortQuery = 100
	unscaled := agentFixture{ix: f.ix, store: f.store}
	var err error
	if unscaled.ag, err = New(f.ix, f.store, cfg); err != nil {
		t.Fatal(err)
	}
	du := displacement(plainLong, shownURLs(unscaled.search(t, Request{Query: longJaguarQuery}).Results))
	t.Logf("long query without scaling: %d", du)
	if du <= dl {
		t.Errorf("long query with ShortQuery 100 moved results by %d, with the default by %d: want the default to move less", du, dl)
	}
}

// TestMarkErrorsChangeNothing: a mark for a search never recorded, or for
// a result that search did not show, is refused with the documented error
// and leaves the log, the profile and the whole store file as they were.
func TestMarkErrorsChangeNothing(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	jag := f.search(t, Request{Query: "jaguar"})
	f.mark(t, jag, corpusXF, true) // a log that is not empty
	py := f.search(t, Request{Query: "python"})

	cases := []struct {
		name    string
		queryID string
		url     string
		want    error
	}{
		{"unknown query ID", "no-such-search", corpusXF, usermodel.ErrUnknownQuery},
		{"empty query ID", "", corpusXF, usermodel.ErrUnknownQuery},
		{"URL shown for another search", py.QueryID, corpusCat, usermodel.ErrNotShown},
		{"URL never shown", jag.QueryID, "https://nowhere.example/", usermodel.ErrNotShown},
		{"empty URL", jag.QueryID, "", usermodel.ErrNotShown},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			marks, _ := f.store.Marks(ctx)
			prof, _ := f.store.Profile(ctx)
			dump := f.dumpDB(t)
			for _, interested := range []bool{true, false} {
				if _, _, err := f.ag.Mark(ctx, tc.queryID, tc.url, interested); !errors.Is(err, tc.want) {
					t.Fatalf("Mark(%q, %q, %v) err = %v, want %v", tc.queryID, tc.url, interested, err, tc.want)
				}
			}
			if now, _ := f.store.Marks(ctx); !reflect.DeepEqual(now, marks) {
				t.Errorf("marks changed: %+v, were %+v", now, marks)
			}
			if now, _ := f.store.Profile(ctx); !reflect.DeepEqual(now, prof) {
				t.Errorf("profile changed")
			}
			if now := f.dumpDB(t); !reflect.DeepEqual(now, dump) {
				t.Errorf("the store file changed")
			}
		})
	}
}

// TestUndoRestoresTheExactProfileBeforeTheMark.
func TestUndoRestoresTheExactProfileBeforeTheMark(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	r := f.search(t, Request{Query: "jaguar"})
	_, p1, err := f.ag.Mark(ctx, r.QueryID, corpusCat, true)
	if err != nil {
		t.Fatal(err)
	}
	marks1, _ := f.store.Marks(ctx)
	r = f.search(t, Request{Query: "dealer price"})
	m2, p2, err := f.ag.Mark(ctx, r.QueryID, corpusXF, false)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(p1.Terms, p2.Terms) {
		t.Fatal("test premise: the second mark should change the profile")
	}
	undone, p, err := f.ag.Undo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if undone.Seq != m2.Seq || undone.URL != corpusXF || undone.Interested {
		t.Errorf("undid %+v, want the last mark %+v", undone, m2)
	}
	if !reflect.DeepEqual(p, p1) {
		t.Errorf("profile after Undo %+v\nwant exactly the one before the mark %+v", p, p1)
	}
	if stored, _ := f.store.Profile(ctx); !reflect.DeepEqual(stored, p1) {
		t.Errorf("stored profile after Undo differs from the one before the mark")
	}
	if marks, _ := f.store.Marks(ctx); !reflect.DeepEqual(marks, marks1) {
		t.Errorf("log after Undo %+v, want %+v", marks, marks1)
	}
}

// TestResultDeletedSinceTheSearchCanStillBeMarked: the document vector
// then comes from the title and snippet shown.
func TestResultDeletedSinceTheSearchCanStillBeMarked(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	resp := f.search(t, Request{Query: "jaguar"})
	var shown Result
	for _, r := range resp.Results {
		if r.URL == corpusCat {
			shown = r
		}
	}
	if shown.URL == "" {
		t.Fatalf("test premise: %s among %v", corpusCat, shownURLs(resp.Results))
	}
	if err := f.ix.Delete(ctx, shown.DocID); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := f.ix.Get(ctx, shown.DocID); ok {
		t.Fatal("test premise: the document should be gone")
	}
	m, p, err := f.ag.Mark(ctx, resp.QueryID, corpusCat, true)
	if err != nil {
		t.Fatalf("marking a result deleted since the search: %v", err)
	}
	want, err := usermodel.TextVector(ctx, f.ix, shown.Title+"\n"+shown.Content)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || len(m.Doc) != len(want) {
		t.Fatalf("mark vector %v, want the vector of title and snippet %v", m.Doc, want)
	}
	for term, w := range want {
		if math.Abs(m.Doc[term]-w) > 1e-12 {
			t.Fatalf("mark vector %s = %v, want %v", term, m.Doc[term], w)
		}
	}
	if m.DocID != shown.DocID || m.Title != shown.Title || m.Query != "jaguar" {
		t.Errorf("mark %+v does not carry the result's details", m)
	}
	if p.Marks != 1 || (p.Terms["panthera"] <= 0 && p.Terms["caiman"] <= 0) {
		t.Errorf("profile %+v did not learn from the mark", p)
	}
	// And the next search, which no longer finds the page, still works.
	if again := f.search(t, Request{Query: "jaguar"}); rankOf(again.Results, corpusCat) != 0 {
		t.Errorf("deleted page still found")
	}
}

// TestBadQueryIsRefusedAndNothingRecorded: text the index cannot search
// is index.ErrBadQuery, and the store file is untouched.
func TestBadQueryIsRefusedAndNothingRecorded(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	f.mark(t, f.search(t, Request{Query: "jaguar"}), corpusCat, true) // a model to consult
	cases := []struct {
		name string
		req  Request
	}{
		{"empty", Request{Query: ""}},
		{"blank", Request{Query: " \t\n"}},
		{"stop words only", Request{Query: "the and of"}},
		{"unterminated quote", Request{Query: `"jaguar cat`}},
		{"bare operator", Request{Query: "jaguar +"}},
		{"exclusion only", Request{Query: "-jaguar"}},
		{"invalid UTF-8", Request{Query: "jaguar \xff\xfe"}},
		{"over-long", Request{Query: strings.Repeat("jaguar ", 2000)}},
		{"k above the maximum", Request{Query: "jaguar", K: index.MaxK + 1}},
		{"bad query with the model off", Request{Query: "", NoProfile: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dump := f.dumpDB(t)
			resp, err := f.ag.Search(context.Background(), tc.req)
			if !errors.Is(err, index.ErrBadQuery) {
				t.Fatalf("err = %v, want index.ErrBadQuery", err)
			}
			if resp != nil {
				t.Errorf("a response came with the error: %+v", resp)
			}
			if now := f.dumpDB(t); !reflect.DeepEqual(now, dump) {
				t.Errorf("a refused search wrote to the store")
			}
		})
	}
}

// TestMarkingAHugeDocumentIsBounded: marking a 10 MB document costs the
// store one bounded mark (its MaxDocTerms heaviest terms), and the
// profile stays within MaxTerms.
func TestMarkingAHugeDocumentIsBounded(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	var b strings.Builder
	for i := 0; b.Len() < 10<<20; i++ {
		fmt.Fprintf(&b, "jaguar w%045d ", i%5000) // long words: 10 MB in few tokens, so -race stays fast
	}
	huge := index.Document{ID: "https://big.example/jaguar", URL: "https://big.example/jaguar", Title: "Jaguar almanac", Body: b.String(), Source: index.SourceWeb}
	if err := f.ix.Index(context.Background(), []index.Document{huge}); err != nil {
		t.Fatal(err)
	}
	r := f.search(t, Request{Query: "jaguar almanac"})
	m, p, err := f.ag.Mark(context.Background(), r.QueryID, huge.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	mc := f.store.Config()
	if len(m.Doc) > mc.MaxDocTerms || len(p.Terms) > mc.MaxTerms {
		t.Fatalf("mark has %d terms (bound %d), profile %d (bound %d)", len(m.Doc), mc.MaxDocTerms, len(p.Terms), mc.MaxTerms)
	}
	raw, _ := json.Marshal(m)
	if len(raw) > 64<<10 {
		t.Fatalf("the mark of a 10 MB document takes %d bytes in the log", len(raw))
	}
}

// TestResponseJSONGivesTookInMilliseconds: the answer's duration is
// "took_ms", a number of milliseconds, as everywhere in p2pir's JSON, not
// Go's nanosecond count.
func TestResponseJSONGivesTookInMilliseconds(t *testing.T) {
	resp := &Response{Took: 1500 * time.Microsecond, TookMS: 1.5}
	raw, err := json.Marshal(resp)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if _, ok := m["took"]; ok {
		t.Errorf("JSON has Go's duration under \"took\": %s", raw)
	}
	if got, ok := m["took_ms"].(float64); !ok || got != 1.5 {
		t.Errorf("took_ms = %v, want 1.5 (%s)", m["took_ms"], raw)
	}

	f := newAgentFixture(t, DefaultConfig())
	live := f.search(t, Request{Query: "jaguar"})
	if want := float64(live.Took.Microseconds()) / 1000; live.TookMS != want {
		t.Errorf("search: took_ms %v, want %v (Took %v)", live.TookMS, want, live.Took)
	}
}

// TestScoresOrderTheResults: the score each result shows is the one the
// results are ordered by, with the profile re-ranking and without it
// (before, the fused score was shown, out of order after re-ranking),
// for every merge method.
func TestScoresOrderTheResults(t *testing.T) {
	f := wildlifePerson(t, DefaultConfig())
	for _, merge := range []string{"", "rrf", "combsum", "combmnz", "roundrobin"} {
		for _, noProfile := range []bool{false, true} {
			resp := f.search(t, Request{Query: "jaguar", Merge: merge, NoProfile: noProfile})
			moved := false
			for i, r := range resp.Results {
				if i > 0 && r.Score > resp.Results[i-1].Score {
					t.Errorf("merge %q, no profile %v: result %d scores %v above result %d's %v", merge, noProfile, i+1, r.Score, i, resp.Results[i-1].Score)
				}
				moved = moved || strings.HasPrefix(r.Why, "up ")
			}
			if !noProfile && !moved {
				t.Errorf("merge %q: the profile moved nothing, so the test shows nothing", merge)
			}
		}
	}
}
