package node

import (
	"context"
	"encoding/json"
	"github.com/p2pir/p2pir/internal/testenv"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/p2pir/p2pir/clientagent"
	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/internal/share"
	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// apiGet GETs path from n's HTTP API and returns the status, the
// Content-Type header and the body.
func apiGet(t *testing.T, n *Node, path string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Get("http://" + n.HTTPAddr() + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(raw)
}

// peerLinks searches n's peers for q (the peers source only) and returns
// the URLs found.
func peerLinks(t *testing.T, n *Node, q string) []string {
	t.Helper()
	resp, err := n.Agent().Search(context.Background(), clientagent.Request{Query: q, K: 20, Sources: []string{"peers"}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range resp.Results {
		out = append(out, r.URL)
	}
	return out
}

// TestASharedFolderReachesPeersThroughTheOwnersNode is the whole path with
// two real nodes on loopback (TLS gRPC, memberlist, on-disk indexes): the
// owner indexes a folder it shares and one it does not with the files
// crawler, and shares with "p2pir index --share"'s list; the other node's
// person finds only the shared file, as a p2pir:// link, and opens it
// through their own node's API, which fetches it from the owner over
// gRPC. Unsharing takes effect at the next search and fetch.
func TestASharedFolderReachesPeersThroughTheOwnersNode(t *testing.T) {
	if testing.Short() {
		t.Skip("two real nodes: skipped in -short mode")
	}
	ctx := context.Background()
	root := t.TempDir()
	files := filepath.Join(root, "files")
	papers, diary := filepath.Join(files, "papers"), filepath.Join(files, "diary")
	for _, d := range []string{papers, diary} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	paper := "Jaguar habitat survey. <b>Jaguars</b> hunt along rivers; tracks were found near the ocelot dens."
	if err := os.WriteFile(filepath.Join(papers, "survey.txt"), []byte(paper), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(diary, "dream.txt"), []byte("Dream diary: a jaguar followed me home, do not tell anyone."), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(diary, "linked.txt"), []byte("Private jaguar notes reached by a link from the papers."), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(diary, "linked.txt"), filepath.Join(papers, "linked.txt")); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}

	owner := startNode(t, filepath.Join(root, "owner"), "127.0.0.1:0", nil)
	defer owner.Close(ctx)
	asker := startNode(t, filepath.Join(root, "asker"), "127.0.0.1:0", []string{owner.GossipAddr()})
	defer asker.Close(ctx)
	if _, err := crawler.IndexFiles(ctx, owner.Index(), crawler.DefaultFilesConfig(), papers, diary); err != nil {
		t.Fatal(err)
	}
	if n, _ := owner.Index().Count(); n != 4 { // the link in papers is indexed too
		t.Fatalf("owner indexed %d files, want 4", n)
	}
	testenv.WaitFor(t, "the asker to know the owner", 60*time.Second, func() bool { return len(asker.Server().Peers()) == 1 })

	// Nothing shared (the default): peers get none of the files.
	if got := peerLinks(t, asker, "jaguar"); len(got) != 0 {
		t.Fatalf("nothing shared, yet a peer found %q", got)
	}

	if _, _, err := share.Add(owner.cfg.DataDir, papers); err != nil {
		t.Fatal(err)
	}
	got := peerLinks(t, asker, "jaguar")
	if len(got) != 1 {
		t.Fatalf("with papers shared a peer found %q, want only the survey", got)
	}
	link := got[0]
	node, doc, ok := p2pirv1.ParseSharedDocURL(link)
	if !ok || node != owner.ID() {
		t.Fatalf("result %q is not a link through the owner %s", link, owner.ID())
	}

	code, h, body := apiGet(t, asker, "/peer-doc?node="+node+"&doc="+doc)
	if code != http.StatusOK || body != paper {
		t.Fatalf("GET /peer-doc = %d %q, want 200 and the survey's text", code, body)
	}
	if h.Get("Content-Type") != "text/plain; charset=utf-8" || h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("headers %v: want plain text a browser will not render", h)
	}
	code, _, body = apiGet(t, asker, "/peer-doc?format=json&url="+url.QueryEscape(link))
	var js struct {
		NodeID, URL, Title, Text string
		Size                     int64
	}
	if err := json.Unmarshal([]byte(body), &js); err != nil || code != http.StatusOK || js.Text != paper || js.URL != link || js.Size != int64(len(paper)) {
		t.Fatalf("GET /peer-doc?format=json = %d %s (%v)", code, body, err)
	}

	// The private file and the link out of the shared folder cannot be
	// fetched even by their exact IDs.
	for _, name := range []string{filepath.Join(diary, "dream.txt"), filepath.Join(papers, "linked.txt")} {
		u := (&url.URL{Scheme: "file", Path: filepath.ToSlash(name)}).String()
		_, d, _ := p2pirv1.ParseSharedDocURL(owner.Server().SharedDocLink(u))
		if code, _, body := apiGet(t, asker, "/peer-doc?node="+node+"&doc="+d); code != http.StatusNotFound {
			t.Errorf("GET /peer-doc for %s = %d %q, want 404", name, code, body)
		}
	}
	for _, bad := range []string{"/peer-doc", "/peer-doc?node=" + node + "&doc=../x", "/peer-doc?url=file:///etc/passwd", "/peer-doc?node=" + node + "&doc=" + doc + "&format=html"} {
		if code, _, body := apiGet(t, asker, bad); code != http.StatusBadRequest {
			t.Errorf("GET %s = %d %q, want 400", bad, code, body)
		}
	}

	if code, _, body := apiGet(t, owner, "/shared"); code != http.StatusOK || !strings.Contains(body, `"from":"p2pir index --share"`) {
		t.Fatalf("GET /shared = %d %s", code, body)
	}

	// Unshared: at once, no re-indexing.
	if _, removed, err := share.Remove(owner.cfg.DataDir, papers); err != nil || !removed {
		t.Fatalf("unshare: %v %v", removed, err)
	}
	if got := peerLinks(t, asker, "jaguar"); len(got) != 0 {
		t.Fatalf("papers unshared, yet a peer found %q", got)
	}
	if code, _, body := apiGet(t, asker, "/peer-doc?node="+node+"&doc="+doc); code != http.StatusNotFound {
		t.Fatalf("GET /peer-doc after unsharing = %d %q, want 404", code, body)
	}
}
