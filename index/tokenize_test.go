package index

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"

	"github.com/p2pir/p2pir/internal/testenv"
)

// tokenizeTexts are texts whose segmentation has corners: punctuation
// inside words and numbers, scripts without spaces, marks, emoji, invalid
// UTF-8, text that ends inside a word.
var tokenizeTexts = []string{
	"",
	" ",
	"word",
	"The quick brown fox's den, e.g. at 3.14 or 1,000,000 (approx.) -- see x-forwarded-for.",
	"can't won't o'clock U.S.A. a.b.c 192.168.0.1 foo_bar __init__ 2024-01-05 10-20",
	"日本語のテキストと한국어 텍스트 and 中文文本。",
	"Ünïcödé wörds, naïve café, résumé — “quoted” ‘text’ … ellipsis",
	"emoji 👍🏽 family 👨‍👩‍👧 flags 🇫🇷 keycap 1️⃣",
	"combining e\u0301 a\u0308 zero\u200bwidth joiner\u200d tab\tnew\nline\r\n",
	"invalid \xff\xfe bytes \xc3 mid-word ab\x80cd",
	"trailing hyphen- -leading --double-- a--b",
	"ends inside a wor",
	strings.Repeat("aerodynamic heating of a blunt body at hypersonic speeds, ", 200),
}

// sameTokens fails t unless got and want are the same tokens.
func sameTokens(t *testing.T, what string, got, want analysis.TokenStream) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d tokens, bleve's tokenizer gives %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if string(g.Term) != string(w.Term) || g.Start != w.Start || g.End != w.End || g.Position != w.Position || g.Type != w.Type || g.KeyWord != w.KeyWord {
			t.Fatalf("%s: token %d is %q [%d,%d) position %d type %v, bleve's is %q [%d,%d) position %d type %v",
				what, i, g.Term, g.Start, g.End, g.Position, g.Type, w.Term, w.Start, w.End, w.Position, w.Type)
		}
	}
}

// sameAsBleve checks that one analyser, its scratch space reused from
// text to text, tokenizes each of texts as bleve's Unicode tokenizer does,
// alone and inside compoundTokenizer.
func sameAsBleve(t *testing.T, texts []string) {
	t.Helper()
	bleve := unicode.NewUnicodeTokenizer()
	compound := compoundTokenizer{words: bleve}
	var a analyser
	for i, text := range texts {
		in := []byte(text)
		sameTokens(t, fmt.Sprintf("unicode, text %d", i), a.tokenize(bleve, in), bleve.Tokenize(in))
		sameTokens(t, fmt.Sprintf("compound, text %d", i), a.tokenize(compound, in), compound.Tokenize(in))
	}
}

// The analyser's Unicode tokenizer gives bleve's tokens on texts with
// corners and on the fuzz seeds.
func TestScratchTokenizerIsBleves(t *testing.T) {
	texts := append([]string(nil), tokenizeTexts...)
	seeds, err := filepath.Glob(filepath.Join("testdata", "fuzz", "*", "*"))
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no fuzz seeds in testdata (%v)", err)
	}
	for _, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(b))
	}
	sameAsBleve(t, texts)
}

// The same on every file of the shared collections (the raw files, cut
// into pieces as textField cuts a document), the BBC articles included.
func TestScratchTokenizerIsBlevesOnCollections(t *testing.T) {
	root := testenv.DataDir(t)
	var texts []string
	var files []string
	for _, name := range []string{"cranfield", "cisi", "med", "adi", "lisa", "npl"} {
		fs, err := filepath.Glob(filepath.Join(root, name, "*"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	bbc, _ := filepath.Glob(filepath.Join(root, "bbc", "bbc", "*", "*.txt"))
	files = append(files, bbc...)
	if len(files) == 0 {
		t.Fatalf("no collection files under %s", root)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for text := string(b); len(text) > 0; {
			piece := text[:cutPoint(text, analysisChunkBytes)]
			texts = append(texts, piece)
			text = text[len(piece):]
		}
	}
	sameAsBleve(t, texts)
	t.Logf("%d files, %d pieces", len(files), len(texts))
}
