package usermodel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRecordQueryRoundTripsTheRecord(t *testing.T) {
	ctx := context.Background()
	sess := loadSession(t)
	s, _ := openTestStore(t, StoreOptions{})
	recordAll(t, s, sess.Queries)
	for _, q := range sess.Queries {
		got, ok, err := s.Query(ctx, q.ID)
		if err != nil || !ok {
			t.Fatalf("Query %s = %v, %v", q.ID, ok, err)
		}
		if !reflect.DeepEqual(got, q) {
			t.Errorf("Query %s =\n%+v\nwant\n%+v", q.ID, got, q)
		}
	}
	for _, id := range []string{"never-recorded", "", strings.Repeat("x", 70000)} {
		if _, ok, err := s.Query(ctx, id); ok || err != nil {
			t.Errorf("Query of unknown ID %.20q = %v, %v; want false, nil", id, ok, err)
		}
	}
}

func TestQueryLogEvictsEarliestRecordedBeyondMax(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	s, _ := openTestStore(t, StoreOptions{MaxQueries: 3})
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	// Times deliberately out of order: eviction follows recording order,
	// not the clock.
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		if err := s.RecordQuery(ctx, randomQuery(rng, id, 2, base.Add(time.Duration(5-i)*time.Hour))); err != nil {
			t.Fatal(err)
		}
	}
	// Recording "c" again makes it the most recent.
	if err := s.RecordQuery(ctx, randomQuery(rng, "c", 2, base)); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordQuery(ctx, randomQuery(rng, "f", 2, base)); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{"a": false, "b": false, "d": false, "c": true, "e": true, "f": true} {
		if _, ok, err := s.Query(ctx, id); err != nil || ok != want {
			t.Errorf("query %s kept = %v (%v), want %v", id, ok, err, want)
		}
	}
	d := randomQuery(rng, "d", 2, base)
	_, _, err := s.AddMark(ctx, Mark{QueryID: "d", URL: d.Results[0].URL, Time: base, Doc: Vector{"x": 1}})
	if !errors.Is(err, ErrUnknownQuery) {
		t.Errorf("mark on an evicted query: err = %v, want ErrUnknownQuery", err)
	}
	if err := s.FlushQueries(ctx); err != nil {
		t.Fatal(err)
	}
	order := 0
	for k := range dumpStore(t, s) {
		if strings.HasPrefix(k, "usermodel/query_order/") && !strings.HasSuffix(k, "#seq") {
			order++
		}
	}
	if order != 3 {
		t.Errorf("order index holds %d entries, want 3 (no leftovers of replaced or evicted queries)", order)
	}
}

func TestOpenStoreTrimsQueryLogToSmallerMax(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(3, 4))
	s, path := openTestStore(t, StoreOptions{})
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 10 {
		if err := s.RecordQuery(ctx, randomQuery(rng, fmt.Sprint("q", i), 1, at)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	r, err := OpenStore(path, StoreOptions{MaxQueries: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := range 10 {
		_, ok, err := r.Query(ctx, fmt.Sprint("q", i))
		if want := i >= 6; err != nil || ok != want {
			t.Errorf("q%d kept = %v (%v), want %v", i, ok, err, want)
		}
	}
}

func TestRecordQueryRefusesBadRecordsAndChangesNothing(t *testing.T) {
	sess := loadSession(t)
	good := sess.Queries[0]
	with := func(f func(q *QueryRecord)) QueryRecord {
		q := good
		q.ID = "fresh"
		q.Results = append([]ShownResult(nil), good.Results...)
		q.QueryVec = good.QueryVec.Clone()
		q.Expanded = append([]TermWeight(nil), good.Expanded...)
		f(&q)
		return q
	}
	tests := []struct {
		name    string
		q       QueryRecord
		wantErr error
		want    string
	}{
		{"no ID", with(func(q *QueryRecord) { q.ID = "" }), nil, "no ID"},
		{"ID too long", with(func(q *QueryRecord) { q.ID = strings.Repeat("q", MaxQueryIDBytes+1) }), nil, "query ID is"},
		{"no time", with(func(q *QueryRecord) { q.Time = time.Time{} }), nil, "no time"},
		{"NaN in query vector", with(func(q *QueryRecord) { q.QueryVec["solar"] = math.NaN() }), nil, "NaN"},
		{"Inf in query vector", with(func(q *QueryRecord) { q.QueryVec["solar"] = math.Inf(-1) }), nil, "-Inf"},
		{"empty term in query vector", with(func(q *QueryRecord) { q.QueryVec[""] = 1 }), nil, "empty term"},
		{"Inf in expanded query", with(func(q *QueryRecord) { q.Expanded[0].Weight = math.Inf(1) }), nil, "+Inf"},
		{"result without URL", with(func(q *QueryRecord) { q.Results[1].URL = "" }), nil, "result 2 has no URL"},
		{"record too large", with(func(q *QueryRecord) { q.Results[0].Content = strings.Repeat("word ", MaxQueryBytes/5+1) }), ErrTooLarge, "limit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTestStore(t, StoreOptions{})
			recordAll(t, s, sess.Queries)
			before := dumpStore(t, s)
			err := s.RecordQuery(context.Background(), tc.q)
			if err == nil {
				t.Fatal("RecordQuery accepted it")
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q should mention %q", err, tc.want)
			}
			if after := dumpStore(t, s); !reflect.DeepEqual(before, after) {
				t.Error("a refused record changed the store")
			}
		})
	}
}

func TestNewQueryIDIsURLSafeAndUnique(t *testing.T) {
	seen := make(map[string]bool, 10000)
	for range 10000 {
		id := NewQueryID()
		if len(id) < 26 || len(id) > MaxQueryIDBytes {
			t.Fatalf("ID %q has length %d, want 26..%d (128 random bits in base32)", id, len(id), MaxQueryIDBytes)
		}
		if url.PathEscape(id) != id || url.QueryEscape(id) != id {
			t.Fatalf("ID %q is not URL-safe", id)
		}
		if seen[id] {
			t.Fatalf("ID %q repeated", id)
		}
		seen[id] = true
	}
}
