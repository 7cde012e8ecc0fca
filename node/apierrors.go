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
			methods := strings.Split(allow, ",")
			for i := range methods {
				methods[i] = strings.TrimSpace(methods[i])
			}
			w.Header().Set("Allow", allow)
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": fmt.Sprintf("%s does not take %s requests; it takes %s", r.URL.Path, r.Method, strings.Join(methods, ", "))})
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

// tooLarge is a request body over maxBodyBytes: its message is for
// people, its chain keeps the *http.MaxBytesError (writeError: 413).
type tooLarge struct{ err error }

func (e tooLarge) Error() string {
	return fmt.Sprintf("the request body is larger than %d KiB", maxBodyBytes>>10)
}

func (e tooLarge) Unwrap() error { return e.err }

// internalPrefixes are the package names errors from inside the node
// start with ("usermodel: nothing to undo"), and errBadInput's text:
// peopleMessage leaves them out of the API's answers.
var internalPrefixes = []string{"bad input: ", "usermodel: ", "clientagent: ", "index: ", "config: ", "serveragent: ", "metasearch: ", "node: "}

// peopleMessage is err's message for people: without the package names
// and category words at its start that only say where it came from.
func peopleMessage(err error) string {
	msg := err.Error()
	for trimmed := true; trimmed; {
		trimmed = false
		for _, p := range internalPrefixes {
			if strings.HasPrefix(msg, p) {
				msg, trimmed = msg[len(p):], true
			}
		}
	}
	return msg
}
