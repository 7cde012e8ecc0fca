package metasearch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// engineKind builds one kind of engine against a test server and knows
// what its answers look like.
type engineKind struct {
	name        string
	make        func(base string, o Options) (Engine, error)
	contentType string
	valid       []byte // a good answer (a prefix of it starts a slow body)
	malformed   []byte // broken JSON or XML
}

func engineKinds(t *testing.T) []engineKind {
	return []engineKind{
		{"SearXNG", func(base string, o Options) (Engine, error) { return NewSearXNG("searx", base, o) },
			"application/json", fixture(t, "searxng.json"), []byte(`{"query":"x","results":[{"url":"https://a.example/",`)},
		{"YaCy", func(base string, o Options) (Engine, error) { return NewYaCy("yacy", base, "global", o) },
			"application/json", fixture(t, "yacy.json"), []byte(`{"channels":[{"items":[{"link":"https://a.example/"}}]}`)},
		{"OpenSearch", func(base string, o Options) (Engine, error) {
			return NewOpenSearch("os", base+"/s?q={searchTerms}&n={count?}", o)
		}, "application/rss+xml", fixture(t, "rss.xml"), []byte(`<rss><channel><item><title>a</title></channel></rss>`)},
		{"p2pir", func(base string, o Options) (Engine, error) { return NewP2PIR("node", base, o) },
			"application/json", fixture(t, "p2pir.json"), []byte(`{"results":[}`)},
	}
}

// newEngine starts a server with handler and builds an engine of kind k
// on it.
func newEngine(t *testing.T, k engineKind, o Options, handler http.HandlerFunc) (Engine, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	e, err := k.make(srv.URL, o)
	if err != nil {
		t.Fatal(err)
	}
	return e, srv
}

// waitForClient blocks a handler until the client goes away or the test
// ends.
func waitForClient(r *http.Request, done <-chan struct{}) {
	select {
	case <-r.Context().Done():
	case <-done:
	case <-time.After(30 * time.Second):
	}
}

func TestSlowEngineStopsAtTheDeadline(t *testing.T) {
	const deadline = 200 * time.Millisecond
	const slack = 100 * time.Millisecond
	for _, k := range engineKinds(t) {
		for _, stall := range []string{"before the headers", "in the middle of the body"} {
			t.Run(k.name+" stalls "+stall, func(t *testing.T) {
				done := make(chan struct{})
				defer close(done)
				e, _ := newEngine(t, k, testOptions(), func(w http.ResponseWriter, r *http.Request) {
					if stall != "before the headers" {
						w.Header().Set("Content-Type", k.contentType)
						_, _ = w.Write(k.valid[:len(k.valid)/2])
						w.(http.Flusher).Flush()
					}
					waitForClient(r, done)
				})
				ctx, cancel := context.WithTimeout(context.Background(), deadline)
				defer cancel()
				start := time.Now()
				_, err := e.Search(ctx, Request{Query: "slow"})
				took := time.Since(start)
				if !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("error = %v, want context.DeadlineExceeded", err)
				}
				if took > deadline+slack {
					t.Errorf("returned after %v, want within %v", took, deadline+slack)
				}
			})
		}
	}
}

func TestOptionsTimeoutBoundsARequestWithoutDeadline(t *testing.T) {
	k := engineKinds(t)[0]
	done := make(chan struct{})
	defer close(done)
	e, _ := newEngine(t, k, Options{Timeout: 150 * time.Millisecond}, func(w http.ResponseWriter, r *http.Request) {
		waitForClient(r, done)
	})
	start := time.Now()
	_, err := e.Search(context.Background(), Request{Query: "slow"})
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 250*time.Millisecond {
		t.Errorf("error %v after %v, want DeadlineExceeded after about 150ms", err, time.Since(start))
	}
}

func TestCancelStopsARequest(t *testing.T) {
	k := engineKinds(t)[1]
	done := make(chan struct{})
	defer close(done)
	e, _ := newEngine(t, k, testOptions(), func(w http.ResponseWriter, r *http.Request) {
		waitForClient(r, done)
	})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	_, err := e.Search(ctx, Request{Query: "slow"})
	if !errors.Is(err, context.Canceled) || time.Since(start) > 150*time.Millisecond {
		t.Errorf("error %v after %v, want context.Canceled after about 50ms", err, time.Since(start))
	}
}

func TestNon2xxIsHTTPError(t *testing.T) {
	now := time.Now()
	tests := []struct {
		status     int
		retryAfter string
		wantRetry  time.Duration
	}{
		{http.StatusInternalServerError, "", 0},
		{http.StatusForbidden, "", 0}, // SearXNG without the json format
		{http.StatusTooManyRequests, "120", 2 * time.Minute},
		{http.StatusServiceUnavailable, now.Add(time.Hour).UTC().Format(http.TimeFormat), time.Hour},
		{http.StatusNotFound, "soon", 0},
	}
	for _, k := range engineKinds(t) {
		for _, tt := range tests {
			t.Run(k.name+" "+strconv.Itoa(tt.status), func(t *testing.T) {
				e, _ := newEngine(t, k, testOptions(), func(w http.ResponseWriter, r *http.Request) {
					if tt.retryAfter != "" {
						w.Header().Set("Retry-After", tt.retryAfter)
					}
					http.Error(w, "<html>error</html>", tt.status)
				})
				_, err := e.Search(context.Background(), Request{Query: "secret words"})
				var he *HTTPError
				if !errors.As(err, &he) {
					t.Fatalf("error = %v, want *HTTPError", err)
				}
				if he.Status != tt.status || he.Engine != e.Name() {
					t.Errorf("HTTPError = %+v, want status %d from %q", he, tt.status, e.Name())
				}
				if d := he.RetryAfter - tt.wantRetry; d < -2*time.Second || d > 2*time.Second {
					t.Errorf("RetryAfter = %v, want about %v", he.RetryAfter, tt.wantRetry)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error %q repeats the query", err)
				}
			})
		}
	}
}

func TestMalformedAnswerIsBadResponse(t *testing.T) {
	for _, k := range engineKinds(t) {
		t.Run(k.name, func(t *testing.T) {
			e, _ := newEngine(t, k, testOptions(), func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", k.contentType)
				_, _ = w.Write(k.malformed)
			})
			_, err := e.Search(context.Background(), Request{Query: "x"})
			if !errors.Is(err, ErrBadResponse) {
				t.Fatalf("error = %v, want ErrBadResponse", err)
			}
			if !strings.Contains(err.Error(), e.Name()) {
				t.Errorf("error %q does not name the engine %q", err, e.Name())
			}
		})
	}
}

func TestHugeAnswerIsTooLargeWithoutReadingItAll(t *testing.T) {
	const huge = 20 << 20
	for _, k := range engineKinds(t) {
		for _, declared := range []bool{false, true} {
			name := k.name + " streamed"
			if declared {
				name = k.name + " with Content-Length"
			}
			t.Run(name, func(t *testing.T) {
				release := make(chan struct{})
				defer close(release)
				var sent atomic.Int64
				e, _ := newEngine(t, k, testOptions(), func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", k.contentType)
					if declared {
						w.Header().Set("Content-Length", strconv.Itoa(huge))
					}
					chunk := bytes.Repeat([]byte(" "), 64<<10)
					_, _ = w.Write(k.valid[:1]) // "{" or "<"
					for sent.Load() < huge-int64(len(chunk)) {
						if sent.Load() >= 6<<20 {
							// More than the cap has been offered: wait until
							// the test is over, so a client that tried to read
							// all 20 MB would hang here.
							waitForClient(r, release)
						}
						n, err := w.Write(chunk)
						sent.Add(int64(n))
						if err != nil {
							return
						}
					}
				})
				start := time.Now()
				_, err := e.Search(context.Background(), Request{Query: "big"})
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("error = %v, want ErrTooLarge", err)
				}
				if took := time.Since(start); took > 3*time.Second {
					t.Errorf("took %v", took)
				}
				if s := sent.Load(); s >= huge/2 {
					t.Errorf("the server sent %d bytes before the client gave up, want well under %d", s, huge)
				}
			})
		}
	}
}

func TestCompressedAnswerIsCappedAfterDecompression(t *testing.T) {
	// 4 MB of spaces gzip to about 4 KB: the 1 MB cap applies to what is
	// decoded, not to what travels.
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestSpeed)
	_, _ = zw.Write([]byte("{"))
	_, _ = zw.Write(bytes.Repeat([]byte(" "), 4<<20))
	_ = zw.Close()
	k := engineKinds(t)[0]
	o := testOptions()
	o.MaxBytes = 1 << 20
	e, _ := newEngine(t, k, o, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(gz.Bytes())
	})
	if _, err := e.Search(context.Background(), Request{Query: "bomb"}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("error = %v, want ErrTooLarge", err)
	}
}

func TestMaxBytesOption(t *testing.T) {
	k := engineKinds(t)[0]
	body := fixture(t, "searxng.json")
	tests := []struct {
		max     int64
		wantErr error
	}{
		{int64(len(body)), nil},
		{int64(len(body)) - 1, ErrTooLarge},
	}
	for _, tt := range tests {
		e, _ := newEngine(t, k, Options{MaxBytes: tt.max}, func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write(body)
		})
		if _, err := e.Search(context.Background(), Request{Query: "x"}); !errors.Is(err, tt.wantErr) {
			t.Errorf("MaxBytes %d for a %d-byte body: error = %v, want %v", tt.max, len(body), err, tt.wantErr)
		}
	}
}

func TestRedirectsAreFollowedUpToFive(t *testing.T) {
	tests := []struct {
		hops    int
		wantErr bool
	}{{5, false}, {6, true}}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.hops)+" redirects", func(t *testing.T) {
			body := fixture(t, "p2pir.json")
			var requests atomic.Int32
			e, _ := newEngine(t, engineKinds(t)[3], testOptions(), func(w http.ResponseWriter, r *http.Request) {
				n := requests.Add(1)
				if int(n) <= tt.hops {
					http.Redirect(w, r, "/search?hop="+strconv.Itoa(int(n))+"&"+r.URL.RawQuery, http.StatusFound)
					return
				}
				_, _ = w.Write(body)
			})
			res, err := e.Search(context.Background(), Request{Query: "x"})
			if tt.wantErr {
				if err == nil || requests.Load() != MaxRedirects+1 {
					t.Errorf("error %v after %d requests, want an error after %d", err, requests.Load(), MaxRedirects+1)
				}
				return
			}
			if err != nil || len(res) != 3 {
				t.Errorf("got %d results, %v; want 3", len(res), err)
			}
		})
	}
}

func TestRedirectPolicy(t *testing.T) {
	req := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name    string
		to      string
		via     []string
		wantErr bool
	}{
		{"http to https", "https://b.example/", []string{"http://a.example/"}, false},
		{"https to https", "https://b.example/", []string{"https://a.example/"}, false},
		{"https to http is refused", "http://b.example/", []string{"https://a.example/"}, true},
		{"a fifth redirect is followed", "https://b.example/", []string{"https://a/", "https://a/1", "https://a/2", "https://a/3", "https://a/4"}, false},
		{"a sixth redirect is refused", "https://b.example/", []string{"https://a/", "https://a/1", "https://a/2", "https://a/3", "https://a/4", "https://a/5"}, true},
		{"ftp is refused", "ftp://b.example/", []string{"https://a.example/"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var via []*http.Request
			for _, v := range tt.via {
				via = append(via, req(v))
			}
			if err := checkRedirect(req(tt.to), via); (err != nil) != tt.wantErr {
				t.Errorf("checkRedirect = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func TestUnreachableEngineErrorKeepsTheQueryOut(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // nothing listens there any more
	for _, k := range engineKinds(t) {
		e, err := k.make(base, testOptions())
		if err != nil {
			t.Fatal(err)
		}
		_, err = e.Search(context.Background(), Request{Query: "very private words"})
		if err == nil || strings.Contains(err.Error(), "private") {
			t.Errorf("%s: error %v, want one that does not repeat the query", k.name, err)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"30", 30 * time.Second},
		{"Fri, 01 Mar 2024 12:05:00 GMT", 5 * time.Minute},
		{"Fri, 01 Mar 2024 11:00:00 GMT", 0},
		{"-5", 0},
		{"later", 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.in, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
