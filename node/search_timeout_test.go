package node

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestAPISearchDeadline: a search through the API runs under the
// deadline the request names (timeout_ms), else under config.toml's
// search.timeout, the CLI's default too; the trace says which.
func TestAPISearchDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real nodes: skipped in -short mode")
	}
	for _, tc := range []struct {
		name   string
		config string
		call   func(dir string) apiCall
		want   float64
	}{
		{"GET, file's timeout", "[search]\ntimeout = \"7500ms\"\n", func(string) apiCall { return apiCall{method: "GET", path: "/search?q=galaxy"} }, 7500},
		{"GET, request's timeout_ms", "[search]\ntimeout = \"7500ms\"\n", func(string) apiCall { return apiCall{method: "GET", path: "/search?q=galaxy&timeout_ms=1234"} }, 1234},
		{"POST, file's timeout", "[search]\ntimeout = \"7500ms\"\n", func(dir string) apiCall { return post(dir, "/search", `{"q": "galaxy"}`) }, 7500},
		{"POST, request's timeout_ms", "[search]\ntimeout = \"7500ms\"\n", func(dir string) apiCall { return post(dir, "/search", `{"q": "galaxy", "timeout_ms": 45000}`) }, 45000},
		{"GET, no file: the default", "", func(string) apiCall { return apiCall{method: "GET", path: "/search?q=galaxy"} }, 20000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, dir := startWithConfig(t, tc.config)
			code, body := tc.call(dir).do(t, n)
			if code != http.StatusOK {
				t.Fatalf("got %d %s", code, body)
			}
			var resp struct {
				Trace struct {
					TimeoutMS float64 `json:"timeout_ms"`
				} `json:"trace"`
			}
			if err := json.Unmarshal([]byte(body), &resp); err != nil {
				t.Fatal(err)
			}
			if resp.Trace.TimeoutMS != tc.want {
				t.Errorf("trace.timeout_ms %v, want %v: %s", resp.Trace.TimeoutMS, tc.want, body)
			}
		})
	}
}
