package textextract

import (
	"archive/zip"
	"bytes"
	"flag"
	"os"
	"testing"
	"time"
)

// The DOCX, ODT, EPUB, RTF and mailbox fixtures in testdata/ are built by
// the functions below (no third-party content). After changing one, run
//
//	go test ./internal/textextract/ -run TestFormatFixtures -update-fixtures
var updateFixtures = flag.Bool("update-fixtures", false, "rewrite the format fixtures in testdata/")

// zipEntry is one file of a generated archive.
type zipEntry struct {
	name, body string
	stored     bool // not compressed (EPUB's mimetype must be stored)
}

// buildZip writes entries into a zip archive with fixed times, so the
// bytes are the same on every run.
func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
		if e.stored {
			h.Method = zip.Store
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatalf("zip %s: %v", e.name, err)
		}
		if _, err := f.Write([]byte(e.body)); err != nil {
			t.Fatalf("zip %s: %v", e.name, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("zip: %v", err)
	}
	return buf.Bytes()
}

// docxFile is a minimal Word document: body is the inside of <w:body>.
func docxFile(t testing.TB, title, body string) []byte {
	entries := []zipEntry{
		{name: "[Content_Types].xml", body: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`},
		{name: "word/document.xml", body: `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
			`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body + `</w:body></w:document>`},
	}
	if title != "" {
		entries = append(entries, zipEntry{name: "docProps/core.xml", body: `<?xml version="1.0" encoding="UTF-8"?>` +
			`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` + title + `</dc:title></cp:coreProperties>`})
	}
	return buildZip(t, entries...)
}

// odtFile is a minimal OpenDocument text: body is the inside of
// <office:text>.
func odtFile(t testing.TB, title, body string) []byte {
	entries := []zipEntry{
		{name: "mimetype", body: "application/vnd.oasis.opendocument.text", stored: true},
		{name: "content.xml", body: `<?xml version="1.0" encoding="UTF-8"?>` +
			`<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">` +
			`<office:automatic-styles/><office:body><office:text>` + body + `</office:text></office:body></office:document-content>`},
	}
	if title != "" {
		entries = append(entries, zipEntry{name: "meta.xml", body: `<?xml version="1.0" encoding="UTF-8"?>` +
			`<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta><dc:title>` + title + `</dc:title></office:meta></office:document-meta>`})
	}
	return buildZip(t, entries...)
}

// epubFile is a minimal EPUB 3 book with the chapters in spine order.
func epubFile(t testing.TB, title string, chapters ...string) []byte {
	manifest, spine := "", ""
	entries := []zipEntry{
		{name: "mimetype", body: "application/epub+zip", stored: true},
		{name: "META-INF/container.xml", body: `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`},
	}
	for i, ch := range chapters {
		id := string(rune('a' + i))
		manifest += `<item id="` + id + `" href="text/ch%20` + id + `.xhtml" media-type="application/xhtml+xml"/>`
		spine += `<itemref idref="` + id + `"/>`
		entries = append(entries, zipEntry{name: "OEBPS/text/ch " + id + ".xhtml", body: ch})
	}
	entries = append(entries, zipEntry{name: "OEBPS/content.opf", body: `<?xml version="1.0" encoding="UTF-8"?>` +
		`<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` + title + `</dc:title></metadata>` +
		`<manifest>` + manifest + `</manifest><spine>` + spine + `</spine></package>`})
	return buildZip(t, entries...)
}

// formatFixtures are the committed fixtures and how they are built.
func formatFixtures(t testing.TB) map[string][]byte {
	return map[string][]byte{
		"zebras.docx": docxFile(t, "Zebra Crossing Notes",
			`<w:p><w:r><w:t>Zebras cross the Mara river</w:t></w:r><w:r><w:t xml:space="preserve"> in tight groups.</w:t></w:r></w:p>`+
				`<w:p><w:r><w:t>Café</w:t><w:tab/><w:t>crème brûlée</w:t><w:br/><w:t>next line</w:t></w:r>`+
				`<w:del><w:r><w:delText>deleted secret</w:delText></w:r></w:del>`+
				`<w:r><w:fldChar w:fldCharType="begin"/><w:instrText>HYPERLINK "secret"</w:instrText></w:r></w:p>`+
				`<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell one</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>cell two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>`),
		"giraffes.odt": odtFile(t, "",
			`<text:tracked-changes><text:changed-region><text:deletion><text:p>removed secret</text:p></text:deletion></text:changed-region></text:tracked-changes>`+
				`<text:h text:outline-level="1">Giraffe Feeding Habits</text:h>`+
				`<text:p>Giraffes browse acacia<text:s text:c="3"/>leaves<text:tab/>all day.<text:line-break/>Second line.</text:p>`+
				`<text:list><text:list-item><text:p>tall trees</text:p></text:list-item><text:list-item><text:p>thorny <text:span>branches</text:span></text:p></text:list-item></text:list>`+
				`<office:annotation><text:p>comment secret</text:p></office:annotation>`),
		"lions.epub": epubFile(t, "The Lions of Serengeti",
			`<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter One</title><style>p{secret:1}</style></head><body><h1>Chapter One</h1><p>Lions rest in the shade &amp; hunt at dusk.</p></body></html>`,
			`<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>Chapter Two</title></head><body><h1>Chapter Two</h1><p>Prides defend their territory.</p><script>secret()</script></body></html>`),
		"hippos.rtf": []byte(`{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Helvetica;}}{\colortbl;\red255\green0\blue0;}` +
			`{\info{\title Hippo Field Report}{\author Ranger}}{\*\generator secret writer;}` + "\n" +
			`{\pard\b Hippos\b0  spend the day in water.\par}` + "\n" +
			`{\pard Caf\'e9 na\u239?ve \u8364\'80 price\tab column\line next\par}` + "\n" +
			`{\pard Escapes: \{braces\} and \\backslash\par}` + "\n" +
			`{\*\unknowndestination secret}{\pict\pngblip 89504e47secret}` + "\n" +
			`{\header secret header}Last paragraph.}`),
		"inbox.mbox": []byte("From alice@example.org Mon Jan  5 10:00:00 2026\n" +
			"From: Alice Example <alice@example.org>\n" +
			"To: bob@example.org\n" +
			"Subject: Okapi sighting report\n" +
			"Date: Mon, 05 Jan 2026 10:00:00 +0000\n" +
			"Content-Type: text/plain; charset=utf-8\n" +
			"\n" +
			"We saw an okapi near the river.\n" +
			">From the hide it looked calm.\n" +
			"\n" +
			"From bob@example.org Tue Jan  6 11:00:00 2026\n" +
			"From: =?ISO-8859-1?Q?Bj=F6rn_R=E9seau?= <bjorn@example.org>\n" +
			"Subject: =?UTF-8?B?UmU6IMOJbMOpcGhhbnRz?=\n" +
			"Date: Tue, 06 Jan 2026 11:00:00 +0100\n" +
			"MIME-Version: 1.0\n" +
			"Content-Type: multipart/alternative; boundary=\"b1\"\n" +
			"\n" +
			"--b1\n" +
			"Content-Type: text/plain; charset=iso-8859-1\n" +
			"Content-Transfer-Encoding: quoted-printable\n" +
			"\n" +
			"Les =E9l=E9phants traversent la rivi=E8re =\n" +
			"au matin.\n" +
			"--b1\n" +
			"Content-Type: text/html; charset=utf-8\n" +
			"\n" +
			"<p>html secret</p>\n" +
			"--b1--\n" +
			"\n" +
			"From carol@example.org Wed Jan  7 12:00:00 2026\n" +
			"From: carol@example.org\n" +
			"Subject: Pangolin photos\n" +
			"Date: not a date\n" +
			"MIME-Version: 1.0\n" +
			"Content-Type: multipart/mixed; boundary=\"m1\"\n" +
			"\n" +
			"--m1\n" +
			"Content-Type: text/html; charset=utf-8\n" +
			"Content-Transfer-Encoding: base64\n" +
			"\n" +
			"PGh0bWw+PGJvZHk+PHA+UGFuZ29saW5zIGN1cmwgaW50byBhIGJhbGwuPC9wPjxzY3JpcHQ+c2Vj\n" +
			"cmV0KCk8L3NjcmlwdD48L2JvZHk+PC9odG1sPg==\n" +
			"--m1\n" +
			"Content-Type: text/plain\n" +
			"Content-Disposition: attachment; filename=\"notes.txt\"\n" +
			"\n" +
			"attachment secret\n" +
			"--m1--\n"),
	}
}

// The committed fixtures are what the builders make (rewrite them with
// -update-fixtures).
func TestFormatFixtures(t *testing.T) {
	for name, want := range formatFixtures(t) {
		path := "testdata/" + name
		if *updateFixtures {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("fixture %s: %v (build it with -update-fixtures)", name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from what its builder makes; rebuild with -update-fixtures", name)
		}
	}
}
