package usermodel

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// session is testdata/store_session.json: searches and the marks a person
// made on their results.
type session struct {
	Queries []QueryRecord `json:"queries"`
	Marks   []Mark        `json:"marks"`
}

func loadSession(t *testing.T) session {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "store_session.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s session
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("testdata/store_session.json: %v", err)
	}
	return s
}

// openTestStore opens a store in a fresh directory, closed at cleanup.
func openTestStore(t *testing.T, opts StoreOptions) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := OpenStore(path, opts)
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// recordAll puts the queries into the store's log.
func recordAll(t *testing.T, s *Store, qs []QueryRecord) {
	t.Helper()
	for _, q := range qs {
		if err := s.RecordQuery(context.Background(), q); err != nil {
			t.Fatalf("RecordQuery %s: %v", q.ID, err)
		}
	}
}

// dumpStore returns every key and value under the store's bucket, nested
// buckets as path prefixes, to show that a refused write changed nothing.
func dumpStore(t *testing.T, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(prefix string, b *bbolt.Bucket) error
	walk = func(prefix string, b *bbolt.Bucket) error {
		out[prefix+"#seq"] = fmt.Sprint(b.Sequence())
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				return walk(prefix+string(k)+"/", b.Bucket(k))
			}
			out[prefix+string(k)] = string(v)
			return nil
		})
	}
	err := s.db.View(func(tx *bbolt.Tx) error { return walk("usermodel/", tx.Bucket(bucketRoot)) })
	if err != nil {
		t.Fatalf("dump store: %v", err)
	}
	return out
}

// checkProfileIsRebuildOfLog asserts the store's invariants: the log is
// in increasing Seq order with at most one mark per result of a search,
// and the stored profile is exactly Rebuild(cfg, Marks()).
func checkProfileIsRebuildOfLog(t *testing.T, s *Store, when string) {
	t.Helper()
	ctx := context.Background()
	marks, err := s.Marks(ctx)
	if err != nil {
		t.Fatalf("%s: Marks: %v", when, err)
	}
	marked := map[[2]string]uint64{}
	for i, m := range marks {
		if i > 0 && m.Seq <= marks[i-1].Seq {
			t.Fatalf("%s: mark %d has Seq %d after Seq %d", when, i, m.Seq, marks[i-1].Seq)
		}
		if prev, ok := marked[[2]string{m.QueryID, m.URL}]; ok {
			t.Fatalf("%s: marks %d and %d are both on %s of query %s", when, prev, m.Seq, m.URL, m.QueryID)
		}
		marked[[2]string{m.QueryID, m.URL}] = m.Seq
	}
	want, err := Rebuild(s.Config(), marks)
	if err != nil {
		t.Fatalf("%s: Rebuild: %v", when, err)
	}
	got, err := s.Profile(ctx)
	if err != nil {
		t.Fatalf("%s: Profile: %v", when, err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: stored profile differs from Rebuild of its %d marks:\nstored  %+v\nrebuilt %+v", when, len(marks), got, want)
	}
}

// randomQuery makes a search with n results over a small vocabulary.
func randomQuery(rng *rand.Rand, id string, n int, at time.Time) QueryRecord {
	q := QueryRecord{ID: id, Text: "query " + id, QueryVec: randomVector(rng, 3, 20), Time: at}
	for i := range n {
		q.Results = append(q.Results, ShownResult{
			URL:    fmt.Sprintf("https://example.org/%s/%d", id, i),
			Title:  fmt.Sprintf("result %d of %s", i, id),
			Source: []string{"local"},
			Rank:   i + 1,
		})
	}
	return q
}

// randomMark marks a random result of q with a random document vector.
func randomMark(rng *rand.Rand, q QueryRecord, at time.Time) Mark {
	return Mark{
		QueryID:    q.ID,
		URL:        q.Results[rng.IntN(len(q.Results))].URL,
		Interested: rng.IntN(3) != 0,
		Time:       at,
		Doc:        randomVector(rng, 5+rng.IntN(30), 80),
	}
}

// randomVector is a unit vector of n terms drawn from a vocabulary of
// vocab terms; equal seeds give bit-identical vectors (the norm is summed
// in term order, not map order).
func randomVector(rng *rand.Rand, n, vocab int) Vector {
	v := Vector{}
	for len(v) < n && len(v) < vocab {
		v[fmt.Sprintf("term%03d", rng.IntN(vocab))] = rng.Float64() + 0.01
	}
	terms := slices.Sorted(maps.Keys(v))
	sum := 0.0
	for _, t := range terms {
		sum += v[t] * v[t]
	}
	v.Scale(1 / math.Sqrt(sum))
	return v
}
