package index

import (
	"context"
	"reflect"
	"testing"
)

// TestDocFreqFollowsWrites: DocFreq's counts, kept from call to call, are
// those a fresh read of the index gives after every write (documents
// added, changed and deleted), for terms asked for before and new ones
// alike, whether asked for alone or with others.
func TestDocFreqFollowsWrites(t *testing.T) {
	ctx := context.Background()
	ix := openTest(t)
	mustIndex(t, ix, Document{ID: "a", Body: "glacier moraine"}, Document{ID: "b", Body: "glacier"})
	check := func(step string) {
		t.Helper()
		want := map[string]uint64{}
		if err := ix.docFreq(ctx, []string{"glacier", "moraine", "lava"}, want); err != nil {
			t.Fatal(err)
		}
		for round := range 2 { // the second from the cache
			got, err := ix.DocFreq(ctx, "glacier", "moraine", "lava")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s, round %d: DocFreq %v, want %v", step, round, got, want)
			}
			one, err := ix.DocFreq(ctx, "moraine")
			if err != nil {
				t.Fatal(err)
			}
			if one["moraine"] != want["moraine"] || len(one) != 1 {
				t.Errorf("%s, round %d: DocFreq(moraine) %v, want %d", step, round, one, want["moraine"])
			}
		}
	}
	check("indexed")
	if got, _ := ix.DocFreq(ctx, "glacier"); got["glacier"] != 2 {
		t.Fatalf("glacier is in %d documents, want 2", got["glacier"])
	}
	mustIndex(t, ix, Document{ID: "c", Body: "lava moraine"})
	check("one added")
	mustIndex(t, ix, Document{ID: "b", Body: "lava"})
	check("one changed")
	if err := ix.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	check("one deleted")
}
