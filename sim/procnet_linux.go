package sim

import "syscall"

// nodeProcAttr has Linux send a node process SIGTERM when the harness
// that started it dies without Close (killed, crashed), so no node
// outlives its experiment.
func nodeProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
