// Package share keeps the list of folders a person shares with peers and
// decides, for one file, whether it lies in one of them.
//
// A desktop's files are private unless the person shares the folder they
// are in: with "p2pir index --share DIR" (kept in FileName in the data
// directory) or with config.toml's [index] shared. Current reads both
// every time it is called, so a running node that asks it at each peer
// request sees a folder unshared at once, without re-indexing.
//
// Whether a file is shared is decided by its real path: the file URL's
// path with every symbolic link resolved, which must be a regular file
// inside the real path of a shared folder. A symbolic link inside a
// shared folder that points outside it, or a path with "..", never makes
// a file outside shared.
package share

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/p2pir/p2pir/internal/config"
)

// FileName is the list of folders shared with "p2pir index --share", in
// the data directory.
const FileName = "shared.json"

// Where a shared folder is listed (Folder.From).
const (
	FromCLI    = "p2pir index --share"
	FromConfig = "config.toml"
)

// Folder is one shared folder.
type Folder struct {
	// Path is the folder as listed: for FromCLI its real path when it was
	// shared, for FromConfig as config.toml says (with ~ expanded).
	Path string `json:"path"`
	// From is where it is listed: FromCLI or FromConfig.
	From string `json:"from"`
}

// file is the content of FileName.
type file struct {
	Folders []string `json:"folders"`
}

// Current returns the folders shared now: those in dataDir's FileName,
// then those in its config.toml, each once. An unreadable list or
// config.toml is an error; a caller deciding what to show peers then
// shares nothing.
func Current(dataDir string) ([]Folder, error) {
	cli, err := load(dataDir)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(filepath.Join(dataDir, config.FileName))
	if err != nil {
		return nil, fmt.Errorf("shared folders: %w", err)
	}
	var out []Folder
	seen := map[string]bool{}
	for _, p := range cli {
		if !seen[p] {
			seen[p] = true
			out = append(out, Folder{Path: p, From: FromCLI})
		}
	}
	for _, p := range cfg.Index.Shared {
		if !seen[p] {
			seen[p] = true
			out = append(out, Folder{Path: p, From: FromConfig})
		}
	}
	return out, nil
}

// Paths returns the folders' paths.
func Paths(fs []Folder) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.Path
	}
	return out
}

// Add shares dir (it must be an existing directory) in dataDir's list and
// returns its real path, the form in which it is kept; added is false
// when it was shared already.
func Add(dataDir, dir string) (real string, added bool, err error) {
	real, err = realDir(dir)
	if err != nil {
		return "", false, err
	}
	list, err := load(dataDir)
	if err != nil {
		return "", false, err
	}
	if slices.Contains(list, real) {
		return real, false, nil
	}
	if err := save(dataDir, append(list, real)); err != nil {
		return "", false, err
	}
	return real, true, nil
}

// Remove stops sharing dir through dataDir's list (given as listed, or
// as any path that resolves to it) and returns the path removed; removed
// is false when the list does not hold it. A folder of config.toml is not
// in the list: Remove says so in its error.
func Remove(dataDir, dir string) (path string, removed bool, err error) {
	list, err := load(dataDir)
	if err != nil {
		return "", false, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", false, fmt.Errorf("shared folders: %q: %w", dir, err)
	}
	want := []string{filepath.Clean(abs)}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		want = append(want, real) // a folder deleted since can still be unshared by its listed path
	}
	i := slices.IndexFunc(list, func(p string) bool { return slices.Contains(want, p) })
	if i < 0 {
		if cfg, err := config.Load(filepath.Join(dataDir, config.FileName)); err == nil {
			for _, p := range cfg.Index.Shared {
				if slices.Contains(want, p) || sameDir(p, want) {
					return "", false, fmt.Errorf("shared folders: %s is shared by config.toml's [index] shared (%s): remove it there", dir, filepath.Join(dataDir, config.FileName))
				}
			}
		}
		return "", false, nil
	}
	path = list[i]
	if err := save(dataDir, slices.Delete(list, i, i+1)); err != nil {
		return "", false, err
	}
	return path, true, nil
}

// sameDir reports whether p resolves to one of want.
func sameDir(p string, want []string) bool {
	real, err := filepath.EvalSymlinks(p)
	return err == nil && slices.Contains(want, real)
}

// realDir is dir's absolute path with symbolic links resolved; it must be
// a directory.
func realDir(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("shared folders: %q: %w", dir, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("shared folders: %w", err)
	}
	st, err := os.Stat(real)
	if err != nil {
		return "", fmt.Errorf("shared folders: %w", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("shared folders: %s is not a folder: share the folder it is in", dir)
	}
	return real, nil
}

func load(dataDir string) ([]string, error) {
	p := filepath.Join(dataDir, FileName)
	raw, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("shared folders: %w", err)
	}
	var f file
	if err := json.Unmarshal(raw, &f); err != nil {
		return nil, fmt.Errorf("shared folders: %s is damaged (%v): fix or delete it, then share the folders again", p, err)
	}
	for _, d := range f.Folders {
		if !filepath.IsAbs(d) {
			return nil, fmt.Errorf("shared folders: %s lists %q, not an absolute path: fix or delete it", p, d)
		}
	}
	return f.Folders, nil
}

// save writes the list atomically (a new file renamed over the old), so a
// node reading it meanwhile sees the old list or the new one.
func save(dataDir string, folders []string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("shared folders: data directory: %w", err)
	}
	if folders == nil {
		folders = []string{}
	}
	raw, _ := json.MarshalIndent(file{Folders: folders}, "", "  ")
	p := filepath.Join(dataDir, FileName)
	tmp, err := os.CreateTemp(dataDir, FileName+".*.tmp")
	if err != nil {
		return fmt.Errorf("shared folders: %w", err)
	}
	_, werr := tmp.Write(append(raw, '\n'))
	serr := tmp.Sync()
	cerr := tmp.Close()
	if err := errors.Join(werr, serr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("shared folders: write %s: %w", p, err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("shared folders: write %s: %w", p, err)
	}
	return nil
}

// Roots are shared folders resolved to their real paths, to check files
// against. The zero value shares nothing.
type Roots struct {
	real []string
}

// Resolve resolves the folders' real paths now. A folder that does not
// exist (or is not a directory) shares nothing until it does.
func Resolve(folders []string) Roots {
	var r Roots
	for _, f := range folders {
		if !filepath.IsAbs(f) {
			continue
		}
		real, err := filepath.EvalSymlinks(f)
		if err != nil {
			continue
		}
		if st, err := os.Stat(real); err != nil || !st.IsDir() {
			continue
		}
		r.real = append(r.real, filepath.Clean(real))
	}
	return r
}

// Empty reports whether nothing is shared.
func (r Roots) Empty() bool { return len(r.real) == 0 }

// File reports whether the file at fileURL (a file:// URL as the files
// crawler makes them) is shared: its real path, every symbolic link
// resolved, is a regular file inside one of the roots. It returns that
// real path. A URL with a ".." segment, a host other than localhost, or
// that does not name an existing regular file, is not shared.
func (r Roots) File(fileURL string) (real string, ok bool) {
	if len(r.real) == 0 {
		return "", false
	}
	u, err := url.Parse(fileURL)
	if err != nil || u.Scheme != "file" || (u.Host != "" && u.Host != "localhost") || u.RawQuery != "" || u.Fragment != "" {
		return "", false
	}
	p := filepath.FromSlash(u.Path)
	if !filepath.IsAbs(p) || slices.Contains(strings.Split(u.Path, "/"), "..") {
		return "", false
	}
	real, err = filepath.EvalSymlinks(p)
	if err != nil {
		return "", false
	}
	st, err := os.Stat(real)
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	for _, root := range r.real {
		if within(root, real) {
			return real, true
		}
	}
	return "", false
}

// within reports whether path lies strictly inside dir (both clean and
// absolute).
func within(dir, path string) bool {
	prefix := dir
	if !strings.HasSuffix(prefix, string(filepath.Separator)) {
		prefix += string(filepath.Separator)
	}
	return strings.HasPrefix(path, prefix)
}
