package clientagent

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/p2pir/p2pir/index"
)

// readFixture is testdata/neardup/NAME, title (its first line) and body.
func readFixture(t *testing.T, name string) (title, body string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "neardup", name))
	if err != nil {
		t.Fatal(err)
	}
	title, body, _ = strings.Cut(string(raw), "\n")
	return title, body
}

// A file and a copy with a few words changed resemble each other at least
// NearDuplicateResemblance; two files on a related subject, of a
// text and its words in another order, and short texts (too short to
// tell a copy from a coincidence), are not.
func TestResemblanceSeparatesNearDuplicatesFromRelatedTexts(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	sk := func(name string) sketch {
		title, body := readFixture(t, name)
		return shingleSketch(f.ix.Analyze(title + "\n" + body))
	}
	short := func(s string) sketch { return shingleSketch(f.ix.Analyze(s)) }
	tests := []struct {
		name string
		a, b sketch
		want bool
	}{
		{"a file and itself", sk("sourdough.md"), sk("sourdough.md"), true},
		{"a copy with words changed", sk("sourdough.md"), sk("sourdough-copy.txt"), true},
		{"a related text", sk("sourdough.md"), sk("bread-flour.md"), false},
		{"short texts, one word apart", short("feed the starter daily"), short("feed the starter weekly"), false},
		{"short texts, the same words", short("feed the starter daily"), short("Feed the starter, daily!"), false},
		{"short texts, the same words in another order", short("feed the starter daily"), short("daily feed the starter"), false},
		{"the same words shuffled", sk("sourdough.md"), shuffled(t, f, "sourdough.md"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := nearDuplicate(tc.a, tc.b); got != tc.want {
				t.Errorf("nearDuplicate = %v (resemblance %.3f, %d and %d shingles), want %v",
					got, resemblance(tc.a, tc.b), tc.a.shingles, tc.b.shingles, tc.want)
			}
		})
	}
}

// TestSearchCollapsesNearDuplicateFiles: a search finding a file and a
// near copy of it under another name shows the better-ranked one, with
// the other's URL and the count; a related file and a web page with the
// same text stay apart.
func TestSearchCollapsesNearDuplicateFiles(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	var docs []index.Document
	for _, d := range []struct{ url, name, source string }{
		{"file:///notes/sourdough.md", "sourdough.md", index.SourceFile},
		{"file:///backup/sourdough-copy.txt", "sourdough-copy.txt", index.SourceFile},
		{"file:///notes/bread-flour.md", "bread-flour.md", index.SourceFile},
		{"https://bakery.example/sourdough", "sourdough.md", index.SourceWeb},
	} {
		title, body := readFixture(t, d.name)
		docs = append(docs, index.Document{ID: index.DocID(d.url), URL: d.url, Title: title, Body: body, Source: d.source})
	}
	if err := f.ix.Index(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	resp := f.search(t, Request{Query: "sourdough starter feeding", NoProfile: true})
	var files []Result
	for _, r := range resp.Results {
		if r.Source == "file" {
			files = append(files, r)
		}
	}
	if len(files) != 2 {
		t.Fatalf("file results %v, want the sourdough note once and the flour note", shownURLs(files))
	}
	kept := files[0]
	copies := []string{"file:///notes/sourdough.md", "file:///backup/sourdough-copy.txt"}
	if !slices.Contains(copies, kept.URL) || len(kept.NearDuplicates) != 1 || !slices.Contains(copies, kept.NearDuplicates[0]) ||
		kept.NearDuplicates[0] == kept.URL || kept.Duplicates != 1 {
		t.Errorf("first file result %s, near duplicates %v (%d collapsed), want one sourdough copy with the other", kept.URL, kept.NearDuplicates, kept.Duplicates)
	}
	if files[1].URL != "file:///notes/bread-flour.md" || len(files[1].NearDuplicates) != 0 || files[1].Duplicates != 0 {
		t.Errorf("second file result %s with %v, want the flour note alone", files[1].URL, files[1].NearDuplicates)
	}
	if !slices.Contains(shownURLs(resp.Results), "https://bakery.example/sourdough") {
		t.Errorf("results %v: the web page is not a file and stays", shownURLs(resp.Results))
	}
}

// shuffled is the fixture's terms in a fixed pseudo-random order: the same
// words, none of the text.
func shuffled(t *testing.T, f agentFixture, name string) sketch {
	title, body := readFixture(t, name)
	terms := f.ix.Analyze(title + "\n" + body)
	r := rand.New(rand.NewPCG(1, 2))
	r.Shuffle(len(terms), func(i, j int) { terms[i], terms[j] = terms[j], terms[i] })
	return shingleSketch(terms)
}

// The bottom-k estimate is within 0.1 of the exact Jaccard similarity of
// the shingle sets, for texts with many more shingles than the sketch
// holds, and exact for texts with fewer; nearDuplicate's shortcuts decide
// as the estimate does.
func TestResemblanceEstimatesJaccard(t *testing.T) {
	words := func(n int, seed uint64) []string {
		r := rand.New(rand.NewPCG(seed, 7))
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("w%d", r.IntN(5000))
		}
		return out
	}
	shingles := func(terms []string) map[string]bool {
		m := map[string]bool{}
		for i := 0; i+3 <= len(terms); i++ {
			m[strings.Join(terms[i:i+3], " ")] = true
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		n, edit int // words, and every edit-th word changed
	}{
		{"2,000 words, one in 10 changed", 2000, 10},
		{"2,000 words, one in 40 changed", 2000, 40},
		{"2,000 words, one in 3 changed", 2000, 3},
		{"60 words, one in 10 changed", 60, 10},
		{"2,000 words, one in 100 changed", 2000, 100},
		{"300 words, one in 60 changed", 300, 60},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := words(tc.n, 1)
			b := slices.Clone(a)
			for i := 0; i < len(b); i += tc.edit {
				b[i] = "changed" + b[i]
			}
			sa, sb := shingles(a), shingles(b)
			both := 0
			for s := range sa {
				if sb[s] {
					both++
				}
			}
			exact := float64(both) / float64(len(sa)+len(sb)-both)
			ska, skb := shingleSketch(a), shingleSketch(b)
			got := resemblance(ska, skb)
			if nd := nearDuplicate(ska, skb); nd != (got >= NearDuplicateResemblance) {
				t.Errorf("nearDuplicate = %v with resemblance %.3f (threshold %v)", nd, got, NearDuplicateResemblance)
			}
			tolerance := 0.1
			if len(sa) <= sketchSize && len(sb) <= sketchSize {
				tolerance = 1e-12
			}
			if math.Abs(got-exact) > tolerance {
				t.Errorf("resemblance %.3f, exact Jaccard %.3f", got, exact)
			}
		})
	}
}

// nearDuplicate decides at the threshold exactly as resemblance does: 8
// of 10 shingles shared is 0.8, enough; 7 of 10 is not.
func TestNearDuplicateAtTheThreshold(t *testing.T) {
	mk := func(hs ...uint64) sketch { return sketch{mins: hs, shingles: len(hs)} }
	base := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, tc := range []struct {
		name string
		a, b sketch
		want bool
	}{
		{"8 of 10 shared", mk(append(slices.Clone(base[:8]), 10)...), mk(append(slices.Clone(base[:8]), 11)...), true},
		{"7 of 10 shared", mk(append(slices.Clone(base[:7]), 10, 12)...), mk(append(slices.Clone(base[:7]), 11)...), false},
	} {
		if got := nearDuplicate(tc.a, tc.b); got != tc.want || got != (resemblance(tc.a, tc.b) >= NearDuplicateResemblance) {
			t.Errorf("%s: nearDuplicate = %v, resemblance %.3f, want %v", tc.name, got, resemblance(tc.a, tc.b), tc.want)
		}
	}
}

// Two near duplicates share a hash among the first nearDupLead of each
// sketch (the claim that lets collapseNearDuplicates compare a file only
// with the kept files sharing one): checked on random pairs from
// unrelated to identical, with the hashes only one of them has placed
// first (the worst case), and on the tightest pair, whose smallest common
// hash is the nearDupLead-th of one sketch, which is a near duplicate.
func TestNearDuplicatesShareOneOfTheirFirstHashes(t *testing.T) {
	lead := nearDupLead()
	shareLead := func(a, b sketch) bool {
		for _, h := range a.mins[:min(len(a.mins), lead)] {
			if slices.Contains(b.mins[:min(len(b.mins), lead)], h) {
				return true
			}
		}
		return false
	}
	seq := func(from uint64, n int) []uint64 {
		out := make([]uint64, n)
		for i := range out {
			out[i] = from + uint64(i)
		}
		return out
	}
	// The tightest pair: 25 hashes of a's own below 103 shared ones.
	tight := sketch{mins: append(seq(1, lead-1), seq(100, sketchSize-lead+1)...), shingles: 1000}
	other := sketch{mins: seq(100, sketchSize), shingles: 1000}
	if !nearDuplicate(tight, other) || !shareLead(tight, other) {
		t.Fatalf("tightest pair: nearDuplicate %v, share a hash among their first %d: %v; want both",
			nearDuplicate(tight, other), lead, shareLead(tight, other))
	}
	if cut := (sketch{mins: tight.mins[lead-1:], shingles: 1000}); !nearDuplicate(cut, other) {
		t.Fatal("the tightest pair without a's own hashes is not a near duplicate")
	}
	r := rand.New(rand.NewPCG(13, 1))
	near := 0
	for i := range 20000 {
		shared, own, otherOwn := r.IntN(200), r.IntN(40), r.IntN(40)
		var a, b []uint64
		for j := range shared {
			h := uint64(1000 + j*7)
			a, b = append(a, h), append(b, h)
		}
		for j := range own {
			a = append(a, uint64(1+j)) // below every shared hash: the worst case
		}
		for j := range otherOwn {
			if i%2 == 0 {
				b = append(b, uint64(500+j))
			} else {
				b = append(b, uint64(1000+shared*7+j)) // above them
			}
		}
		mk := func(hs []uint64) sketch {
			slices.Sort(hs)
			return sketch{mins: hs[:min(len(hs), sketchSize)], shingles: len(hs)}
		}
		sa, sb := mk(a), mk(b)
		if nearDuplicate(sa, sb) {
			near++
			if !shareLead(sa, sb) {
				t.Fatalf("near duplicates (shared %d, own %d and %d) share none of their first %d hashes", shared, own, otherOwn, lead)
			}
		}
	}
	if near < 1000 {
		t.Fatalf("only %d of the random pairs are near duplicates: the test does not exercise the claim", near)
	}
}

// wordFamilies returns 1 to most random texts of 20 to 319 words from a
// vocabulary of 3,000, the bases that near-duplicate tests copy and edit.
func wordFamilies(rng *rand.Rand, most int) [][]string {
	var bases [][]string
	for range 1 + rng.IntN(most) {
		words := make([]string, 20+rng.IntN(300))
		for i := range words {
			words[i] = fmt.Sprintf("w%d", rng.IntN(3000))
		}
		bases = append(bases, words)
	}
	return bases
}

// TestCollapseComparesOnlyWhatCanMatch: collapsing with the lead table
// (a file compared only with the kept files sharing one of its first
// hashes) collapses exactly what comparing every file with every kept
// one collapses, into the same files, in the same order: on lists of up
// to 120 files (beyond maxNearDupCandidates) with families of near
// copies, results that are not files, and files whose sketch cannot be
// read; one table set serves every list, as an agent's serves searches.
func TestCollapseComparesOnlyWhatCanMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 3))
	var tables leadTables
	collapsed := 0
	for trial := range 60 {
		bases := wordFamilies(rng, 8) // a family's text, in words
		sketches := map[string]sketch{}
		var merged []Merged
		for i := range 1 + rng.IntN(120) {
			url := fmt.Sprintf("file:///f%03d.txt", i)
			m := Merged{Hit: Hit{URL: url, DocID: url, Origin: "file"}}
			switch rng.IntN(12) {
			case 0:
				m.Origin = "web"
			case 1: // unreadable: no sketch
			case 10: // too short to be anybody's near duplicate
				words := bases[rng.IntN(len(bases))]
				sketches[url] = shingleSketch(words[:min(len(words), rng.IntN(nearDupMinShingles+2))])
			case 11: // a family's first hashes with other high bits: the lead table's slots keep only the low 32 bits
				family := uint64(1+rng.IntN(3)) << 40
				var mins []uint64
				for j := range sketchSize {
					mins = append(mins, family+1<<30+uint64(j)+uint64(1+rng.IntN(7))<<58)
				}
				slices.Sort(mins)
				sketches[url] = sketch{mins: mins, shingles: 1000}
			case 2: // a family's sketch under up to 25 hashes of its own (the worst case)
				family := uint64(1+rng.IntN(3)) << 40
				var mins []uint64
				// 25: the most hashes of one sketch only that two near
				// duplicates' first 128 can hold (0.2·128, rounded down).
				own := []int{0, 25, rng.IntN(26)}[rng.IntN(3)]
				for j := range own {
					mins = append(mins, family+uint64(j)+uint64(i)<<20)
				}
				for j := range sketchSize - len(mins) {
					mins = append(mins, family+1<<30+uint64(j))
				}
				sketches[url] = sketch{mins: mins, shingles: 1000}
			default:
				words := slices.Clone(bases[rng.IntN(len(bases))])
				for j := range words { // a copy with some words changed
					if rng.IntN(40) == 0 {
						words[j] = "changed"
					}
				}
				sketches[url] = shingleSketch(words)
			}
			merged = append(merged, m)
		}
		sketchOf := func(m *Merged) (sketch, bool) { sk, ok := sketches[m.DocID]; return sk, ok }
		want := bruteForceCollapse(slices.Clone(merged), func(m Merged) (sketch, bool) { return sketchOf(&m) })
		got := collapseSketched(slices.Clone(merged), &tables, sketchOf)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("trial %d: collapsed to %d results, comparing every pair to %d:\n got %+v\nwant %+v", trial, len(got), len(want), got, want)
		}
		collapsed += len(merged) - len(got)
	}
	if collapsed < 100 {
		t.Fatalf("only %d results collapsed in all: the test does not exercise the collapse", collapsed)
	}
}

// bruteForceCollapse is collapseSketched comparing each file with every
// kept one, better-ranked first.
func bruteForceCollapse(merged []Merged, sketchOf func(Merged) (sketch, bool)) []Merged {
	type kept struct {
		at int
		sk sketch
	}
	var files []kept
	out := merged[:0]
	candidates := 0
	for _, m := range merged {
		if m.Origin != "file" || m.DocID == "" || candidates >= maxNearDupCandidates {
			out = append(out, m)
			continue
		}
		candidates++
		sk, ok := sketchOf(m)
		if !ok {
			out = append(out, m)
			continue
		}
		dup := false
		for _, k := range files {
			if nearDuplicate(k.sk, sk) {
				o := &out[k.at]
				o.NearDuplicates = append(o.NearDuplicates, m.URL)
				o.NearDuplicates = append(o.NearDuplicates, m.Formats...)
				o.NearDuplicates = append(o.NearDuplicates, m.NearDuplicates...)
				dup = true
				break
			}
		}
		if !dup {
			files = append(files, kept{len(out), sk})
			out = append(out, m)
		}
	}
	return out
}

// BenchmarkCollapseSketched measures the near-duplicate collapse of a
// search with the profile: 50 local files, their sketches known (of texts
// of 100 to 300 words from a vocabulary of 3,000, a few of them near
// copies of another), one lead table set reused from search to search.
func BenchmarkCollapseSketched(b *testing.B) {
	rng := rand.New(rand.NewPCG(13, 9))
	sketches := map[string]sketch{}
	var merged []Merged
	var last []string
	for i := range 50 {
		words := make([]string, 100+rng.IntN(200))
		for j := range words {
			words[j] = fmt.Sprintf("w%d", rng.IntN(3000))
		}
		if i%10 == 9 { // a near copy of the one before
			words = slices.Clone(last)
			words[0] = "changed"
		}
		last = words
		url := fmt.Sprintf("file:///f%03d.txt", i)
		sketches[url] = shingleSketch(words)
		merged = append(merged, Merged{Hit: Hit{URL: url, DocID: url, Origin: "file"}})
	}
	sketchOf := func(m *Merged) (sketch, bool) { sk, ok := sketches[m.DocID]; return sk, ok }
	var tables leadTables
	in := make([]Merged, len(merged))
	b.ReportAllocs()
	for b.Loop() {
		copy(in, merged)
		collapseSketched(in, &tables, sketchOf)
	}
}

// TestCollapseIndexedIsThePairwiseCollapse checks collapseIndexed, whose
// index of partners outlives a search, against comparing every pair
// (bruteForceCollapse) and against collapseSketched: many searches over
// random subsets of a collection of files (families of near copies, short
// texts, unreadable files, web results, a document found twice under two
// URLs), one index across them, new versions of the collection (new texts
// under the same IDs) now and then, a search that read an older version
// after a newer one, and a bound small enough to empty the index between
// searches: the same results, order and NearDuplicates every time.
func TestCollapseIndexedIsThePairwiseCollapse(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 77))
	var idx nearDupIndex
	var tables leadTables
	collection := func() map[string]sketch {
		bases := wordFamilies(rng, 10)
		sketches := map[string]sketch{}
		for i := range 300 {
			id := fmt.Sprintf("doc%03d", i)
			switch rng.IntN(10) {
			case 0: // unreadable
			case 1:
				sketches[id] = shingleSketch([]string{"call", "the", "plumber"})
			default:
				words := slices.Clone(bases[rng.IntN(len(bases))])
				for j := range words {
					if rng.IntN(1+rng.IntN(60)) == 0 {
						words[j] = "changed"
					}
				}
				sketches[id] = shingleSketch(words)
			}
		}
		return sketches
	}
	version := uint64(1)
	sketches := collection()
	collapsed, withPartners := 0, 0
	for search := range 300 {
		switch {
		case search%50 == 49:
			version++
			sketches = collection()
		case search%97 == 96: // the bound: emptied before the next search's files go in
			for i := range maxIndexedSketches {
				idx.mu.Lock()
				idx.lookup(fmt.Sprintf("filler%d", i), shingleSketch(strings.Fields(fmt.Sprintf("a%[1]d b%[1]d c%[1]d d%[1]d e%[1]d f%[1]d g%[1]d h%[1]d i%[1]d j%[1]d", i))))
				idx.mu.Unlock()
			}
		}
		v := version
		if search%31 == 30 && version > 1 {
			v = version - 1 // read before a write: the index holds a newer version
		}
		var merged []Merged
		for i := range 1 + rng.IntN(120) {
			id := fmt.Sprintf("doc%03d", rng.IntN(300))
			m := Merged{Hit: Hit{URL: fmt.Sprintf("file:///%s/%d.txt", id, i), DocID: id, Origin: "file"}}
			switch rng.IntN(20) {
			case 0:
				m.Origin = "web"
			case 1:
				m.Formats = []string{m.URL + ".html"}
			}
			merged = append(merged, m)
		}
		sketchOf := func(m *Merged) (sketch, bool) { sk, ok := sketches[m.DocID]; return sk, ok }
		want := bruteForceCollapse(slices.Clone(merged), func(m Merged) (sketch, bool) { return sketchOf(&m) })
		if got := collapseSketched(slices.Clone(merged), &tables, sketchOf); !reflect.DeepEqual(got, want) {
			t.Fatalf("search %d: collapseSketched differs from comparing every pair", search)
		}
		got := collapseIndexed(slices.Clone(merged), &idx, v, &tables, sketchOf)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("search %d (version %d, index at %d): collapsed to %d results, comparing every pair to %d:\n got %+v\nwant %+v",
				search, v, idx.version, len(got), len(want), got, want)
		}
		if len(idx.docs) > maxIndexedSketches {
			t.Fatalf("search %d: the index holds %d files, bound %d", search, len(idx.docs), maxIndexedSketches)
		}
		collapsed += len(merged) - len(got)
		for _, d := range idx.docs {
			if len(d.partners) > 0 {
				withPartners++
				break
			}
		}
	}
	if collapsed < 500 || withPartners < 100 {
		t.Fatalf("%d results collapsed in all, %d searches with partners known: the test does not exercise the collapse", collapsed, withPartners)
	}
}

// TestCollapseIndexedConcurrently: searches collapsing at once through one
// index (files put in by one search while another looks its own up, the
// bound reached now and then) each collapse as comparing every pair does.
// Run with -race, it also checks that they share the index safely.
func TestCollapseIndexedConcurrently(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 1))
	var bases [][]string
	for range 6 {
		words := make([]string, 40+rng.IntN(200))
		for i := range words {
			words[i] = fmt.Sprintf("w%d", rng.IntN(3000))
		}
		bases = append(bases, words)
	}
	sketches := map[string]sketch{}
	for i := range 200 {
		words := slices.Clone(bases[rng.IntN(len(bases))])
		for j := range words {
			if rng.IntN(1+rng.IntN(40)) == 0 {
				words[j] = fmt.Sprintf("changed%d", i)
			}
		}
		sketches[fmt.Sprintf("doc%03d", i)] = shingleSketch(words)
	}
	sketchOf := func(m *Merged) (sketch, bool) { sk, ok := sketches[m.DocID]; return sk, ok }
	var idx nearDupIndex
	var tables leadTables
	var wg sync.WaitGroup
	var collapsed atomic.Int64
	for g := range 4 {
		seed := rng.Uint64()
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(seed, uint64(g)))
			for search := range 60 {
				var merged []Merged
				for i := range 1 + rng.IntN(60) {
					id := fmt.Sprintf("doc%03d", rng.IntN(200))
					merged = append(merged, Merged{Hit: Hit{URL: fmt.Sprintf("file:///%s/%d", id, i), DocID: id, Origin: "file"}})
				}
				if g == 0 && search%20 == 19 { // the bound: emptied under the others
					idx.mu.Lock()
					for i := range maxIndexedSketches {
						idx.lookup(fmt.Sprintf("filler%d", i), shingleSketch(strings.Fields(fmt.Sprintf("a%[1]d b%[1]d c%[1]d d%[1]d e%[1]d f%[1]d g%[1]d h%[1]d i%[1]d j%[1]d", i))))
					}
					idx.mu.Unlock()
				}
				want := bruteForceCollapse(slices.Clone(merged), func(m Merged) (sketch, bool) { return sketchOf(&m) })
				n := len(merged)
				got := collapseIndexed(merged, &idx, 1, &tables, sketchOf)
				if !reflect.DeepEqual(got, want) {
					t.Errorf("goroutine %d, search %d: collapsed to %d results, comparing every pair to %d", g, search, len(got), len(want))
					return
				}
				collapsed.Add(int64(n - len(got)))
			}
		})
	}
	wg.Wait()
	if collapsed.Load() < 100 {
		t.Fatalf("%d results collapsed in all: the test does not exercise the collapse", collapsed.Load())
	}
}

// TestCollapseIndexedWithBoilerplate: files that share their first lines
// (a licence atop every source file) share lead hashes, so putting each in
// would compare it with most files held; past maxPutInComparisons a file
// is not put in and its search collapses as collapseSketched does. Every
// search still collapses as comparing every pair does, and the index
// stops taking such files in.
func TestCollapseIndexedWithBoilerplate(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 2))
	licence := make([]string, 150)
	for i := range licence {
		licence[i] = fmt.Sprintf("lic%d", rng.IntN(400))
	}
	sketches := map[string]sketch{}
	var last []string
	for i := range 1500 {
		words := slices.Clone(licence)
		for range 100 + rng.IntN(200) {
			words = append(words, fmt.Sprintf("w%d", rng.IntN(20000)))
		}
		if i%50 == 49 { // a near copy of the file before
			words = slices.Clone(last)
			words[len(words)-1] = "changed"
		}
		last = words
		sketches[fmt.Sprintf("src%04d", i)] = shingleSketch(words)
	}
	sketchOf := func(m *Merged) (sketch, bool) { sk, ok := sketches[m.DocID]; return sk, ok }
	var idx nearDupIndex
	var tables leadTables
	collapsed := 0
	for search := range 120 {
		var merged []Merged
		for i := range 50 {
			id := fmt.Sprintf("src%04d", rng.IntN(1500))
			if i > 0 && rng.IntN(4) == 0 { // the near copy beside its original
				id = fmt.Sprintf("src%04d", 49+50*rng.IntN(30))
			}
			merged = append(merged, Merged{Hit: Hit{URL: fmt.Sprintf("file:///%s/%d", id, i), DocID: id, Origin: "file"}})
		}
		want := bruteForceCollapse(slices.Clone(merged), func(m Merged) (sketch, bool) { return sketchOf(&m) })
		got := collapseIndexed(slices.Clone(merged), &idx, 1, &tables, sketchOf)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("search %d: collapsed to %d results, comparing every pair to %d", search, len(got), len(want))
		}
		collapsed += len(merged) - len(got)
	}
	if held := len(idx.docs); held == 0 || held >= 1000 {
		t.Fatalf("the index holds %d files: the test does not reach the bound on comparisons", held)
	}
	if collapsed == 0 {
		t.Fatal("nothing collapsed: the test does not exercise the collapse")
	}
}
