package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestRenderWrapsThePageAndEscapes(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	err = r.Render(w, http.StatusOK, "error", Page{Title: "Oops", Nav: "profile", Token: `tok"en`, Node: "<b>node</b>", Error: "<script>alert(1)</script>"})
	if err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	for _, want := range []string{
		"<title>Oops · p2pir</title>",
		`<meta name="p2pir-token" content="tok&#34;en">`,
		`<a href="/ui/profile" aria-current="page">Profile</a>`,
		"&lt;b&gt;node&lt;/b&gt;",
		"&lt;script&gt;alert(1)&lt;/script&gt;",
		`<link rel="stylesheet" href="/static/style.css?v=`,
		`<script src="/static/app.js?v=`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "<script>alert") || strings.Contains(body, "<b>node") {
		t.Errorf("markup from the data reached the page raw")
	}
	if got := w.Header().Get("Content-Security-Policy"); got != ContentSecurityPolicy {
		t.Errorf("CSP %q", got)
	}
	if w.Header().Get("Referrer-Policy") != "no-referrer" || w.Header().Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("headers %v", w.Header())
	}
}

func TestRenderFailsWholeNotHalf(t *testing.T) {
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		page string
		data any
	}{
		{"unknown page", "nosuchpage", nil},
		{"data the page cannot use", "network", 42},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			if err := r.Render(w, http.StatusOK, tc.page, Page{Data: tc.data}); err == nil {
				t.Fatal("no error")
			}
			if w.Code != http.StatusInternalServerError || strings.Contains(w.Body.String(), "<html") {
				t.Errorf("got %d %q, want a 500 without half a page", w.Code, w.Body.String())
			}
		})
	}
}

func TestStaticServesOnlyItsFiles(t *testing.T) {
	h := http.StripPrefix("/static/", Static())
	for _, tc := range []struct {
		path     string
		code     int
		wantType string
	}{
		{"/static/style.css", http.StatusOK, "text/css; charset=utf-8"},
		{"/static/app.js", http.StatusOK, "text/javascript; charset=utf-8"},
		{"/static/", http.StatusNotFound, ""},
		{"/static/.", http.StatusNotFound, ""},
		{"/static/nothere.css", http.StatusNotFound, ""},
		{"/static/../web.go", http.StatusNotFound, ""},
		{"/static/%2e%2e/web.go", http.StatusNotFound, ""},
		{"/static//etc/passwd", http.StatusNotFound, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", "http://node"+tc.path, nil))
			if w.Code != tc.code {
				t.Fatalf("%d, want %d: %s", w.Code, tc.code, w.Body.String())
			}
			if strings.Contains(w.Body.String(), "<a href") {
				t.Errorf("a listing: %s", w.Body.String())
			}
			if tc.code != http.StatusOK {
				return
			}
			if got := w.Header().Get("Content-Type"); got != tc.wantType {
				t.Errorf("Content-Type %q, want %q", got, tc.wantType)
			}
			if !strings.Contains(w.Header().Get("Cache-Control"), "max-age=") {
				t.Errorf("no cache header: %v", w.Header())
			}
		})
	}
}

func TestTemplateFuncsSayNumbersInWords(t *testing.T) {
	f := funcs()
	for _, tc := range []struct {
		got, want string
	}{
		{f["plural"].(func(any, string, string) string)(1, "mark", "marks"), "1 mark"},
		{f["plural"].(func(any, string, string) string)(uint64(2), "mark", "marks"), "2 marks"},
		{f["plural"].(func(any, string, string) string)(0, "mark", "marks"), "0 marks"},
		{f["ms"].(func(time.Duration) string)(17 * time.Millisecond), "17 ms"},
		{f["ms"].(func(time.Duration) string)(1500 * time.Millisecond), "1.5 s"},
		{f["pct"].(func(float64) string)(0.256), "26%"},
		{ago(time.Time{}), "never"},
		{ago(time.Now().Add(-3 * time.Minute)), "3 min ago"},
		{ago(time.Now().Add(-72 * time.Hour)), "3 days ago"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
