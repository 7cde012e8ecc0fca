package node

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/p2pir/p2pir/web"
)

// TokenHeader carries the node's API token. Requests that change state
// (every method but GET, HEAD and OPTIONS) must send it. The token is
// made anew at every start and written to the run file (RunInfo.Token,
// node.json in the data directory, readable only by its owner), where
// the CLI reads it; a web page cannot.
const TokenHeader = "X-P2PIR-Token"

// MinAccessTokenLen is the shortest Config.HTTPAccessToken Start accepts.
const MinAccessTokenLen = 16

// ErrHTTPNotLoopback is in the chain of Start's error when the HTTP API
// address is not on loopback and Config.HTTPPublic is not set.
var ErrHTTPNotLoopback = errors.New("the HTTP API address is not on loopback")

// ErrAccessTokenNeeded is in the chain of Start's error when
// Config.HTTPPublic is set without a long enough Config.HTTPAccessToken.
var ErrAccessTokenNeeded = errors.New("the HTTP API's access token is missing or too short")

// checkHTTPExposure refuses to serve the API beyond loopback unless the
// configuration asks for it and protects it with an access token.
func checkHTTPExposure(cfg Config) error {
	if cfg.HTTPAccessToken != "" && len(cfg.HTTPAccessToken) < MinAccessTokenLen {
		return fmt.Errorf("%w: it has %d characters, it needs at least %d", ErrAccessTokenNeeded, len(cfg.HTTPAccessToken), MinAccessTokenLen)
	}
	if cfg.HTTPPublic {
		if cfg.HTTPAccessToken == "" {
			return fmt.Errorf("%w: serving the API beyond loopback needs one", ErrAccessTokenNeeded)
		}
		return nil
	}
	host, _, err := net.SplitHostPort(cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("HTTP API address %q: %w", cfg.HTTPAddr, err)
	}
	if !isLoopbackHost(host) {
		return fmt.Errorf("%w (%s), and the API acts for the person: serving it to the network needs public mode and an access token", ErrHTTPNotLoopback, cfg.HTTPAddr)
	}
	return nil
}

// isLoopbackHost reports whether host (no port, IPv6 without brackets)
// names this machine's loopback interface.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// guard protects the HTTP API from the web pages the person visits and,
// in public mode, from the network:
//
//   - Host must be the listen address, localhost or a loopback IP, with or
//     without a port (defeats DNS rebinding); skipped in public mode.
//   - With an access token, every request must carry it as
//     "Authorization: Bearer <token>" (or the node's token in TokenHeader).
//   - Requests that change state must not be cross-origin (Sec-Fetch-Site
//     and Origin, http.CrossOriginProtection), must have a JSON body
//     (Content-Type application/json: a form cannot send one without a
//     CORS preflight, which the API never grants) and must carry the
//     node's token in TokenHeader.
//   - The one exception is the web pages' forms: a POST to a /ui/ path
//     may be an urlencoded form carrying the node's token in its
//     web.TokenField field instead (compared in constant time). It is
//     still refused when cross-origin, and the token is only in pages the
//     node served, which other sites cannot read.
type guard struct {
	listen string
	token  string
	public bool
	access string
	cop    *http.CrossOriginProtection
}

func newGuard(listen, token string, public bool, access string) *guard {
	return &guard{listen: listen, token: token, public: public, access: access, cop: http.NewCrossOriginProtection()}
}

func (g *guard) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !g.public && !g.hostAllowed(r.Host) {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": fmt.Sprintf("this API answers only requests addressed to %s, localhost or a loopback address, not %q", g.listen, r.Host)})
			return
		}
		if g.access != "" && !g.hasAccess(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="p2pir"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "this API needs its access token: send Authorization: Bearer <token>"})
			return
		}
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			h.ServeHTTP(w, r)
			return
		}
		if err := g.cop.Check(r); err != nil {
			refuse(w, r, http.StatusForbidden, "requests from other sites cannot change this node's state")
			return
		}
		if isUIPath(r.URL.Path) && isForm(r.Header.Get("Content-Type")) {
			g.serveForm(w, r, h)
			return
		}
		if !isJSON(r.Header.Get("Content-Type")) {
			refuse(w, r, http.StatusUnsupportedMediaType, "send the request body as JSON, with Content-Type: application/json")
			return
		}
		if !g.hasToken(r) {
			refuse(w, r, http.StatusForbidden, "a request that changes state needs the node's token in the "+TokenHeader+" header (the token is in node.json in the data directory while the node runs)")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// maxFormBytes bounds the body of a /ui/ form post.
const maxFormBytes = 64 << 10

// serveForm checks a /ui/ form post's token field, then serves it; the
// form is parsed here (at most maxFormBytes), so the handler reads it
// with r.PostForm.
func (g *guard) serveForm(w http.ResponseWriter, r *http.Request, h http.Handler) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		refuse(w, r, http.StatusBadRequest, "the form could not be read: "+err.Error())
		return
	}
	if !equalSecret(r.PostForm.Get(web.TokenField), g.token) && !g.hasToken(r) {
		refuse(w, r, http.StatusForbidden, "this form is missing the node's token, or carries an old one (the node makes a new one at every start): reload the page and try again")
		return
	}
	h.ServeHTTP(w, r)
}

// isUIPath reports whether path is one of the web pages' (under /ui/).
func isUIPath(path string) bool { return strings.HasPrefix(path, "/ui/") }

// refuse answers a request the guard turns away: {"error": msg} for the
// API, and for the web pages' paths a short page a person can read (or
// JSON when the page's script asked for it).
func refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	if isUIPath(r.URL.Path) && !wantsJSON(r) {
		web.SetHeaders(w.Header())
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(code)
		_, _ = fmt.Fprintln(w, "Refused: "+msg)
		return
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

// wantsJSON reports whether a request asked for a JSON answer (the web
// pages' script does; a plain form post does not).
func wantsJSON(r *http.Request) bool {
	for _, a := range strings.Split(r.Header.Get("Accept"), ",") {
		if mt, _, err := mime.ParseMediaType(strings.TrimSpace(a)); err == nil && mt == "application/json" {
			return true
		}
	}
	return false
}

// hostAllowed reports whether a request's Host names this API on loopback.
func (g *guard) hostAllowed(host string) bool {
	if host == "" {
		return false
	}
	if strings.EqualFold(host, g.listen) {
		return true
	}
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		name = host[1 : len(host)-1]
	}
	return isLoopbackHost(name)
}

// hasToken reports whether r carries the node's token, or, when there is
// one, the access token.
func (g *guard) hasToken(r *http.Request) bool {
	return equalSecret(r.Header.Get(TokenHeader), g.token) || (g.access != "" && equalSecret(bearer(r), g.access))
}

// hasAccess reports whether r may use the API when an access token is set:
// it carries the access token, or the node's own token (the CLI's).
func (g *guard) hasAccess(r *http.Request) bool {
	return equalSecret(bearer(r), g.access) || equalSecret(r.Header.Get(TokenHeader), g.token)
}

func bearer(r *http.Request) string {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// equalSecret compares in constant time; an empty secret matches nothing.
func equalSecret(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// isForm reports whether a Content-Type is an urlencoded form.
func isForm(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

// isJSON reports whether a Content-Type is application/json, parameters
// (charset) allowed.
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && mt == "application/json"
}
