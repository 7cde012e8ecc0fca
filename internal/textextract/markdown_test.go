package textextract

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Markdown keeps the words a reader sees (link text, table cells, code)
// and drops syntax, link targets, front matter and raw-HTML scripts.
func TestMarkdownTextDropsSyntax(t *testing.T) {
	res := Markdown(readFixture(t, "notes.md"))
	assertContains(t, "markdown text", res.Text,
		"Planting plan",
		"Sow tomatoes indoors in March; move them out after the last frost.\nSee the seed catalogue for varieties *not* listed here.", // escaped asterisks are literal
		"A Tomatoes", "B Beans",
		"order compost", "fix the fence",
		`fmt.Println("codeblockline")`,
		"Raw HTML block with emphasis",
		"Inline inlinecode and an autolink https://example.org/garden too.",
		"Fish & chips.")
	assertLacks(t, "markdown text", res.Text,
		"**", "_March_", "](", "example.com/seeds", "```", "|---", "mdscriptsecret", "tags:", "<div>", "&amp;")
	if res.Title != "Garden notes for spring" {
		t.Errorf("title = %q, want the front-matter title", res.Title)
	}
	if !utf8.ValidString(res.Text) {
		t.Error("invalid UTF-8")
	}
}

// The title is the front-matter title, else the first h1, else the first
// heading, else the first line of text.
func TestMarkdownTitle(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"atx h1", "intro\n\n# The *Title*\n\ntext", "The Title"},
		{"setext h1", "Big Title\n=========\n\ntext", "Big Title"},
		{"h1 preferred over earlier h2", "## Sub\n\n# Main\n", "Main"},
		{"first heading without h1", "text\n\n### Third\n\n## Second\n", "Third"},
		{"first line without heading", "\n\n  first **line** here\nsecond line\n", "first line here"},
		{"yaml front matter", "---\ntitle: 'Quoted'\n---\n# Heading\n", "Quoted"},
		{"toml front matter", "+++\ndate = 2024\ntitle = \"Toml title\"\n+++\ntext\n", "Toml title"},
		{"front matter without title", "---\ntags: [a]\n---\n# Heading\n", "Heading"},
		{"unclosed front matter is text", "---\ntitle: no\n\nbody\n", "title: no"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Markdown([]byte(c.src)).Title; got != c.want {
				t.Errorf("title = %q, want %q", got, c.want)
			}
		})
	}
}

// Front matter is not part of the text; an unclosed block is kept as text.
func TestMarkdownFrontMatter(t *testing.T) {
	if got := Markdown([]byte("---\ntitle: T\nsecret: x\n---\nbody text\n")).Text; got != "body text" {
		t.Errorf("text = %q, want only the body", got)
	}
	if got := Markdown([]byte("---\nnot closed\n")).Text; !strings.Contains(got, "not closed") {
		t.Errorf("text = %q, want the unclosed block kept", got)
	}
}

// Pathological Markdown (nesting deeper than the HTML parser accepts, long
// runs of emphasis markers) is bounded and keeps its text.
func TestMarkdownHostileInputIsBounded(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"deep blockquotes", strings.Repeat(">", 2000) + " deep quote", "deep quote"},
		{"deep lists", func() string {
			var b strings.Builder
			for i := range 700 {
				b.WriteString(strings.Repeat("  ", i) + "- item\n")
			}
			return b.String() + "\nafter list"
		}(), "after list"},
		{"emphasis runs", strings.Repeat("*_", 50000) + " tail words", "tail words"},
		{"unclosed links", strings.Repeat("[a](", 12000) + "\n\nafter links", "after links"},
		{"nested brackets", strings.Repeat("[", 30000) + "core" + strings.Repeat("]", 30000), "core"},
		{"invalid utf-8", "# Caf\xe9\n\nna\xefve", "naïve"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res := Markdown([]byte(c.src))
			runtime.ReadMemStats(&after)
			// The work is bounded by the input: linear parsing allocates a
			// few hundred times the input at most (measured: up to 500×);
			// a quadratic blow-up on these inputs would allocate gigabytes.
			// Bytes, not seconds, so a loaded machine cannot fail it.
			if got, limit := after.TotalAlloc-before.TotalAlloc, uint64(1000*len(c.src)+8<<20); got > limit {
				t.Errorf("%d bytes in, %d bytes allocated, more than %d", len(c.src), got, limit)
			}
			if !strings.Contains(res.Text, c.want) || !utf8.ValidString(res.Text) {
				t.Errorf("text lacks %q or is invalid: %.200q", c.want, res.Text)
			}
		})
	}
}

// splitMarkdown cuts only when needed, never loses a byte, keeps segments
// within the limit, and prefers blank lines outside code fences.
func TestSplitMarkdown(t *testing.T) {
	para := strings.Repeat("word ", 30) + "\n"
	fence := "```\n" + strings.Repeat("code line\n\n", 10) + "```\n"
	cases := []struct {
		name  string
		src   string
		limit int
		want  []string // nil: only check the invariants
	}{
		{"small is whole", "# a\n\nb\n", 100, []string{"# a\n\nb\n"}},
		{"cut after blank line", para + "\n" + para, len(para) + 10, []string{para + "\n", para}},
		{"fence kept whole", "intro\n\n" + fence + "after\n", len(fence) + 9, []string{"intro\n\n", fence + "after\n"}},
		{"no blank line: line ends", strings.Repeat("line\n", 100), 52, nil},
		{"one long line", strings.Repeat("é", 1000), 101, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			segs := splitMarkdown(c.src, c.limit)
			if strings.Join(segs, "") != c.src {
				t.Fatalf("segments do not rejoin to the source")
			}
			for _, s := range segs {
				if len(s) > c.limit || s == "" || !utf8.ValidString(s) {
					t.Errorf("bad segment (len %d, limit %d): %.40q", len(s), c.limit, s)
				}
			}
			if c.want != nil && !slices.Equal(segs, c.want) {
				t.Errorf("segments = %q, want %q", segs, c.want)
			}
		})
	}
}

// FuzzMarkdown checks that no input panics and the output is valid UTF-8.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{
		"# t\n\ntext", "---\ntitle: x\n---\n", "[a](", "> > - [ ] `x`", "<script>x", "| a |\n|---|\n| b |", "\xff\xfe#\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res := Markdown(b)
		if !utf8.ValidString(res.Text) || !utf8.ValidString(res.Title) {
			t.Fatalf("invalid UTF-8 output")
		}
	})
}
