package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/p2pir/p2pir/index"
)

// indexedNotes indexes a copy of testdata/notes into a fresh data directory
// and returns both.
func indexedNotes(t *testing.T) (notes, data string) {
	t.Helper()
	notes = copyNotes(t)
	data = t.TempDir()
	mustRunCLI(t, data, "index", notes)
	return notes, data
}

func TestSearchJSONHasTheDocumentedShape(t *testing.T) {
	t.Parallel()
	notes, data := indexedNotes(t)
	r := mustRunCLI(t, data, "search", "--json", "platypus", "eggs")

	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.stdout), &top); err != nil {
		t.Fatalf("invalid JSON: %v\n%s", err, r.stdout)
	}
	for _, k := range []string{"query", "results", "trace"} {
		if _, ok := top[k]; !ok {
			t.Errorf("top level lacks %q: %s", k, r.stdout)
		}
	}
	var query string
	if err := json.Unmarshal(top["query"], &query); err != nil || query != "platypus eggs" {
		t.Errorf(`"query": want "platypus eggs", got %s (%v)`, top["query"], err)
	}
	var results []map[string]any
	if err := json.Unmarshal(top["results"], &results); err != nil {
		t.Fatalf(`"results" is not an array of objects: %v`, err)
	}
	if len(results) < 2 {
		t.Fatalf("want platypus.html and echidna.txt, got %d results", len(results))
	}
	prev := 0.0
	for i, res := range results {
		for _, k := range []string{"url", "title", "content", "source"} {
			if _, ok := res[k].(string); !ok {
				t.Errorf("result %d: %q missing or not a string: %v", i, k, res)
			}
		}
		score, ok := res["score"].(float64)
		if !ok || score <= 0 {
			t.Errorf("result %d: \"score\" missing or not a positive number: %v", i, res)
		}
		if i > 0 && score > prev {
			t.Errorf("result %d scores %v, more than result %d (%v): not ranked", i, score, i-1, prev)
		}
		prev = score
	}
	if want := fileURLOf(t, filepath.Join(notes, "platypus.html")); results[0]["url"] != want {
		t.Errorf("first result: want %s, got %v", want, results[0]["url"])
	}
	if c, _ := results[0]["content"].(string); !strings.Contains(strings.ToLower(c), "platypus") {
		t.Errorf("content of the first result does not show the query words: %q", c)
	}
}

func TestSearchKLimitsTheNumberOfResults(t *testing.T) {
	t.Parallel()
	_, data := indexedNotes(t)
	// "animal" is in all four notes.
	tests := []struct {
		k    string
		want int
	}{{"1", 1}, {"2", 2}, {"4", 4}, {"10", 4}, {"10000", 4}}
	for _, tt := range tests {
		t.Run("k="+tt.k, func(t *testing.T) {
			got := searchJSONOut(t, data, "--k", tt.k, "animal")
			if len(got.Results) != tt.want {
				t.Errorf("want %d results, got %d: %v", tt.want, len(got.Results), got.urls())
			}
		})
	}
}

func TestSearchTextListsTheURLsOfTheHits(t *testing.T) {
	t.Parallel()
	notes, data := indexedNotes(t)
	r := mustRunCLI(t, data, "search", "eggs")
	for _, f := range []string{"platypus.html", "sub/echidna.txt"} {
		if u := fileURLOf(t, filepath.Join(notes, f)); !strings.Contains(r.stdout, u) {
			t.Errorf("text output does not list %s:\n%s", u, r.stdout)
		}
	}
	if u := fileURLOf(t, filepath.Join(notes, "wombat.md")); strings.Contains(r.stdout, u) {
		t.Errorf("text output lists %s, which does not mention eggs:\n%s", u, r.stdout)
	}
	if r := mustRunCLI(t, data, "search", "nosuchwordanywhere"); !strings.Contains(r.stdout, "No results") {
		t.Errorf("a search without hits does not say so:\n%s", r.stdout)
	}
}

func TestBadQueriesAreUsageErrorsAndTheIndexStaysUsable(t *testing.T) {
	t.Parallel()
	notes, data := indexedNotes(t)
	platypus := fileURLOf(t, filepath.Join(notes, "platypus.html"))
	tests := []struct {
		name    string
		args    []string
		wantMsg string
	}{
		{"empty query", []string{"search", ""}, "empty query"},
		{"blank query", []string{"search", "   "}, "empty query"},
		{"unterminated quote", []string{"search", `"unterminated`}, "unterminated quote"},
		{"lone +", []string{"search", "+"}, `"+" stands alone`},
		{"lone -", []string{"search", "--", "-"}, `"-" stands alone`},
		{"only stop words", []string{"search", "the", "and", "of"}, "no searchable words"},
		{"only exclusions", []string{"search", "--", "-platypus"}, "only exclusions"},
		{"invalid UTF-8", []string{"search", string([]byte{'a', 0xff, 0xfe, 'b'})}, "not valid UTF-8"},
		{"--k 0", []string{"search", "--k", "0", "platypus"}, "--k must be between 1 and"},
		{"--k over the maximum", []string{"search", "--k", "10001", "platypus"}, "--k must be between 1 and"},
		{"--k not a number", []string{"search", "--k", "ten", "platypus"}, "--k"},
		{"missing QUERY", []string{"search"}, "missing QUERY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := runCLI(t, data, tt.args...)
			if r.code != 2 {
				t.Fatalf("want exit 2 (usage error), got %v", r)
			}
			if !strings.Contains(r.stderr, tt.wantMsg) {
				t.Errorf("stderr does not say %q:\n%s", tt.wantMsg, r.stderr)
			}
			if !strings.HasPrefix(r.stderr, "p2pir: ") || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("want one line \"p2pir: ...\" on stderr, got:\n%s", r.stderr)
			}
			if !utf8.ValidString(r.stderr) {
				t.Errorf("the error message is not valid UTF-8: %q", r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("a failed search printed results:\n%s", r.stdout)
			}
			if got := searchJSONOut(t, data, "platypus"); len(got.Results) == 0 || got.Results[0].URL != platypus {
				t.Errorf("a good search after the error: want %s first, got %v", platypus, got.urls())
			}
		})
	}
}

// hitLine matches the first line of a hit in the text output: " 1. Title".
var hitLine = regexp.MustCompile(`(?m)^ *\d+\. `)

// hostileTitle holds what a page can put in a title to take over a terminal:
// a colour change (CSI), a window-title change (OSC ended by BEL), a screen
// clear, a cursor move, and the 8-bit CSI (U+009B).
const hostileTitle = "Evil \x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x1b[2J\x1b[1A \u009b31m title"

func TestSearchTextPrintsNoControlBytesFromDocuments(t *testing.T) {
	t.Parallel()
	data := t.TempDir()

	// Hostile files: escapes in an HTML <title>, a Markdown heading and body,
	// and a file name.
	folder := filepath.Join(t.TempDir(), "hostile")
	writeTree(t, folder, map[string]string{
		"evil.html":             "<html><head><title>" + hostileTitle + "</title></head><body><p>ansiword \x1b[2J cleared</p></body></html>",
		"evil-notes.md":         "# " + hostileTitle + "\n\nansiword body \x1b[1A up\n",
		"esc\x1b[31mname.txt":   "ansiword in a file named with an escape\n",
		"bell\x07\x1b]0;x.txt":  "ansiword\n",
		"plain-control.txt":     "\x1b[31m ansiword \x1b[0m \x07\x08\x0b\x0c\r\n",
		"c1-controls.html":      "<title>\u009b2J \u0090osc\u009c</title><p>ansiword</p>",
		"latin1-escape.txt":     "caf\xe9 \x1b[31m ansiword\n",
		"carriage-return.txt":   "ansiword first\rcovered\n",
		"tab\tand\nnewline.txt": "ansiword\n",
	})
	mustRunCLI(t, data, "index", folder)

	// A document holding raw escapes, as another source (a peer, a
	// meta-search engine) may deliver one without our extractors.
	ix, err := index.Open((&app{dataDir: data}).indexDir(), index.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	err = ix.Index(context.Background(), []index.Document{{
		ID: "https://evil.example/x", URL: "https://evil.example/x\x1b[31m", Title: hostileTitle,
		Body: "ansiword \x1b]0;pwned\x07 body", Source: index.SourceWeb,
	}})
	if cerr := ix.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}

	r := mustRunCLI(t, data, "search", "--k", "50", "ansiword")
	if n := len(hitLine.FindAllString(r.stdout, -1)); n != 10 {
		t.Fatalf("want all 10 documents listed, got %d:\n%s", n, r.stdout)
	}
	for i, c := range r.stdout {
		if c == '\n' {
			continue
		}
		if c < 0x20 || (c >= 0x7f && c < 0xa0) {
			t.Fatalf("search output holds control character %U at byte %d:\n%q", c, i, r.stdout)
		}
	}
	if !strings.Contains(r.stdout, "red") || !strings.Contains(r.stdout, "title") {
		t.Errorf("the visible words of the hostile title were dropped:\n%s", r.stdout)
	}

	// In JSON the text is kept as it is, escaped by the JSON encoder: no raw
	// control byte reaches the terminal there either.
	r = mustRunCLI(t, data, "search", "--json", "--k", "50", "ansiword")
	if i := strings.IndexFunc(r.stdout, func(c rune) bool { return c < 0x20 && c != '\n' }); i >= 0 {
		t.Errorf("search --json holds a raw control byte at %d:\n%q", i, r.stdout)
	}
	var out gotSearch
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("invalid JSON: %v", err)
	}
	raw := false
	for _, h := range out.Results {
		raw = raw || h.Title == hostileTitle
	}
	if !raw {
		t.Errorf("the document with raw escapes was not found, so text mode was not tested on it: %v", out.urls())
	}
}

func TestSearchOfAnEmptyDataDirectorySaysNoResults(t *testing.T) {
	t.Parallel()
	data := t.TempDir() // exists, holds nothing
	r := mustRunCLI(t, data, "search", "platypus")
	if !strings.Contains(r.stdout, "No results") {
		t.Errorf("want \"No results\", got\n%v", r)
	}
}

// TestSearchReportsTheMatchesNotTheResultsShown: with 20 files matching
// and 5 not, --k 3 shows 3 results of 20 matches, in the text line and in
// number_of_results, with the profile on or off.
func TestSearchReportsTheMatchesNotTheResultsShown(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files := map[string]string{}
	for i := range 25 {
		word := "gadget"
		if i < 20 {
			word = "widget"
		}
		files[fmt.Sprintf("note%02d.txt", i)] = fmt.Sprintf("A note about a %s, number %d.", word, i)
	}
	writeTree(t, dir, files)
	data := t.TempDir()
	mustRunCLI(t, data, "index", dir)
	for _, args := range [][]string{
		{"search", "--k", "3", "widget"},
		{"search", "--k", "3", "--no-profile", "widget"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			text := mustRunCLI(t, data, args...).stdout
			if !strings.Contains(text, "3 shown of 20 matches") {
				t.Errorf("summary line does not say 3 shown of 20 matches:\n%s", text)
			}
			var out struct {
				Total   int               `json:"number_of_results"`
				Results []json.RawMessage `json:"results"`
			}
			r := mustRunCLI(t, data, append([]string{"search", "--json"}, args[1:]...)...)
			if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, r.stdout)
			}
			if out.Total != 20 || len(out.Results) != 3 {
				t.Errorf("number_of_results %d with %d results, want 20 with 3", out.Total, len(out.Results))
			}
		})
	}
}

// TestSearchTakesEverythingAfterTheFirstWordAsTheQuery: "-word" after the
// query's first word is a term to exclude, not a flag; a query starting
// with "-" is refused with the fix in the message (exit 2); after "--" it
// works.
func TestSearchTakesEverythingAfterTheFirstWordAsTheQuery(t *testing.T) {
	t.Parallel()
	_, data := indexedNotes(t)
	for _, tc := range []struct {
		args       []string
		code       int
		has, hasNo string
	}{
		{[]string{"search", "australian", "-wombat"}, 0, "kangaroo.txt", "wombat.md"},
		{[]string{"search", "australian", "-kangaroo", "--k", "1"}, 0, "", "kangaroo.txt"},
		{[]string{"search", "-wombat", "australian"}, 2, `needs "--" before it`, ""},
		{[]string{"search", "--", "-wombat", "australian"}, 0, "kangaroo.txt", "wombat.md"},
	} {
		r := runCLI(t, data, tc.args...)
		out := r.stdout + r.stderr
		if r.code != tc.code || !strings.Contains(out, tc.has) || (tc.hasNo != "" && strings.Contains(r.stdout, tc.hasNo)) {
			t.Errorf("p2pir %s: exit %d, want %d; want %q and not %q in:\n%s", strings.Join(tc.args, " "), r.code, tc.code, tc.has, tc.hasNo, out)
		}
	}
}

// TestSearchShowsScoresOnlyWhenAsked: the plain output shows no scores;
// --explain shows a score per result, in rank order, with the sources
// that found it and why it is there.
func TestSearchShowsScoresOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	_, data := indexedNotes(t)
	score := regexp.MustCompile(`score (\d+\.\d+)`)
	plain := mustRunCLI(t, data, "search", "australian", "animal").stdout
	if score.MatchString(plain) || regexp.MustCompile(`\(\d\.\d{3},`).MatchString(plain) {
		t.Errorf("the plain output shows scores:\n%s", plain)
	}
	ex := mustRunCLI(t, data, "search", "--explain", "australian", "animal").stdout
	ms := score.FindAllStringSubmatch(ex, -1)
	if len(ms) < 2 || !strings.Contains(ex, "found by local #1") {
		t.Fatalf("--explain shows %d scores:\n%s", len(ms), ex)
	}
	for i := 1; i < len(ms); i++ {
		if ms[i][1] > ms[i-1][1] {
			t.Errorf("--explain's scores are out of order: %s after %s\n%s", ms[i][1], ms[i-1][1], ex)
		}
	}
}

// TestSearchFlagMistakesSayTheFix: a flag or source a person got wrong is
// a usage error (exit 2) whose message lists what is valid, with no
// package names in it.
func TestSearchFlagMistakesSayTheFix(t *testing.T) {
	t.Parallel()
	_, data := indexedNotes(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"search", "--merge", "borda", "platypus"}, `p2pir: --merge must be one of rrf, combmnz, combsum, roundrobin, not "borda"`},
		{[]string{"search", "--timeout", "0", "platypus"}, "p2pir: --timeout must be more than 0"},
		{[]string{"search", "--source", "ftp", "platypus"}, `p2pir: no source named "ftp": the sources are local, crawl (p2pir sources lists them)`},
		{[]string{"search", "--exclude", "ftp", "platypus"}, `p2pir: no source named "ftp"`},
	} {
		r := runCLI(t, data, tc.args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, tc.want) || strings.Contains(r.stderr, "clientagent") {
			t.Errorf("p2pir %s: exit %d, stderr %q; want 2 and %q", strings.Join(tc.args, " "), r.code, r.stderr, tc.want)
		}
	}
}

// TestSearchShowsAMarkdownAndHTMLCopyOnce: the Markdown and the HTML copy
// of one page in a folder are one result, which names the other copy.
func TestSearchShowsAMarkdownAndHTMLCopyOnce(t *testing.T) {
	t.Parallel()
	folder := t.TempDir()
	for name, text := range map[string]string{
		"guide.md":   "# Capybara guide\n\nCapybaras graze by the river.",
		"guide.html": "<html><head><title>Capybara guide</title></head><body><p>Capybaras graze by the river.</p></body></html>",
	} {
		if err := os.WriteFile(filepath.Join(folder, name), []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	data := t.TempDir()
	mustRunCLI(t, data, "index", folder)
	out := mustRunCLI(t, data, "search", "capybara").stdout
	if strings.Count(out, "Capybara guide") != 1 || !strings.Contains(out, "also as file://") {
		t.Errorf("the two copies are not one result:\n%s", out)
	}
}
