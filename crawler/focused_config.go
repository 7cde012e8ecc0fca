package crawler

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Defaults of FocusedConfig; DefaultFocusedConfig returns them together.
const (
	// DefaultFocusedMaxPages is the default page budget of a focused crawl.
	DefaultFocusedMaxPages = 30
	// DefaultFocusedMaxTime is the default time budget of a focused crawl.
	DefaultFocusedMaxTime = 10 * time.Second
	// DefaultFocusedMaxDepth: seeds (depth 1) and up to three links away.
	DefaultFocusedMaxDepth = 4
	// DefaultFocusedParallelism is the default number of requests in flight
	// over all hosts.
	DefaultFocusedParallelism = 4
	// DefaultFocusedHostParallelism is the default number of requests in
	// flight to one host.
	DefaultFocusedHostParallelism = 2
	// DefaultFocusedDelay is the default least time between the starts of
	// two requests to one host.
	DefaultFocusedDelay = 200 * time.Millisecond
	// DefaultFocusedRequestTimeout is the default deadline of one request,
	// robots.txt included.
	DefaultFocusedRequestTimeout = 5 * time.Second
	// DefaultFocusedMaxBodySize is the default cap on a response body
	// (2 MiB).
	DefaultFocusedMaxBodySize = 2 << 20
	// DefaultFocusedBatchSize is the default number of documents per
	// Sink.Index call: small, so pages are searchable soon after they
	// arrive.
	DefaultFocusedBatchSize = 8
	// DefaultLeadRatio is the default FocusedConfig.LeadRatio.
	DefaultLeadRatio = 0.5
	// DefaultLeadWait is the default FocusedConfig.LeadWait.
	DefaultLeadWait = time.Second
	// DefaultRelevantThreshold is the default similarity from which a page
	// counts as relevant (see FocusedConfig.RelevantThreshold).
	DefaultRelevantThreshold = 0.15
)

// FocusedConfig tunes a focused crawl (see FocusedCrawl). A zero field
// takes its default (see DefaultFocusedConfig); negative numbers are an
// error.
type FocusedConfig struct {
	// MaxPages is the page budget: the crawl makes at most this many page
	// requests (robots.txt requests are not counted). Default 30.
	MaxPages int
	// MaxTime is the time budget, counted from the call: when it is up,
	// requests in flight are stopped and the crawl returns what it has,
	// without error. Default 10s.
	MaxTime time.Duration
	// MaxDepth is how many links deep the crawl goes: the seeds are depth
	// 1, so 1 fetches only the seeds. Default 4.
	MaxDepth int
	// Parallelism is the most requests in flight over all hosts. Default 4.
	Parallelism int
	// HostParallelism is the most requests in flight to one host; a host
	// gets one until its first request has ended (so its robots.txt is
	// fetched once). Default 2.
	HostParallelism int
	// Delay is the least time between the starts of two requests to one
	// host. Default 200ms.
	Delay time.Duration
	// UserAgent is sent with every request and matched against robots.txt
	// groups. Default DefaultUserAgent.
	UserAgent string
	// RequestTimeout is the deadline of one request, redirects and reading
	// the body included. Default 5s.
	RequestTimeout time.Duration
	// MaxBodySize caps the bytes read of one response; a longer body is cut
	// there and the part read is used. Default 2 MiB.
	MaxBodySize int
	// IgnoreRobots turns off robots.txt, <meta name="robots">,
	// X-Robots-Tag and rel="nofollow". Default false: all are obeyed.
	IgnoreRobots bool
	// SameHostOnly keeps the crawl on the seeds' hosts (each with its
	// "www." twin). Default false: links to any host are followed, since a
	// focused crawl follows a topic, not a site.
	SameHostOnly bool
	// TrustedSeeds lists the URLs the person gave as seeds (configured
	// start pages); the host and port of each may be on any address, a
	// loopback or private one included. Seeds not listed, such as the top
	// results of engines and peers, are trusted no more than links.
	// Default none.
	TrustedSeeds []string
	// AllowPrivate lets the crawl connect to loopback, private and
	// link-local addresses anywhere, and through a proxy from the
	// environment. Default false: only the hosts of TrustedSeeds may be on
	// such addresses, so no page, engine or peer can steer the crawl into
	// the person's own machine or network.
	AllowPrivate bool
	// LeadRatio and LeadWait keep parallel fetches from spending the page
	// budget on poor links while a promising page is on its way: while a
	// link of priority p has been in flight for less than LeadWait, only
	// links of priority at least LeadRatio·p start (seeds always do). So
	// a crawl follows a lead as far as it goes before it spreads out, and
	// a slow or hanging page holds it up for LeadWait at most. LeadRatio
	// must be at most 1; a tiny one turns the rule off. Defaults 0.5 and
	// 1s.
	LeadRatio float64
	LeadWait  time.Duration
	// BatchSize is the number of documents handed to Sink.Index at once;
	// pages are indexed as they arrive, a batch at a time, and the last
	// partial batch when the crawl ends. Default 8.
	BatchSize int
	// RelevantThreshold is the similarity to the query (see FocusQuery)
	// from which a fetched page counts as relevant in the report. It must
	// be at most 1. Default 0.15.
	RelevantThreshold float64
	// Scoring weighs the parts of a link's priority. A zero FocusScoring
	// takes DefaultFocusScoring; any other is used as given, so a part can
	// be switched off by setting its weight to 0.
	Scoring FocusScoring
	// Progress, if not nil, is called after each response with the number
	// of pages fetched so far, -1, and the page URL. Calls never overlap.
	Progress Progress
}

// FocusScoring weighs the parts of a link's priority in a focused crawl.
// For a link ℓ found on page p, at depth d (p is at d−1):
//
//	A(ℓ) = sim(anchor text of ℓ, Q)
//	U(ℓ) = sim(words of ℓ's path and query string, Q)
//	I(ℓ) = max(sim(p, Q), Decay·I(p))      (I of a seed is 0)
//	priority(ℓ) = Anchor·A + URL·U + Parent·I + DepthBonus/(d−1) − HostPenalty·n(host of ℓ)
//
// where sim is the cosine similarity of FocusQuery (see there) and n(h) the
// number of pages already requested from host h when the link is picked.
// I is the "shark search" inheritance: the children of a relevant page
// inherit its relevance, and the relevance of an ancestor fades by Decay
// at every link of a path through irrelevant pages. A link found on
// several pages keeps its highest priority and least depth. Seeds go
// before every link, in the order given; links of equal priority go in
// the order found, so with every weight but DepthBonus at 0 the crawl is
// breadth-first.
type FocusScoring struct {
	// Anchor weighs the anchor text's similarity. Default 0.4.
	Anchor float64
	// URL weighs the similarity of the link's URL words. Default 0.1.
	URL float64
	// Parent weighs the inherited relevance I. Default 0.5.
	Parent float64
	// Decay is how much of an ancestor's relevance survives one more link,
	// 0 to 1. Default 0.5.
	Decay float64
	// DepthBonus favours links near the seeds a little. Default 0.05.
	DepthBonus float64
	// HostPenalty is taken off a link's priority per page already
	// requested from its host, so one large site does not take the whole
	// budget. Default 0.005.
	HostPenalty float64
}

// DefaultFocusScoring returns the default weights of a link's priority.
func DefaultFocusScoring() FocusScoring {
	return FocusScoring{Anchor: 0.4, URL: 0.1, Parent: 0.5, Decay: 0.5, DepthBonus: 0.05, HostPenalty: 0.005}
}

// DefaultFocusedConfig returns the default focused crawl settings.
func DefaultFocusedConfig() FocusedConfig {
	return FocusedConfig{
		MaxPages:          DefaultFocusedMaxPages,
		MaxTime:           DefaultFocusedMaxTime,
		MaxDepth:          DefaultFocusedMaxDepth,
		Parallelism:       DefaultFocusedParallelism,
		HostParallelism:   DefaultFocusedHostParallelism,
		Delay:             DefaultFocusedDelay,
		UserAgent:         DefaultUserAgent,
		RequestTimeout:    DefaultFocusedRequestTimeout,
		MaxBodySize:       DefaultFocusedMaxBodySize,
		LeadRatio:         DefaultLeadRatio,
		LeadWait:          DefaultLeadWait,
		BatchSize:         DefaultFocusedBatchSize,
		RelevantThreshold: DefaultRelevantThreshold,
		Scoring:           DefaultFocusScoring(),
	}
}

// withDefaults checks cfg and fills its zero fields with defaults.
func (cfg FocusedConfig) withDefaults() (FocusedConfig, error) {
	errs := negatives(
		field{"MaxPages", int64(cfg.MaxPages)}, field{"MaxTime", int64(cfg.MaxTime)},
		field{"MaxDepth", int64(cfg.MaxDepth)}, field{"Parallelism", int64(cfg.Parallelism)},
		field{"HostParallelism", int64(cfg.HostParallelism)}, field{"Delay", int64(cfg.Delay)},
		field{"RequestTimeout", int64(cfg.RequestTimeout)}, field{"MaxBodySize", int64(cfg.MaxBodySize)},
		field{"BatchSize", int64(cfg.BatchSize)}, field{"LeadWait", int64(cfg.LeadWait)},
	)
	if r := cfg.LeadRatio; math.IsNaN(r) || r < 0 || r > 1 {
		errs = append(errs, fmt.Errorf("LeadRatio %v is not between 0 and 1", r))
	}
	if t := cfg.RelevantThreshold; math.IsNaN(t) || t < 0 || t > 1 {
		errs = append(errs, fmt.Errorf("RelevantThreshold %v is not between 0 and 1", t))
	}
	if err := cfg.Scoring.check(); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return cfg, fmt.Errorf("crawler: invalid FocusedConfig: %w", err)
	}
	d := DefaultFocusedConfig()
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&cfg.MaxPages, d.MaxPages)
	setDur(&cfg.MaxTime, d.MaxTime)
	setInt(&cfg.MaxDepth, d.MaxDepth)
	setInt(&cfg.Parallelism, d.Parallelism)
	setInt(&cfg.HostParallelism, d.HostParallelism)
	setDur(&cfg.Delay, d.Delay)
	setDur(&cfg.RequestTimeout, d.RequestTimeout)
	setInt(&cfg.MaxBodySize, d.MaxBodySize)
	setInt(&cfg.BatchSize, d.BatchSize)
	setDur(&cfg.LeadWait, d.LeadWait)
	if cfg.LeadRatio == 0 {
		cfg.LeadRatio = d.LeadRatio
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = d.UserAgent
	}
	if cfg.RelevantThreshold == 0 {
		cfg.RelevantThreshold = d.RelevantThreshold
	}
	if cfg.Scoring == (FocusScoring{}) {
		cfg.Scoring = d.Scoring
	}
	return cfg, nil
}

// check reports weights that are not finite and non-negative, and a Decay
// above 1.
func (s FocusScoring) check() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    float64
	}{
		{"Anchor", s.Anchor}, {"URL", s.URL}, {"Parent", s.Parent},
		{"Decay", s.Decay}, {"DepthBonus", s.DepthBonus}, {"HostPenalty", s.HostPenalty},
	} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) || f.v < 0 {
			errs = append(errs, fmt.Errorf("Scoring.%s %v is not a finite non-negative number", f.name, f.v))
		}
	}
	if s.Decay > 1 {
		errs = append(errs, fmt.Errorf("Scoring.Decay %v is above 1", s.Decay))
	}
	return errors.Join(errs...)
}

// webConfig is the WebConfig of the parts of the web crawler a focused
// crawl reuses (fetching, page reading, de-duplication, sink batching).
func (cfg FocusedConfig) webConfig() WebConfig {
	return WebConfig{
		UserAgent:      cfg.UserAgent,
		MaxDepth:       cfg.MaxDepth,
		MaxPages:       cfg.MaxPages,
		Parallelism:    cfg.HostParallelism,
		Delay:          cfg.Delay,
		MaxBodySize:    cfg.MaxBodySize,
		RequestTimeout: cfg.RequestTimeout,
		IgnoreRobots:   cfg.IgnoreRobots,
		AllowPrivate:   cfg.AllowPrivate,
		BatchSize:      cfg.BatchSize,
		Progress:       cfg.Progress,
	}
}
