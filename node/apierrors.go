package node

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
)

// maxBodyBytes is the largest request body the API reads (decodeJSON).
const maxBodyBytes = 64 << 10

// jsonErrors serves mux, but answers the requests mux has no route for
// in the API's own error shape, {"error": ...}: 404 for a path no route
// has, 405 (with mux's Allow header) for a method the path's routes do
// not take. net/http's ServeMux writes those in plain text. Its other
// answers without a route (redirects to a cleaned path) pass unchanged.
func jsonErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		switch rec.code {
		case http.StatusNotFound:
			writeJSON(w, http.StatusNotFound, map[string]string{"error": fmt.Sprintf("this node's API has no %s (see docs/API.md for its routes)", r.URL.Path)})
		case http.StatusMethodNotAllowed:
			allow := rec.header.Get("Allow")
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf("%s does not take %s requests; it takes %s", r.URL.Path, r.Method, strings.ReplaceAll(allow, ",", ", "))})
		default:
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status())
			_, _ = w.Write(rec.body.Bytes())
		}
	})
}

// recorder keeps what ServeMux's own handlers (not found, method not
// allowed, redirect) write, for jsonErrors to answer in their stead.
type recorder struct {
	header http.Header
	code   int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.body.Write(p)
}

func (r *recorder) status() int {
	if r.code == 0 {
		return http.StatusOK
	}
	return r.code
}
