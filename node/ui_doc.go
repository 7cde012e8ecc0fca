package node

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/p2pir/p2pir/web"
)

// uiDocBytes is how much of a document's text the document page shows.
const uiDocBytes = 64 << 10

// docView is the document page's data: a document of the local index, as
// text.
type docView struct {
	Title, URL, Href, Source string
	Modified                 time.Time
	Size                     int64
	Text                     []web.Fragment
	Shown, Total             int // bytes of text shown, of all
	Query                    string
	Back                     string
}

// doc serves GET /ui/doc?id=&q=: the text of a document in the local
// index (a file has no other link a browser can follow), with q's words
// highlighted. The text is the index's plain text, escaped: never the
// original file or page.
func (u *ui) doc(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("id")
	if id == "" {
		u.fail(w, "search", http.StatusBadRequest, fmt.Errorf("which document? The address needs its id"))
		return
	}
	d, ok, err := u.n.ix.Get(r.Context(), id)
	if err != nil {
		u.fail(w, "search", http.StatusInternalServerError, fmt.Errorf("the document could not be read from the index: %w", err))
		return
	}
	if !ok {
		u.fail(w, "search", http.StatusNotFound, fmt.Errorf("no document %q in the index (it may have been removed since the search)", id))
		return
	}
	v := docView{Title: d.Title, URL: d.URL, Href: href(d.URL), Source: d.Source, Modified: d.Modified, Size: d.Size,
		Query: q.Get("q"), Total: len(d.Body)}
	if v.Title == "" {
		v.Title = d.URL
	}
	text := d.Body
	if len(text) > uiDocBytes {
		cut := uiDocBytes
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	v.Shown = len(text)
	v.Text = web.Highlight(text, u.highlightTerms(v.Query, nil))
	if v.Query != "" {
		v.Back = "/?q=" + url.QueryEscape(v.Query)
	}
	u.render(w, http.StatusOK, "doc", u.page("search", v.Title, v))
}

// highlightTerms are the words to mark for a query: its words as typed,
// their stems (so "galaxi" marks "galaxies") and the terms the profile
// added.
func (u *ui) highlightTerms(query string, added []string) []string {
	typed := web.QueryTerms(query) // no operators, filters or excluded words
	extra := append(u.n.ix.Analyze(strings.Join(typed, " ")), added...)
	return web.QueryTerms(query, extra...)
}

// docLink is the document page's address for a document of the local
// index, with the query whose words it highlights.
func docLink(id, query string) string {
	v := url.Values{"id": {id}}
	if query != "" {
		v.Set("q", query)
	}
	return "/ui/doc?" + v.Encode()
}
