package crawler

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of WebConfig; DefaultWebConfig returns them together.
const (
	// DefaultUserAgent names the crawler honestly and says where to learn
	// about it.
	DefaultUserAgent = "p2pir/0.1 (+https://github.com/p2pir/p2pir)"
	// DefaultWebMaxDepth: the seeds (depth 1) and the pages they link to.
	DefaultWebMaxDepth = 2
	// DefaultWebMaxPages is the default page budget of one crawl.
	DefaultWebMaxPages = 100
	// DefaultWebParallelism is the default number of concurrent requests to
	// one host.
	DefaultWebParallelism = 2
	// DefaultWebDelay is the default least time between the starts of two
	// requests to one host.
	DefaultWebDelay = time.Second
	// DefaultWebMaxBodySize is the default cap on a response body (5 MiB).
	DefaultWebMaxBodySize = 5 << 20
	// DefaultWebRequestTimeout is the default deadline of one HTTP request,
	// robots.txt included.
	DefaultWebRequestTimeout = 15 * time.Second
	// DefaultWebBatchSize is the default number of documents per Sink.Index
	// call.
	DefaultWebBatchSize = 64
)

// WebConfig tunes a web crawl. A zero field takes its default (see
// DefaultWebConfig); negative numbers are an error.
type WebConfig struct {
	// UserAgent is sent with every request and matched against robots.txt
	// groups. Default DefaultUserAgent.
	UserAgent string
	// MaxDepth is how many links deep the crawl goes: the seeds are depth
	// 1, so 1 fetches only the seeds and 2 also the pages they link to.
	// Default 2.
	MaxDepth int
	// MaxPages is the page budget: the crawl makes at most this many page
	// requests (robots.txt requests not counted), so it never indexes more
	// than MaxPages documents. Default 100.
	MaxPages int
	// AllowedDomains lists the host names (no scheme or port) the crawl may
	// visit; a name and its "www." form count as one site. Default: the
	// hosts of the seeds.
	AllowedDomains []string
	// Parallelism is the most concurrent requests to one host. Default 2.
	Parallelism int
	// Delay is the least time between the starts of two requests to one
	// host. Default 1s.
	Delay time.Duration
	// MaxBodySize caps the bytes read of one response; a longer body is cut
	// there and the part read is indexed. Default 5 MiB.
	MaxBodySize int
	// RequestTimeout is the deadline of one request, redirects and reading
	// the body included. Default 15s.
	RequestTimeout time.Duration
	// IgnoreRobots turns off robots.txt. Default false: robots.txt is
	// obeyed, and so are <meta name="robots"> and X-Robots-Tag "noindex" and
	// "nofollow", and rel="nofollow" on links.
	IgnoreRobots bool
	// AllowPrivate lets the crawl connect to loopback, private and
	// link-local addresses anywhere, not only at the seeds' host and port,
	// and through a proxy from the environment. Default false: links and
	// redirects to such addresses are refused (see Crawl), so a page
	// cannot steer the crawler into the person's own machine or network.
	AllowPrivate bool
	// BatchSize is the number of documents handed to Sink.Index at once.
	// Default 64.
	BatchSize int
	// Progress, if not nil, is called after each fetched page with the
	// number of pages fetched so far, -1, and the page URL. Calls never
	// overlap.
	Progress Progress
}

// DefaultWebConfig returns the default web crawl settings.
func DefaultWebConfig() WebConfig {
	return WebConfig{
		UserAgent:      DefaultUserAgent,
		MaxDepth:       DefaultWebMaxDepth,
		MaxPages:       DefaultWebMaxPages,
		Parallelism:    DefaultWebParallelism,
		Delay:          DefaultWebDelay,
		MaxBodySize:    DefaultWebMaxBodySize,
		RequestTimeout: DefaultWebRequestTimeout,
		BatchSize:      DefaultWebBatchSize,
	}
}

// withDefaults checks cfg and fills its zero fields with defaults.
func (cfg WebConfig) withDefaults() (WebConfig, error) {
	errs := negatives(
		field{"MaxDepth", int64(cfg.MaxDepth)}, field{"MaxPages", int64(cfg.MaxPages)},
		field{"Parallelism", int64(cfg.Parallelism)}, field{"Delay", int64(cfg.Delay)},
		field{"MaxBodySize", int64(cfg.MaxBodySize)}, field{"RequestTimeout", int64(cfg.RequestTimeout)},
		field{"BatchSize", int64(cfg.BatchSize)},
	)
	if err := errors.Join(errs...); err != nil {
		return cfg, fmt.Errorf("crawler: invalid WebConfig: %w", err)
	}
	d := DefaultWebConfig()
	if cfg.UserAgent == "" {
		cfg.UserAgent = d.UserAgent
	}
	if cfg.MaxDepth == 0 {
		cfg.MaxDepth = d.MaxDepth
	}
	if cfg.MaxPages == 0 {
		cfg.MaxPages = d.MaxPages
	}
	if cfg.Parallelism == 0 {
		cfg.Parallelism = d.Parallelism
	}
	if cfg.Delay == 0 {
		cfg.Delay = d.Delay
	}
	if cfg.MaxBodySize == 0 {
		cfg.MaxBodySize = d.MaxBodySize
	}
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = d.RequestTimeout
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = d.BatchSize
	}
	return cfg, nil
}

// field is a named numeric setting, for negatives.
type field struct {
	name string
	v    int64
}

// negatives returns an error for each setting below zero (durations and
// counts alike: zero means "the default", negative is a mistake).
func negatives(fs ...field) []error {
	var errs []error
	for _, f := range fs {
		if f.v < 0 {
			errs = append(errs, fmt.Errorf("%s is negative (%d)", f.name, f.v))
		}
	}
	return errs
}
