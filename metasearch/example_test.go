package metasearch_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/p2pir/p2pir/metasearch"
)

// A SearXNG instance asked for one query within a deadline. The test
// server stands in for the instance and answers in its JSON format.
func ExampleSearXNG() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"query": "go", "number_of_results": 0, "results": [
			{"url": "https://go.dev/", "title": "The Go Programming Language", "content": "Build simple, secure, scalable systems with Go.", "engine": "brave", "engines": ["brave"], "positions": [1], "score": 2.0, "publishedDate": null},
			{"url": "javascript:alert(1)", "title": "dropped", "content": "", "engine": "x", "score": 1.0},
			{"url": "https://en.wikipedia.org/wiki/Go_(programming_language)", "title": "<b>Go</b> (programming language) &#8211; Wikipedia", "content": "", "engine": "wikipedia", "score": 1.0}
		], "answers": [], "corrections": [], "infoboxes": [], "suggestions": [], "unresponsive_engines": [["google", "timeout"]]}`)
	}))
	defer srv.Close()

	e, err := metasearch.NewSearXNG("searx", srv.URL, metasearch.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	p, err := e.SearchPage(ctx, metasearch.Request{Query: "go", Count: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range p.Results {
		fmt.Printf("%d. %s <%s> %.1f\n", r.Rank, r.Title, r.URL, r.Score)
	}
	fmt.Println("unresponsive:", p.Unresponsive)
	// Output:
	// 1. The Go Programming Language <https://go.dev/> 2.0
	// 2. Go (programming language) – Wikipedia <https://en.wikipedia.org/wiki/Go_(programming_language)> 1.0
	// unresponsive: [google: timeout]
}

// An OpenSearch endpoint given by a URL template; {count?} is optional and
// {startIndex} counts from 1, as the specification's defaults say.
func ExampleNewOpenSearch() {
	e, err := metasearch.NewOpenSearch("", "https://search.example.org/?q={searchTerms}&n={count?}&start={startIndex}&format=rss", metasearch.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	tmpl, index, page := e.Template()
	fmt.Println(e.Name(), tmpl, index, page)

	_, err = metasearch.NewOpenSearch("", "https://search.example.org/?q={searchTerms}&sort={order}", metasearch.Options{})
	fmt.Println(err)
	// Output:
	// search.example.org https://search.example.org/?q={searchTerms}&n={count?}&start={startIndex}&format=rss 1 1
	// metasearch: OpenSearch template "https://search.example.org/?q={searchTerms}&sort={order}": bad request: template parameter {order} is required and not one p2pir can fill
}
