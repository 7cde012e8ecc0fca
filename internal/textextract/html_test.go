package textextract

import (
	"bytes"
	"errors"
	"io"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	return b
}

func mustHTML(t *testing.T, src []byte, pageURL *url.URL) Result {
	t.Helper()
	res, err := HTML(bytes.NewReader(src), pageURL)
	if err != nil {
		t.Fatalf("HTML: %v", err)
	}
	if !utf8.ValidString(res.Text) || !utf8.ValidString(res.Title) {
		t.Fatalf("HTML returned invalid UTF-8: %q / %q", res.Title, res.Text)
	}
	return res
}

func assertContains(t *testing.T, what, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, got)
		}
	}
}

func assertLacks(t *testing.T, what, got string, banned ...string) {
	t.Helper()
	for _, b := range banned {
		if strings.Contains(got, b) {
			t.Errorf("%s holds %q:\n%s", what, b, got)
		}
	}
}

// An article page keeps its main text and drops scripts, styles, noscript,
// templates, hidden elements, navigation and asides.
func TestHTMLArticleKeepsContentDropsBoilerplate(t *testing.T) {
	src := readFixture(t, "article.html")
	for _, u := range []*url.URL{nil, {Scheme: "https", Host: "example.org", Path: "/zebras"}} {
		res := mustHTML(t, src, u)
		assertContains(t, "article text", res.Text,
			"hundreds of thousands of zebras gather",
			"zebras cross in tight groups & usually", // &amp; decoded
			"ten minutes — or",                       // &mdash; decoded
			"Café owners",                            // &eacute; decoded
			"they teach their young where to go.")
		assertLacks(t, "article text", res.Text,
			"secret", "scriptwrite", "Navlink", "font-family", "giraffes", "<p>", "&amp;")
		if res.Title != "How Zebras Cross the Mara River" {
			t.Errorf("title = %q, want the article title without the site name", res.Title)
		}
	}
}

// A page that is not an article (a table and a list) keeps all its visible
// text, not just the part readability would pick.
func TestHTMLNonArticleKeepsAllVisibleText(t *testing.T) {
	res := mustHTML(t, readFixture(t, "listing.html"), nil)
	assertContains(t, "listing text", res.Text,
		"Inventory", "Teapot Kitchen 2", "Harmonica Study 1",
		"Bought the teapot in 2019", "Umbrellas are mostly broken", "Last checked: 2024-03-01.")
	assertLacks(t, "listing text", res.Text, "navhome", "navother", "scriptsecret", "alert(")
	if res.Title != "Household inventory" {
		t.Errorf("title = %q, want the <title>", res.Title)
	}
}

// Whitespace collapses to single spaces within blocks, line breaks between
// small blocks and one blank line between paragraphs; inline markup joins
// without spaces; <pre> keeps its lines.
func TestHTMLWhitespaceNormalisation(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"inline markup joins", "<p>foo<b>bar</b>baz</p>", "foobarbaz"},
		{"runs of whitespace", "<p>a  \n\t  b&nbsp;&nbsp;c</p>", "a b c"},
		{"paragraphs", "<p>one</p>\n\n\n<p>two</p><h2>three</h2>", "one\n\ntwo\n\nthree"},
		{"line breaks", "<div>one</div><div>two<br>three</div><ul><li>x</li><li>y</li></ul>", "one\ntwo\nthree\n\nx\ny"},
		{"table cells", "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"},
		{"pre keeps lines", "<pre>line one\nline   two\n\nline four</pre>", "line one\nline two\n\nline four"},
		{"no leading or trailing space", "  <p>  x  </p>  ", "x"},
		{"control characters dropped", "<p>a\x01b\x1bc</p>", "abc"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mustHTML(t, []byte(c.src), nil).Text; got != c.want {
				t.Errorf("text = %q, want %q", got, c.want)
			}
		})
	}
}

// Readability's title cleaning may drop a site name after a spaced
// separator ("Title | Site"), but never cut inside a word: a <title> whose
// first word is hyphenated ("Command-line API | ...") is kept whole instead
// of becoming "line API | ...".
func TestHTMLTitleNotCutInsideWord(t *testing.T) {
	cases := []struct {
		name, fixture, want, textHas string
	}{
		{"hyphenated first word", "cli-doc.html", "Command-line API | Node.js v20.20.2 Documentation", "command-line options"},
		{"site name after a spaced separator dropped", "article.html", "How Zebras Cross the Mara River", "zebras gather"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustHTML(t, readFixture(t, c.fixture), nil)
			if res.Title != c.want {
				t.Errorf("title = %q, want %q", res.Title, c.want)
			}
			// The article text came through readability, so its title did too.
			assertContains(t, "text", res.Text, c.textHas)
			assertLacks(t, "text", res.Text, "Navlink")
		})
	}
}

// The title is <title>, else the first h1, else the first heading; it is
// on one line and capped at MaxTitleRunes runes; an SVG <title> is not the
// document's.
func TestHTMLTitle(t *testing.T) {
	long := strings.Repeat("é", MaxTitleRunes+50)
	cases := []struct {
		name, src, want string
	}{
		{"title element", "<title>  A\n  title </title><h1>Heading</h1>", "A title"},
		{"first h1 without title", "<h2>Sub</h2><h1>Main <i>one</i></h1><h1>Other</h1>", "Main one"},
		{"first heading without h1", "<p>x</p><h3>Third</h3><h2>Second</h2>", "Third"},
		{"svg title ignored", "<svg><title>icon</title></svg><h1>Real</h1>", "Real"},
		{"none", "<p>just text</p>", ""},
		{"capped", "<title>" + long + "</title>", strings.Repeat("é", MaxTitleRunes)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := mustHTML(t, []byte(c.src), nil).Title; got != c.want {
				t.Errorf("title = %q, want %q", got, c.want)
			}
		})
	}
}

// Bytes are decoded by byte-order mark, as UTF-8 when valid, by the <meta>
// charset, or by ValidUTF8's rules; the text is always valid UTF-8.
func TestHTMLDecodesCharsets(t *testing.T) {
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(
		[]byte("<title>Wide</title><p>Zèbre à rayures</p>"))
	if err != nil {
		t.Fatal(err)
	}
	polish, err := charmap.ISO8859_2.NewEncoder().Bytes([]byte(`<meta charset="iso-8859-2"><p>Zażółć gęślą jaźń</p>`))
	if err != nil {
		t.Fatal(err)
	}
	cyrillic, err := charmap.KOI8R.NewEncoder().Bytes([]byte(`<meta http-equiv="content-type" content="text/html; charset=koi8-r"><title>Привет</title><p>мир</p>`))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name      string
		src       []byte
		wantTitle string
		wantText  string
	}{
		{"meta charset iso-8859-2", polish, "", "Zażółć gęślą jaźń"},
		{"meta http-equiv koi8-r", cyrillic, "Привет", "мир"},
		{"meta charset iso-8859-1", readFixture(t, "latin1.html"), "Café menu", "Crème brûlée and naïve décor – “quoted”."},
		{"utf-16 with BOM", utf16, "Wide", "Zèbre à rayures"},
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, "<p>ok ✓</p>"...), "", "ok ✓"},
		{"valid utf-8 wins over a wrong meta", []byte(`<meta charset="iso-8859-1"><p>naïve</p>`), "", "naïve"},
		{"undeclared latin-1", []byte("<p>na\xefve</p>"), "", "naïve"},
		{"damaged utf-8", []byte("<p>ok ✓ \xff end</p>"), "", "ok ✓ \uFFFD end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := mustHTML(t, c.src, nil)
			if res.Title != c.wantTitle || res.Text != c.wantText {
				t.Errorf("got %q / %q, want %q / %q", res.Title, res.Text, c.wantTitle, c.wantText)
			}
		})
	}
}

// Binary content is refused with ErrBinary; a failing reader gives its
// error, wrapped.
func TestHTMLErrors(t *testing.T) {
	if _, err := HTML(bytes.NewReader([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")), nil); !errors.Is(err, ErrBinary) {
		t.Errorf("PNG bytes: err = %v, want ErrBinary", err)
	}
	boom := errors.New("disk on fire")
	if _, err := HTML(failingReader{boom}, nil); !errors.Is(err, boom) {
		t.Errorf("failing reader: err = %v, want it wrapped", err)
	}
	if _, err := HTML(nil, nil); err == nil {
		t.Error("nil reader: no error")
	}
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }

// Hostile input (nesting past the parser's limit, a huge attribute, broken
// or unclosed markup, pathological adoption-agency cases, large pages)
// never panics, finishes quickly and still yields its text.
func TestHTMLHostileInputIsBounded(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"deep div nesting", strings.Repeat("<div>", 100000) + "deep text", "deep text"},
		{"deep nesting then script", strings.Repeat("<span>", 1000) + "<script>nope()</script>visible", "visible"},
		{"nested anchors", strings.Repeat("<a>", 50000) + "anchor text", "anchor text"},
		{"nested tables", strings.Repeat("<table>", 50000) + "table text", "table text"},
		{"huge attribute", `<div title="` + strings.Repeat("A", 4<<20) + `">attr text</div>`, "attr text"},
		{"unclosed script", "<p>before</p><script>" + strings.Repeat("x ", 1<<19), "before"},
		{"unclosed comment", "<p>kept</p><!-- " + strings.Repeat("y", 1<<20), "kept"},
		{"broken markup", "<p<<b>>bo<ld</i></p></div></table><td>cell<<>>", "cell"},
		{"many paragraphs", "<article>" + strings.Repeat("<p>"+strings.Repeat("word ", 40)+"</p>", 5000) + "</article>", "word word"},
		{"deep article", strings.Repeat("<div class=content>"+strings.Repeat("<p>"+strings.Repeat("lorem ipsum ", 13)+"</p>", 60), 30), "lorem ipsum"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			res := mustHTML(t, []byte(c.src), nil)
			if d := time.Since(start); d > 15*time.Second {
				t.Errorf("took %v", d)
			}
			if !strings.Contains(res.Text, c.want) {
				t.Errorf("text lacks %q: %.200q", c.want, res.Text)
			}
		})
	}
}

// FuzzHTML checks that no input panics and the output is valid UTF-8.
func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		"<p>a</p>", "<title>t</title><script>x</script>", "\xff\xfe<\x00p>", "<svg><title>x</svg>",
		strings.Repeat("<div>", 600), "<pre>\n\na</pre>", "<table><td><table><td>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := HTML(bytes.NewReader(b), nil)
		if err != nil && !errors.Is(err, ErrBinary) {
			t.Fatalf("unexpected error %v", err)
		}
		if !utf8.ValidString(res.Text) || !utf8.ValidString(res.Title) {
			t.Fatalf("invalid UTF-8 output")
		}
	})
}

// readInput reads what io.ReadAll would, at most MaxInputBytes, whether
// or not the reader tells its length (a partly read one tells what is
// left).
func TestReadInputReadsTheRestUpToTheLimit(t *testing.T) {
	partly := strings.NewReader("skipped, then the rest")
	partly.Read(make([]byte, len("skipped, ")))
	huge := strings.Repeat("x", MaxInputBytes+5)
	tests := []struct {
		name string
		r    io.Reader
		want string
	}{
		{"bytes reader", bytes.NewReader([]byte("<p>hello</p>")), "<p>hello</p>"},
		{"empty", bytes.NewReader(nil), ""},
		{"partly read", partly, "then the rest"},
		{"no length", io.MultiReader(strings.NewReader("<p>a"), strings.NewReader("b</p>")), "<p>ab</p>"},
		{"over the limit, with length", strings.NewReader(huge), huge[:MaxInputBytes]},
		{"over the limit, without length", io.MultiReader(strings.NewReader(huge)), huge[:MaxInputBytes]},
	}
	for _, tc := range tests {
		got, err := readInput(tc.r)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %d bytes %v, want %d bytes", tc.name, len(got), err, len(tc.want))
		}
	}
}
