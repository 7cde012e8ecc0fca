package clientagent

import (
	"math"
	"strings"
	"testing"
)

func hits(urls ...string) []Hit {
	out := make([]Hit, len(urls))
	for i, u := range urls {
		out[i] = Hit{URL: u, Title: "t " + u, Rank: i + 1, Score: float64(len(urls) - i)}
	}
	return out
}

func urls(ms []Merged) string {
	var s []string
	for _, m := range ms {
		s = append(s, m.URL)
	}
	return strings.Join(s, " ")
}

// TestRRFWithK60 checks weighted Reciprocal Rank Fusion against
// Σ w/(60+rank) computed by hand.
func TestRRFWithK60(t *testing.T) {
	ms, err := Merge(MergeRRF, []SourceHits{
		{Source: "a", Weight: 1, Hits: hits("http://x.org/1", "http://x.org/2", "http://x.org/3")},
		{Source: "b", Weight: 2, Hits: hits("http://x.org/3", "http://x.org/4")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"http://x.org/1": 1.0 / 61,
		"http://x.org/2": 1.0 / 62,
		"http://x.org/3": 1.0/63 + 2.0/61,
		"http://x.org/4": 2.0 / 62,
	}
	if got := urls(ms); got != "http://x.org/3 http://x.org/4 http://x.org/1 http://x.org/2" {
		t.Fatalf("order %s", got)
	}
	for _, m := range ms {
		if math.Abs(m.Fused-want[m.URL]) > 1e-15 {
			t.Errorf("%s fused %v, want %v", m.URL, m.Fused, want[m.URL])
		}
	}
	if m := ms[0]; strings.Join(m.Engines, ",") != "a,b" || m.Positions[0] != 3 || m.Positions[1] != 1 {
		t.Errorf("x.org/3 engines %v positions %v, want a,b at 3,1", m.Engines, m.Positions)
	}
}

// TestMergeCollapsesURLVariants: scheme, www., fragment, tracking
// parameters and a trailing slash do not make a different result; a
// mirror with the same title and snippet collapses too.
func TestMergeCollapsesURLVariants(t *testing.T) {
	a := []Hit{
		{URL: "https://www.example.org/page/?utm_source=x&id=7#top", Title: "Page", Content: "about wings", Rank: 1},
		{URL: "https://mirror.example.net/copy", Title: "Mirror Title", Content: "same text here", Rank: 2},
	}
	b := []Hit{
		{URL: "http://example.org/page?id=7", Title: "Page", Content: "other snippet", Rank: 1, DocID: "local-7", Lang: "de"},
		{URL: "https://other.example.com/x", Title: "mirror title!", Content: "Same  text here", Rank: 2},
	}
	ms, err := Merge(MergeRRF, []SourceHits{{Source: "a", Weight: 1, Hits: a}, {Source: "b", Weight: 1, Hits: b}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("merged into %d results, want 2: %s", len(ms), urls(ms))
	}
	for _, m := range ms {
		if len(m.Engines) != 2 {
			t.Errorf("%s found by %v, want both engines", m.URL, m.Engines)
		}
	}
	if ms[0].DocID != "local-7" || ms[0].Lang != "de" {
		t.Errorf("merged result lost the local document ID or language: %+v", ms[0].Hit)
	}
}

// peerSays is a peer's list with one result, the page of
// TestMergeKeepsTheLocalDocumentsLanguage, in language lang.
func peerSays(lang string) SourceHits {
	return SourceHits{Source: PeerName("p1"), Weight: 1, Hits: []Hit{{URL: "https://example.org/suche", Title: "Suche", Rank: 1, Origin: PeerName("p1"), Lang: lang}}}
}

// TestMergeKeepsAPeersLanguage: a result only a peer knows the language
// of keeps it, whichever source ranks it best.
func TestMergeKeepsAPeersLanguage(t *testing.T) {
	engine := SourceHits{Source: "searx", Weight: 1, Hits: []Hit{{URL: "https://example.org/suche", Title: "Suche", Rank: 1}}}
	for _, lists := range [][]SourceHits{{peerSays("de"), engine}, {engine, peerSays("de")}} {
		ms, err := Merge(MergeRRF, lists)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != 1 || ms[0].Lang != "de" {
			t.Errorf("merged %+v, want one result in de", ms)
		}
	}
}

// TestMergeKeepsTheLocalDocumentsLanguage: whichever source ranks a
// result best, the language of the local document it is stays with it.
func TestMergeKeepsTheLocalDocumentsLanguage(t *testing.T) {
	local := SourceHits{Source: LocalName, Weight: 1, Hits: []Hit{
		{URL: "https://example.org/x", Rank: 1},
		{URL: "https://example.org/suche", Title: "Suche", Rank: 2, DocID: "https://example.org/suche", Lang: "de"},
	}}
	engine := SourceHits{Source: "searx", Weight: 1, Hits: []Hit{{URL: "https://example.org/suche", Title: "Suche", Rank: 1}}}
	for _, c := range []struct {
		name  string
		lists []SourceHits
	}{
		{"local first", []SourceHits{local, engine}},
		{"engine first", []SourceHits{engine, local}},
		// A peer says "en" (it may be wrong or lie): the local copy's
		// language is the one shown.
		{"peer first", []SourceHits{peerSays("en"), local}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ms, err := Merge(MergeRRF, c.lists)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range ms {
				if m.URL == "https://example.org/suche" && (m.Lang != "de" || m.DocID == "") {
					t.Errorf("merged result %+v, want the local document's ID and language de", m.Hit)
				}
			}
		})
	}
}

func TestCombMNZAndRoundRobin(t *testing.T) {
	lists := []SourceHits{
		{Source: "a", Weight: 1, Hits: []Hit{{URL: "http://h/1", Score: 10, Rank: 1}, {URL: "http://h/2", Score: 5, Rank: 2}, {URL: "http://h/3", Score: 0, Rank: 3}}},
		{Source: "b", Weight: 1, Hits: []Hit{{URL: "http://h/3", Score: 2, Rank: 1}, {URL: "http://h/4", Score: 1, Rank: 2}}},
	}
	ms, err := Merge(MergeCombMNZ, lists)
	if err != nil {
		t.Fatal(err)
	}
	// normalised: a: 1, 0.5, 0; b: 1, 0. MNZ: h/1 1·1, h/2 0.5·1, h/3 (0+1)·2 = 2, h/4 0.
	if got := urls(ms); got != "http://h/3 http://h/1 http://h/2 http://h/4" {
		t.Fatalf("CombMNZ order %s", got)
	}
	if ms[0].Fused != 2 {
		t.Errorf("CombMNZ h/3 = %v, want 2", ms[0].Fused)
	}
	rr, _ := Merge(MergeRoundRobin, lists)
	if got := urls(rr); got != "http://h/1 http://h/3 http://h/2 http://h/4" {
		t.Fatalf("round robin order %s", got)
	}
	if _, err := Merge("magic", lists); err == nil {
		t.Fatal("unknown method accepted")
	}
}

// TestMergeDuplicateInOneList: a source listing a result twice counts once,
// at its first rank.
func TestMergeDuplicateInOneList(t *testing.T) {
	ms, _ := Merge(MergeRRF, []SourceHits{{Source: "a", Weight: 1, Hits: hits("http://d/1", "https://d/1", "http://d/2")}})
	if len(ms) != 2 || len(ms[0].Engines) != 1 || ms[0].Fused != 1.0/61 {
		t.Fatalf("duplicate counted twice: %+v", ms)
	}
}

// TestRRFTiesGoToStrongerEvidence: the same rank in two lists ties in
// RRF; the result its own source rates closer to its best comes first.
func TestRRFTiesGoToStrongerEvidence(t *testing.T) {
	ms, err := Merge(MergeRRF, []SourceHits{
		{Source: "a", Weight: 1, Hits: []Hit{{URL: "http://a/1", Score: 10, Rank: 1}, {URL: "http://a/2", Score: 2, Rank: 2}}},
		{Source: "b", Weight: 1, Hits: []Hit{{URL: "http://b/1", Score: 4, Rank: 1}, {URL: "http://b/2", Score: 3.9, Rank: 2}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Rank 1: both at evidence 1, first appearance decides. Rank 2: b/2
	// (3.9 of 4) before a/2 (2 of 10).
	if got := urls(ms); got != "http://a/1 http://b/1 http://b/2 http://a/2" {
		t.Fatalf("order %s", got)
	}
}

// TestMirrorCastsNoSecondVote: a page found under another URL with the
// same text is merged (both engines listed) but RRF counts it once.
func TestMirrorCastsNoSecondVote(t *testing.T) {
	ms, _ := Merge(MergeRRF, []SourceHits{
		{Source: "a", Weight: 1, Hits: []Hit{{URL: "http://one.example/p", Title: "Same", Content: "same words", Rank: 1}}},
		{Source: "b", Weight: 1, Hits: []Hit{{URL: "http://two.example/p", Title: "Same", Content: "same words", Rank: 1}}},
	})
	if len(ms) != 1 || len(ms[0].Engines) != 2 || ms[0].Fused != 1.0/61 {
		t.Fatalf("mirror merge = %+v, want one result, two engines, one vote", ms)
	}
}
