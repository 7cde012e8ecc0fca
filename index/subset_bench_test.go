package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkCountURLPrefix is the cost of a root's document count in the
// node's roots list: 20,000 file documents in 100 folders; counting one
// folder (200 documents) and the parent of them all.
func BenchmarkCountURLPrefix(b *testing.B) {
	ix, err := Open(filepath.Join(b.TempDir(), "ix"), DefaultConfig())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	var docs []Document
	for f := range 100 {
		for d := range 200 {
			u := fmt.Sprintf("file:///home/me/docs/folder%03d/note%03d.txt", f, d)
			docs = append(docs, Document{ID: u, URL: u, Title: u, Body: "a short note", Source: SourceFile})
		}
	}
	if err := ix.Index(ctx, docs); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name, prefix string
		want         uint64
	}{
		{"one folder of 200", "file:///home/me/docs/folder042/", 200},
		{"all 20000", "file:///home/me/docs/", 20000},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				n, err := ix.CountURLPrefix(ctx, c.prefix)
				if err != nil || n != c.want {
					b.Fatalf("count %d, %v; want %d", n, err, c.want)
				}
			}
		})
	}
}
