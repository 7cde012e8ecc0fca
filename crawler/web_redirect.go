package crawler

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"

	"github.com/p2pir/p2pir/internal/netguard"
)

// maxRedirects is how many redirects one request follows (as net/http's
// default client does).
const maxRedirects = 10

// maxRobotsBytes caps the robots.txt read for a redirect's target (500 KiB
// is what the major crawlers read; the rest of a longer file is ignored).
const maxRobotsBytes = 500 << 10

// redirectGuard is the redirect policy of a crawl's collector. colly
// checks robots.txt for the URL it is asked to fetch but not for the
// targets of its redirects, so a page could redirect the crawler to a path
// robots.txt disallows; redirectGuard checks every hop's target against
// its host's robots.txt (unless robots.txt is ignored) and stops after
// maxRedirects hops. robots.txt files are fetched through the crawl's
// transport, so its deadline and address policy hold for them too, and
// kept for the rest of the crawl.
type redirectGuard struct {
	userAgent    string
	ignoreRobots bool
	timeout      time.Duration // of one robots.txt request
	client       *http.Client

	mu     sync.Mutex
	robots map[string]*robotstxt.RobotsData // by scheme://host
}

// newRedirectGuard returns the redirect policy of a crawl whose requests
// go through transport.
func newRedirectGuard(cfg WebConfig, transport http.RoundTripper) *redirectGuard {
	return &redirectGuard{
		userAgent:    cfg.UserAgent,
		ignoreRobots: cfg.IgnoreRobots,
		timeout:      cfg.RequestTimeout,
		client:       &http.Client{Transport: transport},
		robots:       make(map[string]*robotstxt.RobotsData),
	}
}

// check is colly's redirect handler: it refuses the redirect to req when
// there were too many, or when req's robots.txt disallows it (the error
// then wraps colly.ErrRobotsTxtBlocked) or cannot be fetched. via holds
// the requests so far, the first being the one colly made.
func (g *redirectGuard) check(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if g.ignoreRobots || via[0].URL.Path == "/robots.txt" {
		// colly's own robots.txt requests are not pages.
		return nil
	}
	robots, err := g.robotsOf(req)
	if errors.Is(err, netguard.ErrRefused) {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the robots.txt URL is not what was refused
		}
		return fmt.Errorf("redirect to %s not followed: %w", req.URL.Redacted(), err)
	}
	if err != nil {
		return fmt.Errorf("redirect to %s not followed: its robots.txt is unavailable: %w", req.URL.Redacted(), err)
	}
	if !robotsAllow(robots, g.userAgent, req.URL) {
		return fmt.Errorf("redirect to %s not followed: %w", req.URL.Redacted(), colly.ErrRobotsTxtBlocked)
	}
	return nil
}

// robotsAllow reports whether robots lets agent fetch u, matched as colly
// matches the URLs it is asked to fetch: the group of the agent, the
// escaped path and the query.
func robotsAllow(robots *robotstxt.RobotsData, agent string, u *url.URL) bool {
	group := robots.FindGroup(agent)
	if group == nil {
		return true
	}
	path := u.EscapedPath()
	if u.RawQuery != "" {
		path += "?" + u.Query().Encode()
	}
	return group.Test(path)
}

// robotsOf returns the robots.txt of req's origin, fetching it the first
// time within req's context and the crawl's request timeout.
func (g *redirectGuard) robotsOf(req *http.Request) (*robotstxt.RobotsData, error) {
	origin := req.URL.Scheme + "://" + req.URL.Host
	g.mu.Lock()
	r, ok := g.robots[origin]
	g.mu.Unlock()
	if ok {
		return r, nil
	}
	robotsURL := (&url.URL{Scheme: req.URL.Scheme, Host: req.URL.Host, Path: "/robots.txt"}).String()
	ctx, cancel := context.WithTimeout(req.Context(), g.timeout)
	defer cancel()
	rreq, err := http.NewRequestWithContext(ctx, http.MethodGet, robotsURL, nil)
	if err != nil {
		return nil, err
	}
	rreq.Header.Set("User-Agent", g.userAgent)
	resp, err := g.client.Do(rreq)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxRobotsBytes))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", robotsURL, err)
	}
	r, err = robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", robotsURL, err)
	}
	g.mu.Lock()
	g.robots[origin] = r
	g.mu.Unlock()
	return r, nil
}
