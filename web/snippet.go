package web

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/p2pir/p2pir/index"
)

// Fragment is a piece of text to show, highlighted (in a <mark>) or not.
// Templates print Text escaped; nothing in a Fragment is ever markup.
type Fragment struct {
	Text string
	Mark bool
}

// maxText bounds what Highlight and SnippetFragments read: a snippet or title
// longer than this (64 KiB) is cut, so a lying source cannot make a page
// arbitrarily slow to build.
const maxText = 64 << 10

// QueryTerms are the words of a query to highlight: its words (not the
// operators, site: or source: filters, or words after a minus) and the
// terms the user model added, lower-cased, each once.
func QueryTerms(query string, extra ...string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(w string) {
		w = strings.ToLower(w)
		if w != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	neg := false
	for _, f := range strings.FieldsFunc(query, func(r rune) bool { return unicode.IsSpace(r) }) {
		if strings.HasPrefix(f, "-") {
			neg = strings.HasPrefix(f, "-\"") && !strings.HasSuffix(f[2:], "\"")
			continue
		}
		if neg {
			neg = !strings.HasSuffix(f, "\"")
			continue
		}
		if strings.HasPrefix(f, "site:") || strings.HasPrefix(f, "source:") {
			continue
		}
		for _, w := range words(f) {
			add(w)
		}
	}
	for _, e := range extra {
		for _, w := range words(e) {
			add(w)
		}
	}
	return out
}

// words splits s into runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Highlight splits plain text into fragments, marking every word that
// is a query term or, for a term of three or more letters, starts with
// one (so the stem "galaxi" marks "galaxies"). Matching ignores case;
// words are runs of letters and digits, so a term never marks part of a
// word it does not start. Invalid UTF-8 becomes U+FFFD.
func Highlight(text string, terms []string) []Fragment {
	if len(text) > maxText {
		text = text[:maxText]
	}
	text = strings.ToValidUTF8(text, "\uFFFD")
	if len(terms) == 0 || text == "" {
		return plain(text)
	}
	var out []Fragment
	at := 0 // start of the text not yet emitted
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isWord(r) {
			i += size
			continue
		}
		j := i
		for j < len(text) {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !isWord(r) {
				break
			}
			j += size
		}
		if matches(strings.ToLower(text[i:j]), terms) {
			if at < i {
				out = append(out, Fragment{Text: text[at:i]})
			}
			out = append(out, Fragment{Text: text[i:j], Mark: true})
			at = j
		}
		i = j
	}
	if at < len(text) {
		out = append(out, Fragment{Text: text[at:]})
	}
	return out
}

func isWord(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func matches(word string, terms []string) bool {
	for _, t := range terms {
		if word == t || (utf8.RuneCountInString(t) >= 3 && strings.HasPrefix(word, t)) {
			return true
		}
	}
	return false
}

func plain(text string) []Fragment {
	if text == "" {
		return nil
	}
	return []Fragment{{Text: text}}
}

// SnippetFragments turns the local index's snippet (plain text with the
// byte ranges that matched) into fragments. Ranges that overlap, run
// backwards, fall outside the text or split a UTF-8 sequence are
// ignored, so a damaged snippet shows as text without highlights.
func SnippetFragments(s index.Snippet) []Fragment {
	text := s.Text
	if len(text) > maxText {
		text = text[:maxText]
	}
	var out []Fragment
	at := 0
	for _, h := range s.Highlights {
		if h.Start < at || h.End > len(text) || h.Start >= h.End ||
			!boundary(text, h.Start) || !boundary(text, h.End) {
			continue
		}
		if at < h.Start {
			out = append(out, Fragment{Text: strings.ToValidUTF8(text[at:h.Start], "\uFFFD")})
		}
		out = append(out, Fragment{Text: strings.ToValidUTF8(text[h.Start:h.End], "\uFFFD"), Mark: true})
		at = h.End
	}
	if at < len(text) {
		out = append(out, Fragment{Text: strings.ToValidUTF8(text[at:], "\uFFFD")})
	}
	return out
}

// boundary reports whether byte offset i of s starts a rune (or is the
// end of s).
func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}
