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
