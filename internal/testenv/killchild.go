package testenv

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// KillAfterAcks runs the test named helper of the test binary in a
// child process with env added to its environment, waits until the child
// has printed waitAcks lines "ack N" on its standard output (N a
// number: a write it reports done), sleeps for delay and kills it with
// SIGKILL: a crash at a chosen moment after acknowledged writes. It
// returns the last N the child printed before it died, and its standard
// error. It fails t when the child exits before waitAcks
// acknowledgements or was not killed (it exited on its own first).
//
// The crash tests of the index and the store use it: whatever the child
// acknowledged must be found when the parent reopens what it wrote.
func KillAfterAcks(t *testing.T, helper string, env []string, waitAcks int, delay time.Duration) (uint64, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", helper, err)
	}
	acks := make(chan uint64)
	go func() {
		defer close(acks)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "ack "); ok {
				if seq, err := strconv.ParseUint(rest, 10, 64); err == nil {
					acks <- seq
				}
			}
		}
	}()
	var last uint64
	for got := 0; got < waitAcks; {
		seq, ok := <-acks
		if !ok { // the child exited: it failed, or its own bound passed
			cmd.Wait()
			t.Fatalf("%s exited after %d acknowledgements: %s", helper, got, stderr.String())
		}
		last = seq
		got++
	}
	time.Sleep(delay)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatalf("kill %s: %v", helper, err)
	}
	for seq := range acks { // acknowledged before the kill
		last = seq
	}
	if err := cmd.Wait(); err == nil || cmd.ProcessState.Exited() {
		t.Fatalf("%s was not killed (%v): %s", helper, err, stderr.String())
	}
	return last, stderr.String()
}
