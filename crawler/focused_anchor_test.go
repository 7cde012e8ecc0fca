package crawler

import (
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestParsePageAnchorText checks the anchor text parsePage gives each
// link, which the focused crawl scores.
func TestParsePageAnchorText(t *testing.T) {
	page, _ := url.Parse("http://site.example/")
	tests := []struct {
		name string
		html string
		want map[string]string // path -> anchor text
	}{
		{"nested markup and whitespace", "<a href=/a>Hello\n <b>big</b>   world</a>", map[string]string{"/a": "Hello big world"}},
		{"entities decoded", `<a href="/a">R&amp;D</a>`, map[string]string{"/a": "R&D"}},
		{"image alt and title", `<a href="/a" title="Our lab"><img src="x.png" alt="Lab logo"></a>`, map[string]string{"/a": "Our lab Lab logo"}},
		{"area alt", `<map><area href="/a" alt="Map region"></map>`, map[string]string{"/a": "Map region"}},
		{"text after the anchor left out", `<p><a href="/a">in</a> out</p>`, map[string]string{"/a": "in"}},
		{"an unclosed anchor ends at the next", `<a href="/a">one <a href="/b">two`, map[string]string{"/a": "one", "/b": "two"}},
		{"script and style inside left out", `<a href="/a">x<script>var y = "z";</script><style>p{}</style> w</a>`, map[string]string{"/a": "x w"}},
		{"anchors of one link joined", `<a href="/a">one</a><a href="/a#frag">two</a>`, map[string]string{"/a": "one two"}},
		{"nofollow anchor does not take text", `<a href="/a">x</a><a rel="nofollow" href="/b">y</a>`, map[string]string{"/a": "x"}},
		{"anchor without href takes none", `<a href="/a">x</a><a name="top">y</a>`, map[string]string{"/a": "x"}},
		{"empty anchor", `<a href="/a"></a>`, map[string]string{"/a": ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			info := parsePage([]byte(tc.html), page)
			if len(info.anchors) != len(info.links) {
				t.Fatalf("%d anchors for %d links", len(info.anchors), len(info.links))
			}
			got := map[string]string{}
			for i, l := range info.links {
				got[l.Path] = info.anchors[i]
			}
			if len(got) != len(tc.want) {
				t.Errorf("anchors = %q, want %q", got, tc.want)
			}
			for p, w := range tc.want {
				if got[p] != w {
					t.Errorf("anchor of %s = %q, want %q", p, got[p], w)
				}
			}
		})
	}
}

// TestParsePageAnchorTextBounded checks that an anchor wrapping a huge
// text keeps at most maxAnchorBytes of valid UTF-8.
func TestParsePageAnchorTextBounded(t *testing.T) {
	page, _ := url.Parse("http://site.example/")
	huge := `<a href="/a">` + strings.Repeat("é word ", 100000)
	info := parsePage([]byte(huge), page)
	if len(info.anchors) != 1 {
		t.Fatalf("anchors = %d, want 1", len(info.anchors))
	}
	if a := info.anchors[0]; len(a) > maxAnchorBytes || !utf8.ValidString(a) || !strings.HasPrefix(a, "é word") {
		t.Errorf("anchor of %d bytes (valid UTF-8 %v), want at most %d starting with the text", len(a), utf8.ValidString(a), maxAnchorBytes)
	}
}

// TestHostPacerReadyIn checks the look-ahead a focused crawl schedules
// with: a new host is ready, a host just used is ready after the delay,
// and asking reserves nothing.
func TestHostPacerReadyIn(t *testing.T) {
	p := newHostPacer(time.Hour)
	now := time.Now()
	if d := p.readyIn("h", now); d > 0 {
		t.Errorf("new host ready in %v, want now", d)
	}
	if d := p.readyIn("h", now); d > 0 {
		t.Errorf("asking twice reserved a slot: ready in %v", d)
	}
	if err := p.wait(t.Context(), "h"); err != nil {
		t.Fatal(err)
	}
	if d := p.readyIn("h", time.Now()); d < 59*time.Minute {
		t.Errorf("host just used ready in %v, want about the 1h delay", d)
	}
	if d := p.readyIn("h", time.Now().Add(2*time.Hour)); d > 0 {
		t.Errorf("host ready in %v after its delay passed, want now", d)
	}
	if d := p.readyIn("other", time.Now()); d > 0 {
		t.Errorf("another host ready in %v, want now", d)
	}
}
