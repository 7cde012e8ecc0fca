package jobs

import (
	"context"
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/index"
	"path/filepath"
	"slices"
	"strings"

	"github.com/p2pir/p2pir/internal/share"
)

// Roots lists the folders and sites in the index, with whether each is
// shared, how many documents the index holds under it and, for a watched
// folder, why watching is incomplete if it is.
func (m *Manager) Roots(ctx context.Context) ([]Root, error) {
	m.mu.Lock()
	roots := slices.Clone(m.roots)
	m.mu.Unlock()
	if err := FillRoots(ctx, m.cfg.Index, m.cfg.DataDir, roots); err != nil {
		return nil, err
	}
	for i := range roots {
		if r := &roots[i]; r.Kind == KindFolder && r.Watched {
			r.WatchedFolders, r.WatchNote = m.w.status(r.Path)
		}
	}
	return roots, nil
}

// FillRoots fills in what roots' records do not keep: whether each folder
// is shared (dataDir's shared folders) and how many documents ix holds
// under each folder or on each site's host. The offline commands use it
// on LoadRoots' roots; a running node's Manager.Roots does the same.
func FillRoots(ctx context.Context, ix *index.Index, dataDir string, roots []Root) error {
	folders, err := share.Current(dataDir)
	if err != nil {
		folders = nil // an unreadable list shares nothing, as peers are answered
	}
	for i := range roots {
		r := &roots[i]
		var err error
		switch r.Kind {
		case KindFolder:
			r.Shared = sharedFolder(share.Paths(folders), r.Path)
			r.Documents, err = ix.CountURLPrefix(ctx, folderPrefix(r.Path))
		case KindSite:
			r.Documents, err = ix.CountOnHost(ctx, siteHost(r.URL))
		}
		if err != nil {
			return fmt.Errorf("count the documents of %s: %w", r.Target(), err)
		}
	}
	return nil
}

// sharedFolder reports whether the folder path is shared: it is one of
// the shared folders, or inside one, by its path or its real path.
func sharedFolder(listed []string, path string) bool {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		real = path
	}
	for _, p := range listed {
		for _, c := range []string{path, real} {
			if c == p || strings.HasPrefix(c, strings.TrimSuffix(p, string(filepath.Separator))+string(filepath.Separator)) {
				return true
			}
		}
	}
	return false
}

// Removed is what Remove did.
type Removed struct {
	// Root is the root removed (as listed before; a root the registry did
	// not know has only Kind and Path or URL).
	Root Root `json:"root"`
	// Deleted is how many documents left the index.
	Deleted int `json:"deleted"`
	// Canceled lists the IDs of the root's jobs that were canceled.
	Canceled []string `json:"canceled"`
	// Message says what was done, in words.
	Message string `json:"message"`
}

// Remove takes a folder or a site out of the index: its queued and
// running jobs are canceled, watching stops, its documents are deleted
// (a folder's: every document under its path; a site's: every document
// on its host or a subdomain), a folder shared with "p2pir index
// --share" is unshared, and the root leaves the registry, with the roots
// whose documents went with it (folders inside the folder, sites on the
// host), whose jobs are canceled and watching stopped too. A root the registry does not know
// but whose documents the index holds (indexed before roots were
// recorded) is removed the same way; one with neither gives ErrNotFound.
func (m *Manager) Remove(ctx context.Context, kind, target string) (Removed, error) {
	spec := Spec{Kind: kind}
	switch kind {
	case KindFolder:
		if target == "" || !filepath.IsAbs(target) {
			return Removed{}, fmt.Errorf("%w: a folder is named by its absolute path, not %q", ErrBadSpec, target)
		}
		spec.Path = filepath.Clean(target)
	case KindSite:
		s, err := (Spec{Kind: KindSite, URL: target}).Check()
		if err != nil {
			return Removed{}, err
		}
		spec.URL = s.URL
	default:
		return Removed{}, fmt.Errorf("%w: kind must be %q or %q, not %q", ErrBadSpec, KindFolder, KindSite, kind)
	}
	var out Removed
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return out, ErrClosed
	}
	i := slices.IndexFunc(m.roots, func(r Root) bool { return r.Kind == kind && r.Target() == spec.Target() })
	if i >= 0 {
		out.Root = m.roots[i]
	} else {
		out.Root = Root{Kind: kind, Path: spec.Path, URL: spec.URL}
	}
	now := m.cfg.Now()
	for _, j := range m.jobs {
		if !covers(spec, j.Spec) {
			continue
		}
		switch {
		case j.State == Queued:
			j.State, j.FinishedAt, j.Message = Canceled, now, "canceled: its folder or site was removed from the index"
			out.Canceled = append(out.Canceled, j.ID)
		case j == m.running:
			m.canceled[j.ID] = byRemoval
			m.cancelRun()
			out.Canceled = append(out.Canceled, j.ID)
		}
	}
	m.saveJobsLocked()
	var unwatch []string
	for _, r := range m.roots {
		if r.Kind == KindFolder && covers(spec, r.Spec) {
			unwatch = append(unwatch, r.Path)
		}
	}
	m.mu.Unlock()
	for _, p := range append(unwatch, spec.Path) {
		if p != "" {
			m.w.remove(p)
		}
	}

	// The running job, if it was this root's, lets go of the index first;
	// another root's job is waited for, as long as ctx allows.
	select {
	case m.writing <- struct{}{}:
	case <-ctx.Done():
		return out, fmt.Errorf("%w: the index is busy with another job; %s was not removed (its jobs were canceled): try again when the job finishes", ErrBusy, spec.Target())
	}
	var ids []string
	var err error
	if kind == KindFolder {
		ids, err = m.cfg.Index.IDsWithURLPrefix(ctx, folderPrefix(spec.Path))
	} else {
		ids, err = m.cfg.Index.IDsOnHost(ctx, siteHost(spec.URL))
	}
	if err == nil {
		err = m.cfg.Index.Delete(ctx, ids...)
	}
	<-m.writing
	if err != nil {
		return out, fmt.Errorf("remove %s: %w", spec.Target(), err)
	}
	out.Deleted = len(ids)
	if i < 0 && len(ids) == 0 {
		return out, fmt.Errorf("%w: %s is not in the index", ErrNotFound, spec.Target())
	}
	var notes []string
	if kind == KindFolder {
		if p, removed, err := share.Remove(m.cfg.DataDir, spec.Path); err != nil {
			notes = append(notes, err.Error())
		} else if removed {
			notes = append(notes, "unshared "+p)
		}
	}
	m.mu.Lock()
	m.roots = slices.DeleteFunc(m.roots, func(r Root) bool { return covers(spec, r.Spec) })
	serr := saveRoots(m.cfg.DataDir, slices.Clone(m.roots))
	m.mu.Unlock()
	out.Message = fmt.Sprintf("removed %s: %s left the index", spec.Target(), countOf(out.Deleted, "document", "documents"))
	if len(notes) > 0 {
		out.Message += "; " + strings.Join(notes, "; ")
	}
	if out.Canceled == nil {
		out.Canceled = []string{}
	}
	m.indexChanged()
	if serr != nil {
		return out, fmt.Errorf("%s was removed, but the record of indexed folders and sites could not be written: %w", spec.Target(), serr)
	}
	return out, nil
}

// covers reports whether removing root takes other's documents with it:
// the same root, a folder inside the folder, or a site on the site's host
// or a subdomain of it.
func covers(root, other Spec) bool {
	if root.Kind != other.Kind {
		return false
	}
	if root.Kind == KindFolder {
		return other.Path == root.Path || strings.HasPrefix(other.Path, strings.TrimSuffix(root.Path, string(filepath.Separator))+string(filepath.Separator))
	}
	h, o := siteHost(root.URL), siteHost(other.URL)
	return h != "" && (o == h || strings.HasSuffix(o, "."+h))
}

// Unwatch stops watching a folder; its documents stay. A folder that is
// not watched gives ErrNotFound.
func (m *Manager) Unwatch(path string) (Root, error) {
	if !filepath.IsAbs(path) {
		return Root{}, fmt.Errorf("%w: a folder is named by its absolute path, not %q", ErrBadSpec, path)
	}
	path = filepath.Clean(path)
	m.mu.Lock()
	defer m.mu.Unlock()
	i := slices.IndexFunc(m.roots, func(r Root) bool { return r.Kind == KindFolder && r.Path == path && r.Watched })
	if i < 0 {
		return Root{}, fmt.Errorf("%w: %s is not watched", ErrNotFound, path)
	}
	err := m.setWatchedLocked(m.roots[i].Spec, false)
	m.w.remove(path)
	if err != nil {
		return Root{}, err
	}
	return m.roots[i], nil
}

// setWatchedLocked records that the folder of spec is (or is no longer)
// watched; the caller then starts (or stops) watching it.
func (m *Manager) setWatchedLocked(spec Spec, on bool) error {
	i := slices.IndexFunc(m.roots, func(r Root) bool { return r.Kind == KindFolder && r.Path == spec.Path })
	if i < 0 {
		m.roots = append(m.roots, Root{Kind: KindFolder, Path: spec.Path, Spec: spec})
		i = len(m.roots) - 1
	}
	r := &m.roots[i]
	r.Watched, r.Spec.Watch = on, on
	if err := saveRoots(m.cfg.DataDir, slices.Clone(m.roots)); err != nil {
		return fmt.Errorf("the record of indexed folders and sites: %w", err)
	}
	return nil
}

// watchFired submits the job of a watched folder after changes.
func (m *Manager) watchFired(path string) {
	m.mu.Lock()
	i := slices.IndexFunc(m.roots, func(r Root) bool { return r.Kind == KindFolder && r.Path == path && r.Watched })
	var spec Spec
	if i >= 0 {
		spec = m.roots[i].Spec
	}
	m.mu.Unlock()
	if i < 0 {
		return
	}
	spec.Share, spec.Watch = false, false
	if _, err := m.Submit(spec, ByWatch); err != nil && !errors.Is(err, ErrClosed) {
		m.w.setNote(path, "changes seen, but the job could not be queued: "+err.Error())
	}
}

// countOf is "1 document" or "3 documents".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
