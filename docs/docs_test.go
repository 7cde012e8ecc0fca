package docs

import (
	"strings"
	"testing"
)

// TestSplitCutsAtHeadingsOutsideCode: a document becomes one section per
// heading of level 1, 2 or 3, titled by the document and the heading; a
// "## " line inside a code block does not cut; empty sections vanish.
func TestSplitCutsAtHeadingsOutsideCode(t *testing.T) {
	md := "# Scaling p2pir\n\nIntro text.\n\n## The evidence: 10 to 1,000 nodes\n\nFigures.\n```\n## not a heading\n```\n## Empty\n\n## Last one\nEnd.\n### Sub\nDeeper.\n"
	got := Split("SCALING", md)
	want := []struct{ name, title, has string }{
		{"SCALING-01.md", "# Scaling p2pir\n", "Intro text."},
		{"SCALING-02-the-evidence-10-to-1-000-nodes.md", "# Scaling p2pir: The evidence: 10 to 1,000 nodes\n", "## not a heading"},
		{"SCALING-03-last-one.md", "# Scaling p2pir: Last one\n", "End."},
		{"SCALING-04-last-one-sub.md", "# Scaling p2pir: Last one: Sub\n", "Deeper."},
	}
	if len(got) != len(want) {
		t.Fatalf("%d sections, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].Name != w.name || !strings.HasPrefix(got[i].Text, w.title) || !strings.Contains(got[i].Text, w.has) {
			t.Errorf("section %d = %q %q, want name %q, title %q, containing %q", i, got[i].Name, got[i].Text, w.name, w.title, w.has)
		}
	}
}

// TestSectionsAreTheEmbeddedDocs: the embedded documentation yields many
// sections with unique names, among them the benchmarks' figures.
func TestSectionsAreTheEmbeddedDocs(t *testing.T) {
	secs, err := Sections()
	if err != nil {
		t.Fatal(err)
	}
	if len(secs) < 20 {
		t.Fatalf("%d sections from the embedded docs, want at least 20", len(secs))
	}
	seen := map[string]bool{}
	bench := false
	for _, s := range secs {
		if seen[s.Name] {
			t.Errorf("two sections named %s", s.Name)
		}
		seen[s.Name] = true
		bench = bench || strings.HasPrefix(s.Name, "BENCHMARKS-")
	}
	if !bench {
		t.Error("no section of BENCHMARKS.md")
	}
}
