package clientagent

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/memo"
)

// TestCollapseFormatCopies: copies of one page side by side in text
// formats with the same title are shown once, at the best rank, with the
// others' URLs; other folders, other titles, other names, binary formats
// and web pages stay apart.
func TestCollapseFormatCopies(t *testing.T) {
	hit := func(u, title, origin string) Merged { return Merged{Hit: Hit{URL: u, Title: title, Origin: origin}} }
	in := []Merged{
		hit("file:///d/page.md", "The Page", "file"),
		hit("file:///d/other.md", "Other", "file"),
		hit("file:///d/page.html", "the page!", "file"),
		hit("file:///e/page.html", "The Page", "file"),
		hit("file:///d/page.txt", "Another title", "file"),
		hit("file:///d/page.pdf", "The Page", "file"),
		hit("https://x.example/page.md", "The Page", "web"),
		hit("file:///d/page.rst", "The page", "file"),
	}
	// Without remembering the keys, then remembering them (twice: worked
	// out, then remembered), then with the pages retitled: remembered keys
	// are those of the URL and the title together.
	keys := memo.New[string](maxFormatKeys)
	for _, round := range []struct {
		name    string
		keys    *memo.Cache[string]
		retitle bool
	}{{"not remembered", nil, false}, {"first remembered", keys, false}, {"remembered", keys, false}, {"retitled", keys, true}} {
		in := slices.Clone(in)
		want := []string{"file:///d/page.md", "file:///d/other.md", "file:///e/page.html", "file:///d/page.txt", "file:///d/page.pdf", "https://x.example/page.md"}
		wantFormats := []string{"file:///d/page.html", "file:///d/page.rst"}
		if round.retitle { // the HTML copy now has its own title
			in[2].Title = "Not the page"
			want = slices.Insert(want, 2, "file:///d/page.html")
			wantFormats = []string{"file:///d/page.rst"}
		}
		out := collapseFormatCopies(in, round.keys)
		var urls []string
		for _, m := range out {
			urls = append(urls, m.URL)
		}
		if !slices.Equal(urls, want) {
			t.Errorf("%s: kept %v, want %v", round.name, urls, want)
		}
		if got := out[0].Formats; !slices.Equal(got, wantFormats) {
			t.Errorf("%s: the Markdown page's other formats: %v, want %v", round.name, got, wantFormats)
		}
	}
}

// TestSearchShowsAPageInTwoFormatsOnce: a search that finds the Markdown
// and the HTML copy of one page shows it once, with the other's URL.
func TestSearchShowsAPageInTwoFormatsOnce(t *testing.T) {
	f := newAgentFixture(t, DefaultConfig())
	ctx := context.Background()
	docs := []index.Document{
		{ID: "file:///notes/axolotl.md", URL: "file:///notes/axolotl.md", Title: "Axolotl care", Body: "The axolotl needs cool water.", Source: index.SourceFile},
		{ID: "file:///notes/axolotl.html", URL: "file:///notes/axolotl.html", Title: "Axolotl care", Body: "The axolotl needs cool water and a filter.", Source: index.SourceFile},
	}
	if err := f.ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	resp := f.search(t, Request{Query: "axolotl"})
	if len(resp.Results) != 1 || len(resp.Results[0].Formats) != 1 {
		t.Fatalf("results %+v, want one with the other format", shownURLs(resp.Results))
	}
	if got := []string{resp.Results[0].URL, resp.Results[0].Formats[0]}; !slices.Contains(got, docs[0].URL) || !slices.Contains(got, docs[1].URL) {
		t.Errorf("shown %v, want both copies named", got)
	}
}

// plainCollapseFormatCopies is collapseFormatCopies as first written: each
// kept result appended to a new list, copies found through a map of the
// keys worked out afresh.
func plainCollapseFormatCopies(merged []Merged) []Merged {
	first := map[string]int{}
	var out []Merged
	for _, m := range merged {
		k := formatCopyKey(m.Hit)
		if k == "" {
			out = append(out, m)
			continue
		}
		if i, ok := first[k]; ok {
			out[i].Formats = append(out[i].Formats, m.URL)
			continue
		}
		first[k] = len(out)
		out = append(out, m)
	}
	return out
}

// TestCollapseFormatCopiesInPlaceIsThePlainCollapse checks the in-place
// collapse (results moved only after one was collapsed, keys remembered)
// against the plain one on random lists of local files in a few folders,
// names, formats and titles, and web pages, twice with one key cache.
func TestCollapseFormatCopiesInPlaceIsThePlainCollapse(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 5))
	keys := memo.New[string](maxFormatKeys)
	exts := []string{".md", ".html", ".txt", ".pdf", ".rst"}
	collapsed := 0
	for trial := range 300 {
		var in []Merged
		for range rng.IntN(60) {
			u := fmt.Sprintf("file:///d%d/page%d%s", rng.IntN(2), rng.IntN(4), exts[rng.IntN(len(exts))])
			origin := "file"
			if rng.IntN(8) == 0 {
				u, origin = "https://x.example/"+u[len("file:///"):], "web"
			}
			in = append(in, Merged{Hit: Hit{URL: u, Title: fmt.Sprint("Title ", rng.IntN(2)), Origin: origin}})
		}
		want := plainCollapseFormatCopies(slices.Clone(in))
		for round := range 2 {
			got := collapseFormatCopies(slices.Clone(in), keys)
			if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				t.Fatalf("trial %d round %d: collapsed to\n%+v\nwant\n%+v", trial, round, got, want)
			}
		}
		collapsed += len(in) - len(want)
	}
	if collapsed < 1000 {
		t.Fatalf("only %d copies collapsed in all: the test does not exercise the collapse", collapsed)
	}
}

// TestMergedFormatKeysAreFormatCopyKeys checks the format-copy keys that
// merging hands collapseFormatCopies from its URL look-ups (urlKeys)
// against formatCopyKey of each merged result, over many merges with one
// urlKeys in which the same URLs come back with other titles and from
// other sources (a title changed, a peer's copy of a local file's URL),
// and that collapsing with them collapses as working each key out does.
func TestMergedFormatKeysAreFormatCopyKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 13))
	urls := []string{"file:///notes/page.md", "file:///notes/page.html", "file:///notes/page.txt", "file:///notes/page.pdf",
		"file:///other/page.md", "file:///a/b.rst", "file:///a/b.htm", "https://example.org/page.md", "file:///x/%zz.md"}
	titles := []string{"Page", "page!", "Another page", ""}
	origins := []string{"file", "file", "web", "peer:p1", ""}
	var keys urlKeys
	keyed := 0
	for round := range 300 {
		var lists []SourceHits
		for l := range 1 + rng.IntN(3) {
			var hits []Hit
			for r := range rng.IntN(12) {
				hits = append(hits, Hit{URL: urls[rng.IntN(len(urls))], Title: titles[rng.IntN(len(titles))],
					Origin: origins[rng.IntN(len(origins))], Rank: r + 1, Score: float64(20 - r)})
			}
			lists = append(lists, SourceHits{Source: fmt.Sprintf("s%d", l), Weight: 1, Hits: hits})
		}
		merged, err := mergeWith(MergeRRF, lists, &keys, nil)
		if err != nil {
			t.Fatal(err)
		}
		plain := slices.Clone(merged)
		for i, m := range merged {
			if !m.formatKeyed {
				t.Fatalf("round %d: result %d has no format key from merging", round, i)
			}
			if want := formatCopyKey(m.Hit); m.formatKey != want {
				t.Fatalf("round %d: %q titled %q from %q: format key %q, formatCopyKey gives %q", round, m.URL, m.Title, m.Origin, m.formatKey, want)
			}
			if m.formatKey != "" {
				keyed++
			}
			plain[i].formatKey, plain[i].formatKeyed = "", false
		}
		got, want := collapseFormatCopies(merged, nil), collapseFormatCopies(plain, nil)
		if len(got) != len(want) {
			t.Fatalf("round %d: collapsed to %d results with merging's keys, %d working them out", round, len(got), len(want))
		}
		for i := range got {
			if got[i].URL != want[i].URL || !slices.Equal(got[i].Formats, want[i].Formats) {
				t.Fatalf("round %d: result %d is %q with formats %q, working the keys out gives %q with %q", round, i, got[i].URL, got[i].Formats, want[i].URL, want[i].Formats)
			}
		}
	}
	if keyed < 200 {
		t.Fatalf("only %d results had a format key: the test does not exercise the collapse", keyed)
	}
}
