package index

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// Paragraphs in languages told by their script, written for these tests.
const (
	japaneseText = "全文検索エンジンは、大量の文書の中から目的の情報を素早く見つけるためのソフトウェアです。"
	chineseText  = "搜索引擎是一种帮助人们在互联网上查找信息的软件系统。"
	koreanText   = "검색 엔진은 인터넷에서 정보를 찾는 데 도움을 주는 프로그램입니다."
	greekText    = "Οι μηχανές αναζήτησης διαβάζουν τις σελίδες του διαδικτύου και κρατούν τις λέξεις σε ένα ευρετήριο."
	arabicText   = "محركات البحث تقرأ صفحات الويب وتحفظ الكلمات في فهرس كبير."
)

// Chinese, Japanese, Korean, Greek and Arabic are told by their script,
// even in a short text; a few letters of another script in English text
// do not make it foreign.
func TestDetectLanguageByScript(t *testing.T) {
	ix := openTestIndex(t)
	for _, c := range []struct{ name, text, want string }{
		{"japanese", japaneseText, "ja"},
		{"chinese", chineseText, "zh"},
		{"korean", koreanText, "ko"},
		{"greek", greekText, "el"},
		{"arabic", arabicText, "ar"},
		{"short greek", "Μηχανή", "el"},
		{"han only is chinese", "検索", "zh"},
		{"japanese with english words", "p2pir の Web UI で全文検索を使います。", "ja"},
		{"english with a greek letter", "The α-helix and the β-sheet are the two common secondary structures of proteins.", English},
		{"english with a chinese name", "The city of Beijing (北京) is the capital, and its name means the northern capital of the country.", English},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := ix.detectLanguage("", c.text); got != c.want {
				t.Errorf("detectLanguage = %q, want %q", got, c.want)
			}
		})
	}
}

// The script languages' analysers: CJK text becomes overlapping bigrams
// under one shared prefix, Greek loses accents, final sigma and its
// inflectional ending, Arabic its article and ending.
func TestScriptAnalysers(t *testing.T) {
	ix := openTestIndex(t)
	for _, c := range []struct {
		lang, text string
		want       []string
	}{
		{"ja", "全文検索", []string{"cjk:全文", "cjk:文検", "cjk:検索"}},
		{"zh", "搜索引擎", []string{"cjk:搜索", "cjk:索引", "cjk:引擎"}},
		{"el", "Μηχανές", []string{"el:μηχαν"}},
		{"el", "μηχανή", []string{"el:μηχαν"}},
		{"el", "βιβλίο βιβλία βιβλίων", []string{"el:βιβλ", "el:βιβλ", "el:βιβλ"}},
		{"el", "και το", nil}, // stop words
		{"ar", "الكلمات", []string{"ar:كلم"}},
		{"ar", "كلمة", []string{"ar:كلم"}},
	} {
		t.Run(c.lang+" "+c.text, func(t *testing.T) {
			got := ix.langs.terms(c.text, []string{c.lang})
			if !slices.Equal(got, c.want) {
				t.Errorf("terms %q, want %q", got, c.want)
			}
		})
	}
}

// Documents in script languages are found the way their readers search:
// Japanese and Chinese by a two-character word inside a longer run,
// Greek and Arabic by another inflection of a word. English documents
// and queries are unaffected, and lang: selects them.
func TestScriptLanguagesAreSearchable(t *testing.T) {
	ctx := context.Background()
	ix := openTestIndex(t)
	docs := []Document{
		{ID: "ja", Title: "検索について", Body: japaneseText, Source: SourceFile},
		// Both characters of 情報 (information), in other words: 報告 and 感情.
		{ID: "ja-other", Title: "報告書", Body: "この報告書は人の感情について書かれています。", Source: SourceFile},
		{ID: "zh", Title: "关于搜索", Body: chineseText, Source: SourceFile},
		{ID: "ko", Title: "검색", Body: koreanText, Source: SourceFile},
		{ID: "el", Title: "Αναζήτηση", Body: greekText, Source: SourceFile},
		{ID: "ar", Title: "البحث", Body: arabicText, Source: SourceFile},
		{ID: "en", Title: "Search engines", Body: englishText, Source: SourceFile},
	}
	if err := ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		got, _, err := ix.Get(ctx, d.ID)
		if want, _, _ := strings.Cut(d.ID, "-"); err != nil || got.Lang != want {
			t.Errorf("%s stored with language %q (%v)", d.ID, got.Lang, err)
		}
	}
	for _, c := range []struct {
		query string
		want  []string
	}{
		{"情報", []string{"ja"}},            // inside 目的の情報を
		{"文書", []string{"ja"}},            // inside 大量の文書の
		{"引擎", []string{"zh"}},            // inside 搜索引擎是
		{"信息", []string{"zh"}},            // inside 查找信息的
		{"μηχανή", []string{"el"}},        // the page says μηχανές
		{"ΣΕΛΙΔΑ", []string{"el"}},        // the page says σελίδες
		{"كلمة", []string{"ar"}},          // the page says الكلمات
		{"صفحة", []string{"ar"}},          // the page says صفحات
		{"search engine", []string{"en"}}, // English as before
		{"lang:zh", []string{"zh"}},
		{"lang:el", []string{"el"}},
	} {
		t.Run(c.query, func(t *testing.T) {
			if got := hitIDs(t, ix, c.query, 10); strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("hits %v, want %v", got, c.want)
			}
		})
	}
	// The snippet marks the word found inside the run of characters.
	sn, marked := topSnippet(t, ix, "情報")
	if !slices.Contains(marked, "情報") {
		t.Errorf("snippet %q highlights %q, want 情報", sn.Text, marked)
	}
}
