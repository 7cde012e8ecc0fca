package clientagent

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
)

// TestReformCacheGivesWhatReformulatingAfreshGives: a search's
// reformulation from the cache is, step after step, what
// usermodel.ReformulateWith gives for the same inputs: the same query
// again; another query; another weight or mark on a judged document;
// another judged document; another profile; and a write to the index
// that lets an expansion term through the document-frequency floor,
// which the cached reformulation, made before the write, lacks. Each
// step also checks that its reformulation differs from the step
// before's where it should, so the steps exercise the cache's key.
func TestReformCacheGivesWhatReformulatingAfreshGives(t *testing.T) {
	ctx := context.Background()
	f := newAgentFixture(t, DefaultConfig())
	cfg := DefaultConfig().Reform
	query := func(text string) []index.WeightedTerm {
		q, err := f.ix.ParseQuery(text)
		if err != nil {
			t.Fatal(err)
		}
		return q.Terms
	}
	glacier := usermodel.Vector{"glacier": 0.6, "moraine": 0.5, "cirqu": 0.4, "zzrareterm": 0.45}
	lava := usermodel.Vector{"lava": 0.7, "basalt": 0.5, "crater": 0.3}
	profile := usermodel.Vector{"ice": 0.8, "valley": 0.6}
	other := usermodel.Vector{"crater": 0.9, "ash": 0.4}
	var c reformCache
	judged := func(w float64, lavaInterested bool, second usermodel.Vector) []usermodel.Judged {
		return []usermodel.Judged{{Doc: glacier, Interested: true, Weight: w}, {Doc: second, Interested: true, Weight: 1}, {Doc: lava, Interested: lavaInterested, Weight: 1}}
	}
	crater := usermodel.Vector{"crater": 1}
	steps := []struct {
		name    string
		query   string
		judged  []usermodel.Judged
		profile usermodel.Vector
		index   []index.Document // written before the step
		differs bool             // from the step before's
	}{
		{name: "first", query: "glacier ice", judged: judged(1, false, other), profile: profile},
		{name: "the same again", query: "glacier ice", judged: judged(1, false, other), profile: profile},
		{name: "another query", query: "glacier valley", judged: judged(1, false, other), profile: profile, differs: true},
		{name: "a lighter mark", query: "glacier valley", judged: judged(0.5, false, other), profile: profile, differs: true},
		{name: "another mark", query: "glacier valley", judged: judged(0.5, true, other), profile: profile, differs: true},
		{name: "another document", query: "glacier valley", judged: judged(0.5, true, usermodel.Vector{"glacier": 0.9, "crater": 0.1}), profile: profile, differs: true},
		{name: "another profile", query: "glacier valley", judged: judged(0.5, true, other), profile: crater, differs: true},
		{name: "the index changed", query: "glacier valley", judged: judged(0.5, true, other), profile: crater,
			index: []index.Document{
				{ID: "r1", URL: "https://r.example/1", Title: "one", Body: "zzrareterm once", Source: index.SourceWeb},
				{ID: "r2", URL: "https://r.example/2", Title: "two", Body: "zzrareterm twice", Source: index.SourceWeb},
			}, differs: true},
	}
	var before usermodel.Reformulation
	for i, s := range steps {
		if len(s.index) > 0 {
			if err := f.ix.Index(ctx, s.index); err != nil {
				t.Fatal(err)
			}
		}
		q := query(s.query)
		base := usermodel.Vector{}
		for _, t := range q {
			base[t.Term] = t.Weight
		}
		unit := s.profile.Normalized()
		if i > 0 && sameMap(steps[i-1].profile, s.profile) {
			unit = c.entries[0].profile // the unit profile is the same map from search to search (unitCache)
		}
		want, err := usermodel.ReformulateWith(ctx, f.ix, cfg, base, s.judged, unit)
		if err != nil {
			t.Fatal(err)
		}
		got, err := c.reformulate(ctx, f.ix, cfg, q, s.judged, unit)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: reformulated to\n%+v\nwant (afresh)\n%+v", s.name, got, want)
		}
		if i > 0 && reflect.DeepEqual(got, before) == s.differs {
			t.Errorf("%s: the reformulation differs from the step before's: %v, want %v", s.name, !s.differs, s.differs)
		}
		if s.name == "the index changed" && !slices.Contains(got.Added, "zzrareterm") {
			t.Errorf("%s: a term now in two documents was not added: %v", s.name, got.Added)
		}
		if s.name == "the same again" && len(c.entries) != 1 {
			t.Errorf("%s: %d reformulations cached, want 1 (the same inputs again)", s.name, len(c.entries))
		}
		// Entries of an older profile or index version are never matched
		// again: only the current profile's, at the current version, stay.
		for _, e := range c.entries {
			if !sameMap(e.profile, unit) || e.version != f.ix.Version() {
				t.Errorf("%s: the cache still holds a reformulation of an older profile or index", s.name)
			}
		}
		got.Terms[0].Weight = -1 // the caller's own: the cache keeps its copy
		before = want
	}
}
