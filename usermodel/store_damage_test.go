package usermodel

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// storeFile is a closed store file with marks and searches in it, and
// what a damage case needs to know of its layout.
type storeFile struct {
	path      string
	raw       []byte
	pageSize  int
	need      int64 // bytes its pages take (high-water mark)
	marksRoot int   // page of the marks bucket's root
}

// writeStoreFile fills a store in a fresh directory and closes it.
func writeStoreFile(t *testing.T) storeFile {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(11, 11))
	s, path := openTestStore(t, StoreOptions{})
	at := time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	for i := range 40 {
		q := randomQuery(rng, "q"+string(rune('a'+i%26))+string(rune('a'+i/26)), 6, at)
		recordAll(t, s, []QueryRecord{q})
		for r := range 3 {
			m := randomMark(rng, q, at.Add(time.Duration(i*3+r)*time.Minute))
			m.URL = q.Results[r].URL
			if _, _, err := s.AddMark(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	f := storeFile{path: path, pageSize: s.db.Info().PageSize}
	err := s.db.View(func(tx *bbolt.Tx) error {
		f.need = tx.Size()
		f.marksRoot = int(tx.Bucket(bucketRoot).Bucket(bucketMarks).Root())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if f.raw, err = os.ReadFile(path); err != nil {
		t.Fatal(err)
	}
	if f.marksRoot < 2 || f.need < int64(8*f.pageSize) {
		t.Fatalf("test premise: marks on their own pages (root page %d) in a file of many pages (%d bytes)", f.marksRoot, f.need)
	}
	return f
}

// garble overwrites pages [from, to) of raw with random bytes.
func garble(raw []byte, pageSize, from, to int, seed uint64) []byte {
	out := bytes.Clone(raw)
	rng := rand.New(rand.NewPCG(seed, seed))
	for i := from * pageSize; i < to*pageSize && i < len(out); i++ {
		out[i] = byte(rng.Uint32())
	}
	return out
}

// TestOpenStoreRefusesADamagedFileAndLeavesItAlone: a state file cut
// short, emptied, or with pages of garbage is refused with an error that
// names the file and says how to restore or reset it; the program does not
// panic, and the file's bytes are what they were.
func TestOpenStoreRefusesADamagedFileAndLeavesItAlone(t *testing.T) {
	tests := []struct {
		name   string
		damage func(f storeFile) []byte
		reason string // what the error must say is wrong, "" for any
	}{
		{"emptied to 0 bytes", func(f storeFile) []byte { return nil }, "empty, 0 bytes"},
		{"cut inside the first page", func(f storeFile) []byte { return f.raw[:100] }, "not a valid database file"},
		{"cut to half its pages", func(f storeFile) []byte { return f.raw[:f.need/2] }, "cut short"},
		{"cut one page short", func(f storeFile) []byte { return f.raw[:f.need-int64(f.pageSize)] }, "cut short"},
		{"both meta pages garbage", func(f storeFile) []byte { return garble(f.raw, f.pageSize, 0, 2, 1) }, "not a valid database file"},
		{"the marks' root page garbage", func(f storeFile) []byte {
			return garble(f.raw, f.pageSize, f.marksRoot, f.marksRoot+1, 2)
		}, ""},
		{"every page after the meta pages garbage", func(f storeFile) []byte {
			return garble(f.raw, f.pageSize, 2, len(f.raw)/f.pageSize, 3)
		}, ""},
		{"random pages garbage", func(f storeFile) []byte {
			out := f.raw
			rng := rand.New(rand.NewPCG(4, 4))
			for range 5 {
				p := 2 + rng.IntN(int(f.need)/f.pageSize-2)
				out = garble(out, f.pageSize, p, p+1, uint64(p))
			}
			return out
		}, ""},
	}
	healthy := writeStoreFile(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := healthy
			f.path = filepath.Join(t.TempDir(), "state.db")
			damaged := tc.damage(f)
			if err := os.WriteFile(f.path, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			for attempt := range 2 { // refused again: the first attempt repaired nothing
				s, err := OpenStore(f.path, StoreOptions{})
				if err == nil {
					s.Close()
					t.Fatalf("attempt %d: OpenStore of a damaged file succeeded", attempt+1)
				}
				if !errors.Is(err, ErrDamaged) {
					t.Errorf("attempt %d: error %q is not ErrDamaged", attempt+1, err)
				}
				msg := err.Error()
				for _, want := range []string{
					"state.db in " + filepath.Dir(f.path) + " is damaged",
					"restore it from a backup, or move it away to start with an empty profile",
					tc.reason,
				} {
					if !strings.Contains(msg, want) {
						t.Errorf("attempt %d: error %q does not say %q", attempt+1, msg, want)
					}
				}
				if now, err := os.ReadFile(f.path); err != nil || !bytes.Equal(now, damaged) {
					t.Fatalf("attempt %d: the damaged file changed (%d bytes, were %d; %v)", attempt+1, len(now), len(damaged), err)
				}
			}
		})
	}
}

// TestReadOfAFileDamagedWhileOpenIsAnErrorNotACrash: pages spoilt by
// another program after OpenStore checked them make reads fail with
// ErrDamaged, naming the file, instead of panicking.
func TestReadOfAFileDamagedWhileOpenIsAnErrorNotACrash(t *testing.T) {
	healthy := writeStoreFile(t)
	s, err := OpenStore(healthy.path, StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	spoilt := garble(healthy.raw, healthy.pageSize, healthy.marksRoot, healthy.marksRoot+1, 5)
	off := healthy.marksRoot * healthy.pageSize
	fh, err := os.OpenFile(healthy.path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt(spoilt[off:off+healthy.pageSize], int64(off)); err != nil {
		t.Fatal(err)
	}
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = s.Marks(context.Background())
	if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "state.db in "+filepath.Dir(healthy.path)+" is damaged") {
		t.Errorf("Marks of a file damaged while open: err = %v, want ErrDamaged naming the file", err)
	}
}
