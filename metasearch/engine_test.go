package metasearch

import (
	"errors"
	"strings"
	"testing"
)

func TestRequestNormalize(t *testing.T) {
	tests := []struct {
		name    string
		in      Request
		want    Request
		wantErr bool
	}{
		{"defaults", Request{Query: " go  "}, Request{Query: "go", Count: DefaultCount}, false},
		{"count above the maximum is lowered", Request{Query: "go", Count: 500, Start: 20},
			Request{Query: "go", Count: MaxCount, Start: 20}, false},
		{"control characters become spaces", Request{Query: "a\x00b\nc", Count: 5},
			Request{Query: "a b c", Count: 5}, false},
		{"language is canonicalised", Request{Query: "go", Language: "de-ch"},
			Request{Query: "go", Count: DefaultCount, Language: "de-CH"}, false},
		{"empty query", Request{Query: " \t "}, Request{}, true},
		{"too long query", Request{Query: strings.Repeat("a", MaxQueryBytes+1)}, Request{}, true},
		{"invalid UTF-8", Request{Query: "caf\xe9"}, Request{}, true},
		{"negative count", Request{Query: "go", Count: -1}, Request{}, true},
		{"negative start", Request{Query: "go", Start: -1}, Request{}, true},
		{"start too deep", Request{Query: "go", Start: MaxStart + 1}, Request{}, true},
		{"malformed language", Request{Query: "go", Language: "not a language!"}, Request{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.in.normalize()
			if tt.wantErr {
				if !errors.Is(err, ErrBadRequest) {
					t.Errorf("normalize(%+v) error = %v, want ErrBadRequest", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("normalize(%+v) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestEnginesRefuseBadConfiguration(t *testing.T) {
	tests := []struct {
		name string
		make func() error
	}{
		{"SearXNG without scheme", func() error { _, err := NewSearXNG("s", "searx.example.org", Options{}); return err }},
		{"SearXNG with a javascript URL", func() error { _, err := NewSearXNG("s", "javascript:alert(1)", Options{}); return err }},
		{"SearXNG with a fragment", func() error { _, err := NewSearXNG("s", "https://searx.example.org/#x", Options{}); return err }},
		{"YaCy with an unknown resource", func() error { _, err := NewYaCy("y", "http://localhost:8090", "everywhere", Options{}); return err }},
		{"YaCy with ftp", func() error { _, err := NewYaCy("y", "ftp://localhost:8090", "", Options{}); return err }},
		{"p2pir with credentials", func() error { _, err := NewP2PIR("p", "http://u:p@localhost:8080", Options{}); return err }},
		{"negative MaxBytes", func() error { _, err := NewP2PIR("p", "http://localhost:8080", Options{MaxBytes: -1}); return err }},
		{"negative Timeout", func() error { _, err := NewSearXNG("s", "http://localhost:8888", Options{Timeout: -1}); return err }},
		{"OpenSearch template without searchTerms", func() error { _, err := NewOpenSearch("o", "https://example.org/?q=x", Options{}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.make(); !errors.Is(err, ErrBadRequest) {
				t.Errorf("error = %v, want ErrBadRequest", err)
			}
		})
	}
}

func TestEngineNameDefaultsToHost(t *testing.T) {
	s, err := NewSearXNG("", "https://searx.example.org:8443/prefix/", Options{})
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewOpenSearch("  ", "https://os.example.net/s?q={searchTerms}", Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, err := NewYaCy("my yacy", "http://localhost:8090", "local", Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		e    Engine
		want string
	}{{s, "searx.example.org:8443"}, {o, "os.example.net"}, {y, "my yacy"}} {
		if got := tt.e.Name(); got != tt.want {
			t.Errorf("Name() = %q, want %q", got, tt.want)
		}
	}
}
