package membership

import "sync"

// notifier calls OnChange on a goroutine of its own, so that memberlist's
// goroutines, which report events while holding memberlist's locks, never
// wait for the application. The queue has no bound: events are one per
// membership change, and dropping one would leave the application with a
// wrong picture of the network.
type notifier struct {
	fn func(Member)

	mu      sync.Mutex
	queue   []Member
	closed  bool          // no more pushes accepted
	wake    chan struct{} // capacity 1: "the queue may be non-empty"
	stop    chan struct{} // closed by close
	stopped chan struct{} // closed when run returns
}

// newNotifier starts delivering to fn; with a nil fn it only drops events.
func newNotifier(fn func(Member)) *notifier {
	n := &notifier{
		fn:      fn,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if fn == nil {
		close(n.stopped)
		return n
	}
	go n.run()
	return n
}

// push queues m for delivery without blocking. After close it drops m.
func (n *notifier) push(m Member) {
	if n.fn == nil {
		return
	}
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.queue = append(n.queue, m)
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// run delivers queued events in order until close, then delivers what is
// left and returns.
func (n *notifier) run() {
	defer close(n.stopped)
	for {
		select {
		case <-n.wake:
		case <-n.stop:
		}
		for {
			n.mu.Lock()
			batch := n.queue
			n.queue = nil
			done := n.closed
			n.mu.Unlock()
			for _, m := range batch {
				n.fn(m)
			}
			if len(batch) == 0 {
				if done {
					return
				}
				break
			}
		}
	}
}

// close stops accepting events, waits until the queued ones were delivered
// and returns. It is safe to call more than once.
func (n *notifier) close() {
	n.mu.Lock()
	already := n.closed
	n.closed = true
	n.mu.Unlock()
	if !already && n.fn != nil {
		close(n.stop)
	}
	<-n.stopped
}
