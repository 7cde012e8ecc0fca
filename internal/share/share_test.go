package share

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree makes a home with a shared and a private folder, each with a file,
// and links inside the shared folder: one to the private file, one to the
// private folder, one to a file of the shared folder itself.
func tree(t *testing.T) (shared, private string) {
	t.Helper()
	root := t.TempDir()
	shared, private = filepath.Join(root, "papers"), filepath.Join(root, "diary")
	for _, d := range []string{shared, filepath.Join(shared, "sub"), private} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(shared, "a.txt"), "shared")
	write(filepath.Join(shared, "sub", "b.txt"), "shared too")
	write(filepath.Join(private, "secret.txt"), "private")
	for link, target := range map[string]string{
		"out.txt":    filepath.Join(private, "secret.txt"),
		"outdir":     private,
		"inside.txt": filepath.Join(shared, "a.txt"),
	} {
		if err := os.Symlink(target, filepath.Join(shared, link)); err != nil {
			t.Skipf("symbolic links unavailable: %v", err)
		}
	}
	return shared, private
}

func fileURL(p string) string { return "file://" + filepath.ToSlash(p) }

func TestRootsShareOnlyRealFilesInsideSharedFolders(t *testing.T) {
	shared, private := tree(t)
	roots := Resolve([]string{shared})
	cases := []struct {
		name string
		url  string
		want bool
	}{
		{"a file of the folder", fileURL(filepath.Join(shared, "a.txt")), true},
		{"a file of a subfolder", fileURL(filepath.Join(shared, "sub", "b.txt")), true},
		{"a link to a file of the folder", fileURL(filepath.Join(shared, "inside.txt")), true},
		{"a private file", fileURL(filepath.Join(private, "secret.txt")), false},
		{"a link out of the folder", fileURL(filepath.Join(shared, "out.txt")), false},
		{"a file reached through a linked folder out of it", fileURL(filepath.Join(shared, "outdir", "secret.txt")), false},
		{"a .. path out of the folder", "file://" + filepath.ToSlash(shared) + "/../diary/secret.txt", false},
		{"a .. path that stays inside", "file://" + filepath.ToSlash(shared) + "/sub/../a.txt", false},
		{"an escaped .. path", "file://" + filepath.ToSlash(shared) + "/%2e%2e/diary/secret.txt", false},
		{"the folder itself", fileURL(shared), false},
		{"a subfolder", fileURL(filepath.Join(shared, "sub")), false},
		{"a file that does not exist", fileURL(filepath.Join(shared, "gone.txt")), false},
		{"a sibling folder with the same prefix", fileURL(shared + "-old/a.txt"), false},
		{"a web page", "https://example.org/a.txt", false},
		{"a file URL on another host", "file://server" + filepath.ToSlash(filepath.Join(shared, "a.txt")), false},
		{"a relative file URL", "file:a.txt", false},
		// A mailbox's messages are documents "file:///...mbox#N": mail is
		// never shared, even in a shared folder.
		{"a message of a mailbox", fileURL(filepath.Join(shared, "a.txt")) + "#1", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			real, ok := roots.File(tc.url)
			if ok != tc.want {
				t.Fatalf("File(%q) = %q, %v; want %v", tc.url, real, ok, tc.want)
			}
			if ok && !strings.HasPrefix(real, mustReal(t, shared)+string(filepath.Separator)) {
				t.Fatalf("real path %q is not inside %q", real, shared)
			}
		})
	}
	if _, ok := (Roots{}).File(fileURL(filepath.Join(shared, "a.txt"))); ok {
		t.Fatal("nothing shared, yet a file was")
	}
}

func mustReal(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestASharedLinkToAFolderSharesItsRealFolder: sharing a link to a folder
// shares the folder it points to, by its real path.
func TestASharedLinkToAFolderSharesItsRealFolder(t *testing.T) {
	shared, private := tree(t)
	data := t.TempDir()
	real, added, err := Add(data, filepath.Join(shared, "outdir"))
	if err != nil || !added || real != mustReal(t, private) {
		t.Fatalf("Add(link to %s) = %q, %v, %v", private, real, added, err)
	}
	fs, err := Current(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := Resolve(Paths(fs)).File(fileURL(filepath.Join(private, "secret.txt"))); !ok {
		t.Fatal("a file of the folder shared through a link is not shared")
	}
}

func TestAddRemoveAndConfigMakeTheCurrentList(t *testing.T) {
	shared, private := tree(t)
	data := t.TempDir()
	if fs, err := Current(data); err != nil || len(fs) != 0 {
		t.Fatalf("a new data directory shares %v, %v; want nothing", fs, err)
	}
	if _, _, err := Add(data, filepath.Join(shared, "a.txt")); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Fatalf("sharing a file: %v, want an error saying it is not a folder", err)
	}
	if _, _, err := Add(data, filepath.Join(shared, "missing")); err == nil {
		t.Fatal("sharing a folder that does not exist succeeded")
	}
	if _, added, err := Add(data, shared); err != nil || !added {
		t.Fatalf("Add = %v, %v", added, err)
	}
	if _, added, err := Add(data, shared+"/"); err != nil || added {
		t.Fatalf("Add again = %v, %v; want already shared", added, err)
	}
	cfg := "[index]\nshared = [" + `"` + filepath.ToSlash(private) + `"` + "]\n"
	if err := os.WriteFile(filepath.Join(data, "config.toml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	fs, err := Current(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Folder{{mustReal(t, shared), FromCLI}, {private, FromConfig}}
	if !slices.Equal(fs, want) {
		t.Fatalf("Current = %v, want %v", fs, want)
	}
	if _, _, err := Remove(data, private); err == nil || !strings.Contains(err.Error(), "config.toml") {
		t.Fatalf("unsharing a config.toml folder: %v, want an error pointing at config.toml", err)
	}
	if p, removed, err := Remove(data, shared); err != nil || !removed || p != mustReal(t, shared) {
		t.Fatalf("Remove = %q, %v, %v", p, removed, err)
	}
	if _, removed, err := Remove(data, shared); err != nil || removed {
		t.Fatalf("Remove again = %v, %v; want nothing removed", removed, err)
	}
	if fs, _ := Current(data); !slices.Equal(fs, []Folder{{private, FromConfig}}) {
		t.Fatalf("after Remove: %v", fs)
	}
}

// TestADamagedListIsAnErrorNotAnEmptyList: a node asked what is shared
// must not guess.
func TestADamagedListIsAnErrorNotAnEmptyList(t *testing.T) {
	for name, body := range map[string]string{
		"not JSON":      "{folders",
		"relative path": `{"folders": ["papers"]}`,
	} {
		t.Run(name, func(t *testing.T) {
			data := t.TempDir()
			os.WriteFile(filepath.Join(data, FileName), []byte(body), 0o600)
			if _, err := Current(data); err == nil {
				t.Fatal("Current read a damaged list without error")
			}
			if _, _, err := Add(data, data); err == nil {
				t.Fatal("Add wrote over a damaged list")
			}
			if raw, _ := os.ReadFile(filepath.Join(data, FileName)); string(raw) != body {
				t.Fatalf("the damaged list was changed to %q", raw)
			}
		})
	}
}

// BenchmarkRootsFile measures the check a node makes for every file hit
// it may answer a peer with, and for every document it serves: resolve
// the file's real path and compare it with the shared folders'.
//
//	go test -run '^$' -bench RootsFile ./internal/share/
func BenchmarkRootsFile(b *testing.B) {
	root := b.TempDir()
	dir := filepath.Join(root, "papers", "2026", "march")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(dir, "jaguar.txt")
	if err := os.WriteFile(p, []byte("jaguar"), 0o600); err != nil {
		b.Fatal(err)
	}
	roots := Resolve([]string{filepath.Join(root, "papers"), filepath.Join(root, "other")})
	u := fileURL(p)
	for b.Loop() {
		if _, ok := roots.File(u); !ok {
			b.Fatal("not shared")
		}
	}
}
