package metasearch

import (
	"errors"
	"testing"
)

func TestTemplateExpandsParametersPerSpec(t *testing.T) {
	tests := []struct {
		name        string
		template    string
		index, page int
		req         Request
		want        string
	}{
		{"required count and startIndex from offset 1",
			"https://example.com/?q={searchTerms}&c={count}&s={startIndex}", 1, 1,
			Request{Query: "new york", Count: 10, Start: 20},
			"https://example.com/?q=new%20york&c=10&s=21"},
		{"startIndex from offset 0",
			"https://example.com/?q={searchTerms}&s={startIndex}", 0, 1,
			Request{Query: "x", Count: 10, Start: 20},
			"https://example.com/?q=x&s=20"},
		{"startPage from pageOffset 1 and 0",
			"https://example.com/?q={searchTerms}&p={startPage}&p0={startPage?}", 1, 1,
			Request{Query: "x", Count: 10, Start: 25},
			"https://example.com/?q=x&p=3&p0=3"},
		{"optional unknown parameters become empty",
			"https://example.com/?q={searchTerms}&c={count?}&from={time:start?}&src={referrer:source?}&lang={language?}", 1, 1,
			Request{Query: "x", Count: 5},
			"https://example.com/?q=x&c=5&from=&src=&lang="},
		{"required language without one is any",
			"https://example.com/?q={searchTerms}&hl={language}", 1, 1,
			Request{Query: "x", Count: 5},
			"https://example.com/?q=x&hl=*"},
		{"language given",
			"https://example.com/?q={searchTerms}&hl={language}", 1, 1,
			Request{Query: "x", Count: 5, Language: "de-CH"},
			"https://example.com/?q=x&hl=de-CH"},
		{"encodings are UTF-8",
			"https://example.com/?q={searchTerms}&ie={inputEncoding}&oe={outputEncoding?}", 1, 1,
			Request{Query: "x", Count: 5},
			"https://example.com/?q=x&ie=UTF-8&oe=UTF-8"},
		{"search terms in a path segment are escaped",
			"https://example.com/search/{searchTerms}/page/{startPage?}", 1, 1,
			Request{Query: "a/b c?d#e&f=g+h", Count: 10},
			"https://example.com/search/a%2Fb%20c%3Fd%23e%26f%3Dg%2Bh/page/1"},
		{"non-ASCII search terms are UTF-8 percent-encoded",
			"https://example.com/?q={searchTerms}", 1, 1,
			Request{Query: "café Zürich", Count: 10},
			"https://example.com/?q=caf%C3%A9%20Z%C3%BCrich"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tmpl, err := parseTemplate(tt.template, nil)
			if err != nil {
				t.Fatal(err)
			}
			tmpl.indexOffset, tmpl.pageOffset = tt.index, tt.page
			req, err := tt.req.normalize()
			if err != nil {
				t.Fatal(err)
			}
			u, err := tmpl.expand(req)
			if err != nil {
				t.Fatal(err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("expand = %q\n          want %q", got, tt.want)
			}
		})
	}
}

func TestTemplateRejectsWhatCannotBeFilled(t *testing.T) {
	tests := []struct{ name, template string }{
		{"no searchTerms", "https://example.com/?q=static"},
		{"searchTerms misspelt", "https://example.com/?q={searchterms}"},
		{"unknown required unqualified parameter", "https://example.com/?q={searchTerms}&x={colour}"},
		{"required namespaced parameter", "https://example.com/?q={searchTerms}&from={time:start}"},
		{"unclosed brace", "https://example.com/?q={searchTerms"},
		{"stray closing brace", "https://example.com/?q=}{searchTerms}"},
		{"nested braces", "https://example.com/?q={a{searchTerms}}"},
		{"empty parameter", "https://example.com/?q={searchTerms}&x={}"},
		{"bad parameter name", "https://example.com/?q={searchTerms}&x={a b?}"},
		{"relative without a base", "/search?q={searchTerms}"},
		{"not http", "ftp://example.com/?q={searchTerms}"},
		{"javascript", "javascript:search('{searchTerms}')"},
		{"parameter in the host", "https://{language}.example.com/?q={searchTerms}"},
		{"parameter in the scheme", "{scheme?}://example.com/?q={searchTerms}"},
		{"reserved sentinel text", "https://example.com/p2pirparam0x?q={searchTerms}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := parseTemplate(tt.template, nil); !errors.Is(err, ErrBadRequest) {
				t.Errorf("parseTemplate(%q) error = %v, want ErrBadRequest", tt.template, err)
			}
		})
	}
}

func TestTemplateResolvesAgainstBase(t *testing.T) {
	base := mustURL(t, "https://search.example.org/osd/opensearch.xml")
	tests := []struct{ template, wantRaw string }{
		{"/search?q={searchTerms}&n={count?}", "https://search.example.org/search?q={searchTerms}&n={count?}"},
		{"find/{searchTerms}", "https://search.example.org/osd/find/{searchTerms}"},
		{"https://other.example.net/?q={searchTerms}", "https://other.example.net/?q={searchTerms}"},
	}
	for _, tt := range tests {
		tmpl, err := parseTemplate(tt.template, base)
		if err != nil {
			t.Errorf("parseTemplate(%q): %v", tt.template, err)
			continue
		}
		if tmpl.raw != tt.wantRaw {
			t.Errorf("parseTemplate(%q) resolved to %q, want %q", tt.template, tmpl.raw, tt.wantRaw)
		}
	}
}
