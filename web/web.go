// Package web is the node's browser surface without the node: the HTML
// templates and static assets, embedded in the binary, and the pure
// helpers the pages need (turning snippets into safe highlighted
// fragments).
//
// Pages are rendered server-side with html/template, so every value is
// escaped in its context; no engine, peer or crawled page's HTML is ever
// written raw. Each page is a template file in templates/ that defines
// "title" and "content"; layout.html wraps it with the header, the
// navigation and the node's token (a <meta> tag the script reads; forms
// carry it in a hidden field). The static assets are one style sheet and
// one small script, served from the embedded files only, under a
// Content-Security-Policy that allows nothing inline (SetHeaders).
//
// The handlers live in package node, which has the agents; this package
// knows nothing of them.
//
// The text the pages show (titles, snippets) is plain text: the
// metasearch package already reduces an engine's HTML to text, and the
// local index, the crawl and the peers give text. Highlights are ours
// (Highlight, SnippetFragments): <mark> elements the templates write
// around escaped text.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// ContentSecurityPolicy is sent with every page: scripts, styles and
// connections only from the node itself, no inline script or style, no
// framing, forms only to the node.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// SetHeaders sets the headers every HTML response carries: the
// Content-Security-Policy, no MIME sniffing, no Referer (the person's
// queries are in the page's URL and must not reach the sites they
// click), no framing and no caching (pages show the person's state).
func SetHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cache-Control", "no-store")
}

// NavItem is one entry of the navigation bar.
type NavItem struct {
	// Key is what Page.Nav names to make this entry the current one.
	Key string
	// Path is where the entry links.
	Path string
	// Label is the text shown.
	Label string
}

// Nav is the navigation bar, in order.
func Nav() []NavItem {
	return []NavItem{
		{"search", "/", "Search"},
		{"profile", "/ui/profile", "Profile"},
		{"network", "/ui/network", "Network"},
		{"sources", "/ui/sources", "Sources"},
		{"index", "/ui/index", "Index"},
	}
}

// TokenField is the name of the hidden form field that carries the
// node's token in the pages' forms (the guard reads it on /ui/ posts).
const TokenField = "token"

// Page is what the layout needs to wrap a page's content.
type Page struct {
	// Title is the page's title (the <title> says "Title · p2pir").
	Title string
	// Nav is the Key of the current navigation entry.
	Nav string
	// Token is the node's per-run token, for the forms and the script.
	Token string
	// Node is this node's name, shown in the header.
	Node string
	// Notice is a message to show above the content (the outcome of a
	// form), empty for none; Error, when set, is shown as an error.
	Notice, Error string
	// Data is the page's own data.
	Data any
}

// Renderer renders the embedded pages. It is safe for concurrent use.
type Renderer struct {
	pages map[string]*template.Template
}

// assetVersions maps each static file to a short hash of its content: the
// pages link "/static/NAME?v=HASH", so a new binary's style sheet or
// script is fetched at once however long browsers cache the old one.
func assetVersions() (map[string]string, error) {
	out := map[string]string{}
	err := fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(raw)
		out[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:6])
		return nil
	})
	return out, err
}

// NewRenderer parses the embedded templates: one set per page, each the
// layout and that page's file.
func NewRenderer() (*Renderer, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: list templates: %w", err)
	}
	versions, err := assetVersions()
	if err != nil {
		return nil, fmt.Errorf("web: read the static files: %w", err)
	}
	fm := funcs()
	fm["asset"] = func(name string) (string, error) {
		v, ok := versions[name]
		if !ok {
			return "", fmt.Errorf("no static file %q", name)
		}
		return "/static/" + name + "?v=" + v, nil
	}
	r := &Renderer{pages: map[string]*template.Template{}}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t, err := template.New("layout.html").Funcs(fm).ParseFS(templateFiles, "templates/layout.html", "templates/_*.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", name, err)
		}
		r.pages[base] = t
	}
	return r, nil
}

// Render writes page name (templates/NAME.html in the layout) with
// status code, and the headers of SetHeaders. The page is rendered into
// memory first: a template error is a 500 with a plain message, never
// half a page.
func (r *Renderer) Render(w http.ResponseWriter, code int, name string, p Page) error {
	t, ok := r.pages[name]
	if !ok {
		http.Error(w, "no such page", http.StatusInternalServerError)
		return fmt.Errorf("web: no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		SetHeaders(w.Header())
		http.Error(w, "this page could not be shown: "+err.Error(), http.StatusInternalServerError)
		return fmt.Errorf("web: render %s: %w", name, err)
	}
	SetHeaders(w.Header())
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, err := w.Write(buf.Bytes())
	return err
}

// funcs are the templates' functions besides asset: nav (the
// navigation), pct (0.25 → "25%"), f2 (two decimals), ms (a duration in
// ms or s), ago ("3 min ago"), when (a local date and time) and plural
// (plural 2 "mark" "marks" → "2 marks").
func funcs() template.FuncMap {
	return template.FuncMap{
		"nav": Nav,
		"pct": func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
		"f2":  func(f float64) string { return fmt.Sprintf("%.2f", f) },
		"ms": func(d time.Duration) string {
			if d < time.Second {
				return fmt.Sprintf("%d ms", d.Milliseconds())
			}
			return fmt.Sprintf("%.1f s", d.Seconds())
		},
		"ago":    ago,
		"when":   func(t time.Time) string { return t.Local().Format("2006-01-02 15:04") },
		"plural": plural,
	}
}

// ago says how long before now t was, in words.
func ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := time.Since(t)
	switch {
	case d < 5*time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%d s ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return fmt.Sprintf("%d days ago", int(d.Hours()/24))
}

// plural is "1 result" or "N results".
func plural(n any, one, many string) string {
	return fmt.Sprintf("%v %s", n, map[bool]string{true: one, false: many}[fmt.Sprint(n) == "1"])
}

// Static serves the embedded static assets (files under static/, at
// their names), cached by browsers for a day (the pages link them with a
// hash of their content, so a new binary's files are fetched at once),
// and a 404 for any directory: nothing is ever listed. Mount it with
// http.StripPrefix("/static/", ...).
func Static() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded directory exists: a build error otherwise
	}
	files := http.FileServerFS(sub)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
		st, err := fs.Stat(sub, name)
		if name == "" || err != nil || st.IsDir() {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	})
}
