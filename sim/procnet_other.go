//go:build !linux

package sim

import "syscall"

// nodeProcAttr is nil where the system cannot stop a child with its
// parent: a node process outlives a harness that dies without Close.
func nodeProcAttr() *syscall.SysProcAttr { return nil }
