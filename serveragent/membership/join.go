package membership

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/go-multierror"

	"github.com/p2pir/p2pir/internal/logx"
)

// ErrJoinFailed is returned (wrapped) when none of the addresses given to
// join answered.
var ErrJoinFailed = errors.New("membership: no seed answered")

// joinError names the seeds tried and why each failed, on one line.
type joinError struct {
	seeds  []string
	causes []error
}

// Error is "membership: no seed answered (tried a, b): cause; cause".
func (e *joinError) Error() string {
	msgs := make([]string, len(e.causes))
	for i, c := range e.causes {
		msgs[i] = c.Error()
	}
	return fmt.Sprintf("%v (tried %s): %s", ErrJoinFailed, strings.Join(e.seeds, ", "), strings.Join(msgs, "; "))
}

// Unwrap gives ErrJoinFailed and each seed's error.
func (e *joinError) Unwrap() []error { return append([]error{ErrJoinFailed}, e.causes...) }

// Join contacts the members at addrs (gossip addresses, host:port) and
// merges their view of the network with ours; it can also merge two
// networks. It returns how many addresses answered. It fails with an error
// wrapping ErrJoinFailed, naming every address and its failure, when none
// answered; addresses that fail while another answers are only logged by
// memberlist. Each attempt is bounded by the profile's TCP timeout (1 s
// local, 10 s LAN, 30 s WAN); Leave and Shutdown wait for a Join in
// progress.
func (m *Membership) Join(addrs ...string) (int, error) {
	if len(addrs) == 0 {
		return 0, errors.New("membership: Join needs at least one address")
	}
	for i, a := range addrs {
		if a == "" {
			return 0, fmt.Errorf("membership: Join address %d is empty", i)
		}
	}
	m.life.Lock()
	defer m.life.Unlock()
	if m.stopped {
		return 0, ErrStopped
	}
	return m.joinSeeds(addrs)
}

// joinSeeds runs memberlist's join and shapes its error.
func (m *Membership) joinSeeds(seeds []string) (int, error) {
	n, err := m.list.Join(seeds)
	if err == nil && n > 0 {
		return n, nil
	}
	je := &joinError{seeds: seeds}
	var me *multierror.Error
	switch {
	case errors.As(err, &me):
		je.causes = me.Errors
	case err != nil:
		je.causes = []error{err}
	}
	return n, je
}

// JoinState is how joining the network through the seeds went
// (Config.Join).
type JoinState struct {
	// Seeds are the gossip addresses given to join through; none when the
	// node was started without any.
	Seeds []string
	// Joined is true once a seed answered, at start or since, or another
	// member found this node.
	Joined bool
	// Err is why the latest attempt failed while the node is alone; nil
	// once it joined.
	Err error
	// RetryEvery is how often a lone node tries its seeds again.
	RetryEvery time.Duration
}

// JoinState says how joining through the seeds went.
func (m *Membership) JoinState() JoinState {
	m.joinMu.Lock()
	defer m.joinMu.Unlock()
	st := m.join
	st.Seeds = append([]string(nil), st.Seeds...)
	if !st.Joined && m.table.liveCount() > 0 {
		st.Joined, st.Err = true, nil // another member found us
	}
	return st
}

// setJoin records the outcome of an attempt to join through the seeds.
func (m *Membership) setJoin(err error) {
	m.joinMu.Lock()
	defer m.joinMu.Unlock()
	if err == nil {
		m.join.Joined, m.join.Err = true, nil
		return
	}
	m.join.Err = err
}

// JoinReason says in words why joining through the seeds failed: for
// each seed, nothing listening, no answer in time, a network secret that
// does not match, an unknown host, or the error as it came.
func JoinReason(err error) string {
	var je *joinError
	if !errors.As(err, &je) {
		return err.Error()
	}
	reasons := make([]string, 0, len(je.causes))
	for _, c := range je.causes {
		msg := c.Error()
		switch low := strings.ToLower(msg); {
		case strings.Contains(low, "connection refused"):
			msg = "nothing listens there (connection refused)"
		case strings.Contains(low, "i/o timeout"), strings.Contains(low, "deadline exceeded"), strings.Contains(low, "timed out"):
			msg = "no answer in time"
		case strings.Contains(low, "decrypt"), strings.Contains(low, "encrypt"), strings.Contains(low, "keyring"):
			msg = "the network secret does not match (--secret-file or P2PIR_SECRET)"
		case strings.Contains(low, "no such host"):
			msg = "unknown host"
		}
		reasons = append(reasons, msg)
	}
	if len(reasons) == 0 {
		reasons = append(reasons, "no seed answered")
	}
	return fmt.Sprintf("could not join through %s: %s", strings.Join(je.seeds, ", "), strings.Join(reasons, "; "))
}

// startRejoin starts the loop of a lone node that tries its seeds every
// interval until one answers, another member finds it, or stopRejoin.
func (m *Membership) startRejoin(seeds []string, every time.Duration) {
	m.rejoin = startLoop(every, func() bool {
		if m.table.liveCount() > 0 {
			m.logger.Info("no longer alone; stop trying the seeds")
			m.setJoin(nil)
			return true
		}
		n, err := m.joinSeeds(seeds)
		m.setJoin(err)
		if err == nil {
			m.logger.Info("joined the network", "seeds_answered", n, "seeds", len(seeds))
			return true
		}
		m.del.warnf("still_alone", "", "still alone: no seed answered", logx.KeyReason, err.Error())
		return false
	})
}

// stopRejoin ends the rejoin loop, if any, and waits for it (at most one
// join attempt, bounded by the TCP timeout). Called with life held.
func (m *Membership) stopRejoin() {
	m.rejoin.halt()
	m.rejoin = nil
}
