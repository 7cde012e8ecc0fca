package node

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// prettyJSON serves h, and indents its JSON answer (two spaces a level)
// when the request asks for it with the query parameter pretty=1: the
// API answers compact JSON, which costs a search less, and a person
// reading an answer with curl asks for it indented. Answers that are not
// JSON (the web pages, /metrics) pass unchanged.
func prettyJSON(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.Contains(r.URL.RawQuery, "pretty") || r.URL.Query().Get("pretty") != "1" {
			h.ServeHTTP(w, r)
			return
		}
		pw := &prettyWriter{w: w}
		h.ServeHTTP(pw, r)
		pw.finish()
	})
}

// prettyWriter holds a JSON answer until its handler returns, to write it
// indented; it passes any other answer through as it comes.
type prettyWriter struct {
	w    http.ResponseWriter
	code int  // the status, 0 until WriteHeader
	json bool // the answer is JSON, held in body
	body bytes.Buffer
}

func (p *prettyWriter) Header() http.Header { return p.w.Header() }

func (p *prettyWriter) WriteHeader(code int) {
	if p.code != 0 {
		return
	}
	p.code = code
	p.json = strings.HasPrefix(p.w.Header().Get("Content-Type"), "application/json")
	if !p.json {
		p.w.WriteHeader(code)
	}
}

func (p *prettyWriter) Write(b []byte) (int, error) {
	if p.code == 0 {
		p.WriteHeader(http.StatusOK)
	}
	if p.json {
		return p.body.Write(b)
	}
	return p.w.Write(b)
}

// Unwrap is the writer underneath, for http.ResponseController.
func (p *prettyWriter) Unwrap() http.ResponseWriter { return p.w }

// finish writes the held JSON answer, indented (as it came if it is not
// valid JSON, which the handler's status then explains).
func (p *prettyWriter) finish() {
	if !p.json {
		return
	}
	b := p.body.Bytes()
	var out bytes.Buffer
	if json.Indent(&out, b, "", "  ") == nil {
		b = out.Bytes()
	}
	p.w.Header().Del("Content-Length")
	p.w.WriteHeader(p.code)
	_, _ = p.w.Write(b)
}
