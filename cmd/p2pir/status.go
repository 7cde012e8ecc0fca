package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/jobs"
	"github.com/spf13/cobra"
)

// status is what "p2pir status" reports (its --json, snake_case).
type status struct {
	DataDir string `json:"data_dir"`
	// IndexBytes and StateBytes are the sizes on disk of the index and
	// of state.db.
	IndexBytes int64 `json:"index_bytes"`
	StateBytes int64 `json:"state_bytes"`
	// Documents is how many documents the index holds.
	Documents uint64 `json:"documents"`
	// Roots are the folders and sites in the index.
	Roots []jobs.Root `json:"roots"`
	// Marks counts the marks behind the profile; Sharing whether peers
	// get its fingerprint.
	Marks   int  `json:"marks"`
	Sharing bool `json:"sharing"`
	// Node is the node running on the data directory, if one does (left
	// out of the JSON when none does).
	Node *nodeStatus `json:"node,omitempty"`
}

// nodeStatus is a running node in status.
type nodeStatus struct {
	PID        int    `json:"pid"`
	NodeID     string `json:"node_id"`
	Name       string `json:"name,omitempty"`
	HTTP       string `json:"http"`
	GRPC       string `json:"grpc"`
	Gossip     string `json:"gossip"`
	Peers      int    `json:"peers"`
	PeersAlive int    `json:"peers_alive"`
}

func newStatusCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the data directory: what is indexed, your marks, the node and its peers",
		Long: `Show where p2pir keeps your data and what is in it: the folders and sites
in the index with their document counts, whether each folder is shared
and kept current, and when it was last indexed; the index's size; your
marks and whether your fingerprint is shared; and, when a node runs on the
data directory, its addresses and its peers.

While a node runs, the figures come from it; otherwise from the files
(which another p2pir indexing at the moment keeps locked: status then
says so).`,
		Example: `  p2pir status
  p2pir status --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.status(cmd.Context())
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			writeStatus(a.stdout, st)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, `print JSON: {"data_dir", "index_bytes", "state_bytes", "documents", "roots": [{"kind", "path"|"url", "shared", "watched", "documents", "last_run", "last_outcome", ...}], "marks", "sharing", "node": {"pid", "node_id", "name", "http", "grpc", "gossip", "peers", "peers_alive"}, left out when no node runs}`)
	return cmd
}

// status gathers the data directory's status, through the running node
// when there is one.
func (a *app) status(ctx context.Context) (status, error) {
	st := status{DataDir: a.dataDir, IndexBytes: dirSize(a.indexDir()), StateBytes: dirSize(a.statePath()), Roots: []jobs.Root{}}
	if ri, ok := a.runningNode(); ok {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		var self struct {
			Name           string `json:"name"`
			IndexDocuments uint64 `json:"index_documents"`
		}
		var roots struct {
			Roots []jobs.Root `json:"roots"`
		}
		var profile struct {
			Marks   int  `json:"marks"`
			Sharing bool `json:"sharing"`
		}
		var peers []struct {
			State string `json:"state"`
		}
		for _, c := range []struct {
			path string
			out  any
		}{{"/node", &self}, {"/index/roots", &roots}, {"/profile", &profile}, {"/peers", &peers}} {
			if err := nodeCall(ctx, ri, "GET", c.path, nil, nil, c.out); err != nil {
				return st, err
			}
		}
		st.Documents, st.Marks, st.Sharing = self.IndexDocuments, profile.Marks, profile.Sharing
		if roots.Roots != nil {
			st.Roots = roots.Roots
		}
		st.Node = &nodeStatus{PID: ri.PID, NodeID: ri.NodeID, Name: self.Name, HTTP: ri.HTTPAddr, GRPC: ri.GRPCAddr, Gossip: ri.Gossip, Peers: len(peers)}
		for _, p := range peers {
			if p.State == "alive" {
				st.Node.PeersAlive++
			}
		}
		return st, nil
	}
	if _, err := os.Stat(a.indexDir()); err == nil {
		ix, err := index.Open(a.indexDir(), index.DefaultConfig())
		if errors.Is(err, index.ErrLocked) {
			return st, fmt.Errorf("another p2pir is indexing this data directory (%s): try again when it has finished", a.dataDir)
		}
		if err != nil {
			return st, err
		}
		defer ix.Close()
		if st.Documents, err = ix.Count(); err != nil {
			return st, err
		}
		roots, err := jobs.LoadRoots(a.dataDir)
		if err != nil {
			return st, err
		}
		if err := jobs.FillRoots(ctx, ix, a.dataDir, roots); err != nil {
			return st, err
		}
		if roots != nil {
			st.Roots = roots
		}
	}
	if _, err := os.Stat(a.statePath()); err == nil {
		s, err := a.openStore()
		if err != nil {
			return st, err
		}
		defer s.Close()
		p, err := s.Profile(ctx)
		if err != nil {
			return st, err
		}
		st.Marks = p.Marks
		if st.Sharing, err = s.Sharing(ctx); err != nil {
			return st, err
		}
	} else {
		st.Sharing = true // the default, until the person turns it off
	}
	return st, nil
}

// writeStatus writes st for people.
func writeStatus(w io.Writer, st status) {
	fmt.Fprintf(w, "data      %s (index %s, state %s)\n", st.DataDir, byteSize(int(st.IndexBytes)), byteSize(int(st.StateBytes)))
	fmt.Fprintf(w, "index     %s\n", countOf(int(st.Documents), "document", "documents"))
	if len(st.Roots) == 0 && st.Documents == 0 {
		fmt.Fprintln(w, "          nothing indexed yet: p2pir index DIR, or the Index page of p2pir node")
	}
	for _, r := range st.Roots {
		line := fmt.Sprintf("  %-6s  %s  %s", r.Kind, oneLine(r.Target()), countOf(int(r.Documents), "document", "documents"))
		if r.Shared {
			line += ", shared"
		}
		if r.Watched {
			line += ", kept current"
		}
		if !r.LastRun.IsZero() {
			line += fmt.Sprintf("; last run %s: %s", r.LastRun.Local().Format("2006-01-02 15:04"), r.LastOutcome)
		}
		fmt.Fprintln(w, line)
	}
	sharing := "on: peers get your fingerprint"
	if !st.Sharing {
		sharing = "off: peers get nothing of your profile"
	}
	fmt.Fprintf(w, "profile   %s; sharing %s\n", countOf(st.Marks, "mark", "marks"), sharing)
	if st.Node == nil {
		fmt.Fprintln(w, "node      not running (p2pir node starts it)")
		return
	}
	n := st.Node
	name := ""
	if n.Name != "" {
		name = fmt.Sprintf(" %q", n.Name)
	}
	fmt.Fprintf(w, "node      running%s (pid %d): web UI and API http://%s/, gRPC %s, gossip %s\n", name, n.PID, n.HTTP, n.GRPC, n.Gossip)
	fmt.Fprintf(w, "peers     %d known, %d alive\n", n.Peers, n.PeersAlive)
}

// dirSize is the size of the files under path (a file's own size), 0
// when there is nothing there.
func dirSize(path string) int64 {
	var total int64
	_ = filepath.WalkDir(path, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				total += fi.Size()
			}
		}
		return nil
	})
	return total
}
