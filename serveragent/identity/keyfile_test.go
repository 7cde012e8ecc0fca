package identity

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

func TestLoadOrCreateCreatesOnceAndReloadsTheSameKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "keys") // missing directories
	path := filepath.Join(dir, "node.key")

	first, err := LoadOrCreate(path)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("-----BEGIN PRIVATE KEY-----\n")) {
		t.Errorf("key file is not PEM PKCS#8:\n%s", data)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, path, 0o600)
		assertMode(t, dir, 0o700)
	}

	for i := range 3 {
		again, err := LoadOrCreate(path)
		if err != nil {
			t.Fatalf("reload %d: %v", i, err)
		}
		if again.NodeID() != first.NodeID() || !again.PublicKey().Equal(first.PublicKey()) {
			t.Fatalf("reload %d: node %s, first start made %s", i, again.NodeID(), first.NodeID())
		}
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, data) {
		t.Error("reloading rewrote the key file")
	}
	assertNoLeftovers(t, dir, "node.key")
}

func TestLoadOrCreateReadsKeysMadeByOpenSSL(t *testing.T) {
	tests := []struct{ file, want string }{
		// Node IDs computed with Python from `openssl pkey -pubout`.
		{"rfc8032-test1.pem", "p2p1eh7ddx5bksrgcytl7bkai36se4"},
		{"openssl-ed25519.pem", "p2p1jkrkylklpd6sgzaxmt6kcqvrh3"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := copyFixture(t, tt.file, 0o600)
			id, err := LoadOrCreate(path)
			if err != nil {
				t.Fatal(err)
			}
			if id.NodeID() != tt.want {
				t.Errorf("node %s, want %s", id.NodeID(), tt.want)
			}
		})
	}
}

func TestLoadOrCreateRefusesCorruptKeyAndLeavesItUntouched(t *testing.T) {
	tests := []struct{ file, wantErr string }{
		{"empty.pem", "no PEM block"},
		{"garbage.txt", "no PEM block"},
		{"truncated.pem", "no PEM block"},
		{"certificate.pem", `PEM block is "CERTIFICATE"`},
		{"ecdsa-p256.pem", "want an Ed25519 key"},
		{"bad-der.pem", "key file corrupt"},
		{"trailing-garbage.pem", "unexpected bytes after the key"},
		{"two-keys.pem", "unexpected bytes after the key"},
		{"encrypted-header.pem", "headers"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := copyFixture(t, tt.file, 0o600)
			before, _ := os.ReadFile(path)
			id, err := LoadOrCreate(path)
			if !errors.Is(err, ErrKeyCorrupt) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("LoadOrCreate = %v, %v; want ErrKeyCorrupt containing %q", id, err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the corrupt key file was changed")
			}
			assertNoLeftovers(t, filepath.Dir(path), filepath.Base(path))
		})
	}
}

func TestLoadOrCreateRefusesKeyOthersCanAccess(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no Unix permission bits")
	}
	tests := []struct {
		mode    fs.FileMode
		wantErr error
	}{
		{0o644, ErrKeyPermissions},
		{0o640, ErrKeyPermissions},
		{0o604, ErrKeyPermissions},
		{0o660, ErrKeyPermissions},
		{0o600, nil},
		{0o400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			path := copyFixture(t, "rfc8032-test1.pem", tt.mode)
			before, _ := os.ReadFile(path)
			_, err := LoadOrCreate(path)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("LoadOrCreate = %v, want %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("error %q does not say how to fix it", err)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(before, after) {
				t.Error("the key file was changed")
			}
			assertMode(t, path, tt.mode)
		})
	}
}

func TestLoadOrCreateRefusesDirectoryAtKeyPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "node.key")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(path); !errors.Is(err, ErrKeyCorrupt) || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("LoadOrCreate = %v, want a not-a-regular-file error", err)
	}
}

// Concurrent first starts must not produce two keys: all of them end up with
// the one key that was published first.
func TestConcurrentFirstStartsAgreeOnOneKey(t *testing.T) {
	const starts, rounds = 8, 10
	for round := range rounds {
		dir := t.TempDir()
		path := filepath.Join(dir, "node.key")
		ids := make([]string, starts)
		errs := make([]error, starts)
		var wg sync.WaitGroup
		for i := range starts {
			wg.Go(func() {
				id, err := LoadOrCreate(path)
				errs[i] = err
				if err == nil {
					ids[i] = id.NodeID()
				}
			})
		}
		wg.Wait()
		for i := range starts {
			if errs[i] != nil {
				t.Fatalf("round %d start %d: %v", round, i, errs[i])
			}
			if ids[i] != ids[0] {
				t.Fatalf("round %d: start %d has node %s, start 0 has %s", round, i, ids[i], ids[0])
			}
		}
		final, err := LoadOrCreate(path)
		if err != nil || final.NodeID() != ids[0] {
			t.Fatalf("round %d: key on disk is %v (%v), starts agreed on %s", round, final, err, ids[0])
		}
		assertNoLeftovers(t, dir, "node.key")
	}
}

// FuzzParseKeyPEM checks that no input makes key parsing panic, and that a
// key it accepts round-trips.
func FuzzParseKeyPEM(f *testing.F) {
	entries, err := os.ReadDir("testdata/keys")
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/keys", e.Name()))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		priv, err := parseKeyPEM(data)
		if err != nil {
			if !errors.Is(err, ErrKeyCorrupt) {
				t.Fatalf("error %v is not ErrKeyCorrupt", err)
			}
			return
		}
		out, err := marshalKeyPEM(priv)
		if err != nil {
			t.Fatal(err)
		}
		again, err := parseKeyPEM(out)
		if err != nil || !again.Equal(priv) {
			t.Fatalf("accepted key does not round-trip: %v", err)
		}
	})
}

// copyFixture copies testdata/keys/name into a temporary directory with the
// given mode and returns its path.
func copyFixture(t *testing.T, name string, mode fs.FileMode) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "keys", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "node.key")
	if err := os.WriteFile(path, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil { // umask may have masked bits
		t.Fatal(err)
	}
	return path
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Errorf("%s has mode %04o, want %04o", path, got, want)
	}
}

// assertNoLeftovers checks that dir holds only the named entries (no
// temporary files).
func assertNoLeftovers(t *testing.T, dir string, names ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("%s holds %v, want %v", dir, got, names)
	}
}
