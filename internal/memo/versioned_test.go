package memo

import "testing"

// TestVersionedKeepsOneVersionWithinItsBound checks Versioned's claims
// step by step: values are found at their version only; a newer version
// empties the cache, an older one's Put is dropped; replacing a key frees
// its old weight; a Put past Max empties the cache first; a value heavier
// than Max alone is not kept.
func TestVersionedKeepsOneVersionWithinItsBound(t *testing.T) {
	c := &Versioned[string, string]{Max: 5, Weight: func(v string) int { return len(v) }}
	type step struct {
		name    string
		put     bool
		version uint64
		key     string
		value   string // put: the value; get: the value wanted, "" for none
		wantLen int    // after the step
	}
	steps := []step{
		{"empty: nothing found", false, 1, "a", "", 0},
		{"kept", true, 1, "a", "xx", 1},
		{"found at its version", false, 1, "a", "xx", 1},
		{"not at another", false, 2, "a", "", 1},
		{"a second within the bound", true, 1, "b", "yy", 2},
		{"replacing frees the old weight", true, 1, "a", "z", 2},
		{"the replacement is found", false, 1, "a", "z", 2},
		{"past the bound: emptied first", true, 1, "c", "www", 1},
		{"what was emptied is gone", false, 1, "b", "", 1},
		{"heavier than the bound: not kept", true, 1, "d", "vvvvvv", 1},
		{"and not found", false, 1, "d", "", 1},
		{"a newer version empties", true, 3, "e", "u", 1},
		{"the older version's values are gone", false, 1, "c", "", 1},
		{"an older version's put is dropped", true, 2, "f", "t", 1},
		{"so it is not found", false, 2, "f", "", 1},
		{"the newer value stays", false, 3, "e", "u", 1},
	}
	for _, s := range steps {
		if s.put {
			c.Put(s.version, s.key, s.value)
		} else {
			v, ok := c.Get(s.version, s.key)
			if ok != (s.value != "") || v != s.value {
				t.Errorf("%s: Get(%d, %q) = %q, %v; want %q", s.name, s.version, s.key, v, ok, s.value)
			}
		}
		if n := c.Len(); n != s.wantLen {
			t.Errorf("%s: Len %d, want %d", s.name, n, s.wantLen)
		}
	}
}

// TestVersionedWithoutWeightCountsValues: with no Weight, Max bounds the
// number of values.
func TestVersionedWithoutWeightCountsValues(t *testing.T) {
	c := &Versioned[int, int]{Max: 3}
	for i := range 3 {
		c.Put(1, i, i)
	}
	if c.Len() != 3 {
		t.Fatalf("Len %d after 3 puts, want 3", c.Len())
	}
	c.Put(1, 3, 3)
	if _, ok := c.Get(1, 0); ok || c.Len() != 1 {
		t.Errorf("the fourth put of a cache of 3 left %d values (0 found: %v), want it emptied first", c.Len(), ok)
	}
}
