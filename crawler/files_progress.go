package crawler

import (
	"io"
	"os"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// TerminalProgress returns a Progress that draws a progress bar on w with
// github.com/schollz/progressbar/v3 when w is a terminal: a spinner with a
// count while the total is unknown (-1), then a bar with a count, rate and
// time left, and the item being handled. When w is not a terminal (a pipe,
// a file, a CI log) it draws nothing: the caller prints the final report.
// The returned func is safe for concurrent use.
func TerminalProgress(w io.Writer) Progress {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func(int, int, string) {}
	}
	return barProgress(w)
}

// barProgress draws the progress bar of TerminalProgress on w, terminal or
// not.
func barProgress(w io.Writer) Progress {
	var (
		mu    sync.Mutex
		bar   *progressbar.ProgressBar
		total = -2 // no bar yet
	)
	return func(done, n int, current string) {
		mu.Lock()
		defer mu.Unlock()
		if bar == nil || n != total {
			if bar != nil {
				_ = bar.Exit()
			}
			bar = progressbar.NewOptions(n,
				progressbar.OptionSetWriter(w),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionSetSpinnerChangeInterval(0), // no background goroutine
				progressbar.OptionShowDescriptionAtLineEnd(),
				progressbar.OptionOnCompletion(func() { _, _ = io.WriteString(w, "\n") }),
			)
			total = n
		}
		bar.Describe(shorten(current, 50))
		_ = bar.Set(done)
	}
}

// shorten keeps the last max runes of s, marking the cut with "…".
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return "…" + string(r[len(r)-max+1:])
}
