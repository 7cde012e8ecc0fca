package membership

import (
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/p2pir/p2pir/internal/logx"
)

// Gossip timing profiles, each one of memberlist's own.
const (
	// ProfileLAN is memberlist.DefaultLANConfig: 1 s probes, 500 ms probe
	// timeout, 30 s push-pull. The default.
	ProfileLAN = "lan"
	// ProfileWAN is memberlist.DefaultWANConfig: slower and more tolerant
	// timings for peers across the internet.
	ProfileWAN = "wan"
	// ProfileLocal is memberlist.DefaultLocalConfig (fast timeouts: 1 s
	// probes, 200 ms probe timeout, 1 s TCP timeout) for loopback, tests
	// and in-process simulations, with two changes so that a few dozen
	// nodes converge within seconds: broadcasts are retransmitted as on a
	// LAN (RetransmitMult 4, not 2, which leaves a node or two unaware of a
	// join in one of every few 16-node networks) and a full push-pull
	// state exchange runs every 5 s instead of 15 s to repair what gossip
	// missed. And messages are not compressed: loopback and memory have
	// bandwidth to spare, while memberlist's LZW allocates a 64 KiB table
	// per message (a third of the heap of 200 in-memory nodes). Members
	// of other profiles still read them, and compressed messages are read
	// either way.
	ProfileLocal = "local"
	// ProfileSim is for simulations of hundreds to thousands of nodes on
	// one machine (in memory or on loopback), where every node's timers
	// share the same few cores: ProfileLocal, with the failure detector
	// slowed and made tolerant of a loaded CPU and fewer, larger gossip
	// messages. Each node probes one other every simProbeInterval (30 s,
	// not 1 s), waits simProbeTimeout (10 s, not 200 ms) and suspects for
	// simSuspicionMult (6) × log10(N) probe intervals: in a simulation no
	// node fails unless the experiment stops it, and on a starved machine
	// short timeouts turn into false suspicions, each refuted by another
	// broadcast, until the broadcasts themselves starve it (730 nodes with
	// 5 s probes and 2 s timeouts on a 2-core machine at load 13 grew to
	// 7.5 GB in a minute of suspicions). It gossips every simGossipInterval (2 s, not
	// 200 ms: 1,000 nodes ticking five times a second kept two cores
	// busy) to simGossipNodes (4) nodes in packets of up to simPacketSize
	// (16 KiB, about 100 join messages, where the 1,400 bytes of a real
	// network's MTU hold 8: a network started at once queues a join per
	// node on every node), and exchanges full state every
	// simPushPullInterval (60 s), which memberlist itself stretches with
	// the network's size (× 6 at 1,000 nodes). A push-pull sends and
	// merges every member, and memberlist vets each merged member with
	// the alive delegate again: at 1,000 nodes, with a 15 s interval,
	// push-pulls and gossip took a fifth of a run's CPU whatever the
	// experiment did. A simulation starts its nodes together and has
	// each pull the full list once (node.Node.SyncMembers), so the
	// periodic exchange only repairs what gossip missed. Loopback and
	// memory carry 16 KiB datagrams; a real network does not, so this
	// profile is not for one.
	ProfileSim = "sim"
)

// ProfileSim's departures from ProfileLocal.
const (
	simProbeInterval    = 30 * time.Second
	simProbeTimeout     = 10 * time.Second
	simSuspicionMult    = 6
	simGossipInterval   = 2 * time.Second
	simGossipNodes      = 4
	simPacketSize       = 16 << 10
	simTCPTimeout       = 10 * time.Second
	simPushPullInterval = 60 * time.Second
)

// ProfileLocal's departures from memberlist.DefaultLocalConfig.
const (
	localRetransmitMult   = 4
	localPushPullInterval = 5 * time.Second
)

// DefaultGossipPort is the gossip port of DefaultConfig, memberlist's usual
// one.
const DefaultGossipPort = 7946

// DefaultRejoinInterval is how often a lone node (AllowLone) tries its
// seeds again when Config.RejoinInterval is zero.
const DefaultRejoinInterval = 30 * time.Second

// DefaultReconnectInterval is how often a node tries to reach a member it
// declared dead when Config.ReconnectInterval is zero (serf's interval).
const DefaultReconnectInterval = 30 * time.Second

// localReconnectInterval is ProfileLocal's ReconnectInterval: on loopback
// a partition heals in seconds.
const localReconnectInterval = 2 * time.Second

// DefaultReconnectFor is how long a member declared dead is tried again
// when Config.ReconnectFor is zero (serf's reconnect timeout).
const DefaultReconnectFor = 24 * time.Hour

// DefaultLeaveTimeout is the time Leave allows itself when given none.
const DefaultLeaveTimeout = 5 * time.Second

// Config configures a Membership. The zero value of each field has the
// meaning documented on it; DefaultConfig fills in the usual values.
type Config struct {
	// NodeID is this node's ID (identity.NodeIDFromPublicKey) and its
	// memberlist name. Required.
	NodeID string
	// GRPCAddr is the host:port peers dial for this node's gRPC service:
	// a reachable address, not 0.0.0.0. Required.
	GRPCAddr string
	// Version is this node's software version, announced to peers
	// (at most MaxVersionLen bytes; may be empty).
	Version string
	// Name is this node's name for people, announced to peers
	// (ValidateName; may be empty).
	Name string

	// BindAddr is the IP address the gossip transport listens on; "" means
	// 0.0.0.0 (all interfaces). Ignored when Transport is set.
	BindAddr string
	// BindPort is the gossip port (UDP and TCP); 0 picks a free one, which
	// GossipAddr reports. Ignored when Transport is set. DefaultConfig:
	// DefaultGossipPort.
	BindPort int
	// AdvertiseAddr is the IP address announced to peers; "" derives it
	// from BindAddr (for 0.0.0.0, memberlist picks a private address of
	// this host and fails if there is none: then set this). Set it too
	// when peers reach this node through NAT.
	AdvertiseAddr string
	// AdvertisePort is the port announced to peers; 0 means the bound port.
	AdvertisePort int

	// Join lists seeds: gossip addresses (host:port, or host for
	// BindPort) of any members of the network to join. Empty: this node
	// starts a new network.
	Join []string
	// AllowLone lets Start succeed when no seed answers: the node runs
	// alone and tries the seeds again every RejoinInterval until one
	// answers. When false (the default) Start fails with ErrJoinFailed.
	AllowLone bool
	// RejoinInterval is the pause between two attempts of a lone node to
	// reach its seeds; 0 means DefaultRejoinInterval.
	RejoinInterval time.Duration

	// ReconnectInterval is how often the node tries to reach again one of
	// the members it declared dead (not those that left), picked at
	// random: after a partition each side declares the other dead, and
	// memberlist alone never brings them back together once it stops
	// gossiping to the dead (GossipToTheDeadTime, 15 to 30 s); a reconnect
	// across a healed partition makes both sides refute their deaths and
	// the two memberships merge. 0: DefaultReconnectInterval, or
	// localReconnectInterval (2 s) for ProfileLocal; negative: never.
	ReconnectInterval time.Duration
	// ReconnectFor is how long after its death a member is tried again.
	// 0: DefaultReconnectFor. At most maxLost (256) members are tried,
	// the most recent deaths.
	ReconnectFor time.Duration

	// SecretKey is the gossip encryption key (AES-GCM; 16, 24 or 32 bytes;
	// derive it with identity.MemberlistKey). nil: an open network.
	SecretKey []byte

	// Profile names memberlist's timing profile: ProfileLAN (the default
	// when ""), ProfileWAN, ProfileLocal or ProfileSim.
	Profile string

	// Transport carries the gossip. nil: memberlist's UDP+TCP transport on
	// BindAddr:BindPort. For in-process simulations give each node a
	// transport of a shared MemNetwork. Start takes it over: a failed
	// Start, Shutdown and Leave shut it down. memberlist's MockNetwork
	// transports work only while no node stops (see the package
	// documentation).
	Transport memberlist.Transport

	// Logger receives this package's log lines and memberlist's (bridged
	// from its *log.Logger at their levels: memberlist's debug lines are
	// many). Warnings about one member or one complaint repeat at most
	// once a minute. nil: they are discarded.
	Logger *slog.Logger

	// OnChange, if set, is called for every change of another member:
	// join, metadata or address update, leave, failure. It runs on a
	// goroutine of its own, one call at a time, in order; it must not call
	// Leave or Shutdown (they wait for it). Never called for this node.
	OnChange func(Member)
	// Decoded keeps members' metadata decoded, by its bytes (see
	// NewDecoded). Members of one process (a simulation) may share one,
	// so that each member's metadata is decoded once rather than once per
	// member. Default nil: the member keeps its own.
	Decoded *Decoded
}

// DefaultConfig returns a Config with the usual values: all interfaces,
// DefaultGossipPort, the LAN profile, DefaultRejoinInterval. NodeID and
// GRPCAddr must still be set.
func DefaultConfig() Config {
	return Config{
		BindAddr:       "0.0.0.0",
		BindPort:       DefaultGossipPort,
		Profile:        ProfileLAN,
		RejoinInterval: DefaultRejoinInterval,
	}
}

// ErrInvalidConfig is returned (wrapped) by Start for a Config that cannot
// work.
var ErrInvalidConfig = errors.New("membership: invalid config")

// validate checks everything that can be checked before memberlist starts.
func (c Config) validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...)
	}
	if err := (Meta{NodeID: c.NodeID, GRPCAddr: c.GRPCAddr, Version: c.Version, Name: c.Name}).Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if c.BindAddr != "" && net.ParseIP(c.BindAddr) == nil {
		return bad("BindAddr %q is not an IP address", c.BindAddr)
	}
	if c.AdvertiseAddr != "" && net.ParseIP(c.AdvertiseAddr) == nil {
		return bad("AdvertiseAddr %q is not an IP address", c.AdvertiseAddr)
	}
	if c.BindPort < 0 || c.BindPort > 65535 {
		return bad("BindPort %d is not in 0..65535", c.BindPort)
	}
	if c.AdvertisePort < 0 || c.AdvertisePort > 65535 {
		return bad("AdvertisePort %d is not in 0..65535", c.AdvertisePort)
	}
	for i, s := range c.Join {
		if s == "" {
			return bad("Join[%d] is empty", i)
		}
	}
	if c.RejoinInterval < 0 {
		return bad("RejoinInterval %v is negative", c.RejoinInterval)
	}
	if c.ReconnectFor < 0 {
		return bad("ReconnectFor %v is negative", c.ReconnectFor)
	}
	switch len(c.SecretKey) {
	case 0, 16, 24, 32:
	default:
		return bad("SecretKey has %d bytes, want 16, 24 or 32 (use identity.MemberlistKey)", len(c.SecretKey))
	}
	if _, err := profileConfig(c.Profile); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	return nil
}

// profileConfig returns memberlist's configuration for a profile name.
func profileConfig(name string) (*memberlist.Config, error) {
	switch name {
	case "", ProfileLAN:
		return memberlist.DefaultLANConfig(), nil
	case ProfileWAN:
		return memberlist.DefaultWANConfig(), nil
	case ProfileLocal:
		return localConfig(), nil
	case ProfileSim:
		c := localConfig()
		c.ProbeInterval = simProbeInterval
		c.ProbeTimeout = simProbeTimeout
		c.SuspicionMult = simSuspicionMult
		c.GossipInterval = simGossipInterval
		c.GossipNodes = simGossipNodes
		c.UDPBufferSize = simPacketSize
		c.TCPTimeout = simTCPTimeout
		c.PushPullInterval = simPushPullInterval
		return c, nil
	}
	return nil, fmt.Errorf("unknown profile %q, want %q, %q, %q or %q", name, ProfileLAN, ProfileWAN, ProfileLocal, ProfileSim)
}

// localConfig is ProfileLocal's memberlist configuration.
func localConfig() *memberlist.Config {
	c := memberlist.DefaultLocalConfig()
	c.RetransmitMult = localRetransmitMult
	c.PushPullInterval = localPushPullInterval
	c.EnableCompression = false
	return c
}

// rejoinInterval is RejoinInterval with its default applied.
func (c Config) rejoinInterval() time.Duration {
	if c.RejoinInterval == 0 {
		return DefaultRejoinInterval
	}
	return c.RejoinInterval
}

// reconnect is ReconnectInterval and ReconnectFor with their defaults
// applied (every <= 0: never).
func (c Config) reconnect() (every, window time.Duration) {
	every, window = c.ReconnectInterval, c.ReconnectFor
	if every == 0 {
		every = DefaultReconnectInterval
		if c.Profile == ProfileLocal {
			every = localReconnectInterval
		}
	}
	if window == 0 {
		window = DefaultReconnectFor
	}
	return every, window
}

// logger is Logger or a discarding one.
func (c Config) logger() *slog.Logger { return logx.OrDiscard(c.Logger) }

// memberlistConfig builds memberlist's configuration from a validated
// Config; d serves as every delegate.
func (c Config) memberlistConfig(d *delegate, logger *log.Logger) *memberlist.Config {
	mc, _ := profileConfig(c.Profile) // validated
	mc.Name = c.NodeID
	mc.BindAddr = c.BindAddr
	if mc.BindAddr == "" {
		mc.BindAddr = "0.0.0.0"
	}
	mc.BindPort = c.BindPort
	mc.AdvertiseAddr = c.AdvertiseAddr
	mc.AdvertisePort = c.AdvertisePort
	if mc.AdvertisePort == 0 {
		// memberlist replaces it with the bound port when BindPort is 0;
		// otherwise the bound port is BindPort.
		mc.AdvertisePort = c.BindPort
	}
	mc.SecretKey = c.SecretKey
	mc.Transport = c.Transport
	mc.Logger = logger
	mc.Delegate = d
	mc.Events = d
	mc.Alive = d
	mc.Conflict = d
	// A node ID that died may come back at another address (a restart on
	// another port) as soon as it was declared dead. memberlist's default,
	// 0, never allows it, and any longer wait lets members that declared
	// the death at slightly different times disagree for a whole push-pull
	// interval.
	mc.DeadNodeReclaimTime = time.Nanosecond
	return mc
}
