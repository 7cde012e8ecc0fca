package usermodel

import (
	"math"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func mark(url string, interested bool, at time.Time, doc Vector) Mark {
	return Mark{QueryID: "q", URL: url, Interested: interested, Time: at, Doc: doc}
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

// TestRocchioArithmetic checks Apply against P ← d·P ± w·doc computed by
// hand on two-term vectors.
func TestRocchioArithmetic(t *testing.T) {
	cfg := Config{Beta: 1, Gamma: 0.5, DecayPerMark: 0.9, HalfLife: 0, MaxTerms: 10, MaxDocTerms: 10}
	var p Profile
	steps := []struct {
		m    Mark
		want Vector
	}{
		{mark("a", true, t0, Vector{"flow": 0.6, "wing": 0.8}), Vector{"flow": 0.6, "wing": 0.8}},
		// 0.9·P + 1·doc
		{mark("b", true, t0.Add(time.Minute), Vector{"flow": 1}), Vector{"flow": 0.9*0.6 + 1, "wing": 0.9 * 0.8}},
		// 0.9·P − 0.5·doc
		{mark("c", false, t0.Add(2*time.Minute), Vector{"wing": 1, "car": 0.5}),
			Vector{"flow": 0.9 * (0.9*0.6 + 1), "wing": 0.9*0.9*0.8 - 0.5, "car": -0.25}},
	}
	for i, s := range steps {
		if err := p.Apply(cfg, s.m); err != nil {
			t.Fatal(err)
		}
		if len(p.Terms) != len(s.want) {
			t.Fatalf("step %d: profile %v, want %v", i, p.Terms, s.want)
		}
		for term, w := range s.want {
			if !near(p.Terms[term], w) {
				t.Fatalf("step %d: %s = %v, want %v", i, term, p.Terms[term], w)
			}
		}
	}
	if p.Marks != 3 || p.Version != 3 || !p.LastMark.Equal(t0.Add(2*time.Minute)) {
		t.Fatalf("bookkeeping: %+v", p)
	}
}

// TestTimeDecayHalvesPerHalfLife: a mark one half-life after the previous
// one finds the old evidence halved (times the per-mark decay).
func TestTimeDecayHalvesPerHalfLife(t *testing.T) {
	cfg := Config{Beta: 1, Gamma: 0.5, DecayPerMark: 1, HalfLife: 24 * time.Hour, MaxTerms: 10, MaxDocTerms: 10}
	var p Profile
	p.Apply(cfg, mark("a", true, t0, Vector{"x": 1}))
	p.Apply(cfg, mark("b", true, t0.Add(24*time.Hour), Vector{"y": 1}))
	if !near(p.Terms["x"], 0.5) || !near(p.Terms["y"], 1) {
		t.Fatalf("profile %v, want x 0.5, y 1", p.Terms)
	}
}

func TestProfileIsBounded(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxTerms, cfg.MaxDocTerms = 5, 3
	var p Profile
	p.Apply(cfg, mark("a", true, t0, Vector{"a": 5, "b": 4, "c": 3, "d": 2, "e": 1}))
	if len(p.Terms) != 3 || p.Terms["d"] != 0 {
		t.Fatalf("doc not cut to its 3 heaviest terms: %v", p.Terms)
	}
	p.Apply(cfg, mark("b", true, t0, Vector{"f": 9, "g": 8, "h": 7}))
	if len(p.Terms) != 5 {
		t.Fatalf("profile has %d terms, bound is 5: %v", len(p.Terms), p.Terms)
	}
}

// TestRebuildEqualsIncremental: applying marks one by one and rebuilding
// from the log give identical profiles, bit for bit.
func TestRebuildEqualsIncremental(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxTerms = 7
	var marks []Mark
	var p Profile
	for i := 0; i < 40; i++ {
		doc := Vector{}
		for j := 0; j < 6; j++ {
			doc[string(rune('a'+(i*7+j*3)%20))] = 1 / float64(1+j)
		}
		m := mark("u", i%3 != 0, t0.Add(time.Duration(i)*37*time.Hour), doc.Normalized())
		m.Seq = uint64(i + 1)
		marks = append(marks, m)
		if err := p.Apply(cfg, m); err != nil {
			t.Fatal(err)
		}
	}
	r, err := Rebuild(cfg, marks)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, r) {
		t.Fatalf("incremental %+v\nrebuilt     %+v", p, r)
	}
	// Undo is a rebuild without the last mark: equal to the profile before it.
	before, _ := Rebuild(cfg, marks[:39])
	var inc Profile
	for _, m := range marks[:39] {
		inc.Apply(cfg, m)
	}
	if !reflect.DeepEqual(before, inc) {
		t.Fatal("rebuild of a prefix differs from the incremental profile at that point")
	}
}

func TestApplyRefusesBadMarks(t *testing.T) {
	cfg := DefaultConfig()
	bad := []struct {
		name string
		m    Mark
	}{
		{"NaN weight", mark("a", true, t0, Vector{"x": math.NaN()})},
		{"Inf weight", mark("a", true, t0, Vector{"x": math.Inf(1)})},
		{"empty term", mark("a", true, t0, Vector{"": 1})},
		{"empty vector", mark("a", true, t0, Vector{})},
		{"no URL", mark("", true, t0, Vector{"x": 1})},
		{"no time", mark("a", true, time.Time{}, Vector{"x": 1})},
		{"NaN in query vector", Mark{URL: "a", Time: t0, Doc: Vector{"x": 1}, QueryVec: Vector{"q": math.NaN()}}},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			p := Profile{Terms: Vector{"keep": 1}, Marks: 1, Version: 1}
			if err := p.Apply(cfg, tc.m); err == nil {
				t.Fatal("Apply accepted a bad mark")
			}
			if !reflect.DeepEqual(p, Profile{Terms: Vector{"keep": 1}, Marks: 1, Version: 1}) {
				t.Fatalf("a refused mark changed the profile: %+v", p)
			}
		})
	}
}

func TestTFIDF(t *testing.T) {
	v := TFIDF(map[string]int{"rare": 1, "common": 4, "zero": 0}, map[string]uint64{"rare": 1, "common": 99}, 100)
	wr := math.Log(101 / 1.5)
	wc := (1 + math.Log(4)) * math.Log(101/99.5)
	n := math.Hypot(wr, wc)
	if !near(v["rare"], wr/n) || !near(v["common"], wc/n) || len(v) != 2 {
		t.Fatalf("TFIDF = %v, want rare %v common %v", v, wr/n, wc/n)
	}
	if !near(v.Norm(), 1) {
		t.Fatalf("norm %v, want 1", v.Norm())
	}
}
