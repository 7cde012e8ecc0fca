package index

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// TestTiedScoresAreOrderedAndCutByID checks that documents with equal
// scores come back ordered by ascending ID, and that the cut at k keeps the
// smallest IDs among those tied at the k-th score, whatever order the
// documents were indexed in (document numbers follow that order): pages
// of a tie, and with an offset, agree with one full list.
func TestTiedScoresAreOrderedAndCutByID(t *testing.T) {
	ix := openTest(t)
	// Twelve identical documents (equal scores), indexed one at a time in
	// descending ID order, so document numbers run against the IDs; one
	// better document and one worse around them.
	for i := 11; i >= 0; i-- {
		mustIndex(t, ix, Document{ID: fmt.Sprintf("tie%02d", i), Body: "glacier ice flow"})
	}
	mustIndex(t, ix, Document{ID: "best", Body: "glacier glacier glacier ice"},
		Document{ID: "worst", Body: "glacier and a long text about many other things that dilute it"})
	ctx := context.Background()
	q, err := ix.PlainQuery("glacier")
	if err != nil {
		t.Fatal(err)
	}
	all, err := ix.Search(ctx, q, SearchOptions{K: 20, IDsOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"best"}
	for i := range 12 {
		want = append(want, fmt.Sprintf("tie%02d", i))
	}
	want = append(want, "worst")
	if got := ids(all); !slices.Equal(got, want) {
		t.Fatalf("all hits: got %v, want %v", got, want)
	}
	for _, k := range []int{2, 4, 7, 13} {
		res, err := ix.Search(ctx, q, SearchOptions{K: k, IDsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(res); !slices.Equal(got, want[:k]) {
			t.Errorf("k=%d: got %v, want %v", k, got, want[:k])
		}
		page, err := ix.Search(ctx, q, SearchOptions{K: 3, Offset: k, IDsOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page); !slices.Equal(got, want[k:min(k+3, len(want))]) {
			t.Errorf("offset %d: got %v, want %v", k, got, want[k:min(k+3, len(want))])
		}
	}
}
