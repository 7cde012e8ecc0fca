package metasearch

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// fixture reads a file of testdata/.
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seen records the requests a test server received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
}

func (s *seen) add(r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r.Clone(r.Context()))
}

// last is the latest request received; the test fails when there is none.
func (s *seen) last(t testing.TB) *http.Request {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		t.Fatal("the server received no request")
	}
	return s.reqs[len(s.reqs)-1]
}

// serveBody starts a server that answers every request with status 200,
// contentType and body, and records the requests.
func serveBody(t testing.TB, contentType string, body []byte) (*httptest.Server, *seen) {
	t.Helper()
	s := &seen{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.add(r)
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv, s
}

// testOptions are the Options of tests: defaults, with a timeout that
// fails a hung test quickly.
func testOptions() Options {
	return Options{Timeout: 5 * time.Second}
}

// mustURL parses an absolute URL.
func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// utc is a UTC time.
func utc(year int, month time.Month, day, hour, min, sec int) time.Time {
	return time.Date(year, month, day, hour, min, sec, 0, time.UTC)
}

// sameResults compares results field by field and reports every
// difference.
func sameResults(t *testing.T, got, want []Result) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d results, want %d", len(got), len(want))
		for i, r := range got {
			t.Logf("got[%d] = %+v", i, r)
		}
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.URL != w.URL {
			t.Errorf("result %d: URL %q, want %q", i, g.URL, w.URL)
		}
		if g.Title != w.Title {
			t.Errorf("result %d: Title %q, want %q", i, g.Title, w.Title)
		}
		if g.Content != w.Content {
			t.Errorf("result %d: Content %q, want %q", i, g.Content, w.Content)
		}
		if g.Score != w.Score {
			t.Errorf("result %d: Score %v, want %v", i, g.Score, w.Score)
		}
		if g.Rank != w.Rank {
			t.Errorf("result %d: Rank %d, want %d", i, g.Rank, w.Rank)
		}
		if !g.Published.Equal(w.Published) {
			t.Errorf("result %d: Published %v, want %v", i, g.Published, w.Published)
		}
	}
}

// errorIsBadResponse reports whether err wraps ErrBadResponse.
func errorIsBadResponse(err error) bool { return errors.Is(err, ErrBadResponse) }

// utf16LE encodes s as UTF-16 little-endian with a byte-order mark.
func utf16LE(s string) string {
	b := []byte{0xff, 0xfe}
	for _, r := range utf16.Encode([]rune(s)) {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}
