package crawler

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// candidate is a file the walk found to be indexed (or re-checked).
type candidate struct {
	path  string // as walked, under the root
	id    string // document ID (its file URL)
	size  int64
	mtime time.Time
}

// realPathKey is the path with every symbolic link resolved, or the path
// itself if that fails.
func realPathKey(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return "path:" + real
	}
	return "path:" + path
}

// walk lists the candidate files under c.root. Folders it cannot list
// fully, and entries it cannot examine, are recorded so that their
// documents are kept.
func (c *filesCrawl) walk(rootInfo fs.FileInfo) {
	if !rootInfo.IsDir() {
		c.files = append(c.files, candidate{
			path: c.root, id: fileURL(c.root), size: rootInfo.Size(), mtime: rootInfo.ModTime(),
		})
		return
	}
	c.visited = map[string]bool{}
	c.dir(c.root, "", rootInfo)
}

// dir walks the folder at path (rel is its slash path under the root, ""
// for the root).
func (c *filesCrawl) dir(path, rel string, info fs.FileInfo) {
	if c.ctx.Err() != nil {
		return
	}
	key := dirKey(path, info)
	if c.visited[key] {
		return // a symbolic link back to a folder already walked
	}
	c.visited[key] = true
	c.progress(len(c.files), -1, path)

	entries, err := os.ReadDir(path)
	if err != nil {
		// Keep everything indexed under this folder; entries read before
		// the error (if any) are still walked.
		c.fileError(path, err)
		c.keepPrefix(path)
	}
	for _, e := range entries {
		if c.ctx.Err() != nil {
			return
		}
		name := e.Name()
		childPath := filepath.Join(path, name)
		childRel := name
		if rel != "" {
			childRel = rel + "/" + name
		}
		typ := e.Type()
		var fi fs.FileInfo
		if typ&fs.ModeSymlink != 0 {
			if !c.cfg.FollowSymlinks {
				continue
			}
			fi, err = os.Stat(childPath)
			if err != nil {
				if !isNotExist(err) { // a dangling link is simply not a file
					c.fileError(childPath, err)
					c.keepPrefix(childPath)
				}
				continue
			}
			typ = fi.Mode().Type()
		}
		isDir := typ.IsDir()
		if c.ex.excluded(childRel, isDir) {
			continue
		}
		if !isDir && (!typ.IsRegular() || !c.extensionWanted(name)) {
			continue // devices, pipes, sockets; other file types
		}
		if fi == nil {
			if fi, err = e.Info(); err != nil {
				if !isNotExist(err) { // removed since the listing: gone
					c.fileError(childPath, err)
					c.keepPrefix(childPath)
				}
				continue
			}
		}
		if isDir {
			c.dir(childPath, childRel, fi)
			continue
		}
		c.files = append(c.files, candidate{path: childPath, id: fileURL(childPath), size: fi.Size(), mtime: fi.ModTime()})
	}
}

// extensionWanted reports whether a file name has one of the configured
// extensions, or none when extensionless files are read
// (FilesConfig.Extensions).
func (c *filesCrawl) extensionWanted(name string) bool {
	ext := filepath.Ext(name)
	if ext == "" {
		return c.cfg.extensionless // read as text if it is text
	}
	for _, want := range c.cfg.Extensions {
		if strings.EqualFold(ext, want) {
			return true
		}
	}
	return false
}
