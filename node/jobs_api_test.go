package node

import (
	"encoding/json"
	"github.com/p2pir/p2pir/internal/testenv"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/p2pir/p2pir/internal/share"
)

// jobsPost POSTs body to path as the CLI does (JSON, the node's token).
func jobsPost(t *testing.T, n *Node, path, body string) (int, string) {
	t.Helper()
	return apiCall{method: "POST", path: path, body: body,
		header: map[string]string{"Content-Type": "application/json", TokenHeader: runToken(t, n.cfg.DataDir)}}.do(t, n)
}

// TestTheNodeIndexesAFolderAndRemovesIt: through the JSON API a running
// node indexes a folder it is asked to share, lists it among its roots
// with its document count, refuses bad requests with the right status,
// and removes it: its documents leave the index, the roots list and the
// shared folders.
func TestTheNodeIndexesAFolderAndRemovesIt(t *testing.T) {
	n := startNode(t, t.TempDir(), "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(t.Context()) })
	notes := filepath.Join(t.TempDir(), "notes")
	if err := os.CopyFS(notes, os.DirFS("../internal/jobs/testdata/notes")); err != nil {
		t.Fatal(err)
	}

	code, body := jobsPost(t, n, "/index/jobs", `{"kind": "folder", "path": "`+notes+`", "share": true}`)
	var sub struct{ Job jobs.Job }
	if err := json.Unmarshal([]byte(body), &sub); err != nil || code != http.StatusAccepted || sub.Job.ID == "" || sub.Job.State != jobs.Queued {
		t.Fatalf("POST /index/jobs = %d %s (%v), want 202 and a queued job", code, body, err)
	}
	if !strings.Contains(body, `"elapsed_ms"`) || !strings.Contains(body, `"queued_at"`) {
		t.Fatalf("job JSON is not snake_case with durations in ms: %s", body)
	}
	var job struct{ Job jobs.Job }
	testenv.WaitFor(t, "the job to finish", 60*time.Second, func() bool {
		code, body := apiGet2(t, n, "/index/jobs/"+sub.Job.ID)
		return code == http.StatusOK && json.Unmarshal([]byte(body), &job) == nil && jobs.Finished(job.Job.State)
	})
	if j := job.Job; j.State != jobs.Done || j.Indexed != 3 || j.Done != 3 || j.Total != 3 || j.IndexDocuments != 3 {
		t.Fatalf("finished job: %+v", j)
	}

	code, _, body = apiGet(t, n, "/index/roots")
	var roots struct{ Roots []jobs.Root }
	if err := json.Unmarshal([]byte(body), &roots); err != nil || code != http.StatusOK || len(roots.Roots) != 1 {
		t.Fatalf("GET /index/roots = %d %s", code, body)
	}
	if r := roots.Roots[0]; r.Kind != jobs.KindFolder || r.Path != notes || !r.Shared || r.Documents != 3 || r.LastOutcome != jobs.Done || r.LastRun.IsZero() {
		t.Fatalf("root %+v: want the shared folder with 3 documents, last run done", r)
	}
	for _, key := range []string{`"documents":3`, `"shared":true`, `"last_run"`, `"last_outcome":"done"`, `"path":"` + notes + `"`} {
		if !strings.Contains(body, key) {
			t.Errorf("GET /index/roots lacks %s: %s", key, body)
		}
	}
	if code, body := apiGet2(t, n, "/index/jobs"); code != http.StatusOK || !strings.Contains(body, `"id":"`+sub.Job.ID+`"`) {
		t.Fatalf("GET /index/jobs = %d %s", code, body)
	}

	for _, c := range []struct {
		name   string
		call   func() (int, string)
		status int
		says   string
	}{
		{"relative path", func() (int, string) { return jobsPost(t, n, "/index/jobs", `{"kind": "folder", "path": "notes"}`) }, 400, "absolute path"},
		{"misspelt option", func() (int, string) {
			return jobsPost(t, n, "/index/jobs", `{"kind": "site", "url": "https://example.org/", "max-pages": 5}`)
		}, 400, "max-pages"},
		{"unknown kind", func() (int, string) { return jobsPost(t, n, "/index/jobs", `{"kind": "disk", "path": "/"}`) }, 400, "kind must be"},
		{"unknown job", func() (int, string) { return apiGet2(t, n, "/index/jobs/9999") }, 404, "no job"},
		{"cancel a finished job", func() (int, string) { return jobsPost(t, n, "/index/jobs/"+sub.Job.ID+"/cancel", `{}`) }, 409, "finished"},
		{"remove an unknown folder", func() (int, string) {
			return jobsPost(t, n, "/index/remove", `{"kind": "folder", "path": "/nowhere/at/all"}`)
		}, 404, "not in the index"},
		{"unwatch a folder not watched", func() (int, string) { return jobsPost(t, n, "/index/unwatch", `{"path": "`+notes+`"}`) }, 404, "not watched"},
		{"no token", func() (int, string) {
			return apiCall{method: "POST", path: "/index/jobs", body: `{"kind": "folder", "path": "` + notes + `"}`,
				header: map[string]string{"Content-Type": "application/json"}}.do(t, n)
		}, 403, "token"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, body := c.call()
			var e struct{ Error string }
			if code != c.status || json.Unmarshal([]byte(body), &e) != nil || !strings.Contains(e.Error, c.says) {
				t.Fatalf("got %d %s, want %d with an error saying %q", code, body, c.status, c.says)
			}
		})
	}

	code, body = jobsPost(t, n, "/index/remove", `{"kind": "folder", "path": "`+notes+`"}`)
	var rm struct{ Removed jobs.Removed }
	if err := json.Unmarshal([]byte(body), &rm); err != nil || code != http.StatusOK || rm.Removed.Deleted != 3 || !strings.Contains(rm.Removed.Message, "unshared") {
		t.Fatalf("POST /index/remove = %d %s", code, body)
	}
	if c, _ := n.Index().Count(); c != 0 {
		t.Fatalf("index holds %d documents after the removal", c)
	}
	if _, ok, _ := n.Index().Get(t.Context(), crawler.FileURL(filepath.Join(notes, "kangaroo.txt"))); ok {
		t.Fatal("a removed folder's file is still in the index")
	}
	if _, _, body := apiGet(t, n, "/index/roots"); !strings.Contains(body, `"roots":[]`) {
		t.Fatalf("roots after the removal: %s", body)
	}
	if fs, _ := share.Current(n.cfg.DataDir); len(fs) != 0 {
		t.Fatalf("still shared after the removal: %v", fs)
	}
}

// apiGet2 is apiGet without the headers.
func apiGet2(t *testing.T, n *Node, path string) (int, string) {
	t.Helper()
	code, _, body := apiGet(t, n, path)
	return code, body
}

// TestWatchingAndTheRecordSurviveANodeRestart: a folder watched through
// the API is watched again by the node started next on the data
// directory, which lists the earlier jobs, and a file added then becomes
// searchable.
func TestWatchingAndTheRecordSurviveANodeRestart(t *testing.T) {
	dir := t.TempDir()
	n := startNode(t, dir, "127.0.0.1:0", nil)
	notes := filepath.Join(t.TempDir(), "notes")
	if err := os.CopyFS(notes, os.DirFS("../internal/jobs/testdata/notes")); err != nil {
		t.Fatal(err)
	}
	code, body := jobsPost(t, n, "/index/jobs", `{"kind": "folder", "path": "`+notes+`", "watch": true}`)
	var sub struct{ Job jobs.Job }
	if err := json.Unmarshal([]byte(body), &sub); err != nil || code != http.StatusAccepted {
		t.Fatalf("POST /index/jobs = %d %s", code, body)
	}
	testenv.WaitFor(t, "the job to finish", 60*time.Second, func() bool {
		j, err := n.jobs.Get(sub.Job.ID)
		return err == nil && j.State == jobs.Done
	})
	if err := n.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	n = startNode(t, dir, "127.0.0.1:0", nil)
	t.Cleanup(func() { n.Close(t.Context()) })
	if code, body := apiGet2(t, n, "/index/jobs/"+sub.Job.ID); code != http.StatusOK || !strings.Contains(body, `"state":"done"`) {
		t.Fatalf("the earlier job after a restart: %d %s", code, body)
	}
	testenv.WaitFor(t, "the restarted node to watch the folder", 60*time.Second, func() bool {
		_, body := apiGet2(t, n, "/index/roots")
		return strings.Contains(body, `"watched":true`) && strings.Contains(body, `"watched_folders":2`)
	})
	bilby := filepath.Join(notes, "sub", "bilby.txt")
	if err := os.WriteFile(bilby, []byte("Bilby notes: the bilby digs spiral burrows."), 0o600); err != nil {
		t.Fatal(err)
	}
	testenv.WaitFor(t, "the new file to be searchable", 30*time.Second, func() bool {
		_, body := apiGet2(t, n, "/search?q=bilby+spiral&source=local")
		return strings.Contains(body, "bilby.txt")
	})
}
