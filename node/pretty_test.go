package node

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestAnswersAreCompactUnlessPrettyIsAsked checks that the API answers
// compact JSON, indented only with ?pretty=1, with the same value, status
// and headers either way, and that answers that are not JSON pass
// unchanged.
func TestAnswersAreCompactUnlessPrettyIsAsked(t *testing.T) {
	value := map[string]any{"query": "galaxy <b>", "results": []any{map[string]any{"url": "https://a.example/", "score": 1.5}}, "took_ms": 2}
	compact, _ := json.Marshal(value)
	indented, _ := json.MarshalIndent(value, "", "  ")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /json", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, value) })
	bad := fmt.Errorf("%w: k must be a number", errBadInput)
	mux.HandleFunc("GET /error", func(w http.ResponseWriter, r *http.Request) { writeError(w, bad) })
	errCompact, _ := json.Marshal(map[string]string{"error": peopleMessage(bad)})
	errIndented, _ := json.MarshalIndent(map[string]string{"error": peopleMessage(bad)}, "", "  ")
	mux.HandleFunc("GET /text", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusTeapot)
		_, _ = io.WriteString(w, "{ not json }")
	})
	srv := httptest.NewServer(prettyJSON(mux))
	defer srv.Close()

	for _, tc := range []struct {
		path     string
		wantCode int
		wantBody string
	}{
		{"/json", http.StatusOK, string(compact) + "\n"},
		{"/json?q=x&pretty=1", http.StatusOK, string(indented) + "\n"},
		{"/json?pretty=0", http.StatusOK, string(compact) + "\n"},
		{"/json?prettyish=1", http.StatusOK, string(compact) + "\n"},
		{"/error", http.StatusBadRequest, string(errCompact) + "\n"},
		{"/error?pretty=1", http.StatusBadRequest, string(errIndented) + "\n"},
		{"/text?pretty=1", http.StatusTeapot, "{ not json }"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, err := srv.Client().Get(srv.URL + tc.path)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(res.Body)
			res.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.wantCode || string(body) != tc.wantBody {
				t.Errorf("GET %s: %d %q, want %d %q", tc.path, res.StatusCode, body, tc.wantCode, tc.wantBody)
			}
			if tc.path != "/text?pretty=1" && res.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("GET %s: Cache-Control %q, want no-store", tc.path, res.Header.Get("Cache-Control"))
			}
		})
	}
}
