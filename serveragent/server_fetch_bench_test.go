package serveragent

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/p2pir/p2pir/index"
)

// BenchmarkSharedDocLookup measures what an unknown doc ID costs the
// owner of an index of 10,000 files: the first lookup after the index
// changes builds the doc ID map from the URL dictionary (rebuild), later
// ones are a map access (cached), which is all a peer guessing IDs gets.
//
//	go test -run '^$' -bench SharedDocLookup -benchmem ./serveragent/
func BenchmarkSharedDocLookup(b *testing.B) {
	ctx := context.Background()
	ix, err := index.Open(filepath.Join(b.TempDir(), "index"), index.DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	const files = 10_000
	docs := make([]index.Document, 0, files)
	for i := range files {
		docs = append(docs, fileDoc(fmt.Sprintf("/home/me/papers/%03d/paper-%05d.txt", i%100, i), "paper", "jaguar habitat notes"))
	}
	if err := ix.Index(ctx, docs); err != nil {
		b.Fatal(err)
	}
	s := newSharedDocs(make([]byte, 32))
	want := s.docID(docs[files/2].ID)
	for _, bc := range []struct {
		name    string
		rebuild bool
	}{{"rebuild", true}, {"cached", false}} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if bc.rebuild {
					s.mu.Lock()
					s.all = nil
					s.mu.Unlock()
				}
				if id, ok, err := s.lookup(ctx, ix, want); err != nil || id != docs[files/2].ID || !ok {
					b.Fatalf("lookup = %q %v %v", id, ok, err)
				}
			}
		})
	}
}
