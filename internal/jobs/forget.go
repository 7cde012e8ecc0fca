package jobs

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/p2pir/p2pir/crawler"
	"github.com/p2pir/p2pir/index"
	"github.com/p2pir/p2pir/internal/canonurl"
	"github.com/p2pir/p2pir/internal/share"
)

// What Forget can take out of the index, besides KindFolder and KindSite.
const (
	// KindFile is one file, by its path.
	KindFile = "file"
	// KindPage is one web page, by its URL.
	KindPage = "page"
)

// Forgot is what Forget did.
type Forgot struct {
	// Kind is what the target was taken for: KindFolder, KindSite,
	// KindFile or KindPage; Target is it, as the index names it (an
	// absolute path, a site's https://host/, a page's canonical URL).
	Kind   string `json:"kind"`
	Target string `json:"target"`
	// Deleted is how many documents left the index.
	Deleted int `json:"deleted"`
	// Message says what was done, in words.
	Message string `json:"message"`
}

// resolveTarget says what a person means by target (what "p2pir forget"
// takes): an http(s) URL with no path is a site and one with a path a
// page; an existing folder is a folder and an existing file a file; a
// name with a dot and no slash that is no file here (example.org) is a
// site; any other path is a file that may be gone from the disk but not
// from the index. Paths are made absolute.
func resolveTarget(target string) (kind, norm string, err error) {
	t := strings.TrimSpace(target)
	if t == "" {
		return "", "", fmt.Errorf("%w: name a folder, a file, a site or a page to forget", ErrBadSpec)
	}
	if u, err := url.Parse(t); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		if (u.Path == "" || u.Path == "/") && u.RawQuery == "" {
			return KindSite, u.Scheme + "://" + u.Host + "/", nil
		}
		c, err := canonurl.Canonical(t)
		if err != nil {
			return "", "", fmt.Errorf("%w: %s is not a URL p2pir can read: %v", ErrBadSpec, t, err)
		}
		return KindPage, c, nil
	}
	if strings.HasPrefix(t, "file://") {
		u, err := url.Parse(t)
		if err != nil {
			return "", "", fmt.Errorf("%w: %s: %v", ErrBadSpec, t, err)
		}
		t = u.Path
	}
	abs, err := filepath.Abs(t)
	if err != nil {
		return "", "", fmt.Errorf("%w: %s: %v", ErrBadSpec, t, err)
	}
	st, err := os.Stat(abs)
	switch {
	case err == nil && st.IsDir():
		return KindFolder, abs, nil
	case err == nil:
		return KindFile, abs, nil
	case !strings.ContainsRune(target, '/') && strings.Contains(target, "."):
		return KindSite, "https://" + strings.ToLower(t) + "/", nil
	}
	return KindFile, abs, nil
}

// forgetOne deletes the document of a file or a page, if the index has
// it, and for a mailbox the documents of its messages; ErrNotFound when it
// has none.
func forgetOne(ctx context.Context, ix *index.Index, kind, target string) (int, error) {
	id := target
	if kind == KindFile {
		id = crawler.FileURL(target)
	}
	_, ok, err := ix.Get(ctx, index.DocID(id))
	if err != nil {
		return 0, fmt.Errorf("forget %s: %w", target, err)
	}
	var ids []string
	if ok {
		ids = append(ids, index.DocID(id))
	}
	if kind == KindFile {
		// A mailbox's messages live under its URL with a "#N" fragment.
		metas, err := ix.MetaByPrefix(ctx, id+"#")
		if err != nil {
			return 0, fmt.Errorf("forget %s: %w", target, err)
		}
		for _, m := range metas {
			if m.Source == index.SourceFile {
				ids = append(ids, m.ID)
			}
		}
	}
	if len(ids) == 0 {
		return 0, fmt.Errorf("%w: %s is not in the index", ErrNotFound, target)
	}
	if err := ix.Delete(ctx, ids...); err != nil {
		return 0, fmt.Errorf("forget %s: %w", target, err)
	}
	return len(ids), nil
}

// Forget takes target out of the index, while the node runs: a folder or
// a site as Remove does (its jobs canceled, watching stopped, unshared,
// its roots gone), a single file or page by its document.
func (m *Manager) Forget(ctx context.Context, target string) (Forgot, error) {
	kind, norm, err := resolveTarget(target)
	if err != nil {
		return Forgot{}, err
	}
	out := Forgot{Kind: kind, Target: norm}
	if kind == KindFolder || kind == KindSite {
		rm, err := m.Remove(ctx, kind, norm)
		if err != nil {
			return out, err
		}
		out.Deleted, out.Message = rm.Deleted, rm.Message
		return out, nil
	}
	select {
	case m.writing <- struct{}{}:
	case <-ctx.Done():
		return out, fmt.Errorf("%w: the index is busy with a job; %s was not forgotten: try again when the job finishes", ErrBusy, norm)
	}
	out.Deleted, err = forgetOne(ctx, m.cfg.Index, kind, norm)
	<-m.writing
	if err != nil {
		return out, err
	}
	out.Message = "forgot " + norm
	m.indexChanged()
	return out, nil
}

// ForgetOffline is Forget for a data directory no node runs on: ix is the
// index, opened by the caller (who holds its lock). A folder or a site
// leaves the record of roots (with the roots inside it) and a folder
// shared with "p2pir index --share" is unshared.
func ForgetOffline(ctx context.Context, ix *index.Index, dataDir, target string) (Forgot, error) {
	kind, norm, err := resolveTarget(target)
	if err != nil {
		return Forgot{}, err
	}
	out := Forgot{Kind: kind, Target: norm}
	if kind == KindFile || kind == KindPage {
		if out.Deleted, err = forgetOne(ctx, ix, kind, norm); err != nil {
			return out, err
		}
		out.Message = "forgot " + norm
		return out, nil
	}
	spec := Spec{Kind: kind}
	var ids []string
	if kind == KindFolder {
		spec.Path = norm
		ids, err = ix.IDsWithURLPrefix(ctx, folderPrefix(norm))
	} else {
		spec.URL = norm
		ids, err = ix.IDsOnHost(ctx, siteHost(norm))
	}
	if err != nil {
		return out, fmt.Errorf("forget %s: %w", norm, err)
	}
	roots, rerr := LoadRoots(dataDir)
	if rerr != nil && !errors.Is(rerr, ErrDamaged) {
		return out, rerr
	}
	kept := slices.DeleteFunc(slices.Clone(roots), func(r Root) bool { return covers(spec, r.Spec) })
	if len(ids) == 0 && len(kept) == len(roots) {
		return out, fmt.Errorf("%w: %s is not in the index", ErrNotFound, norm)
	}
	if err := ix.Delete(ctx, ids...); err != nil {
		return out, fmt.Errorf("forget %s: %w", norm, err)
	}
	out.Deleted = len(ids)
	out.Message = fmt.Sprintf("forgot %s: %s left the index", norm, countOf(out.Deleted, "document", "documents"))
	if len(kept) != len(roots) {
		if err := saveRoots(dataDir, kept); err != nil {
			return out, err
		}
	}
	if kind == KindFolder {
		if p, removed, err := share.Remove(dataDir, norm); err != nil {
			out.Message += "; " + err.Error()
		} else if removed {
			out.Message += "; unshared " + p
		}
	}
	return out, nil
}
