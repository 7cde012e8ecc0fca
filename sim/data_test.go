package sim

import (
	"reflect"
	"strconv"
	"testing"
)

// TestSplitQueries checks that the split is a partition of the queries,
// the requested share, independent of the input order, and keeps the
// collection order.
func TestSplitQueries(t *testing.T) {
	var qs []SimQuery
	for i := 1; i <= 20; i++ {
		qs = append(qs, SimQuery{ID: strconv.Itoa(i)})
	}
	train, test := SplitQueries("med", qs, 0.25)
	if len(test) != 5 || len(train) != 15 {
		t.Fatalf("split %d/%d, want 15 train and 5 test", len(train), len(test))
	}
	rev := make([]SimQuery, len(qs))
	for i, q := range qs {
		rev[len(qs)-1-i] = q
	}
	_, test2 := SplitQueries("med", rev, 0.25)
	ids := func(qs []SimQuery) map[string]bool {
		m := map[string]bool{}
		for _, q := range qs {
			m[q.ID] = true
		}
		return m
	}
	if !reflect.DeepEqual(ids(test), ids(test2)) {
		t.Errorf("split depends on the input order: %v vs %v", ids(test), ids(test2))
	}
	for _, q := range train {
		if ids(test)[q.ID] {
			t.Errorf("query %s is in both halves", q.ID)
		}
	}
	for i := 1; i < len(test); i++ {
		a, _ := strconv.Atoi(test[i-1].ID)
		b, _ := strconv.Atoi(test[i].ID)
		if a > b {
			t.Errorf("test queries out of collection order: %v", test)
		}
	}
	if _, t1 := SplitQueries("med", qs[:2], 0.9); len(t1) != 1 {
		t.Errorf("two queries must split one and one, got %d test", len(t1))
	}
}

// TestNewDomainFixture checks URLs, judged queries only, and plain query text.
func TestNewDomainFixture(t *testing.T) {
	d := tinyDomain(t, "aero")
	if len(d.Docs) != 24 || d.Docs[0].URL != "http://aero.sim.p2pir.invalid/doc/1" {
		t.Errorf("documents: %d, first URL %q", len(d.Docs), d.Docs[0].URL)
	}
	if len(d.Train)+len(d.Test) == 0 || len(d.Test) == 0 {
		t.Fatalf("no judged queries: %d train, %d test", len(d.Train), len(d.Test))
	}
	for _, q := range append(d.Train, d.Test...) {
		if len(q.Relevant) == 0 {
			t.Errorf("query %s has no relevant documents", q.ID)
		}
	}
	if got := QueryText(`"Heat-transfer" site:x.org -turbulent`); got != "heat transfer site x org turbulent" {
		t.Errorf("QueryText = %q", got)
	}
}
