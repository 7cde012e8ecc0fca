//go:build unix

package crawler

import (
	"io/fs"
	"strconv"
	"syscall"
)

// dirKey identifies a real folder, whatever path reaches it, so symbolic
// link loops are seen: its device and inode.
func dirKey(path string, info fs.FileInfo) string {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return strconv.FormatUint(uint64(st.Dev), 10) + ":" + strconv.FormatUint(uint64(st.Ino), 10)
	}
	return realPathKey(path)
}
