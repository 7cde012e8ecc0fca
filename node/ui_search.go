package node

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/index"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
	"github.com/p2pir/p2pir/usermodel"
	"github.com/p2pir/p2pir/web"
)

const (
	// uiPerPage is how many results a page of the search page shows.
	uiPerPage = 10
	// uiMaxPage is the last page the search page offers (it asks the
	// sources for page × uiPerPage results).
	uiMaxPage = 20
	// uiRecommendTimeout bounds asking the peers for recommendations; the
	// page shows whatever came back in time.
	uiRecommendTimeout = 3 * time.Second
	// uiRecommendations is how many recommendations the page shows.
	uiRecommendations = 5
)

// searchView is the search page's data.
type searchView struct {
	Query        string
	Searched     bool
	IndexEmpty   bool
	Results      []resultView
	First        int // the rank of the first result shown
	Page         int
	Total        uint64
	Took         time.Duration
	Expanded     []usermodel.TermWeight
	Added        []string
	Dropped      []string
	Filtered     int
	Unresponsive []namedReason
	NoProfileURL string
	// WithProfileURL, set when the search ran without the profile,
	// links the same search with it.
	WithProfileURL string
	PrevURL        string
	NextURL        string
	// Undo, when not empty, says what the person just did, with an undo
	// button (UndoForm) after it.
	Undo     string
	UndoForm markForm

	Recommended     []recView
	RecUnresponsive []namedReason
}

// resultView is one result as the page shows it.
type resultView struct {
	Title   string
	URL     string
	Href    string // a link the browser can follow, or "" for none
	Snippet []web.Fragment
	Sources []sourceLabel
	Why     string
	// Formats are the same page's URLs in other formats (Result.Formats).
	Formats []string
	// NearDuplicates are other files nearly the same (Result.NearDuplicates).
	NearDuplicates []string
	Marked         string // "", "interested" or "not"
	Mark           markForm
	// Lang is the document's language when it is not English (Result.Lang),
	// shown after the title and set as the lang attribute of the title and
	// the snippet; "" otherwise.
	Lang string
}

// markForm is the data of the mark and undo forms.
type markForm struct {
	QueryID, URL, Back, Token, Marked string
}

// sourceLabel names one source that found a result.
type sourceLabel struct {
	Kind  string // local, engine, peer, crawl: the CSS class
	Label string
}

// namedReason is a source or peer that did not answer, and why.
type namedReason struct {
	Name, Reason string
}

// recView is one recommendation from the peers.
type recView struct {
	Title, URL, Href string
	Snippet          []web.Fragment
	People           int
	Peers            []string
}

// search serves GET /: the search box, and with q the results.
func (u *ui) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	v := searchView{Query: strings.TrimSpace(q.Get("q")), Page: 1}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > uiMaxPage {
			u.fail(w, "search", http.StatusBadRequest, fmt.Errorf("page must be a number from 1 to %d, not %q", uiMaxPage, p))
			return
		}
		v.Page = n
	}
	noProfile := q.Get("no_profile") == "1"
	if count, err := u.n.ix.Count(); err == nil && count == 0 {
		v.IndexEmpty = true
	}
	here := r.URL.RequestURI()
	switch q.Get("done") {
	case "marked":
		v.Undo = "Your mark is recorded and already shapes the results below."
	case "undone":
		v.Undo = "Your latest mark is taken back."
	}
	if q.Get("done") == "marked" {
		v.UndoForm = markForm{URL: q.Get("mark"), Back: clean(here), Token: u.n.apiToken}
	}

	var (
		wg  sync.WaitGroup
		rec []recView
		ru  []namedReason
	)
	if v.Page == 1 {
		wg.Go(func() { rec, ru = u.recommendations(r.Context()) })
	}
	if v.Query != "" {
		v.Searched = true
		k := v.Page * uiPerPage
		// Bounded by config.toml's search.timeout, as the CLI's and the
		// API's searches are.
		resp, err := u.n.agent.Search(r.Context(), clientagent.Request{
			Query: v.Query, K: k, NoProfile: noProfile, Timeout: u.n.searchTimeout,
			Exclude: []string{clientagent.CrawlName}, // a GET never makes the node fetch pages
		})
		if err != nil {
			wg.Wait()
			code := http.StatusInternalServerError
			if isBadInput(err) {
				code = http.StatusBadRequest
			}
			p := u.page("search", "Search", v)
			p.Error = "The search failed: " + err.Error()
			u.render(w, code, "search", p)
			return
		}
		u.fill(r.Context(), &v, resp, here, noProfile)
	}
	wg.Wait()
	v.Recommended, v.RecUnresponsive = rec, ru
	u.render(w, http.StatusOK, "search", u.page("search", "Search", v))
}

// fill puts a search's answer into the page's data.
func (u *ui) fill(ctx context.Context, v *searchView, resp *clientagent.Response, here string, noProfile bool) {
	v.Total, v.Took = resp.Total, resp.Took
	v.Added, v.Dropped, v.Filtered = resp.Added, resp.Dropped, len(resp.Filtered)
	if len(resp.Added) > 0 || len(resp.Dropped) > 0 {
		v.Expanded = resp.Expanded
	}
	v.NoProfileURL = clean(withParam(withParam(here, "no_profile", "1"), "page", ""))
	if noProfile {
		v.NoProfileURL = ""
		v.WithProfileURL = clean(withParam(withParam(here, "no_profile", ""), "page", ""))
	}
	for _, un := range resp.Unresponsive {
		v.Unresponsive = append(v.Unresponsive, namedReason{Name: u.sourceName(un.Engine, un.Name), Reason: un.Error})
	}
	terms := u.highlightTerms(v.Query, resp.Added)
	marked := u.markedURLs(ctx)
	from := (v.Page - 1) * uiPerPage
	v.First = from + 1
	back := clean(here)
	for i, res := range resp.Results {
		if i < from {
			continue
		}
		// Titles and snippets are plain text (clientagent.Hit): the
		// metasearch package reduces an engine's HTML to text, entities
		// decoded, so stripping it again here would eat text such as
		// "<neighbours>"; the templates escape it all.
		rv := resultView{Title: res.Title, URL: res.URL, Href: href(res.URL), Why: res.Why, Formats: res.Formats, NearDuplicates: res.NearDuplicates, Marked: marked[res.URL]}
		if rv.Href == "" && res.DocID != "" {
			rv.Href = docLink(res.DocID, v.Query) // a file: its text in the index
		}
		if rv.Title == "" {
			rv.Title = res.URL
		}
		if res.Snippet.Text != "" {
			rv.Snippet = web.SnippetFragments(res.Snippet)
		} else {
			rv.Snippet = web.Highlight(res.Content, terms)
		}
		rv.Sources = u.sourceLabels(res)
		if res.Lang != index.English {
			rv.Lang = res.Lang
		}
		rv.Mark = markForm{QueryID: resp.QueryID, URL: res.URL, Back: back, Token: u.n.apiToken, Marked: rv.Marked}
		v.Results = append(v.Results, rv)
	}
	if v.Page > 1 {
		v.PrevURL = withParam(here, "page", strconv.Itoa(v.Page-1))
		if v.Page == 2 {
			v.PrevURL = withParam(here, "page", "")
		}
	}
	if len(resp.Results) >= v.Page*uiPerPage && v.Page < uiMaxPage {
		v.NextURL = clean(withParam(here, "page", strconv.Itoa(v.Page+1)))
	}
	if v.PrevURL != "" {
		v.PrevURL = clean(v.PrevURL)
	}
}

// clean is a page's address without the one-time parameters of a form's
// outcome (done, mark), for links and forms' back fields.
func clean(u string) string {
	return withParam(withParam(u, "done", ""), "mark", "")
}

// sourceLabels names the sources that found a result, in words: this
// computer (a file or a crawled page), an engine, the crawl, a peer by
// its name.
func (u *ui) sourceLabels(res clientagent.Result) []sourceLabel {
	var out []sourceLabel
	seen := map[string]bool{}
	for _, e := range res.Engines {
		if seen[e] {
			continue
		}
		seen[e] = true
		switch id, peer := clientagent.PeerID(e); {
		case peer:
			out = append(out, sourceLabel{"peer", "peer " + u.peerLabel(id)})
		case e == clientagent.LocalName:
			what := "this computer"
			switch res.Source {
			case index.SourceFile:
				what = "your files"
			case index.SourceWeb:
				what = "your crawled pages"
			}
			out = append(out, sourceLabel{"local", what})
		case e == clientagent.CrawlName:
			out = append(out, sourceLabel{"crawl", "the focused crawl"})
		case e == PeersSource:
			out = append(out, sourceLabel{"peer", "peers"})
		default:
			out = append(out, sourceLabel{"engine", "engine " + e})
		}
	}
	return out
}

// peerLabel is a peer's announced name, or its ID cut short.
func (u *ui) peerLabel(id string) string {
	if name := u.n.server.PeerName(id); name != "" {
		return name
	}
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}

// sourceName names an unresponsive source or peer.
func (u *ui) sourceName(engine, name string) string {
	if id, ok := clientagent.PeerID(engine); ok {
		if name != "" {
			return "peer " + name
		}
		return "peer " + u.peerLabel(id)
	}
	return engine
}

// markedURLs is the person's latest mark on each URL: "interested" or
// "not".
func (u *ui) markedURLs(ctx context.Context) map[string]string {
	out := map[string]string{}
	marks, err := u.n.store.SharedMarks(ctx)
	if err != nil {
		return out
	}
	for _, m := range marks {
		if m.Interested {
			out[m.URL] = "interested"
		} else {
			out[m.URL] = "not"
		}
	}
	return out
}

// href is a link the browser may follow for a result's URL: http and
// https as they are, a peer's shared document through /peer-doc (as
// text), none for the rest (file:// links do not open from a web page).
func href(raw string) string {
	pu, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	switch pu.Scheme {
	case "http", "https":
		return raw
	case "p2pir":
		if _, _, ok := p2pirv1.ParseSharedDocURL(raw); ok {
			return "/peer-doc?url=" + url.QueryEscape(raw)
		}
	}
	return ""
}

// recommendations asks the peers for what they liked, within
// uiRecommendTimeout; nothing when no peer answers or sharing is off.
func (u *ui) recommendations(ctx context.Context) ([]recView, []namedReason) {
	ctx, cancel := context.WithTimeout(ctx, uiRecommendTimeout)
	defer cancel()
	rec, err := u.n.server.RecommendFromPeers(ctx, uiRecommendations)
	if err != nil {
		return nil, nil
	}
	var out []recView
	for _, it := range rec.Items {
		rv := recView{Title: it.Title, URL: it.URL, Href: href(it.URL), People: it.People, Snippet: web.Highlight(it.Content, nil)}
		if rv.Title == "" {
			rv.Title = it.URL
		}
		for _, id := range it.Peers {
			rv.Peers = append(rv.Peers, u.peerLabel(id))
		}
		out = append(out, rv)
	}
	var ur []namedReason
	for _, x := range rec.Unresponsive {
		ur = append(ur, namedReason{Name: u.peerLabel(x.NodeID), Reason: x.Reason})
	}
	return out, ur
}

// mark serves POST /ui/mark: a form {query_id, url, interested, back}.
func (u *ui) mark(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var interested bool
	switch f.Get("interested") {
	case "1", "true":
		interested = true
	case "0", "false":
	default:
		u.formError(w, r, "search", "The mark was not recorded", fmt.Errorf("%w: the form must say interested (1) or not (0)", errBadInput))
		return
	}
	if f.Get("query_id") == "" || f.Get("url") == "" {
		u.formError(w, r, "search", "The mark was not recorded", fmt.Errorf("%w: the form must name the search and the result it marks", errBadInput))
		return
	}
	m, p, err := u.n.agent.Mark(r.Context(), f.Get("query_id"), f.Get("url"), interested)
	if err != nil {
		u.formError(w, r, "search", "The mark was not recorded", err)
		return
	}
	reply := markReply(m, p)
	reply["message"] = "Marked interested: your next searches lean towards it."
	reply["marked"] = "interested"
	if !interested {
		reply["message"] = "Marked not interested: your next searches lean away from it."
		reply["marked"] = "not"
	}
	answerForm(w, r, withParam(withParam(back(r, "/"), "done", "marked"), "mark", m.URL), reply)
}

// undo serves POST /ui/mark/undo: takes back the latest mark; with a url
// field, only if the latest mark is on that result (the button was shown
// for it), else nothing is undone.
func (u *ui) undo(w http.ResponseWriter, r *http.Request) {
	var (
		m   usermodel.Mark
		p   usermodel.Profile
		err error
	)
	if url := r.PostForm.Get("url"); url != "" {
		m, p, err = u.n.agent.UndoMark(r.Context(), url)
	} else {
		m, p, err = u.n.agent.Undo(r.Context())
	}
	if err != nil {
		u.formError(w, r, "search", "Nothing was undone", err)
		return
	}
	reply := markReply(m, p)
	reply["message"] = "Undone: the mark on this result is taken back."
	reply["marked"] = u.markedURLs(r.Context())[m.URL]
	answerForm(w, r, withParam(back(r, "/"), "done", "undone"), reply)
}
