package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestMeasureManyNodesInMemory starts P2PIR_SCALE_NODES whole nodes in
// memory (one MemNetwork, no HTTP, manual rounds, each with a few
// documents, all joined) and reports how long that took and what it
// costs: resident memory, heap, goroutines, open files. It runs only when
// the variable is set, e.g.
//
//	P2PIR_SCALE_NODES=100 go test -run TestMeasureManyNodesInMemory -v ./node/
//
// P2PIR_SCALE_HEAPPROFILE=FILE also writes a heap profile after the
// gossip round (go tool pprof -sample_index=inuse_space FILE).
func TestMeasureManyNodesInMemory(t *testing.T) {
	count, _ := strconv.Atoi(os.Getenv("P2PIR_SCALE_NODES"))
	if count <= 0 {
		t.Skip("set P2PIR_SCALE_NODES to a node count to measure")
	}
	ctx := context.Background()
	root, mem := t.TempDir(), NewMemNetwork()
	before := usage()
	start := time.Now()
	nodes := make([]*Node, count)
	t.Cleanup(func() { closeNodes(nodes) })
	for i := range nodes {
		cfg := Config{DataDir: filepath.Join(root, fmt.Sprint(i)), Transport: mem.Transport(), NoHTTP: true, ManualRounds: true, MembershipProfile: "local"}
		if i > 0 {
			cfg.Join = []string{nodes[0].GossipAddr()}
		}
		n, err := Start(ctx, cfg)
		if err != nil {
			t.Fatalf("start node %d: %v", i, err)
		}
		nodes[i] = n
		populateTopic(t, n, i, []string{"astro", "cook"}[i%2])
	}
	started := time.Since(start)
	afterStart := usage()
	t.Logf("%d nodes in memory: started (with documents and marks) in %v; %s", count, started.Round(time.Millisecond), afterStart)
	fewest := func() int {
		least := count
		for _, n := range nodes {
			least = min(least, len(n.Server().Peers()))
		}
		return least
	}
	deadline := time.Now().Add(5 * time.Minute)
	for fewest() != count-1 {
		if time.Now().After(deadline) {
			t.Fatalf("after 5 minutes a node still sees only %d of the %d others", fewest(), count-1)
		}
		time.Sleep(100 * time.Millisecond)
	}
	converged := time.Since(start)
	roundStart := time.Now()
	var wg sync.WaitGroup
	for _, n := range nodes {
		wg.Go(func() { _ = n.GossipRound(ctx) })
	}
	wg.Wait()
	round := time.Since(roundStart)
	afterRound := usage()
	if path := os.Getenv("P2PIR_SCALE_HEAPPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := pprof.WriteHeapProfile(f); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	t.Logf("full membership after %v, one gossip round of all in %v", converged.Round(time.Millisecond), round.Round(time.Millisecond))
	t.Logf("before:          %s", before)
	t.Logf("after start:     %s", afterStart)
	t.Logf("after a round:   %s", afterRound)
	t.Logf("per node (after a round): %s", afterRound.per(before, count))
}

// resources is a snapshot of this process's costs.
type resources struct {
	rssKiB, heapKiB uint64
	goroutines      int
	files           int
}

func usage() resources {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r := resources{heapKiB: ms.HeapAlloc >> 10, goroutines: runtime.NumGoroutine()}
	if raw, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
				r.rssKiB, _ = strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			}
		}
	}
	if fds, err := os.ReadDir("/proc/self/fd"); err == nil {
		r.files = len(fds)
	}
	return r
}

func (r resources) String() string {
	return fmt.Sprintf("RSS %d MiB, heap %d MiB, %d goroutines, %d open files", r.rssKiB>>10, r.heapKiB>>10, r.goroutines, r.files)
}

// per is the cost per node of r over base.
func (r resources) per(base resources, n int) string {
	return fmt.Sprintf("RSS %d KiB, heap %d KiB, %.0f goroutines, %.1f open files",
		(r.rssKiB-base.rssKiB)/uint64(n), (r.heapKiB-base.heapKiB)/uint64(n),
		float64(r.goroutines-base.goroutines)/float64(n), float64(r.files-base.files)/float64(n))
}
