package jobs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher keeps watched folders' trees under fsnotify watches and calls
// fire with a root's path once its changes have been quiet for debounce.
// Its fsnotify watcher (an inotify instance on Linux, of which a user has
// few) is made when the first folder is watched, so a node that watches
// nothing holds none.
type watcher struct {
	fs       *fsnotify.Watcher // nil until the first add
	dataDir  string            // never watched: the index's own writes are not changes
	max      int
	debounce time.Duration
	fire     func(root string)

	mu     sync.Mutex
	roots  map[string]*watchedRoot // by root path
	dirs   map[string]string       // watched folder -> its root's path
	closed bool
	done   chan struct{}
}

// watchedRoot is one watched folder tree.
type watchedRoot struct {
	spec  Spec
	timer *time.Timer
	note  string
	count int // folders watched under it
}

func newWatcher(dataDir string, max int, debounce time.Duration, fire func(string)) (*watcher, error) {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("watch folders: %w", err)
	}
	return &watcher{dataDir: filepath.Clean(abs), max: max, debounce: debounce, fire: fire,
		roots: map[string]*watchedRoot{}, dirs: map[string]string{}, done: make(chan struct{})}, nil
}

// startLocked makes the fsnotify watcher and its event loop if there is
// none yet.
func (w *watcher) startLocked() error {
	if w.fs != nil {
		return nil
	}
	f, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("the system refused to watch folders (%w); on Linux, raise fs.inotify.max_user_instances", err)
	}
	w.fs = f
	go w.loop()
	return nil
}

// add watches spec's folder and every folder under it that its excludes
// do not leave out, up to the watcher's limit (the root's note says when
// it was reached). A folder watched already is left as it is.
func (w *watcher) add(spec Spec) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	if _, ok := w.roots[spec.Path]; ok {
		w.mu.Unlock()
		return
	}
	r := &watchedRoot{spec: spec}
	w.roots[spec.Path] = r
	if err := w.startLocked(); err != nil {
		r.note = "not watched: " + err.Error()
		w.mu.Unlock()
		return
	}
	w.mu.Unlock()
	if _, err := os.Stat(spec.Path); err != nil {
		w.setNote(spec.Path, fmt.Sprintf("not watched: %v; watching starts again when the node restarts with the folder in place", plainFSError(err)))
		return
	}
	w.addTree(spec.Path, spec.Path)
}

// addTree watches dir and the folders under it for the root at root.
func (w *watcher) addTree(root, dir string) {
	w.mu.Lock()
	r := w.roots[root]
	w.mu.Unlock()
	if r == nil {
		return
	}
	excl := r.spec.FilesConfig().Exclude
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable: the job reports it
		}
		if !d.IsDir() {
			return nil
		}
		if p != root && (w.inDataDir(p) || excluded(excl, root, p)) {
			return filepath.SkipDir
		}
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.closed || w.roots[root] != r {
			return filepath.SkipAll
		}
		if _, ok := w.dirs[p]; ok {
			return nil
		}
		if len(w.dirs) >= w.max {
			r.note = fmt.Sprintf("only %d folders under %s are watched: the node watches at most %d folders in all; changes in the others are found when the folder is indexed again (p2pir index %s)", r.count, root, w.max, root)
			return filepath.SkipAll
		}
		if err := w.fs.Add(p); err != nil {
			if errors.Is(err, fs.ErrPermission) || errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			r.note = fmt.Sprintf("only %d folders under %s are watched: the system refused more watches (%v); on Linux, raise fs.inotify.max_user_watches", r.count, root, err)
			return filepath.SkipAll
		}
		w.dirs[p] = root
		r.count++
		return nil
	})
}

// excluded reports whether the folder p under root matches one of the
// exclude patterns by name (patterns with a slash are left to the job).
func excluded(patterns []string, root, p string) bool {
	name := filepath.Base(p)
	for _, pat := range patterns {
		pat = strings.TrimSuffix(pat, "/")
		if strings.Contains(pat, "/") {
			continue
		}
		if ok, _ := path.Match(pat, name); ok {
			return true
		}
	}
	return false
}

func (w *watcher) inDataDir(p string) bool {
	return p == w.dataDir || strings.HasPrefix(p, w.dataDir+string(filepath.Separator))
}

// remove stops watching the root at root.
func (w *watcher) remove(root string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r := w.roots[root]
	if r == nil {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	delete(w.roots, root)
	for d, owner := range w.dirs {
		if owner == root {
			_ = w.fs.Remove(d) // gone already when the folder was deleted
			delete(w.dirs, d)
		}
	}
}

// status is how many folders are watched under root and the note on it.
func (w *watcher) status(root string) (int, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r := w.roots[root]; r != nil {
		return r.count, r.note
	}
	return 0, "not watched now"
}

func (w *watcher) setNote(root, note string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if r := w.roots[root]; r != nil {
		r.note = note
	}
}

// close stops watching everything and waits for the event loop.
func (w *watcher) close() {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return
	}
	w.closed = true
	for _, r := range w.roots {
		if r.timer != nil {
			r.timer.Stop()
		}
	}
	f := w.fs
	w.mu.Unlock()
	if f == nil {
		return // never started
	}
	_ = f.Close()
	<-w.done
}

// loop turns events into debounced calls of fire.
func (w *watcher) loop() {
	defer close(w.done)
	for {
		select {
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			w.event(ev)
		case err, ok := <-w.fs.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) { // events lost: every root may have changed
				w.mu.Lock()
				for root := range w.roots {
					w.scheduleLocked(root)
				}
				w.mu.Unlock()
			}
		}
	}
}

// event handles one change: a new folder is watched, a deleted one
// forgotten, and its root's job scheduled.
func (w *watcher) event(ev fsnotify.Event) {
	p := filepath.Clean(ev.Name)
	if w.inDataDir(p) {
		return
	}
	w.mu.Lock()
	root, isDir := w.dirs[p]
	if !isDir {
		root = w.dirs[filepath.Dir(p)]
	}
	if root == "" {
		w.mu.Unlock()
		return
	}
	if isDir && (ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename)) && p != root {
		_ = w.fs.Remove(p)
		delete(w.dirs, p)
		if r := w.roots[root]; r != nil {
			r.count--
		}
	}
	w.mu.Unlock()
	// A new folder is watched before the job is scheduled, so that a
	// file made in it after the job's walk has an event of its own.
	if ev.Has(fsnotify.Create) {
		if st, err := os.Lstat(p); err == nil && st.IsDir() {
			w.addTree(root, p)
		}
	}
	w.mu.Lock()
	w.scheduleLocked(root)
	w.mu.Unlock()
}

// scheduleLocked (re)starts root's quiet-time timer.
func (w *watcher) scheduleLocked(root string) {
	r := w.roots[root]
	if r == nil || w.closed {
		return
	}
	if r.timer != nil {
		r.timer.Stop()
	}
	r.timer = time.AfterFunc(w.debounce, func() {
		w.mu.Lock()
		live := !w.closed && w.roots[root] == r
		w.mu.Unlock()
		if live {
			w.fire(root)
		}
	})
}
