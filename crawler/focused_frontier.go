package crawler

import (
	"container/heap"
	"net/url"
	"time"
)

// maxFrontier bounds the links a focused crawl keeps waiting; links found
// when it is full are dropped. With the default budgets a crawl reads a
// few dozen pages, so only pages with thousands of links each reach it.
const maxFrontier = 100000

// frontierItem is a link waiting to be fetched.
type frontierItem struct {
	url       *url.URL
	key       string  // canonurl.DedupKey of url
	host      string  // url.Host, the key of the pacer and of the host counts
	depth     int     // 1 for seeds
	seed      bool    // seeds go before every link
	priority  float64 // without the host penalty (see FocusScoring)
	inherited float64 // I of FocusScoring
	seq       uint64  // order in which links were first found
	pos       int     // index in its host's queue
}

// before reports whether a goes before b when both are on one host, or
// when their priorities already include their hosts' penalties: seeds
// first, then higher priority, then the link found first.
func (a *frontierItem) before(b *frontierItem, pa, pb float64) bool {
	if a.seed != b.seed {
		return a.seed
	}
	if pa != pb {
		return pa > pb
	}
	return a.seq < b.seq
}

// hostQueue is a max-heap of one host's links (container/heap).
type hostQueue []*frontierItem

func (q hostQueue) Len() int { return len(q) }
func (q hostQueue) Less(i, j int) bool {
	return q[i].before(q[j], q[i].priority, q[j].priority)
}
func (q hostQueue) Swap(i, j int) {
	q[i], q[j] = q[j], q[i]
	q[i].pos, q[j].pos = i, j
}
func (q *hostQueue) Push(x any) {
	it := x.(*frontierItem)
	it.pos = len(*q)
	*q = append(*q, it)
}
func (q *hostQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return it
}

// frontier is the best-first queue of a focused crawl: one priority queue
// per host, so that the best link of every host that may be visited now
// is found without scanning links of hosts that may not. It is used by
// one goroutine.
type frontier struct {
	hosts map[string]*hostQueue
	items map[string]*frontierItem // by key
	seq   uint64
	limit int
}

// newFrontier returns an empty frontier holding at most limit links.
func newFrontier(limit int) *frontier {
	return &frontier{hosts: make(map[string]*hostQueue), items: make(map[string]*frontierItem), limit: limit}
}

// len returns the number of links waiting.
func (f *frontier) len() int { return len(f.items) }

// full reports whether no new link can be added.
func (f *frontier) full() bool { return len(f.items) >= f.limit }

// has reports whether a link with this key is waiting.
func (f *frontier) has(key string) bool { _, ok := f.items[key]; return ok }

// add queues it. When a link with its key is already waiting, that link
// keeps the higher priority and inherited relevance and the lower depth of
// the two instead. It reports false when it is a new link and the
// frontier is full.
func (f *frontier) add(it *frontierItem) bool {
	if old, ok := f.items[it.key]; ok {
		changed := false
		if it.priority > old.priority {
			old.priority, changed = it.priority, true
		}
		old.inherited = max(old.inherited, it.inherited)
		old.depth = min(old.depth, it.depth)
		if it.seed && !old.seed {
			old.seed, changed = true, true
		}
		if changed {
			heap.Fix(f.hosts[old.host], old.pos)
		}
		return true
	}
	if f.full() {
		return false
	}
	f.seq++
	it.seq = f.seq
	q := f.hosts[it.host]
	if q == nil {
		q = &hostQueue{}
		f.hosts[it.host] = q
	}
	heap.Push(q, it)
	f.items[it.key] = it
	return true
}

// pop removes and returns the best link whose host ready accepts now,
// ranking links of different hosts by priority minus penalty(host), if it
// is a seed or its priority is at least least. Otherwise it returns nil
// and the least wait ready reported for a host it did not accept (0 if
// none did: those hosts wait for a request in flight to end).
func (f *frontier) pop(ready func(host string) (ok bool, wait time.Duration), penalty func(host string) float64, least float64) (*frontierItem, time.Duration) {
	var (
		best     *frontierItem
		bestPrio float64
		wait     time.Duration
	)
	for host, q := range f.hosts {
		ok, w := ready(host)
		if !ok {
			if w > 0 && (wait == 0 || w < wait) {
				wait = w
			}
			continue
		}
		top := (*q)[0]
		p := top.priority - penalty(host)
		if best == nil || top.before(best, p, bestPrio) {
			best, bestPrio = top, p
		}
	}
	if best == nil || (!best.seed && best.priority < least) {
		return nil, wait
	}
	f.remove(best)
	return best, 0
}

// dropHost removes every link to host and returns how many there were.
func (f *frontier) dropHost(host string) int {
	q := f.hosts[host]
	if q == nil {
		return 0
	}
	for _, it := range *q {
		delete(f.items, it.key)
	}
	delete(f.hosts, host)
	return len(*q)
}

// remove takes it out of the frontier.
func (f *frontier) remove(it *frontierItem) {
	q := f.hosts[it.host]
	heap.Remove(q, it.pos)
	if q.Len() == 0 {
		delete(f.hosts, it.host)
	}
	delete(f.items, it.key)
}
