package textextract

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Each office and book format gives its metadata title and its body text
// in reading order, with markup, deleted text, notes and scripts left out.
func TestOfficeFormats(t *testing.T) {
	cases := []struct {
		fixture   string
		extract   func([]byte) (Result, error)
		wantTitle string
		wantText  string
	}{
		{"zebras.docx", DOCX, "Zebra Crossing Notes",
			"Zebras cross the Mara river in tight groups.\n\nCafé crème brûlée\nnext line\n\ncell one\n\ncell two"},
		{"giraffes.odt", ODT, "Giraffe Feeding Habits",
			"Giraffe Feeding Habits\n\nGiraffes browse acacia leaves all day.\nSecond line.\n\ntall trees\n\nthorny branches"},
		{"lions.epub", EPUB, "The Lions of Serengeti",
			"Chapter One\n\nLions rest in the shade & hunt at dusk.\n\nChapter Two\n\nPrides defend their territory."},
		{"hippos.rtf", RTF, "Hippo Field Report",
			"Hippos spend the day in water.\n\nCafé naïve € price column\nnext\n\nEscapes: {braces} and \\backslash\n\nLast paragraph."},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			res, err := c.extract(readFixture(t, c.fixture))
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			if res.Title != c.wantTitle {
				t.Errorf("title = %q, want %q", res.Title, c.wantTitle)
			}
			if res.Text != c.wantText {
				t.Errorf("text = %q\nwant   %q", res.Text, c.wantText)
			}
			assertLacks(t, "text", res.Text, "secret")
		})
	}
}

// Without metadata the title falls back to the first line of text.
func TestOfficeTitleFallback(t *testing.T) {
	res, err := DOCX(docxFile(t, "", `<w:p><w:r><w:t>First paragraph here</w:t></w:r></w:p><w:p><w:r><w:t>more</w:t></w:r></w:p>`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Title != "First paragraph here" {
		t.Errorf("DOCX title = %q", res.Title)
	}
	rtf, err := RTF([]byte(`{\rtf1 {\info{\author x}}Opening line\par rest}`))
	if err != nil {
		t.Fatal(err)
	}
	if rtf.Title != "Opening line" || rtf.Text != "Opening line\n\nrest" {
		t.Errorf("RTF = %q / %q", rtf.Title, rtf.Text)
	}
}

// A Word document's footnotes and endnotes follow its body.
func TestDOCXNotes(t *testing.T) {
	notes := func(kind string) string {
		return `<w:` + kind + `s xmlns:w="w"><w:` + kind + ` w:id="1"><w:p><w:r><w:t>` + kind + ` text</w:t></w:r></w:p></w:` + kind + `></w:` + kind + `s>`
	}
	b := buildZip(t,
		zipEntry{name: "word/document.xml", body: `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Body text</w:t></w:r></w:p></w:body></w:document>`},
		zipEntry{name: "word/footnotes.xml", body: notes("footnote")},
		zipEntry{name: "word/endnotes.xml", body: notes("endnote")})
	res, err := DOCX(b)
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != "Body text\n\nfootnote text\n\nendnote text" {
		t.Errorf("text = %q", res.Text)
	}
}

// RTF control words: \uN with its \ucN fallback, code pages, \bin data,
// unknown {\*} destinations.
func TestRTFControlWords(t *testing.T) {
	cases := []struct{ name, src, want string }{
		{"unicode with default fallback", `{\rtf1 a\u8364?b}`, "a€b"},
		{"negative unicode", `{\rtf1 \u-3913?}`, "\uf0b7"},
		{"uc2 fallback", `{\rtf1\uc2 x\u233??y}`, "xéy"},
		{"two unicode in a row", `{\rtf1 \u72?\u105?}`, "Hi"},
		{"cyrillic code page", `{\rtf1\ansi\ansicpg1251 \'cf\'f0\'e8\'e2\'e5\'f2}`, "Привет"},
		{"shift-jis code page", `{\rtf1\ansi\ansicpg932 \'93\'fa\'96\'7b}`, "日本"},
		{"bin skips bytes", "{\\rtf1 a{\\*\\blipuid x}\\bin4 }}{{b}", "ab"},
		{"unbalanced end forgiven", `{\rtf1 {open group text`, "open group text"},
		{"symbols", `{\rtf1 a\~b\_c\emdash d\ldblquote e\rdblquote}`, "a b-c—d“e”"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := RTF([]byte(c.src))
			if err != nil {
				t.Fatalf("RTF: %v", err)
			}
			if res.Text != c.want {
				t.Errorf("text = %q, want %q", res.Text, c.want)
			}
		})
	}
}

// A mailbox is one message a document: Subject, From and Date decoded,
// the text/plain part preferred, else text/html converted; quoted-printable
// and base64 undone, charsets decoded, attachments and ">From " quoting
// handled.
func TestMbox(t *testing.T) {
	msgs, err := Mbox(readFixture(t, "inbox.mbox"))
	if err != nil {
		t.Fatalf("Mbox: %v", err)
	}
	want := []Message{
		{Subject: "Okapi sighting report", From: "Alice Example <alice@example.org>",
			Date: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC),
			Text: "We saw an okapi near the river.\nFrom the hide it looked calm."},
		{Subject: "Re: Éléphants", From: "Björn Réseau <bjorn@example.org>",
			Date: time.Date(2026, 1, 6, 10, 0, 0, 0, time.UTC),
			Text: "Les éléphants traversent la rivière au matin."},
		{Subject: "Pangolin photos", From: "carol@example.org",
			Text: "Pangolins curl into a ball."},
	}
	if len(msgs) != len(want) {
		t.Fatalf("%d messages, want %d: %+v", len(msgs), len(want), msgs)
	}
	for i, w := range want {
		g := msgs[i]
		if g.Subject != w.Subject || g.From != w.From || g.Text != w.Text || !g.Date.Equal(w.Date) {
			t.Errorf("message %d = %+v\nwant        %+v", i, g, w)
		}
	}
}

// Mailbox edge cases: empty, not a mailbox, a "From " line inside a
// paragraph is body text, a message without headers is passed over.
func TestMboxEdges(t *testing.T) {
	if msgs, err := Mbox(nil); err != nil || len(msgs) != 0 {
		t.Errorf("empty: %v, %v", msgs, err)
	}
	if _, err := Mbox([]byte("Subject: x\n\nbody")); !errors.Is(err, ErrUnsupported) {
		t.Errorf("not a mailbox: err = %v, want ErrUnsupported", err)
	}
	src := "From a\nSubject: one\n\nline\nFrom inside a paragraph\n\nFrom b\nSubject: two\n\nbody two\n"
	msgs, err := Mbox([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Text != "line\nFrom inside a paragraph" || msgs[1].Subject != "two" {
		t.Errorf("messages = %+v", msgs)
	}
}

// MboxReader streams: lines longer than its buffer (in a body and in a
// "From " line) neither split a message nor start one.
func TestMboxReaderLongLines(t *testing.T) {
	long := strings.Repeat("okapi ", 30000) // 180 kB on one line
	src := "From " + long + "\nSubject: one\n\n" + long + "\nFrom not a separator, no blank line before\n\n" +
		"From b\nSubject: two\n\nbody two\n"
	r := NewMboxReader(strings.NewReader(src))
	var got []Message
	for {
		m, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	if len(got) != 2 || got[0].Subject != "one" || got[1].Subject != "two" || got[1].Text != "body two" {
		t.Fatalf("%d messages: %.200v", len(got), got)
	}
	if !strings.HasSuffix(got[0].Text, "okapi\nFrom not a separator, no blank line before") || len(got[0].Text) < len(long)-1 {
		t.Errorf("first message text: %d bytes, ends %q", len(got[0].Text), got[0].Text[max(0, len(got[0].Text)-60):])
	}
}

// Hostile archives and documents give an error wrapping ErrUnsupported
// (ErrTooLarge for the bounds), never a panic, a hang or memory in
// proportion to what they claim.
func TestHostileFormats(t *testing.T) {
	// A bomb against a budget of 1 MiB (the real one, MaxUnzippedBytes,
	// is the same code with a larger number).
	bomb := buildZip(t, zipEntry{name: "word/document.xml", body: `<w:document><w:body><w:p><w:r><w:t>` +
		strings.Repeat("a", 4<<20) + `</w:t></w:r></w:p></w:body></w:document>`})
	if len(bomb) > 64<<10 {
		t.Fatalf("the bomb is %d bytes compressed; it should be small", len(bomb))
	}
	smallBudget := func(b []byte) (Result, error) { return docx(b, 1<<20) }
	deep := docxFile(t, "", strings.Repeat("<w:p>", 100000)+"<w:t>x</w:t>")
	cases := []struct {
		name    string
		extract func([]byte) (Result, error)
		src     []byte
		tooBig  bool
	}{
		{"docx zip bomb", smallBudget, bomb, true},
		{"docx deep nesting", DOCX, deep, true},
		{"docx not a zip", DOCX, []byte("PK\x03\x04 not really"), false},
		{"docx without document part", DOCX, buildZip(t, zipEntry{name: "a.txt", body: "x"}), false},
		{"odt bad xml", ODT, buildZip(t, zipEntry{name: "content.xml", body: "<a><b></a>&bogus;<"}), false},
		{"epub without container", EPUB, buildZip(t, zipEntry{name: "mimetype", body: "application/epub+zip"}), false},
		{"epub container without rootfile", EPUB, buildZip(t, zipEntry{name: "META-INF/container.xml", body: "<container/>"}), false},
		{"epub deep opf", EPUB, buildZip(t,
			zipEntry{name: "META-INF/container.xml", body: `<container><rootfile full-path="p.opf"/></container>`},
			zipEntry{name: "p.opf", body: strings.Repeat("<x>", 1000)}), true},
		{"rtf deep groups", RTF, []byte(`{\rtf1 ` + strings.Repeat("{", 100000)), true},
		{"rtf not rtf", RTF, []byte("plain text"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.extract(c.src)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("err = %v, want one wrapping ErrUnsupported", err)
			}
			if c.tooBig != errors.Is(err, ErrTooLarge) {
				t.Errorf("err = %v; ErrTooLarge = %v, want %v", err, errors.Is(err, ErrTooLarge), c.tooBig)
			}
			if strings.Contains(err.Error(), "textextract.") {
				t.Errorf("error names a Go identifier: %v", err)
			}
		})
	}
}

// A zip that lies about its sizes (a small declared size, a large
// stream) is still cut at the budget: the declared size is not trusted.
func TestZipBudgetIgnoresDeclaredSize(t *testing.T) {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	f, err := w.CreateRaw(&zip.FileHeader{Name: "content.xml", Method: zip.Store,
		CompressedSize64: 10, UncompressedSize64: 10, CRC32: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("<a>0123456789</a>")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	z, err := openZip(buf.Bytes(), "test", 5)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := z.read("content.xml"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("read past the budget: err = %v", err)
	}
}

func fuzzFormat(f *testing.F, extract func([]byte) (Result, error), seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := extract(b)
		if err != nil {
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error not wrapping ErrUnsupported: %v", err)
			}
			return
		}
		if !utf8.ValidString(res.Text) || !utf8.ValidString(res.Title) {
			t.Fatalf("invalid UTF-8: %q / %q", res.Title, res.Text)
		}
		if utf8.RuneCountInString(res.Title) > MaxTitleRunes {
			t.Fatalf("title of %d runes", utf8.RuneCountInString(res.Title))
		}
	})
}

func FuzzDOCX(f *testing.F) {
	fuzzFormat(f, DOCX, readFixture(f, "zebras.docx"), []byte("PK\x03\x04"))
}

func FuzzODT(f *testing.F) {
	fuzzFormat(f, ODT, readFixture(f, "giraffes.odt"))
}

func FuzzEPUB(f *testing.F) {
	fuzzFormat(f, EPUB, readFixture(f, "lions.epub"))
}

func FuzzRTF(f *testing.F) {
	fuzzFormat(f, RTF, readFixture(f, "hippos.rtf"), []byte(`{\rtf1 \u-5?\'zz\bin99999 {\*}`))
}

func FuzzMbox(f *testing.F) {
	f.Add(readFixture(f, "inbox.mbox"))
	f.Add([]byte("From x\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=b\n\n--b--"))
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := Mbox(b)
		if err != nil && !errors.Is(err, ErrUnsupported) {
			t.Fatalf("error not wrapping ErrUnsupported: %v", err)
		}
		for _, m := range msgs {
			if !utf8.ValidString(m.Text) || !utf8.ValidString(m.Subject) || !utf8.ValidString(m.From) {
				t.Fatalf("invalid UTF-8: %+v", m)
			}
		}
	})
}
