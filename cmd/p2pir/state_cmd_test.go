package main

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.etcd.io/bbolt"
)

// TestCommandsRefuseADamagedStateFileAndLeaveItAlone: search, profile,
// mark, sources and node on a data directory whose state.db is damaged
// exit 1 with a message that names the file and how to restore or reset
// it, print no panic, and do not change the file.
func TestCommandsRefuseADamagedStateFileAndLeaveItAlone(t *testing.T) {
	t.Parallel()
	// A state.db with a search and a mark in it, to damage.
	_, data := indexedNotes(t)
	r := mustRunCLI(t, data, "search", "--json", "platypus", "eggs")
	var out struct {
		QueryID string   `json:"query_id"`
		Results []gotHit `json:"results"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Results) == 0 {
		t.Fatalf("test premise: a search with results: %v\n%s", err, r.stdout)
	}
	mustRunCLI(t, data, "mark", out.QueryID, out.Results[0].URL, "+")
	healthy, err := os.ReadFile(filepath.Join(data, "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	// The file is bbolt's map size; its pages fill need bytes of it.
	var need, page int
	db, err := bbolt.Open(filepath.Join(data, "state.db"), 0o600, &bbolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	page = db.Info().PageSize
	err = db.View(func(tx *bbolt.Tx) error { need = int(tx.Size()); return nil })
	db.Close()
	if err != nil || need < 6*page {
		t.Fatalf("test premise: state.db of several pages, got %d bytes of pages (%v)", need, err)
	}
	damages := []struct {
		name  string
		bytes func() []byte
	}{
		{"emptied to 0 bytes", func() []byte { return nil }},
		{"cut to half", func() []byte {
			return healthy[:need/2/page*page]
		}},
		{"data pages garbage", func() []byte {
			b := bytes.Clone(healthy)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := 2 * page; i < need; i++ {
				b[i] = byte(rng.Uint32())
			}
			return b
		}},
	}
	commands := [][]string{
		{"search", "platypus"},
		{"profile"},
		{"mark", out.QueryID, out.Results[0].URL, "-"},
		{"mark", "--undo"},
		{"sources"},
		// A node that started anyway would run until the command's
		// deadline and exit 0, failing the check below.
		{"node", "--http", "127.0.0.1:0", "--grpc", "127.0.0.1:0", "--gossip", "127.0.0.1:0"},
	}
	for _, d := range damages {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			if err := os.Symlink(filepath.Join(data, "index"), filepath.Join(dir, "index")); err != nil {
				t.Fatal(err)
			}
			damaged := d.bytes()
			state := filepath.Join(dir, "state.db")
			if err := os.WriteFile(state, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			for _, args := range commands {
				r := runCLI(t, dir, args...)
				if r.code != 1 {
					t.Errorf("p2pir %s: want exit 1, got %v", args[0], r)
				}
				for _, want := range []string{"state.db in " + dir + " is damaged", "restore it from a backup, or move it away to start with an empty profile"} {
					if !strings.Contains(r.stderr, want) {
						t.Errorf("p2pir %s: stderr does not say %q:\n%s", args[0], want, r.stderr)
					}
				}
				if strings.Contains(r.stderr, "goroutine") || strings.Contains(r.stderr, "panic") {
					t.Errorf("p2pir %s: stderr shows a panic:\n%s", args[0], r.stderr)
				}
				if now, err := os.ReadFile(state); err != nil || !bytes.Equal(now, damaged) {
					t.Fatalf("p2pir %s changed the damaged state.db (%d bytes, were %d; %v)", args[0], len(now), len(damaged), err)
				}
			}
		})
	}
}
