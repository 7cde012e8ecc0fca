package serveragent

import (
	"fmt"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// limiters holds one token bucket per key (a calling node, an address, a
// reporting peer), at most max of them: beyond that an arbitrary one is
// forgotten (it starts again full, which errs on the side of serving).
type limiters struct {
	mu    sync.Mutex
	limit rate.Limit
	burst int
	max   int
	byID  map[string]*rate.Limiter
}

func newLimiters(limit rate.Limit, burst, max int) *limiters {
	return &limiters{limit: limit, burst: burst, max: max, byID: map[string]*rate.Limiter{}}
}

// get returns id's bucket, made full if it has none.
func (l *limiters) get(id string) *rate.Limiter {
	l.mu.Lock()
	lim := l.byID[id]
	if lim == nil {
		for k := range l.byID {
			if len(l.byID) < l.max {
				break
			}
			delete(l.byID, k)
		}
		lim = rate.NewLimiter(l.limit, l.burst)
		l.byID[id] = lim
	}
	l.mu.Unlock()
	return lim
}

// callLimits are the budgets of incoming calls: per calling node, per
// calling IP address, for all the nodes not yet established together,
// and for all calls. A new key resets only the first: the others follow
// the address and the node's whole load.
type callLimits struct {
	cfg      Config
	perPeer  *limiters
	perAddr  *limiters
	newNodes *rate.Limiter
	total    *rate.Limiter
}

func newCallLimits(cfg Config) *callLimits {
	keep := 4 * max(cfg.MaxPeers, 1)
	return &callLimits{
		cfg:      cfg,
		perPeer:  newLimiters(cfg.RatePerPeer, cfg.Burst, keep),
		perAddr:  newLimiters(cfg.RatePerAddress, burstFor(cfg, cfg.RatePerAddress), keep),
		newNodes: rate.NewLimiter(cfg.RateNew, burstFor(cfg, cfg.RateNew)),
		total:    rate.NewLimiter(cfg.RateTotal, burstFor(cfg, cfg.RateTotal)),
	}
}

// burstFor is the burst of a budget of r calls a second: as many seconds'
// worth as Burst is of RatePerPeer (2 s by default), and never less than
// Burst.
func burstFor(cfg Config, r rate.Limit) int {
	if r == rate.Inf || cfg.RatePerPeer == rate.Inf || cfg.RatePerPeer <= 0 {
		return max(cfg.Burst, 1)
	}
	return max(cfg.Burst, int(float64(r)*float64(cfg.Burst)/float64(cfg.RatePerPeer)))
}

// admit takes one call of node id from address addr ("" when it has
// none, in memory) out of the budgets that apply to it: all four for a
// node not established, its own and the total for an established one
// (see Node.establishedLocked), so that under load the peers the node
// has known for long are served first. It returns "" when the call may
// go ahead, else why not, for the caller to read; a refused call spends
// none of the budgets.
func (l *callLimits) admit(id, addr string, established bool, now time.Time) string {
	const (
		peerBudget = iota
		addrBudget
		newBudget
		totalBudget
	)
	var lims [4]*rate.Limiter
	var kinds [4]int
	k := 0
	add := func(lim *rate.Limiter, kind int) { lims[k], kinds[k] = lim, kind; k++ }
	add(l.perPeer.get(id), peerBudget)
	if !established {
		if addr != "" {
			add(l.perAddr.get(addr), addrBudget)
		}
		add(l.newNodes, newBudget)
	}
	add(l.total, totalBudget)
	var taken [4]*rate.Reservation
	for i := range k {
		r := lims[i].ReserveN(now, 1)
		if r.OK() && r.DelayFrom(now) == 0 {
			taken[i] = r
			continue
		}
		r.CancelAt(now)
		for _, t := range taken[:i] {
			t.CancelAt(now)
		}
		switch kinds[i] {
		case peerBudget:
			return fmt.Sprintf("node %s is over its rate limit (%v calls a second, %d at once)", id, l.cfg.RatePerPeer, l.cfg.Burst)
		case addrBudget:
			return fmt.Sprintf("too many calls from address %s (%v a second for the nodes there that are new to this node)", addr, l.cfg.RatePerAddress)
		case newBudget:
			return "too many calls from nodes new to this node; try again later"
		default:
			return "this node is busy; try again later"
		}
	}
	return ""
}
