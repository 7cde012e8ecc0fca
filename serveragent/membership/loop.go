package membership

import "time"

// loop is a goroutine that runs a step every interval (see startLoop).
type loop struct {
	stop, done chan struct{}
}

// startLoop runs step every interval on its own goroutine until step
// reports that it is finished or the loop is stopped.
func startLoop(every time.Duration, step func() (finished bool)) *loop {
	l := &loop{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-l.stop:
				return
			case <-tick.C:
			}
			if step() {
				return
			}
		}
	}()
	return l
}

// halt stops the loop, if any, and waits for its step in progress to end.
func (l *loop) halt() {
	if l == nil {
		return
	}
	close(l.stop)
	<-l.done
}
