package node

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserTimeout bounds each browser test as a whole: generous, for a
// shared machine; the steps wait on conditions, not on time.
const browserTimeout = 3 * time.Minute

// chromiumPath finds a Chromium (or Chrome) binary. The browser tests
// skip without one, except under CI=true, where they fail: CI must not
// pass by skipping them (.ci/run installs chromium).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium binary on PATH, and CI=true: install it (apt-get install chromium) so the browser tests run")
	}
	t.Skip("no chromium binary on PATH (apt-get install chromium): the browser tests are skipped")
	return ""
}

// browser is a headless Chromium tab for one test, and the JavaScript
// dialogs (alert, confirm, prompt) any page opened in it: each is
// dismissed and counted.
type browser struct {
	ctx     context.Context
	mu      sync.Mutex
	dialogs []string
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	if testing.Short() {
		t.Skip("a real browser: skipped in -short mode")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.WindowSize(1200, 900),
		chromedp.UserDataDir(t.TempDir()),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)
	b := &browser{ctx: ctx}
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return b
}

// do runs actions and fails the test on an error, saying what it did.
func (b *browser) do(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, js string) T {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

func (b *browser) dialogsOpened() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.dialogs)
}

// resultXPath selects the result whose URL ends with file.
func resultXPath(file string) string {
	return fmt.Sprintf(`//li[contains(@class, "result")][.//p[@class="url" and contains(., "/%s")]]`, file)
}

// resultURLs are the URLs of the results on the page, in order.
const resultURLs = `Array.from(document.querySelectorAll(".results .url")).map(e => e.textContent)`

func rankOf(urls []string, file string) int {
	return slices.IndexFunc(urls, func(u string) bool { return strings.HasSuffix(u, "/"+file) })
}

// TestBrowserSearchMarkUndoAndProfile is the bar in a real
// browser: search, see the results with their sources, mark one result
// interested (a click) and one not (the keyboard), undo, see the
// profile page change and the next ranking change.
func TestBrowserSearchMarkUndoAndProfile(t *testing.T) {
	b := newBrowser(t)
	n, _ := startUINode(t)
	base := "http://" + n.HTTPAddr()
	const liked, disliked = "galaxy-rotation.txt", "galaxy-cooking.txt"

	b.do(t, "search from the box",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		chromedp.SendKeys(chromedp.ID("q"), "galaxy"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".results")),
	)
	before := eval[[]string](t, b, resultURLs)
	if rankOf(before, liked) < 0 || rankOf(before, disliked) < 0 {
		t.Fatalf("results %v lack %s or %s", before, liked, disliked)
	}
	// BM25 puts the short cake recipe, "galaxy" three times, first.
	if rankOf(before, disliked) > rankOf(before, liked) {
		t.Fatalf("precondition: the cake (%v) should rank above the rotation curves before any mark", before)
	}
	found, err := chromedp.Run(b.ctx, chromedp.Text(resultXPath(liked)+`//span[@class="found"]`))
	if err != nil || !strings.Contains(found, "your files") {
		t.Fatalf("the result's sources: %q, %v; want your files", found, err)
	}

	b.do(t, "mark one result interested with a click",
		chromedp.Click(resultXPath(liked)+`//button[@value="1"]`),
		chromedp.WaitVisible(resultXPath(liked)+`//p[contains(@class, "mark-status") and contains(., "Marked interested")]`),
	)
	b.do(t, "mark another not interested with the keyboard",
		chromedp.Focus(resultXPath(disliked)+`//button[@value="0"]`),
		chromedp.SendKeys(resultXPath(disliked)+`//button[@value="0"]`, kb.Enter),
		chromedp.WaitVisible(resultXPath(disliked)+`//p[contains(@class, "mark-status") and contains(., "Marked not interested")]`),
	)
	if got := markCount(t, n); got != 2 {
		t.Fatalf("%d marks after marking two results, want 2", got)
	}
	// Undo takes back the latest mark: only the latest result offers it.
	b.do(t, "the first result's undo button goes", chromedp.WaitNotPresent(resultXPath(liked)+`//button[contains(@class, "undo")]`))
	b.do(t, "undo the latest mark",
		chromedp.Click(resultXPath(disliked)+`//button[contains(@class, "undo")]`),
		chromedp.WaitVisible(resultXPath(disliked)+`//p[contains(@class, "mark-status") and contains(., "Undone")]`),
	)
	if got := markCount(t, n); got != 1 {
		t.Fatalf("%d marks after the undo, want 1", got)
	}
	b.do(t, "mark it not interested again",
		chromedp.Click(resultXPath(disliked)+`//button[@value="0"]`),
		chromedp.WaitVisible(resultXPath(disliked)+`//p[contains(@class, "mark-status") and contains(., "Marked not interested")]`),
	)

	b.do(t, "open the profile page",
		chromedp.Click(`//nav//a[text()="Profile"]`),
		chromedp.WaitVisible(chromedp.ID("int-h")),
	)
	profile, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Galaxy rotation curves and dark matter", "Galaxy cake: a sourdough recipe", "not interested", "2 marks"} {
		if !strings.Contains(profile, want) {
			t.Errorf("the profile page lacks %q:\n%s", want, profile)
		}
	}
	if strings.Contains(profile, "No interests yet") || strings.Contains(profile, "Nothing avoided") {
		t.Errorf("the profile page shows no interests or no avoided terms after the marks:\n%s", profile)
	}

	b.do(t, "search again",
		chromedp.Navigate(base+"/?q=galaxy"),
		chromedp.WaitVisible(chromedp.CSS(".results")),
	)
	after := eval[[]string](t, b, resultURLs)
	if l, d := rankOf(after, liked), rankOf(after, disliked); l < 0 || (d >= 0 && d < l) {
		t.Errorf("after the marks the ranking is %v: want %s above %s (or that one gone)", after, liked, disliked)
	}
	// The marks reformulated the query, and the page shows how.
	expanded, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("section.expanded")))
	if err != nil || !strings.Contains(expanded, "Your profile changed the query") || !strings.Contains(expanded, "Added:") {
		t.Errorf("the expanded query: %q, %v", expanded, err)
	}
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("dialogs opened: %q", d)
	}
}

// TestBrowserFormsWorkWithoutJavaScript: with scripts off, the mark and
// undo buttons post their forms and come back to the same search.
func TestBrowserFormsWorkWithoutJavaScript(t *testing.T) {
	b := newBrowser(t)
	n, _ := startUINode(t)
	if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	b.do(t, "search and mark without script",
		chromedp.Navigate("http://"+n.HTTPAddr()+"/?q=telescope"),
		chromedp.WaitVisible(chromedp.CSS(".results")),
		chromedp.Click(resultXPath("telescope-survey.md")+`//button[@value="1"]`),
		chromedp.WaitVisible(`//p[contains(@class, "mark-status") and contains(., "You marked this interested.")]`),
		chromedp.WaitVisible(`//div[@role="status" and contains(., "Your mark is recorded")]`),
	)
	if got := markCount(t, n); got != 1 {
		t.Fatalf("%d marks, want 1", got)
	}
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil || !strings.Contains(loc, "q=telescope") {
		t.Errorf("after the mark the browser is at %q (%v), want the same search", loc, err)
	}
	b.do(t, "undo without script",
		chromedp.Click(`//div[@role="status"]//button[text()="Undo"]`),
		chromedp.WaitVisible(`//div[@role="status" and contains(., "taken back")]`),
	)
	if got := markCount(t, n); got != 0 {
		t.Fatalf("%d marks after the undo, want 0", got)
	}
}

// TestBrowserHostileTitleIsText: a document titled
// <script>alert(1)</script> shows that text, and no script of it runs.
func TestBrowserHostileTitleIsText(t *testing.T) {
	b := newBrowser(t)
	n, _ := startUINode(t)
	b.do(t, "search for the hostile page",
		chromedp.Navigate("http://"+n.HTTPAddr()+"/?q=hostile"),
		chromedp.WaitVisible(resultXPath("hostile.html")),
	)
	title, err := chromedp.Run(b.ctx, chromedp.Text(resultXPath("hostile.html")+`//h3`))
	if err != nil || title != "<script>alert(1)</script> galaxy page" {
		t.Errorf("the title shows as %q (%v), want the text <script>alert(1)</script> galaxy page", title, err)
	}
	snippet, err := chromedp.Run(b.ctx, chromedp.Text(resultXPath("hostile.html")+`//p[@class="snippet"]`))
	if err != nil || !strings.Contains(snippet, "<img src=x onerror=alert(2)>") {
		t.Errorf("the snippet shows as %q (%v), want the markup as text", snippet, err)
	}
	if got := eval[int](t, b, `document.querySelectorAll("script").length`); got != 1 {
		t.Errorf("%d script elements, want only the page's own", got)
	}
	if got := eval[int](t, b, `document.querySelectorAll("main img").length`); got != 0 {
		t.Errorf("%d img elements in the results, want none", got)
	}
	b.do(t, "open the hostile document's page",
		chromedp.Click(resultXPath("hostile.html")+`//h3/a`),
		chromedp.WaitVisible(chromedp.CSS("article.doc h1")),
	)
	if h1, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("article.doc h1"))); err != nil || h1 != "<script>alert(1)</script> galaxy page" {
		t.Errorf("the document page's heading shows as %q (%v)", h1, err)
	}
	if got := eval[int](t, b, `document.querySelectorAll("script").length`); got != 1 {
		t.Errorf("%d script elements on the document page, want only the page's own", got)
	}
	if d := b.dialogsOpened(); len(d) > 0 {
		t.Errorf("the hostile title opened dialogs: %q", d)
	}
}

// TestBrowserCrossSiteFormIsRefused: a page of another site (another
// origin on this machine) that auto-submits a form to the node, with the
// right fields and even the node's token, is refused, and nothing
// changes.
func TestBrowserCrossSiteFormIsRefused(t *testing.T) {
	b := newBrowser(t)
	n, _ := startUINode(t)
	_, _, page := uiGet(t, n, "/?q=galaxy")
	f := markFields(t, page, "")
	forms := map[string]string{
		"mark":    fmt.Sprintf(`<form method="post" action="http://%s/ui/mark"><input name="token" value="%s"><input name="query_id" value="%s"><input name="url" value="%s"><input name="interested" value="1"></form>`, n.HTTPAddr(), n.apiToken, f.Get("query_id"), f.Get("url")),
		"sharing": fmt.Sprintf(`<form method="post" action="http://%s/ui/sharing"><input name="token" value="%s"><input name="sharing" value="off"></form>`, n.HTTPAddr(), n.apiToken),
	}
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		form, ok := forms[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><body onload="document.forms[0].submit()">%s</body></html>`, form)
	}))
	defer evil.Close()
	_, evilPort, _ := strings.Cut(strings.TrimPrefix(evil.URL, "http://"), ":")
	for _, origin := range []string{"http://127.0.0.1:" + evilPort, "http://localhost:" + evilPort} {
		for name := range forms {
			t.Run(name+" from "+origin, func(t *testing.T) {
				b.do(t, "open the other site's page",
					chromedp.Navigate(origin+"/"+name),
					chromedp.WaitVisible(`//body[starts-with(normalize-space(.), "Refused: requests from other sites")]`),
				)
				if loc, _ := chromedp.Run(b.ctx, chromedp.Location()); !strings.HasPrefix(loc, "http://"+n.HTTPAddr()+"/ui/") {
					t.Errorf("the form did not reach the node: the browser is at %s", loc)
				}
			})
		}
	}
	if got := markCount(t, n); got != 0 {
		t.Errorf("cross-site forms recorded %d marks", got)
	}
	if !getProfile(t, n).Sharing {
		t.Error("a cross-site form turned sharing off")
	}
}

// TestBrowserReadableAtPhoneWidth: at 390 px wide no page needs
// scrolling sideways; a screenshot of each is written to t.TempDir(), or
// to $P2PIR_SCREENSHOTS when set (the README's screenshots).
func TestBrowserReadableAtPhoneWidth(t *testing.T) {
	b := newBrowser(t)
	n, _ := startUINode(t)
	// Marks, so the pages have something to show.
	_, _, page := uiGet(t, n, "/?q=galaxy")
	f := markFields(t, page, "")
	f.Set("interested", "1")
	if resp, body := uiPost(t, n, "/ui/mark", f, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("mark: %d %s", resp.StatusCode, body)
	}
	dir := os.Getenv("P2PIR_SCREENSHOTS")
	if dir == "" {
		dir = t.TempDir()
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b.do(t, "phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	for _, tc := range []struct{ name, path, wait string }{
		{"search", "/?q=galaxy", ".results"},
		{"profile", "/ui/profile", "#int-h"},
		{"network", "/ui/network", "#peers-h"},
		{"document", docLink(testdataURL(t, "galaxy-rotation.txt"), "galaxy"), "article.doc"},
		{"sources", "/ui/sources", "table.sources"},
		{"index", "/ui/index", "#roots-h"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b.do(t, "open "+tc.path,
				chromedp.Navigate("http://"+n.HTTPAddr()+tc.path),
				chromedp.WaitVisible(chromedp.CSS(tc.wait)),
			)
			if w := eval[int](t, b, `document.documentElement.scrollWidth`); w > 390 {
				t.Errorf("the page is %d px wide at a 390 px viewport", w)
			}
			png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
			if err != nil {
				t.Fatal(err)
			}
			p := filepath.Join(dir, "ui-"+tc.name+"-390.png")
			if err := os.WriteFile(p, png, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", p)
		})
	}
	// And the search page as it shows on a desktop.
	b.do(t, "desktop viewport", chromedp.EmulateViewport(1100, 760))
	b.do(t, "open the search page",
		chromedp.Navigate("http://"+n.HTTPAddr()+"/?q=galaxy"),
		chromedp.WaitVisible(chromedp.CSS(".results")),
	)
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ui-search-1100.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
