package serveragent

import (
	"math"
	"slices"
	"testing"

	p2pirv1 "github.com/p2pir/p2pir/proto/p2pir/v1"
)

// RRF with k = 60: a document two lists agree on beats one a single list
// ranks first; the merged result keeps the finder of its best rank and
// its path gains the responder; ranks are renumbered 1..k.
func TestMergeRRFByRankNotScore(t *testing.T) {
	r := func(url string, rank int32, node string, score float64) *p2pirv1.Result {
		return &p2pirv1.Result{Url: url, Rank: rank, NodeId: node, Path: []string{node}, Score: score}
	}
	lists := [][]*p2pirv1.Result{
		{r("https://x/1", 1, "n1", 1000), r("https://x/2", 2, "n1", 999)},
		{r("https://x/2", 1, "n2", 0.1), r("https://x/3", 2, "n2", 0.05)},
	}
	got := mergeRRF(lists, 2, "me")
	if len(got) != 2 {
		t.Fatalf("%d results, want k = 2", len(got))
	}
	want2 := 1.0/61 + 1.0/62
	if got[0].Url != "https://x/2" || math.Abs(got[0].Score-want2) > 1e-15 || got[0].Rank != 1 {
		t.Errorf("first %+v, want x/2 with score %v", got[0], want2)
	}
	if got[0].NodeId != "n2" || !slices.Equal(got[0].Path, []string{"n2", "me"}) {
		t.Errorf("x/2 finder %s path %v, want n2 (its best rank) and path n2, me", got[0].NodeId, got[0].Path)
	}
	if got[1].Url != "https://x/1" || got[1].Rank != 2 {
		t.Errorf("second %+v, want x/1 at rank 2 (raw score 1000 does not count)", got[1])
	}
}

// The merged result keeps the language its finder gave it, and a peer's
// unknown or missing code becomes "" in the node's hits.
func TestMergeRRFKeepsTheLanguage(t *testing.T) {
	lists := [][]*p2pirv1.Result{
		{{Url: "https://x/de", Rank: 1, NodeId: "n1", Path: []string{"n1"}, Lang: "de"}},
		{{Url: "https://x/ja", Rank: 1, NodeId: "n2", Path: []string{"n2"}, Lang: "ja"}, {Url: "https://x/de", Rank: 2, NodeId: "n2", Path: []string{"n2"}, Lang: "de"}},
	}
	for _, r := range mergeRRF(lists, 10, "me") {
		if want := r.Url[len("https://x/"):]; r.Lang != want {
			t.Errorf("%s merged with language %q, want %q", r.Url, r.Lang, want)
		}
	}
	for code, want := range map[string]string{"de": "de", "zh": "zh", "": "", "hi": "", "xx": ""} {
		if got := knownLang(code); got != want {
			t.Errorf("knownLang(%q) = %q, want %q", code, got, want)
		}
	}
}

// A path that would grow past MaxPath is dropped rather than sent invalid.
func TestMergeRRFDropsOverlongPath(t *testing.T) {
	path := make([]string, p2pirv1.MaxPath)
	for i := range path {
		path[i] = "n" + string(rune('a'+i))
	}
	got := mergeRRF([][]*p2pirv1.Result{{{Url: "https://x/", Rank: 1, NodeId: "na", Path: path}}}, 10, "me")
	if got[0].Path != nil {
		t.Fatalf("path %v, want none", got[0].Path)
	}
}
