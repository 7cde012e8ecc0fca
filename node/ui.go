package node

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/usermodel"
	"github.com/p2pir/p2pir/web"
)

// uiRoutes adds the web pages to the API's mux (package web has the
// templates and assets; the handlers are here, beside the agents):
//
//	GET  /                 the search page (q, page, no_profile); works without JavaScript
//	GET  /ui/profile       interests, avoided terms, marks, sharing
//	GET  /ui/network       peers, clusters
//	GET  /ui/doc           a document of the local index as text (id, q: words to highlight)
//	POST /ui/mark          a form {token, query_id, url, interested=1|0, back}: marks, then 303 to back
//	POST /ui/mark/undo     a form {token, back}: takes back the latest mark, then 303 to back
//	POST /ui/sharing       a form {token, sharing=on|off, back}
//	GET  /ui/sources       the sources: learned weight, failures, suspension; engine forms
//	POST /ui/sources/add   a form {token, kind, url, name}: adds an engine to config.toml
//	POST /ui/sources/enable  a form {token, name, enabled=1|0}
//	POST /ui/sources/remove  a form {token, name}
//	GET  /ui/index         folders and sites in the index, jobs with their progress
//	POST /ui/index/folder  a form {token, path, share, watch}: queues a job
//	POST /ui/index/site    a form {token, url, depth, max_pages, allow_private}: queues a crawl
//	POST /ui/index/cancel  a form {token, id}
//	POST /ui/index/remove  a form {token, kind, target}: its documents leave the index
//	GET  /static/...       the style sheet and the script, from the binary
//	POST /profile/sharing  the JSON API's twin of /ui/sharing: {"sharing": true|false},
//	                       answers {"sharing"}; behind the API's guard (JSON and the header)
//
// The guard lets /ui/ posts be urlencoded forms carrying the node's token
// in a field; a post that asks for JSON (Accept: application/json, as the
// pages' script does) gets JSON instead of the redirect.
//
// Adding a page: a template web/templates/NAME.html defining "title" and
// "content" (its data is .Data; .Token is the token for its forms, which
// carry it with {{template "token" .Token}}), a handler here that calls
// u.render(w, code, NAME, u.page(NAV, TITLE, data)), and its route below.
// A form handler reads r.PostForm (the guard parsed it and checked its
// token), and ends with answerForm (303 to back(r, ...) with a done=
// parameter the page turns into a notice, or JSON for the script) or
// formError.
func (n *Node) uiRoutes(mux *instrumentedMux) {
	pages, err := web.NewRenderer()
	if err != nil {
		// The templates are in the binary: this is a build that cannot
		// show pages. The API still works; the pages say why they do not.
		broken := func(w http.ResponseWriter, r *http.Request) {
			web.SetHeaders(w.Header())
			http.Error(w, fmt.Sprintf("the web pages of this build are broken: %v", err), http.StatusInternalServerError)
		}
		mux.HandleFunc("GET /{$}", broken)
		mux.HandleFunc("/ui/", broken)
		return
	}
	u := &ui{n: n, pages: pages}
	mux.ServeMux.Handle("GET /static/", http.StripPrefix("/static/", web.Static()))
	mux.HandleFunc("GET /{$}", u.search)
	mux.HandleFunc("GET /ui/profile", u.profile)
	mux.HandleFunc("GET /ui/network", u.network)
	mux.HandleFunc("GET /ui/doc", u.doc)
	mux.HandleFunc("POST /ui/mark", u.mark)
	mux.HandleFunc("POST /ui/mark/undo", u.undo)
	mux.HandleFunc("POST /ui/sharing", u.sharing)
	mux.HandleFunc("GET /ui/sources", u.sources)
	mux.HandleFunc("POST /ui/sources/add", u.sourcesAdd)
	mux.HandleFunc("POST /ui/sources/enable", u.sourcesEnable)
	mux.HandleFunc("POST /ui/sources/remove", u.sourcesRemove)
	mux.HandleFunc("GET /ui/index", u.indexPage)
	mux.HandleFunc("POST /ui/index/folder", u.indexFolder)
	mux.HandleFunc("POST /ui/index/site", u.indexSite)
	mux.HandleFunc("POST /ui/index/cancel", u.indexCancel)
	mux.HandleFunc("POST /ui/index/remove", u.indexRemove)
}

// ui serves the web pages of one node.
type ui struct {
	n     *Node
	pages *web.Renderer
}

// page is the layout's data for a page of this node.
func (u *ui) page(nav, title string, data any) web.Page {
	return web.Page{Title: title, Nav: nav, Token: u.n.apiToken, Node: u.n.server.Self().Name, Data: data}
}

// render writes a page; a failure to render is logged in the response
// itself (Render answers 500), there is nothing else to do with it.
func (u *ui) render(w http.ResponseWriter, code int, name string, p web.Page) {
	_ = u.pages.Render(w, code, name, p)
}

// fail shows an error page: the message is for the person.
func (u *ui) fail(w http.ResponseWriter, nav string, code int, err error) {
	p := u.page(nav, "Error", nil)
	p.Error = err.Error()
	u.render(w, code, "error", p)
}

// back is where a form sends the person after a post: its "back" field
// when it is a path on this node (never another site: "//host" and
// "/\host" are refused), else fallback.
func back(r *http.Request, fallback string) string {
	b := r.PostForm.Get("back")
	if b == "" || !strings.HasPrefix(b, "/") || strings.HasPrefix(b, "//") || strings.HasPrefix(b, "/\\") {
		return fallback
	}
	pu, err := url.Parse(b)
	if err != nil || pu.Scheme != "" || pu.Host != "" {
		return fallback
	}
	return pu.RequestURI()
}

// withParam is path u with query parameter k set to v.
func withParam(u, k, v string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := pu.Query()
	if v == "" {
		q.Del(k)
	} else {
		q.Set(k, v)
	}
	pu.RawQuery = q.Encode()
	return pu.RequestURI()
}

// answerForm ends a successful form post: JSON for the pages' script,
// else a 303 to where the person was.
func answerForm(w http.ResponseWriter, r *http.Request, to string, reply any) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, reply)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// formError answers a form post that failed: JSON for the script, else a
// page that says what went wrong. what says what did not happen ("The
// mark was not recorded"); sayError puts err in words.
func (u *ui) formError(w http.ResponseWriter, r *http.Request, nav, what string, err error) {
	code := http.StatusInternalServerError
	if isBadInput(err) {
		code = http.StatusBadRequest
	}
	msg := what + ": " + sayError(err)
	if wantsJSON(r) {
		writeJSON(w, code, map[string]string{"error": msg})
		return
	}
	u.fail(w, nav, code, errors.New(msg))
}

// sayError puts the errors a person meets on the pages into words; other
// errors are shown as they are.
func sayError(err error) string {
	switch {
	case errors.Is(err, usermodel.ErrNothingToUndo):
		return "there is no mark to undo."
	case errors.Is(err, clientagent.ErrNotLatestMark):
		return "undo takes back your latest mark, and that is on another result now (marked in another tab?): reload the page."
	case errors.Is(err, usermodel.ErrUnknownQuery):
		return "this search is too old to mark (the node keeps only the latest searches): search again and mark the result there."
	case errors.Is(err, usermodel.ErrNotShown):
		return "that result was not among this search's results: search again and mark it there."
	case errors.Is(err, errBadInput):
		return strings.TrimPrefix(err.Error(), errBadInput.Error()+": ")
	}
	return err.Error()
}

// isBadInput reports whether err is the person's to fix (writeError's
// 400s).
func isBadInput(err error) bool {
	return errors.Is(err, errBadInput) || errors.Is(err, index.ErrBadQuery) || errors.Is(err, usermodel.ErrUnknownQuery) ||
		errors.Is(err, usermodel.ErrNotShown) || errors.Is(err, usermodel.ErrNothingToUndo) || errors.Is(err, clientagent.ErrNotLatestMark) ||
		strings.Contains(err.Error(), "no source named")
}
