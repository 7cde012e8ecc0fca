package metasearch

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainTextReducesHostileHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"script element and its code are dropped, entities decoded",
			"<script>alert(1)</script>Title &amp; more", "Title & more"},
		{"img with an onerror handler leaves nothing",
			`<img src=x onerror="alert(1)">`, ""},
		{"img with an onerror handler beside text",
			`<img src=x onerror=alert(1)>Pic of a cat`, "Pic of a cat"},
		{"style, svg, iframe and noscript contents are dropped",
			`a<style>body{display:none}</style>b<svg><script>x()</script><text>svg text</text></svg>c<iframe src="//evil">frame</iframe>d<noscript>ns</noscript>e`,
			"abcde"},
		{"an escaped tag stays as literal text, not markup",
			"&lt;script&gt;alert(1)&lt;/script&gt;", "<script>alert(1)</script>"},
		{"highlight tags are removed without adding spaces",
			"<b>Peer</b>-to-<b>peer</b>", "Peer-to-peer"},
		{"blocks and breaks separate words",
			"<p>one</p><p>two</p>three<br>four<li>five", "one two three four five"},
		{"white space and nbsp collapse",
			"  a \t\n b&nbsp;&nbsp;c\u00a0 ", "a b c"},
		{"control characters are removed",
			"bell\u0007 esc\u001b[31mred nul\u0000", "bell esc[31mred nul"},
		{"bidirectional overrides are removed",
			"invoice\u202Egpj.exe \u2066iso\u2069", "invoicegpj.exe iso"},
		{"zero-width joiner in emoji stays",
			"family 👨\u200D👩\u200D👧", "family 👨\u200D👩\u200D👧"},
		{"invalid UTF-8 is replaced",
			"caf\xe9 au lait", "caf\uFFFD au lait"},
		{"an unclosed comment drops the rest",
			"visible<!-- hidden", "visible"},
		{"plaintext element drops the rest",
			"keep<plaintext><b>not markup</b>", "keep"},
		{"a stray end tag of a dropped element changes nothing",
			"a</script>b", "ab"},
		{"numeric entities are decoded",
			"&#169; 2024 &#x2014; &eacute;t&eacute;", "© 2024 — été"},
		{"plain text without markup is unchanged",
			"Python (programming language) - Wikipedia", "Python (programming language) - Wikipedia"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainText(tt.in, 1000); got != tt.want {
				t.Errorf("plainText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPlainTextCapsRunes(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{"cut at a rune boundary", strings.Repeat("é", 400), 300, strings.Repeat("é", 300)},
		{"no trailing space at the cut", "abc def", 4, "abc"},
		{"exactly the cap", "abcd", 4, "abcd"},
		{"markup does not count", "<b>ab</b><i>cd</i>ef", 4, "abcd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := plainText(tt.in, tt.limit)
			if got != tt.want {
				t.Errorf("plainText(.., %d) = %q, want %q", tt.limit, got, tt.want)
			}
			if n := utf8.RuneCountInString(got); n > tt.limit {
				t.Errorf("%d runes, more than %d", n, tt.limit)
			}
		})
	}
}

func TestPlainTextOfHugeInputIsBounded(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// 4 MB of markup before any text: only the first maxMarkupBytes
		// are read, so the text after it is not reached.
		{"text after the bound is not read",
			strings.Repeat("<i></i>", 4<<20/7) + "late text", ""},
		{"a long text run is cut at the cap",
			"<p>" + strings.Repeat("word ", 1<<20) + "</p>", strings.TrimSpace(strings.Repeat("word ", 200))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plainText(tt.in, MaxContentRunes); got != tt.want {
				t.Errorf("got %d runes %.40q..., want %d runes", utf8.RuneCountInString(got), got, utf8.RuneCountInString(tt.want))
			}
		})
	}
}
