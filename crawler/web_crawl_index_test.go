package crawler

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/p2pir/p2pir/index"
)

// TestCrawledPageIdenticalToALocalFileIsKept: a page whose text is the
// same as a file's in the index is indexed all the same (only another
// page makes it a duplicate), so site: and source:web find it.
func TestCrawledPageIdenticalToALocalFileIsKept(t *testing.T) {
	ctx := context.Background()
	ix := tempIndex(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("Quokka notes\n\nThe quokka lives on Rottnest Island."))
	}))
	defer site.Close()
	page := site.URL + "/quokka.txt"
	cfg := DefaultWebConfig()
	cfg.Delay = 0
	// The page's text as the crawler makes it, then only a file holding it.
	if _, err := Crawl(ctx, ix, cfg, page); err != nil {
		t.Fatal(err)
	}
	ids, err := ix.IDsOnHost(ctx, index.SiteHost(site.URL))
	if err != nil || len(ids) != 1 {
		t.Fatalf("first crawl: %v %v", ids, err)
	}
	doc, _, err := ix.Get(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	file := "file:///home/me/quokka.txt"
	if err := ix.Delete(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := ix.Index(ctx, []index.Document{{ID: file, URL: file, Title: doc.Title, Body: doc.Body, Source: index.SourceFile}}); err != nil {
		t.Fatal(err)
	}
	rep, err := Crawl(ctx, ix, cfg, page)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Indexed != 1 || rep.Duplicates != 0 {
		t.Fatalf("crawl report %+v, want the page indexed, not a duplicate", rep)
	}
	if n, err := ix.CountOnHost(ctx, index.SiteHost(site.URL)); err != nil || n != 1 {
		t.Errorf("documents on the site: %d %v, want 1", n, err)
	}
}
