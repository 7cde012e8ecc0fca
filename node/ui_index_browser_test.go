package node

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserAddAFolderAndFindItsDocument is the index page's bar in a
// real browser: on an empty node, type a folder's path into the index
// page's form, see the job's progress followed to its end (the page's
// script reloads it with the folder listed), then find the folder's
// document from the search box.
func TestBrowserAddAFolderAndFindItsDocument(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	n := startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	folder := t.TempDir()
	if err := os.WriteFile(filepath.Join(folder, "quokka.md"), []byte("# Quokkas\n\nThe quokka is a small wallaby of Rottnest Island."), 0o600); err != nil {
		t.Fatal(err)
	}
	base := "http://" + n.HTTPAddr()

	b.do(t, "open the index page from the empty search page",
		chromedp.Navigate(base+"/"),
		chromedp.Click(`//a[@href="/ui/index" and contains(., "add a folder")]`),
		chromedp.WaitVisible(chromedp.ID("folder-path")),
	)
	b.do(t, "add the folder",
		chromedp.SendKeys(chromedp.ID("folder-path"), folder),
		chromedp.Click(`//form[@action="/ui/index/folder"]//button`),
		// The job is listed; the script follows it and, once it is done,
		// reloads the page, which lists the folder with its document.
		chromedp.WaitVisible(`//table[contains(@class, "roots")]//td[normalize-space(.)="1"]`),
	)
	roots, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("table.roots")))
	if err != nil || !strings.Contains(roots, folder) {
		t.Fatalf("the folders listed: %q, %v", roots, err)
	}
	state, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("table.jobs .job-state")))
	if err != nil || state != "done" {
		t.Errorf("the job's state on the page: %q, %v", state, err)
	}

	b.do(t, "search for the folder's document",
		chromedp.Click(`//nav//a[text()="Search"]`),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "quokka"+kb.Enter),
		chromedp.WaitVisible(resultXPath("quokka.md")),
	)
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("dialogs opened: %q", d)
	}
}

// TestBrowserCrawlASiteIntoThePrivateNetwork: the site form's "follow
// links into this machine and the local network" box, ticked in a real
// browser, reaches the crawl: the site's link to another port of this
// machine is followed and its page found from the search box.
func TestBrowserCrawlASiteIntoThePrivateNetwork(t *testing.T) {
	b := newBrowser(t)
	n := startNode(t, t.TempDir(), "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(context.Background()) })
	private := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Intranet notes</title></head><body><p>The quetzalcoatlus intranet page.</p></body></html>`)
	}))
	defer private.Close()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>Start</title></head><body><a href="%s/intranet">the intranet</a></body></html>`, private.URL)
	}))
	defer site.Close()
	base := "http://" + n.HTTPAddr()
	b.do(t, "crawl the site with private addresses allowed",
		chromedp.Navigate(base+"/ui/index"),
		chromedp.WaitVisible(chromedp.ID("site-url")),
		chromedp.SendKeys(chromedp.ID("site-url"), site.URL+"/"),
		chromedp.Click(`//form[@action="/ui/index/site"]//input[@name="allow_private"]`),
		chromedp.Click(`//form[@action="/ui/index/site"]//button`),
		chromedp.WaitVisible(`//table[contains(@class, "jobs")]//*[contains(@class, "job-state") and normalize-space(.)="done"]`),
	)
	b.do(t, "search for the private page",
		chromedp.Click(`//nav//a[text()="Search"]`),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "quetzalcoatlus"+kb.Enter),
		chromedp.WaitVisible(resultXPath("intranet")),
	)
}
