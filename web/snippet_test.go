package web

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/p2pir/p2pir/index"
)

// show renders fragments as the templates do, with [ ] for <mark>, so
// the tables can say what is highlighted.
func show(fs []Fragment) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Mark {
			b.WriteString("[" + f.Text + "]")
		} else {
			b.WriteString(f.Text)
		}
	}
	return b.String()
}

func TestHighlightBoundsItsInput(t *testing.T) {
	got := show(Highlight(strings.Repeat("galaxy ", 100_000), []string{"galaxy"}))
	if len(got) > maxText+2*maxText/7+2 {
		t.Errorf("%d bytes shown out of a 700 kB input, want at most about %d", len(got), maxText)
	}
}

func TestHighlightMarksQueryWords(t *testing.T) {
	for _, tc := range []struct {
		name  string
		text  string
		terms []string
		want  string
	}{
		{"a word", "the galaxy spins", []string{"galaxy"}, "the [galaxy] spins"},
		{"case is ignored", "Galaxy and GALAXY", []string{"galaxy"}, "[Galaxy] and [GALAXY]"},
		{"a stem marks its words", "galaxies far away", []string{"galaxi"}, "[galaxies] far away"},
		{"a term never marks inside a word", "intergalactic", []string{"galact"}, "intergalactic"},
		{"a short term marks only itself", "at attic", []string{"at"}, "[at] attic"},
		{"punctuation bounds words", "(galaxy), galaxy.", []string{"galaxy"}, "([galaxy]), [galaxy]."},
		{"at the start and the end", "galaxy", []string{"galaxy"}, "[galaxy]"},
		{"several terms", "dark matter halo", []string{"dark", "halo"}, "[dark] matter [halo]"},
		{"letters beyond ASCII", "Schöne Grüße", []string{"grüße"}, "Schöne [Grüße]"},
		{"no terms", "text", nil, "text"},
		{"invalid UTF-8 is replaced", "galaxy\xffgalaxy", []string{"galaxy"}, "[galaxy]\uFFFD[galaxy]"},
		{"markup-like text stays text", "<b>galaxy</b>", []string{"galaxy"}, "<b>[galaxy]</b>"},
		{"digits are words", "route 66 and 660", []string{"66"}, "route [66] and 660"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := Highlight(tc.text, tc.terms)
			if got := show(fs); got != tc.want {
				t.Errorf("Highlight(%q, %q) = %q, want %q", tc.text, tc.terms, got, tc.want)
			}
			for _, f := range fs {
				if !utf8.ValidString(f.Text) || f.Text == "" {
					t.Errorf("fragment %q: empty or invalid UTF-8", f.Text)
				}
			}
		})
	}
}

func TestQueryTermsLeaveOperatorsOut(t *testing.T) {
	for _, tc := range []struct {
		query string
		extra []string
		want  string
	}{
		{"galaxy rotation", nil, "galaxy rotation"},
		{`"dark matter" +halo -cake`, nil, "dark matter halo"},
		{`galaxy -"sourdough cake" stars`, nil, "galaxy stars"},
		{"site:example.org source:file Galaxy", nil, "galaxy"},
		{"galaxy", []string{"halo", "galaxy"}, "galaxy halo"},
		{"", nil, ""},
	} {
		if got := strings.Join(QueryTerms(tc.query, tc.extra...), " "); got != tc.want {
			t.Errorf("QueryTerms(%q, %q) = %q, want %q", tc.query, tc.extra, got, tc.want)
		}
	}
}

func TestSnippetFragmentsUsesOnlySoundRanges(t *testing.T) {
	text := "the galaxy and the café"
	for _, tc := range []struct {
		name  string
		spans []index.Span
		want  string
	}{
		{"one range", []index.Span{{Start: 4, End: 10}}, "the [galaxy] and the café"},
		{"two ranges", []index.Span{{Start: 4, End: 10}, {Start: 19, End: 24}}, "the [galaxy] and the [café]"},
		{"overlapping ranges: the second is ignored", []index.Span{{Start: 4, End: 10}, {Start: 8, End: 14}}, "the [galaxy] and the café"},
		{"backwards range ignored", []index.Span{{Start: 10, End: 4}}, text},
		{"out of the text ignored", []index.Span{{Start: 20, End: 99}}, text},
		{"a range splitting a letter ignored", []index.Span{{Start: 19, End: 23}}, text},
		{"empty range ignored", []index.Span{{Start: 3, End: 3}}, text},
		{"no ranges", nil, text},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := show(SnippetFragments(index.Snippet{Text: text, Highlights: tc.spans})); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
	if got := show(SnippetFragments(index.Snippet{Text: "a\xffb", Highlights: []index.Span{{Start: 0, End: 1}}})); got != "[a]\uFFFDb" {
		t.Errorf("invalid UTF-8: %q", got)
	}
}
