package textextract

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// buildPDF writes a minimal PDF 1.4 file whose objects are objs (object
// i+1 is objs[i], object 1 is the catalog), with a correct xref table.
func buildPDF(objs ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// onePagePDF is a one-page PDF (WinAnsi Helvetica as /F1) whose page has
// the given content stream; pages is the page-tree node (object 2).
func onePagePDF(content, pages string) []byte {
	return buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		pages,
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
	)
}

func runPDF(t *testing.T, b []byte) (Result, error) {
	t.Helper()
	start := time.Now()
	res, err := PDF(bytes.NewReader(b), int64(len(b)))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("PDF took %v", d)
	}
	if !utf8.ValidString(res.Text) || !utf8.ValidString(res.Title) {
		t.Errorf("invalid UTF-8 output")
	}
	return res, err
}

// A PDF written by a real generator (go-pdf/fpdf, compressed streams,
// WinAnsi fonts, two pages; see testdata/README.md) gives its Info title
// and its text in reading order, accents decoded.
func TestPDFGeneratedDocument(t *testing.T) {
	res, err := runPDF(t, readFixture(t, "report.pdf"))
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	if res.Title != "Zebra Migration Report" {
		t.Errorf("title = %q, want the Info title", res.Title)
	}
	assertContains(t, "pdf text", res.Text,
		"Zebras on the Serengeti",
		"zebras and wildebeest migrate across the Serengeti plains",
		"café at the ranger station serves crème brûlée",
		"The second page counts the herds:",
		"twelve thousand animals.")
	if i, j := strings.Index(res.Text, "Serengeti plains"), strings.Index(res.Text, "second page"); i < 0 || j < i {
		t.Errorf("pages out of order: %q", res.Text)
	}
}

// Word spaces come from large TJ adjustments, not from kerning; line
// breaks from vertical moves (Td, T*, Tm); the title falls back to the
// first line.
func TestPDFLayoutHeuristics(t *testing.T) {
	content := "BT /F1 12 Tf 72 700 Td [(Hello)-300(World)] TJ 0 -14 Td [(Ke)20(rn)-40(ing)] TJ T* (Next) Tj 40 0 Td (same) Tj ET\n" +
		"BT /F1 12 Tf 1 0 0 1 72 500 Tm (Left) Tj 1 0 0 1 200 500 Tm (Right) Tj 1 0 0 1 72 480 Tm (Below) Tj ET\n" +
		"BT /F1 12 Tf 72 400 Td (Caf\\351 \\(paren\\)) Tj ET"
	res, err := runPDF(t, onePagePDF(content, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"))
	if err != nil {
		t.Fatalf("PDF: %v", err)
	}
	want := "Hello World\nKerning\nNextsame\nLeftRight\nBelow\nCafé (paren)"
	if res.Text != want {
		t.Errorf("text = %q, want %q", res.Text, want)
	}
	if res.Title != "Hello World" {
		t.Errorf("title = %q, want the first line", res.Title)
	}
}

// Malformed PDFs give an error, never a panic or a hang, and a page tree
// that loops back on itself is walked a bounded number of times.
func TestPDFMalformed(t *testing.T) {
	good := onePagePDF("BT /F1 12 Tf (Looped) Tj ET", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	cases := []struct {
		name    string
		src     []byte
		wantErr bool
	}{
		{"not a pdf", []byte("hello, this is not a PDF at all\n"), true},
		{"header only", []byte("%PDF-1.4\n%%EOF\n"), true},
		{"truncated", good[:len(good)/2], true},
		{"garbage after header", append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 500)...), true},
		{"broken content stream", onePagePDF("BT /F1 Tf [(unclosed TJ ET", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"), false},
		{"page tree cycle", onePagePDF("BT /F1 12 Tf (Looped) Tj ET", "<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 >>"), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := runPDF(t, c.src)
			if (err != nil) != c.wantErr {
				t.Errorf("err = %v, want error: %v", err, c.wantErr)
			}
		})
	}
	if _, err := PDF(nil, 0); err == nil {
		t.Error("nil reader: no error")
	}
}

// An encrypted PDF is reported as unsupported.
func TestPDFEncryptedIsUnsupported(t *testing.T) {
	b := buildPDF(
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [] /Count 0 >>",
		"<< /Filter /Standard /V 1 /R 2 /O (0123456789abcdef0123456789abcdef) /U (0123456789abcdef0123456789abcdef) /P -4 >>",
	)
	// Point the trailer at the encryption dictionary.
	b = bytes.Replace(b, []byte("/Root 1 0 R >>"), []byte("/Root 1 0 R /Encrypt 3 0 R /ID [(abc) (abc)] >>"), 1)
	_, err := runPDF(t, b)
	if !errors.Is(err, ErrUnsupported) {
		t.Errorf("err = %v, want ErrUnsupported", err)
	}
}

// FuzzPDF checks that no input panics or hangs and the output is valid
// UTF-8.
func FuzzPDF(f *testing.F) {
	f.Add(onePagePDF("BT /F1 12 Tf 72 700 Td [(Hello)-300(World)] TJ ET", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>"))
	f.Add([]byte("%PDF-1.4\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		res, _ := PDF(bytes.NewReader(b), int64(len(b)))
		if !utf8.ValidString(res.Text) || !utf8.ValidString(res.Title) {
			t.Fatalf("invalid UTF-8 output")
		}
	})
}
