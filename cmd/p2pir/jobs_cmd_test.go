package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/p2pir/p2pir/internal/testenv"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/p2pir/p2pir/node"
)

// runInfo is the running node's run file on dir.
func runInfo(t *testing.T, dir string) node.RunInfo {
	t.Helper()
	ri, ok := node.ReadRunFile(dir)
	if !ok {
		t.Fatalf("no node runs on %s", dir)
	}
	return ri
}

// TestIndexThroughARunningNodeIsFoundByAnotherNode is the bar:
// "p2pir index --share DIR" against a running node indexes DIR through
// the node (its summary in the offline command's words), and another
// node's search finds the document; "p2pir index DIR" run offline before
// is listed among the node's roots with its document count.
func TestIndexThroughARunningNodeIsFoundByAnotherNode(t *testing.T) {
	if testing.Short() {
		t.Skip("two real nodes: skipped in -short mode")
	}
	owner, asker := t.TempDir(), t.TempDir()
	offline := copyNotes(t)
	mustRunCLI(t, owner, "index", offline)
	startCLINode(t, owner)
	ri := runInfo(t, owner)
	startCLINode(t, asker, "--join", ri.Gossip)

	papers := t.TempDir()
	writeTree(t, papers, map[string]string{"numbat.txt": "Numbat field notes: the numbat eats termites in the jarrah woodland."})
	r := mustRunCLI(t, owner, "index", "--share", papers)
	if !strings.Contains(r.stdout, "1 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 0 errors in ") ||
		!strings.Contains(r.stdout, "holds 5 documents") || !strings.Contains(r.stderr, "a node is running") {
		t.Fatalf("index through the node: %v", r)
	}

	var found string
	testenv.WaitFor(t, "the asker's search to find the owner's shared note", 60*time.Second, func() bool {
		for _, u := range searchJSONOut(t, asker, "--source", "peers", "numbat", "termites").urls() {
			if strings.HasPrefix(u, "p2pir://"+ri.NodeID+"/doc/") {
				found = u
				return true
			}
		}
		return false
	})
	if r := mustRunCLI(t, asker, "open", found); !strings.Contains(r.stdout, "jarrah woodland") {
		t.Fatalf("open %s: %v", found, r)
	}

	var roots struct{ Roots []jobs.Root }
	if err := jobsCall(t.Context(), ri, http.MethodGet, "/index/roots", nil, &roots); err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{offline: 4, papers: 1}
	if len(roots.Roots) != 2 {
		t.Fatalf("roots %+v, want %v", roots.Roots, want)
	}
	for _, root := range roots.Roots {
		if n, ok := want[root.Path]; !ok || root.Documents != n || root.Shared != (root.Path == papers) || root.LastOutcome != jobs.Done {
			t.Errorf("root %+v: want %d documents, shared only if it is %s", root, n, papers)
		}
	}
}

// TestIndexAndCrawlThroughANodeKeepTheExitStatus: with a node running,
// "p2pir index" and "p2pir crawl" hand their work to it and exit as the
// offline commands do: 0 when everything worked, 3 when some files or
// pages failed (listed on stderr), 1 when the work could not run or every
// file failed, 2 on a usage error.
func TestIndexAndCrawlThroughANodeKeepTheExitStatus(t *testing.T) {
	data := t.TempDir()
	startCLINode(t, data)
	site := newTestSite(t)
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html><head><title>Wombat burrows</title></head><body><p>Wombats dig burrows.</p><a href="/gone.html">gone</a></body></html>`)
	}))
	t.Cleanup(broken.Close)
	withBadPDF := copyNotes(t)
	badPDF := filepath.Join(withBadPDF, "broken.pdf")
	if err := os.WriteFile(badPDF, []byte("%PDF-1.4\nthis is not really a PDF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	onlyBad := t.TempDir() // every file fails: nothing indexed is exit 1, not 3
	if err := os.WriteFile(filepath.Join(onlyBad, "broken.pdf"), []byte("%PDF-1.4\nthis is not really a PDF\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		stderr   []string
		stdout   string
	}{
		{"index of readable files exits 0", []string{"index", copyNotes(t)}, 0, []string{"a node is running"}, "4 added"},
		{"index with a file that fails exits 3, naming it", []string{"index", withBadPDF}, 3,
			[]string{"p2pir: index: " + badPDF + ": ", "1 file or folder could not be indexed"}, "4 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 1 errors"},
		{"index where every file fails exits 1", []string{"index", onlyBad}, 1,
			[]string{"broken.pdf: ", "nothing could be indexed: 1 file or folder failed (listed above)"}, "0 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 1 errors"},
		{"index of a missing folder exits 1", []string{"index", filepath.Join(t.TempDir(), "nope")}, 1, []string{"nope does not exist"}, ""},
		{"crawl of a sound site exits 0", []string{"crawl", "--delay", "1ms", "--depth", "2", site.srv.URL + "/"}, 0, nil, "3 indexed"},
		{"crawl with a broken link exits 3", []string{"crawl", "--delay", "1ms", broken.URL + "/"}, 3,
			[]string{"p2pir: crawl: " + broken.URL + "/gone.html: ", "1 page failed"}, "1 indexed"},
		{"crawl of a URL that is not http exits 2", []string{"crawl", "ftp://example.org/"}, 2, []string{"http or https URL"}, ""},
		{"index with an unknown flag exits 2", []string{"index", "--recursive", withBadPDF}, 2, []string{"--recursive"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, data, tc.args...)
			if r.code != tc.wantCode {
				t.Fatalf("want exit %d, got %v", tc.wantCode, r)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			if !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("summary does not say %q:\n%s", tc.stdout, r.stdout)
			}
		})
	}
	if r := runCLI(t, t.TempDir(), "index", "--watch", copyNotes(t)); r.code != 1 || !strings.Contains(r.stderr, "need a running node") {
		t.Fatalf("--watch without a node: want exit 1 saying a node is needed, got %v", r)
	}
}

// TestCtrlCCancelsTheJobInTheNode: interrupting "p2pir crawl" while the
// node crawls a site that never answers cancels the job in the node and
// exits 1.
func TestCtrlCCancelsTheJobInTheNode(t *testing.T) {
	data := t.TempDir()
	startCLINode(t, data)
	ri := runInfo(t, data)
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // answers nothing until the crawler gives up
	}))
	t.Cleanup(hang.Close)
	t.Cleanup(hang.CloseClientConnections)

	ctx, interrupt := context.WithCancel(t.Context())
	var stdout, stderr bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"--data", data, "crawl", "--timeout", "1m", hang.URL + "/"}, strings.NewReader(""), &stdout, &stderr)
	}()
	var running jobs.Job
	testenv.WaitFor(t, "the crawl to run in the node", 60*time.Second, func() bool {
		var list struct{ Jobs []jobs.Job }
		if err := jobsCall(t.Context(), ri, http.MethodGet, "/index/jobs", nil, &list); err != nil || len(list.Jobs) == 0 {
			return false
		}
		running = list.Jobs[0]
		return running.State == jobs.Running
	})
	interrupt() // Ctrl-C
	if code := <-done; code != 1 || !strings.Contains(stderr.String(), "1 job canceled in the node") {
		t.Fatalf("interrupted crawl: exit %d, stderr %s", code, stderr.String())
	}
	var reply struct{ Job jobs.Job }
	testenv.WaitFor(t, "the job to end", 60*time.Second, func() bool {
		return jobsCall(t.Context(), ri, http.MethodGet, "/index/jobs/"+running.ID, nil, &reply) == nil && jobs.Finished(reply.Job.State)
	})
	if reply.Job.State != jobs.Canceled {
		t.Fatalf("job after Ctrl-C: %s (%s), want canceled", reply.Job.State, reply.Job.Message)
	}
}

// TestIndexWatchKeepsAFolderCurrentThroughTheNode: "p2pir index --watch"
// indexes the folder through the node; a file added afterwards becomes
// searchable and a deleted one leaves the index, without another command;
// --unwatch stops it.
func TestIndexWatchKeepsAFolderCurrentThroughTheNode(t *testing.T) {
	data := t.TempDir()
	startCLINode(t, data)
	notes := copyNotes(t)
	r := mustRunCLI(t, data, "index", "--watch", notes)
	if !strings.Contains(r.stdout, "4 added") || !strings.Contains(r.stdout, "watching "+notes) {
		t.Fatalf("index --watch: %v", r)
	}
	found := func(words ...string) func() bool {
		return func() bool {
			return searchJSONOut(t, data, append([]string{"--source", "local"}, words...)...).has(fileURLOf(t, filepath.Join(notes, "quokka.txt")))
		}
	}
	// A folder created right after "index --watch" returns may be made
	// before the node has put its watch on the new tree: wait for it.
	ri := runInfo(t, data)
	testenv.WaitFor(t, "the node to watch the folder", 60*time.Second, func() bool {
		var roots struct{ Roots []jobs.Root }
		return jobsCall(t.Context(), ri, http.MethodGet, "/index/roots", nil, &roots) == nil && len(roots.Roots) == 1 && roots.Roots[0].WatchedFolders == 2
	})
	writeTree(t, notes, map[string]string{"quokka.txt": "Quokka notes: the quokka smiles on Rottnest Island."})
	testenv.WaitFor(t, "the new file to be searchable", 60*time.Second, found("quokka", "rottnest"))
	if err := os.Remove(filepath.Join(notes, "quokka.txt")); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the deleted file to leave the index", 60*time.Second, func() bool { return !found("quokka", "rottnest")() })

	if r := mustRunCLI(t, data, "index", "--unwatch", notes); !strings.Contains(r.stdout, "stopped watching "+notes) {
		t.Fatalf("--unwatch: %v", r)
	}
	var roots struct{ Roots []jobs.Root }
	if err := jobsCall(t.Context(), ri, http.MethodGet, "/index/roots", nil, &roots); err != nil || roots.Roots[0].Watched {
		t.Fatalf("roots after --unwatch: %+v %v", roots, err)
	}
	if raw, err := json.Marshal(roots); err != nil || strings.Contains(string(raw), "Watched") {
		t.Fatalf("roots are not snake_case: %s", raw)
	}
}

// TestJobsSummaryListsTruncatedFiles: files a node's job indexed only in
// part are printed as the offline command prints them, and are not
// counted as errors.
func TestJobsSummaryListsTruncatedFiles(t *testing.T) {
	var stdout, stderr bytes.Buffer
	a := &app{dataDir: t.TempDir(), stdout: &stdout, stderr: &stderr}
	a.printJobsSummary("index", []jobs.Job{{
		Report:    jobs.Report{Added: 2, Truncated: 1},
		Truncated: []jobs.Failure{{Path: "/home/p/huge.txt", Error: "text too long: its first part is indexed: 33554533 bytes of text, the first 16777216 indexed"}},
		Failures:  []jobs.Failure{},
	}})
	want := "p2pir: index: /home/p/huge.txt: text too long: its first part is indexed: 33554533 bytes of text, the first 16777216 indexed\n"
	if stderr.String() != want {
		t.Errorf("stderr %q, want %q", stderr.String(), want)
	}
	if !strings.HasPrefix(stdout.String(), "2 added, 0 updated, 0 unchanged, 0 deleted, 0 skipped, 0 errors in ") {
		t.Errorf("stdout %q", stdout.String())
	}
}
