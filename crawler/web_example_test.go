package crawler_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
)

// exampleSink keeps documents in memory.
type exampleSink struct {
	mu   sync.Mutex
	docs []index.Document
}

func (s *exampleSink) Index(_ context.Context, docs []index.Document) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.docs = append(s.docs, docs...)
	return nil
}
func (s *exampleSink) Delete(context.Context, ...string) error { return nil }
func (s *exampleSink) MetaByPrefix(context.Context, string) ([]index.Meta, error) {
	return nil, nil
}
func (s *exampleSink) LookupHash(context.Context, string, string) (string, bool, error) {
	return "", false, nil
}

func ExampleCrawl() {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			io.WriteString(w, `<title>Home</title><p>Welcome.</p><a href="/tides?utm_source=x">Tides</a> <a href="/tides#today">Today</a>`)
		case "/tides":
			io.WriteString(w, `<title>Tides</title><p>High water at noon.</p>`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()

	cfg := crawler.DefaultWebConfig()
	cfg.Delay = time.Millisecond // a local test server needs no politeness
	sink := &exampleSink{}
	report, err := crawler.Crawl(context.Background(), sink, cfg, site.URL+"/")
	if err != nil {
		fmt.Println(err)
		return
	}
	var titles []string
	for _, d := range sink.docs {
		titles = append(titles, d.Title+" "+strings.TrimPrefix(d.URL, site.URL))
	}
	sort.Strings(titles)
	fmt.Println(report.Fetched, "fetched,", report.Indexed, "indexed")
	fmt.Println(strings.Join(titles, "\n"))
	// Output:
	// 2 fetched, 2 indexed
	// Home /
	// Tides /tides
}
