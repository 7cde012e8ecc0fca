package crawler

import (
	"net/url"
	"slices"
	"testing"
	"time"
)

// testItem is a frontier link at http://host/path.
func testItem(host, path string, priority float64, seed bool) *frontierItem {
	u := &url.URL{Scheme: "http", Host: host, Path: path}
	return &frontierItem{url: u, key: u.String(), host: host, depth: 2, priority: priority, seed: seed}
}

// anyHost accepts every host at once.
func anyHost(string) (bool, time.Duration) { return true, 0 }

// noPenalty takes nothing off any host.
func noPenalty(string) float64 { return 0 }

// popAll pops every link with ready and penalty, returning their paths.
func popAll(f *frontier, ready func(string) (bool, time.Duration), penalty func(string) float64) []string {
	var out []string
	for {
		it, _ := f.pop(ready, penalty, 0)
		if it == nil {
			return out
		}
		out = append(out, it.url.Path)
	}
}

// TestFrontierOrder checks the best-first order: seeds first in the order
// added, then higher priority first, equal priorities in the order found,
// across hosts as within one.
func TestFrontierOrder(t *testing.T) {
	f := newFrontier(100)
	f.add(testItem("a", "/low", 0.1, false))
	f.add(testItem("b", "/high", 0.9, false))
	f.add(testItem("a", "/seed1", 0, true))
	f.add(testItem("a", "/tie1", 0.5, false))
	f.add(testItem("b", "/seed2", 0, true))
	f.add(testItem("b", "/tie2", 0.5, false))
	f.add(testItem("a", "/tie3", 0.5, false))
	want := []string{"/seed1", "/seed2", "/high", "/tie1", "/tie2", "/tie3", "/low"}
	if got := popAll(f, anyHost, noPenalty); !slices.Equal(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	if f.len() != 0 {
		t.Errorf("len = %d after popping all", f.len())
	}
}

// TestFrontierRediscovery checks that a link found again keeps its best
// priority and least depth, and moves up when its priority rises.
func TestFrontierRediscovery(t *testing.T) {
	f := newFrontier(100)
	f.add(testItem("a", "/x", 0.2, false))
	f.add(testItem("a", "/y", 0.5, false))
	better := testItem("a", "/x", 0.8, false)
	better.depth = 1
	f.add(better)
	f.add(testItem("a", "/y", 0.1, false)) // worse: ignored
	if f.len() != 2 {
		t.Fatalf("len = %d, want 2: rediscovery added a link", f.len())
	}
	first, _ := f.pop(anyHost, noPenalty, 0)
	second, _ := f.pop(anyHost, noPenalty, 0)
	if first.url.Path != "/x" || first.priority != 0.8 || first.depth != 1 {
		t.Errorf("first = %s (priority %v, depth %d), want /x with 0.8 at depth 1", first.url.Path, first.priority, first.depth)
	}
	if second.priority != 0.5 {
		t.Errorf("/y priority = %v, want 0.5 kept", second.priority)
	}
}

// TestFrontierHostsAndPenalty checks that pop takes only links of hosts
// ready now, reports the least wait when none is, and ranks hosts by
// priority minus their penalty.
func TestFrontierHostsAndPenalty(t *testing.T) {
	f := newFrontier(100)
	f.add(testItem("busy", "/b", 0.9, false))
	f.add(testItem("slow", "/s", 0.8, false))
	f.add(testItem("later", "/l", 0.7, false))
	ready := func(h string) (bool, time.Duration) {
		switch h {
		case "busy":
			return false, 0 // waits for a fetch to end
		case "slow":
			return false, 300 * time.Millisecond
		case "later":
			return false, 100 * time.Millisecond
		}
		return true, 0
	}
	if it, wait := f.pop(ready, noPenalty, 0); it != nil || wait != 100*time.Millisecond {
		t.Errorf("pop = %v, %v; want nothing and the least wait 100ms", it, wait)
	}
	f.add(testItem("free", "/f", 0.1, false))
	if it, _ := f.pop(ready, noPenalty, 0); it == nil || it.url.Path != "/f" {
		t.Errorf("pop = %v, want /f, the only link of a ready host", it)
	}

	g := newFrontier(100)
	g.add(testItem("big", "/big", 0.5, false))
	g.add(testItem("small", "/small", 0.4, false))
	penalty := func(h string) float64 {
		if h == "big" {
			return 0.2
		}
		return 0
	}
	if got := popAll(g, anyHost, penalty); !slices.Equal(got, []string{"/small", "/big"}) {
		t.Errorf("order with penalty = %v, want /small first (0.4 > 0.5-0.2)", got)
	}
}

// TestFrontierDropHostAndLimit checks dropping a host's links and the
// bound on links held.
func TestFrontierDropHostAndLimit(t *testing.T) {
	f := newFrontier(3)
	for _, it := range []*frontierItem{testItem("a", "/1", 0.1, false), testItem("b", "/2", 0.2, false), testItem("a", "/3", 0.3, false)} {
		if !f.add(it) {
			t.Fatalf("add %s refused below the limit", it.url.Path)
		}
	}
	if !f.full() || f.add(testItem("c", "/4", 1, false)) {
		t.Errorf("a fourth link was taken by a frontier of 3")
	}
	if !f.add(testItem("a", "/1", 0.9, false)) {
		t.Errorf("a link already held could not be updated when full")
	}
	if n := f.dropHost("a"); n != 2 {
		t.Errorf("dropHost = %d, want 2", n)
	}
	if f.has("http://a/1") || !f.has("http://b/2") || f.len() != 1 {
		t.Errorf("after dropHost: has a/1 %v, has b/2 %v, len %d", f.has("http://a/1"), f.has("http://b/2"), f.len())
	}
	if got := popAll(f, anyHost, noPenalty); !slices.Equal(got, []string{"/2"}) {
		t.Errorf("left = %v, want [/2]", got)
	}
}
