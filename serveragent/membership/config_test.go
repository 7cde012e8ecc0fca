package membership

import (
	"errors"
	"fmt"
	"github.com/p2pir/p2pir/internal/logx"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/memberlist"

	"github.com/p2pir/p2pir/internal/testenv"
)

// validConfig is a Config that Start accepts (on a MemNetwork).
func validConfig(t *testing.T) Config {
	t.Helper()
	return nodeConfig(t, memNet(), "config")
}

// Claim: DefaultConfig holds the documented defaults.
func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	if c.BindAddr != "0.0.0.0" || c.BindPort != DefaultGossipPort || c.Profile != ProfileLAN || c.RejoinInterval != DefaultRejoinInterval {
		t.Errorf("DefaultConfig() = %+v", c)
	}
	if c.AllowLone || c.SecretKey != nil || c.Transport != nil || len(c.Join) != 0 {
		t.Errorf("DefaultConfig() sets optional fields: %+v", c)
	}
}

// Claim: Start refuses a Config that cannot work with ErrInvalidConfig,
// naming the field, starts nothing, and shuts the given transport down.
func TestStartRefusesInvalidConfig(t *testing.T) {
	cases := []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"no node ID", func(c *Config) { c.NodeID = "" }, "node ID"},
		{"malformed node ID", func(c *Config) { c.NodeID = "node-1" }, "node ID"},
		{"no gRPC address", func(c *Config) { c.GRPCAddr = "" }, "gRPC address"},
		{"unspecified gRPC host", func(c *Config) { c.GRPCAddr = "[::]:7070" }, "gRPC address"},
		{"version too long", func(c *Config) { c.Version = strings.Repeat("v", MaxVersionLen+1) }, "version"},
		{"bind address not an IP", func(c *Config) { c.BindAddr = "localhost" }, "BindAddr"},
		{"advertise address not an IP", func(c *Config) { c.AdvertiseAddr = "example.org" }, "AdvertiseAddr"},
		{"negative port", func(c *Config) { c.BindPort = -1 }, "BindPort"},
		{"port too large", func(c *Config) { c.BindPort = 65536 }, "BindPort"},
		{"advertise port too large", func(c *Config) { c.AdvertisePort = 70000 }, "AdvertisePort"},
		{"empty seed", func(c *Config) { c.Join = []string{"127.1.0.1:7946", ""} }, "Join[1]"},
		{"negative rejoin interval", func(c *Config) { c.RejoinInterval = -time.Second }, "RejoinInterval"},
		{"negative reconnect window", func(c *Config) { c.ReconnectFor = -time.Second }, "ReconnectFor"},
		{"key of 31 bytes", func(c *Config) { c.SecretKey = make([]byte, 31) }, "SecretKey"},
		{"unknown profile", func(c *Config) { c.Profile = "fast" }, "profile"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := validConfig(t)
			tc.change(&cfg)
			m, err := Start(cfg)
			if err == nil {
				_ = m.Shutdown()
				t.Fatal("Start accepted the config")
			}
			if !errors.Is(err, ErrInvalidConfig) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Start = %v, want ErrInvalidConfig mentioning %q", err, tc.want)
			}
			tr := cfg.Transport.(*MemTransport)
			if _, err := tr.WriteTo([]byte("x"), tr.Addr()); !errors.Is(err, errTransportShutdown) {
				t.Errorf("transport still usable after the failed Start: %v", err)
			}
		})
	}
}

// Claim: each profile gives memberlist its own timings (local with the two
// documented changes), and every memberlist setting this package relies on
// is set: the node ID as name, the key, the delegates, reclaiming a dead
// name, a logger.
func TestMemberlistConfig(t *testing.T) {
	cases := []struct {
		profile string
		base    *memberlist.Config
	}{
		{"", memberlist.DefaultLANConfig()},
		{ProfileLAN, memberlist.DefaultLANConfig()},
		{ProfileWAN, memberlist.DefaultWANConfig()},
		{ProfileLocal, memberlist.DefaultLocalConfig()},
	}
	for _, tc := range cases {
		t.Run("profile "+tc.profile, func(t *testing.T) {
			cfg := Config{NodeID: testNodeID("mc"), GRPCAddr: "grpc.test:7070", Profile: tc.profile, BindPort: 7000, SecretKey: make([]byte, 32)}
			d := &delegate{}
			mc := cfg.memberlistConfig(d, logx.LogLogger(cfg.logger(), nil))
			if mc.ProbeInterval != tc.base.ProbeInterval || mc.ProbeTimeout != tc.base.ProbeTimeout ||
				mc.SuspicionMult != tc.base.SuspicionMult || mc.TCPTimeout != tc.base.TCPTimeout || mc.GossipInterval != tc.base.GossipInterval {
				t.Errorf("timings differ from memberlist's profile: %+v", mc)
			}
			wantMult, wantPushPull := tc.base.RetransmitMult, tc.base.PushPullInterval
			if tc.profile == ProfileLocal {
				wantMult, wantPushPull = localRetransmitMult, localPushPullInterval
			}
			if mc.RetransmitMult != wantMult || mc.PushPullInterval != wantPushPull {
				t.Errorf("RetransmitMult %d, PushPullInterval %v; want %d, %v", mc.RetransmitMult, mc.PushPullInterval, wantMult, wantPushPull)
			}
			if mc.Name != cfg.NodeID || mc.BindAddr != "0.0.0.0" || mc.BindPort != 7000 || mc.AdvertisePort != 7000 || len(mc.SecretKey) != 32 {
				t.Errorf("identity or addresses not passed on: %+v", mc)
			}
			if mc.Delegate != d || mc.Events != d || mc.Alive != d || mc.Conflict != d {
				t.Error("delegates not set")
			}
			if mc.DeadNodeReclaimTime <= 0 || mc.Logger == nil {
				t.Errorf("DeadNodeReclaimTime %v, Logger %v", mc.DeadNodeReclaimTime, mc.Logger)
			}
		})
	}
}

// Claim: ProfileSim is ProfileLocal with the documented departures: a
// slower, more tolerant failure detector, slower gossip to more targets in
// larger packets, a slower push-pull (which memberlist itself stretches
// with the network's size).
func TestSimProfile(t *testing.T) {
	cfg := Config{NodeID: testNodeID("sim"), GRPCAddr: "grpc.test:7070", Profile: ProfileSim}
	if err := cfg.validate(); err != nil {
		t.Fatalf("validate: %v", err)
	}
	mc := cfg.memberlistConfig(&delegate{}, logx.LogLogger(cfg.logger(), nil))
	local := localConfig()
	if mc.ProbeInterval != simProbeInterval || mc.ProbeTimeout != simProbeTimeout || mc.SuspicionMult != simSuspicionMult ||
		mc.GossipNodes != simGossipNodes || mc.UDPBufferSize != simPacketSize || mc.TCPTimeout != simTCPTimeout ||
		mc.GossipInterval != simGossipInterval || mc.PushPullInterval != simPushPullInterval {
		t.Errorf("sim departures not applied: %+v", mc)
	}
	if mc.ProbeInterval <= local.ProbeInterval || mc.ProbeTimeout <= local.ProbeTimeout || mc.UDPBufferSize <= local.UDPBufferSize {
		t.Errorf("sim profile is not slower and roomier than local: probe %v/%v, packets %d", mc.ProbeInterval, mc.ProbeTimeout, mc.UDPBufferSize)
	}
	if mc.RetransmitMult != localRetransmitMult || mc.EnableCompression || mc.IndirectChecks != local.IndirectChecks {
		t.Errorf("sim profile lost local's settings: %+v", mc)
	}
}

// Claim: members with ProfileSim on an in-memory network, joining one
// after another through the first, all come to know each other: the
// profile's slower probes and larger packets still converge.
func TestSimProfileConverges(t *testing.T) {
	const count = 24
	tn := memNet()
	var nodes []*node
	for i := range count {
		cfg := nodeConfig(t, tn, fmt.Sprintf("sim%d", i))
		cfg.Profile = ProfileSim
		if i > 0 {
			cfg.Join = []string{nodes[0].GossipAddr()}
		}
		nodes = append(nodes, startNode(t, cfg))
	}
	fewest := func() int {
		least := count
		for _, n := range nodes {
			least = min(least, len(n.Members()))
		}
		return least
	}
	// Gossip usually converges in seconds; a join message a member missed
	// (a loaded machine delays the sends past their retransmissions) is
	// repaired by the next push-pull, simPushPullInterval later, so the
	// bound for a hang must outlast one.
	testenv.WaitForState(t, "every member to know every other", 3*simPushPullInterval, func() bool { return fewest() == count-1 },
		func() string { return fmt.Sprintf("a member knows only %d of the %d others", fewest(), count-1) })
}
