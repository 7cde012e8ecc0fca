package index

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// A web page's links are stored and read back as they were: none recorded
// (nil) stays nil, an empty list stays empty and non-nil, a list keeps its
// order.
func TestLinksRoundTrip(t *testing.T) {
	ix := openTest(t)
	ctx := context.Background()
	for _, c := range []struct {
		name  string
		links []string
	}{
		{"not recorded", nil},
		{"none", []string{}},
		{"some", []string{"https://example.org/a", "https://example.org/b?q=1", "https://example.org/a"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := "https://example.org/" + strings.ReplaceAll(c.name, " ", "-")
			mustIndex(t, ix, Document{ID: id, Title: "page", Body: "text of " + c.name, Source: SourceWeb, Links: c.links})
			d, ok, err := ix.Get(ctx, id)
			if err != nil || !ok {
				t.Fatalf("get: %v %v", ok, err)
			}
			if (d.Links == nil) != (c.links == nil) || !slices.Equal(d.Links, c.links) {
				t.Errorf("links read back as %#v, want %#v", d.Links, c.links)
			}
		})
	}
}

// Links beyond their bounds, or that would not read back one a line, are
// refused with the document named; the other documents of the batch are
// indexed.
func TestBadLinksAreRefused(t *testing.T) {
	ix := openTest(t)
	ctx := context.Background()
	many := make([]string, MaxLinks+1)
	for i := range many {
		many[i] = "https://example.org/p"
	}
	for _, c := range []struct {
		name  string
		links []string
		want  string
	}{
		{"too many", many, "1001 links, the cap is 1000"},
		{"too long", []string{"https://example.org/" + strings.Repeat("a", MaxLinkBytes)}, "a link of 2068 bytes"},
		{"line break", []string{"https://example.org/a\nhttps://evil.example/"}, "line break"},
		{"empty", []string{""}, "empty link"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := ix.Index(ctx, []Document{
				{ID: "bad-" + c.name, Body: "bad", Links: c.links},
				{ID: "good-" + c.name, Body: "good"},
			})
			if !errors.Is(err, ErrBadDocument) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "bad-"+c.name) {
				t.Errorf("err = %v, want ErrBadDocument naming the document and %q", err, c.want)
			}
			if _, ok, _ := ix.Get(ctx, "good-"+c.name); !ok {
				t.Error("the good document of the batch was not indexed")
			}
			if _, ok, _ := ix.Get(ctx, "bad-"+c.name); ok {
				t.Error("the bad document was indexed")
			}
		})
	}
}

// A damaged stored value reads as links not recorded, never as a wrong
// list.
func TestDecodeDamagedLinks(t *testing.T) {
	for _, v := range []string{"", "x", "-1", "2\nhttps://a.example/", "0\nhttps://a.example/", "1001\na"} {
		if got := decodeLinks(v); got != nil {
			t.Errorf("decodeLinks(%q) = %#v, want nil", v, got)
		}
	}
}
