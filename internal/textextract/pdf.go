package textextract

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/ledongthuc/pdf"
)

// Bounds on the work spent on one PDF.
const (
	// maxPDFPages is the most pages read; the rest are ignored.
	maxPDFPages = 5000
	// maxPDFTreeNodes bounds the walk of the page tree (a malformed tree
	// may loop back on itself).
	maxPDFTreeNodes = 4 * maxPDFPages
	// maxPDFTreeDepth bounds the nesting of the page tree.
	maxPDFTreeDepth = 64
	// pdfTimeout is the most time spent extracting one PDF.
	pdfTimeout = 30 * time.Second
	// pdfWordGap is the TJ adjustment (thousandths of a text space unit,
	// negative moves right) from which a gap is read as a space between
	// words; kerning within a word is much smaller.
	pdfWordGap = 180
)

// errPDFBudget aborts the content-stream interpreter when the text or time
// budget of a document is spent.
var errPDFBudget = errors.New("textextract: PDF budget spent")

// PDF extracts the text of a PDF document with github.com/ledongthuc/pdf
// (pure Go). The title is the document information dictionary's Title, else
// the first line of text.
//
// Text comes from the text-showing operators of each page's content
// stream, decoded through the page fonts' encodings (standard encodings,
// Differences, ToUnicode maps). Line breaks are inferred from text
// positioning operators (BT, T*, Td/TD with a vertical move, Tm with a new
// baseline) and word spaces from large TJ adjustments. Scanned PDFs (images
// only) give no text; encrypted PDFs that need a password give
// ErrUnsupported, malformed ones a wrapped parse error. At most 5000 pages,
// MaxInputBytes bytes of text and 30 seconds are spent on one document;
// what was extracted until then is returned.
//
// The library may loop forever on some malformed cross-reference or
// object-stream chains; PDF still returns after its time budget with an
// error, but the library's goroutine then runs until it finishes.
func PDF(r io.ReaderAt, size int64) (Result, error) {
	if r == nil || size <= 0 {
		return Result{}, fmt.Errorf("textextract: PDF: empty input")
	}
	type outcome struct {
		res Result
		err error
	}
	done := make(chan outcome, 1)
	deadline := time.Now().Add(pdfTimeout)
	go func() {
		res, err := extractPDF(r, size, deadline)
		done <- outcome{res, err}
	}()
	timer := time.NewTimer(pdfTimeout + time.Second)
	defer timer.Stop()
	select {
	case o := <-done:
		return o.res, o.err
	case <-timer.C:
		return Result{}, fmt.Errorf("%w: PDF extraction gave up after %v", ErrUnsupported, pdfTimeout)
	}
}

// extractPDF does the work of PDF, turning panics of the library into
// errors.
func extractPDF(ra io.ReaderAt, size int64, deadline time.Time) (res Result, err error) {
	defer func() {
		if x := recover(); x != nil {
			res, err = Result{}, fmt.Errorf("textextract: malformed PDF: %v", x)
		}
	}()
	rd, err := pdf.NewReader(ra, size)
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(err.Error(), "encrypt") {
			return Result{}, fmt.Errorf("%w: %v", ErrUnsupported, err)
		}
		return Result{}, fmt.Errorf("textextract: PDF: %w", err)
	}
	x := pdfText{deadline: deadline, text: textBuilder{lines: true}}
	x.walkPages(rd.Trailer().Key("Root").Key("Pages"), 0, nil)
	res.Text = x.text.String()
	res.Title = capTitle(ValidUTF8(rd.Trailer().Key("Info").Key("Title").Text()))
	if res.Title == "" {
		res.Title = firstLine(res.Text)
	}
	if x.err != nil && res.Text == "" {
		return Result{}, fmt.Errorf("textextract: PDF: %w", x.err)
	}
	return res, nil
}

// pdfText collects the text of a PDF's pages within a budget.
type pdfText struct {
	deadline time.Time
	text     textBuilder
	pages    int
	nodes    int
	stop     bool  // budget spent: read nothing more
	err      error // first error met on a page
}

// walkPages visits the page tree below node in order. resources is the
// nearest Resources dictionary inherited from the ancestors.
func (x *pdfText) walkPages(node pdf.Value, depth int, inherited *pdf.Value) {
	x.nodes++
	if x.stop || depth > maxPDFTreeDepth || x.nodes > maxPDFTreeNodes {
		return
	}
	res := inherited
	if r := node.Key("Resources"); r.Kind() == pdf.Dict {
		res = &r
	}
	kids := node.Key("Kids")
	if node.Key("Type").Name() == "Pages" || (node.Key("Type").Name() != "Page" && kids.Kind() == pdf.Array) {
		for i := 0; i < kids.Len() && !x.stop; i++ {
			x.walkPages(kids.Index(i), depth+1, res)
		}
		return
	}
	if x.pages >= maxPDFPages {
		x.stop = true
		return
	}
	x.pages++
	x.text.setBreak(brkPara)
	if err := x.page(node, res); err != nil {
		if errors.Is(err, errPDFBudget) {
			x.stop = true
		} else if x.err == nil {
			x.err = err
		}
	}
}

// page adds the text of one page.
func (x *pdfText) page(page pdf.Value, resources *pdf.Value) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && errors.Is(e, errPDFBudget) {
				err = errPDFBudget
				return
			}
			err = fmt.Errorf("page %d: %v", x.pages, r)
		}
	}()
	contents := page.Key("Contents")
	if contents.IsNull() {
		return nil
	}
	fonts := map[string]*pdf.Font{}
	font := func(name string) pdf.TextEncoding {
		if f, ok := fonts[name]; ok {
			return f.Encoder()
		}
		if resources == nil {
			return nil
		}
		f := &pdf.Font{V: resources.Key("Font").Key(name)}
		fonts[name] = f
		return f.Encoder()
	}
	var (
		enc   pdf.TextEncoding
		lineY = math.NaN()
	)
	show := func(raw string) {
		s := raw
		if enc != nil {
			s = enc.Decode(raw)
		}
		x.text.WriteString(ValidUTF8(s))
	}
	ops := 0
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		args := make([]pdf.Value, n)
		for i := n - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		ops++
		if x.text.Len() > MaxInputBytes || (ops%1024 == 0 && time.Now().After(x.deadline)) {
			panic(errPDFBudget)
		}
		switch op {
		case "BT":
			x.text.setBreak(brkLine)
			lineY = math.NaN()
		case "T*":
			x.text.setBreak(brkLine)
		case "Td", "TD":
			if len(args) == 2 && args[1].Float64() != 0 {
				x.text.setBreak(brkLine)
			}
		case "Tm":
			if len(args) == 6 {
				y := args[5].Float64()
				if !math.IsNaN(lineY) && math.Abs(y-lineY) > 0.01 {
					x.text.setBreak(brkLine)
				}
				lineY = y
			}
		case "Tf":
			if len(args) == 2 {
				enc = font(args[0].Name())
			}
		case "'", "\"":
			x.text.setBreak(brkLine)
			if len(args) > 0 {
				show(args[len(args)-1].RawString())
			}
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			v := args[0]
			for i := 0; i < v.Len(); i++ {
				item := v.Index(i)
				switch item.Kind() {
				case pdf.String:
					show(item.RawString())
				case pdf.Integer, pdf.Real:
					if item.Float64() <= -pdfWordGap {
						x.text.setBreak(brkSpace)
					}
				}
			}
		}
	})
	return nil
}
