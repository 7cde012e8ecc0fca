package membership

import (
	"errors"
	"fmt"
	"log"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/p2pir/p2pir/internal/logx"
)

// ErrStopped is returned by Join and Leave once the Membership was shut
// down.
var ErrStopped = errors.New("membership: stopped")

// Membership is this node's place in the network: its announcement and its
// view of the other members. It is safe for concurrent use.
type Membership struct {
	list       *memberlist.Memberlist
	del        *delegate
	table      *table
	notify     *notifier
	logger     *slog.Logger
	nodeID     string
	boot       uint64
	gossipAddr string

	// life serialises Join, Leave and Shutdown.
	life    sync.Mutex
	stopped bool
	// rejoin is a lone node's rejoin loop; nil when none runs.
	rejoin *loop
	// reconnect is the loop that tries members declared dead
	// (Config.ReconnectInterval); nil when none runs.
	reconnect *loop

	joinMu sync.Mutex
	join   JoinState // see JoinState

	selfMu sync.Mutex
	self   Member
}

// Start announces this node and, when cfg.Join lists seeds, joins the
// network through them. With no seeds the node starts a new network of
// one. When no seed answers, Start fails with an error wrapping
// ErrJoinFailed that names the seeds, unless cfg.AllowLone is set (see
// Config.AllowLone). An invalid cfg gives an error wrapping
// ErrInvalidConfig. Start owns cfg.Transport: it is shut down if Start
// fails.
func Start(cfg Config) (m *Membership, err error) {
	defer func() {
		if err != nil && cfg.Transport != nil {
			_ = cfg.Transport.Shutdown()
		}
	}()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	boot := rand.Uint64()
	self := Meta{NodeID: cfg.NodeID, GRPCAddr: cfg.GRPCAddr, Version: cfg.Version, Name: cfg.Name}
	encoded, err := encodeMeta(self, boot)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	logger := cfg.logger()
	warn := logx.NewLimiter(time.Minute)
	stdLogger := logx.LogLogger(logger, warn) // memberlist's
	if cfg.Transport == nil {
		nt, err := newNetTransport(cfg, stdLogger)
		if err != nil {
			return nil, err
		}
		cfg.Transport = nt
		if cfg.BindPort == 0 {
			cfg.BindPort = nt.GetAutoBindPort()
		}
	}

	base, _ := profileConfig(cfg.Profile) // validated
	tbl := newTable(base.GossipToTheDeadTime, time.Now)
	notify := newNotifier(cfg.OnChange)
	d := newDelegate(cfg.NodeID, encoded, tbl, notify, base.RetransmitMult, logger, warn, cfg.Decoded)
	list, err := memberlist.Create(cfg.memberlistConfig(d, stdLogger))
	if err != nil {
		notify.close()
		return nil, fmt.Errorf("membership: starting gossip for %s: %w", cfg.NodeID, err)
	}
	m = &Membership{
		list:       list,
		del:        d,
		table:      tbl,
		notify:     notify,
		logger:     logger,
		nodeID:     cfg.NodeID,
		boot:       boot,
		gossipAddr: list.LocalNode().Address(),
	}
	m.self = Member{Meta: self, GossipAddr: m.gossipAddr, State: StateAlive, Since: time.Now()}

	if len(cfg.Join) > 0 {
		m.join.Seeds = append([]string(nil), cfg.Join...)
		_, err := m.joinSeeds(cfg.Join)
		m.setJoin(err)
		if err != nil {
			if !cfg.AllowLone {
				_ = list.Shutdown()
				notify.close()
				return nil, err
			}
			every := cfg.rejoinInterval()
			m.join.RetryEvery = every
			logger.Warn("starting alone: no seed answered", logx.KeyReason, err.Error(), "retry_every_ms", every.Milliseconds())
			m.startRejoin(cfg.Join, every)
		}
	}
	if every, window := cfg.reconnect(); every > 0 {
		m.startReconnect(every, window)
	}
	return m, nil
}

// startReconnect starts the loop that, every interval, tries to join one
// member declared dead within window, picked at random: across a
// partition that healed, the join's state exchange tells each side it was
// declared dead, both refute, and the memberships merge. A member that is
// really gone costs a failed dial.
func (m *Membership) startReconnect(every, window time.Duration) {
	m.reconnect = startLoop(every, func() bool {
		lost := m.table.lostSince(window)
		if len(lost) == 0 {
			return false
		}
		addr := lost[rand.IntN(len(lost))]
		if _, err := m.list.Join([]string{addr}); err != nil {
			m.logger.Debug("a member declared dead is still out of reach", logx.KeyAddr, addr, logx.KeyReason, err.Error())
			return false
		}
		m.logger.Info("reached a member declared dead again", logx.KeyAddr, addr)
		return false
	})
}

// stopReconnect ends the reconnect loop, if any, and waits for it (at
// most one join's TCP timeout).
func (m *Membership) stopReconnect() {
	m.reconnect.halt()
	m.reconnect = nil
}

// newNetTransport binds memberlist's UDP+TCP transport. A free port (port
// 0) must be free for both protocols; as memberlist does, try a few times.
func newNetTransport(cfg Config, logger *log.Logger) (*memberlist.NetTransport, error) {
	bind := cfg.BindAddr
	if bind == "" {
		bind = "0.0.0.0"
	}
	nc := &memberlist.NetTransportConfig{BindAddrs: []string{bind}, BindPort: cfg.BindPort, Logger: logger}
	tries := 1
	if cfg.BindPort == 0 {
		tries = 10
	}
	var err error
	for range tries {
		var nt *memberlist.NetTransport
		if nt, err = memberlist.NewNetTransport(nc); err == nil {
			return nt, nil
		}
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	return nil, fmt.Errorf("membership: binding gossip to %s: %w", net.JoinHostPort(bind, strconv.Itoa(cfg.BindPort)), err)
}

// Members returns the live members other than this node, sorted by node ID.
// Suspected members are included (see the package documentation).
func (m *Membership) Members() []Member { return m.table.live() }

// Self returns this node as the others see it: StateAlive while running,
// StateLeft after Leave, StateDead after Shutdown.
func (m *Membership) Self() Member {
	m.selfMu.Lock()
	defer m.selfMu.Unlock()
	return m.self
}

// GossipAddr returns this node's gossip address, host:port, as announced
// to peers (with BindPort 0, the port actually bound).
func (m *Membership) GossipAddr() string { return m.gossipAddr }

// Leave leaves the network gracefully and shuts down: it gossips a leave
// notice, then memberlist's leave message, waiting for each to go out, and
// then stops. The whole takes at most timeout (DefaultLeaveTimeout when
// timeout is 0 or less); an error reports a message that may not have gone
// out, but the node is shut down in any case. Leave after Leave returns
// nil; Leave after Shutdown returns ErrStopped, as the leave did not happen.
func (m *Membership) Leave(timeout time.Duration) error {
	if timeout <= 0 {
		timeout = DefaultLeaveTimeout
	}
	m.life.Lock()
	defer m.life.Unlock()
	if m.stopped {
		if m.Self().State == StateLeft {
			return nil
		}
		return ErrStopped
	}
	m.stopRejoin()
	m.stopReconnect()
	deadline := time.Now().Add(timeout)
	var errs []error
	if m.table.liveCount() > 0 {
		done := make(chan struct{})
		m.del.queue.QueueBroadcast(&noticeBroadcast{nodeID: m.nodeID, msg: encodeLeaveNotice(m.nodeID, m.boot), done: done})
		wait := time.NewTimer(timeout / 2)
		select {
		case <-done:
		case <-wait.C:
			errs = append(errs, fmt.Errorf("membership: leave notice not gossiped within %v", timeout/2))
		}
		wait.Stop()
	}
	if err := m.list.Leave(max(time.Until(deadline), time.Millisecond)); err != nil {
		errs = append(errs, fmt.Errorf("membership: leaving: %w", err))
	}
	if err := m.stop(StateLeft); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Shutdown stops this node without telling the others, which will detect
// it as failed (StateDead). It waits for queued OnChange calls. Safe to
// call more than once; later calls do nothing.
func (m *Membership) Shutdown() error {
	m.life.Lock()
	defer m.life.Unlock()
	if m.stopped {
		return nil
	}
	m.stopRejoin()
	m.stopReconnect()
	return m.stop(StateDead)
}

// stop shuts memberlist and the notifier down and records the final state.
// Called with life held.
func (m *Membership) stop(final State) error {
	m.stopped = true
	err := m.list.Shutdown()
	m.notify.close()
	m.selfMu.Lock()
	m.self.State = final
	m.self.Since = time.Now()
	m.selfMu.Unlock()
	if err != nil {
		return fmt.Errorf("membership: shutting down: %w", err)
	}
	return nil
}
