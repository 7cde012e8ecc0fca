package index

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestFoldersAndSitesAreCountedByQuery: a folder's documents are those
// under its URL and a slash (a sibling folder sharing its name's prefix
// is not among them); a site's are on its host or a subdomain; deleted
// documents never count.
func TestFoldersAndSitesAreCountedByQuery(t *testing.T) {
	ix := openTest(t)
	ctx := context.Background()
	var docs []Document
	for _, u := range []string{
		"file:///home/me/notes/a.txt", "file:///home/me/notes/sub/b.txt", "file:///home/me/notes2/c.txt",
		"https://example.org/x", "https://docs.example.org/y", "https://www.example.org/z", "https://example.net/w",
	} {
		docs = append(docs, Document{ID: u, URL: u, Title: u, Body: "text of " + u, Source: SourceFile})
	}
	if err := ix.Index(ctx, docs); err != nil {
		t.Fatal(err)
	}
	if err := ix.Delete(ctx, "file:///home/me/notes/sub/b.txt", "https://docs.example.org/y"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		count func() (uint64, error)
		ids   func() ([]string, error)
		want  []string
	}{
		{"folder", func() (uint64, error) { return ix.CountURLPrefix(ctx, "file:///home/me/notes/") },
			func() ([]string, error) { return ix.IDsWithURLPrefix(ctx, "file:///home/me/notes/") },
			[]string{"file:///home/me/notes/a.txt"}},
		{"site", func() (uint64, error) { return ix.CountOnHost(ctx, SiteHost("https://www.Example.org/docs/")) },
			func() ([]string, error) { return ix.IDsOnHost(ctx, "example.org") },
			[]string{"https://example.org/x", "https://www.example.org/z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := c.count()
			if err != nil || n != uint64(len(c.want)) {
				t.Fatalf("count = %d, %v; want %d", n, err, len(c.want))
			}
			ids, err := c.ids()
			slices.Sort(ids)
			if err != nil || !slices.Equal(ids, c.want) {
				t.Fatalf("IDs = %v, %v; want %v", ids, err, c.want)
			}
		})
	}
	if _, err := ix.IDsWithURLPrefix(ctx, ""); !errors.Is(err, ErrBadQuery) {
		t.Fatalf("an empty prefix: %v, want ErrBadQuery", err)
	}
	if _, err := ix.CountOnHost(ctx, "example.org/path"); !errors.Is(err, ErrBadQuery) {
		t.Fatalf("a host with a path: %v, want ErrBadQuery", err)
	}
}
