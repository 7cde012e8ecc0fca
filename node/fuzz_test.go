package node

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fuzzRequest has a field of each kind the API's requests take.
type fuzzRequest struct {
	Q       string             `json:"q"`
	K       *int               `json:"k"`
	Crawl   bool               `json:"crawl"`
	Sources []string           `json:"sources"`
	Weight  float64            `json:"weight"`
	Engine  *struct{ URL any } `json:"engine"`
	Labels  map[string]int     `json:"labels"`
	Hops    uint8              `json:"hops"`
}

// FuzzDecodeBody checks, for any request body, that the API's JSON
// decoding does not panic, that a body of nothing but blanks up to the
// limit is refused as too large, and that every refusal speaks to people: no Go type names or
// encoding/json prefixes.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"q":"galaxy","k":5,"crawl":true,"sources":["local","crawl"]}`,
		`{"k":"five"}`, `{"crawl":"yes"}`, `{"sources":"local"}`, `{"labels":{"a":1.5}}`,
		`{"engine":{"URL":[1,2]}}`, `{"hops":300}`, `{"weight":1e400}`, `{"q":"\ud800"}`,
		`{"unknown":1}`, `[]`, `"text"`, `null`, ``, `{"q":"a"} {"q":"b"}`, `{"q":`, `{"q":"a",}`,
	} {
		f.Add([]byte(seed), false, false)
		f.Add([]byte(seed), true, true)
	}
	f.Add(bytes.Repeat([]byte(" "), maxBodyBytes+1), false, false)
	goSpeak := []string{"json:", "Go value", "Go struct", "fuzzRequest", "*int", "[]string", "map[", "float64", "uint8", "interface", "struct {"}
	f.Fuzz(func(t *testing.T, body []byte, emptyOK, strict bool) {
		var in fuzzRequest
		r := httptest.NewRequest(http.MethodPost, "/search", bytes.NewReader(body))
		err := decodeBody(httptest.NewRecorder(), r, &in, emptyOK, strict)
		if err == nil {
			return
		}
		// A body whose first maxBodyBytes bytes are blank can only be
		// refused for its size.
		var big tooLarge
		if len(body) > maxBodyBytes && len(bytes.TrimSpace(body[:maxBodyBytes])) == 0 && !errors.As(err, &big) {
			t.Fatalf("a %d-byte body was refused with %q, not as too large", len(body), err)
		}
		msg := err.Error()
		for _, s := range goSpeak {
			if strings.Contains(msg, s) {
				t.Fatalf("the refusal %q of %q speaks Go (%q)", msg, body, s)
			}
		}
	})
}
