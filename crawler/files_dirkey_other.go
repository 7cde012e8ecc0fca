//go:build !unix

package crawler

import "io/fs"

// dirKey identifies a real folder, whatever path reaches it, so symbolic
// link loops are seen: its path with every link resolved.
func dirKey(path string, _ fs.FileInfo) string { return realPathKey(path) }
