// Command p2pir is the one binary of the p2pir search network: it indexes
// folders and web sites, searches them, and evaluates retrieval quality on
// standard test collections. Run "p2pir --help" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/internal/humanerr"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes of the p2pir process.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
	// exitPartial: index or crawl finished, but some of its items
	// (files, pages) failed while others were indexed; the failed ones
	// are listed on stderr. A run where every item failed is exitFailure.
	exitPartial = 3
)

// run executes one command line and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error, 3 when a command finished but
// some of its items failed (partialError).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintf(stderr, "p2pir: %s\n", humanerr.Message(err))
		var ue usageError
		var pe partialError
		switch {
		case errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command"):
			return exitUsage // cobra's own unknown-command error is a usage error too
		case errors.As(err, &pe):
			return exitPartial
		}
		return exitFailure
	}
	return exitOK
}

// usageError marks errors in how a command was called.
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// partialError marks a command that finished but whose report lists items
// (files, pages) that failed (exit code 3).
type partialError struct{ error }

func (p partialError) Unwrap() error { return p.error }
