package crawler

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/p2pir/p2pir/internal/netguard"
)

// crawlTransport ties every request of a crawl to the crawl's context and
// dials through the crawl's address policy. colly attaches the context to
// page requests but not to its robots.txt requests, which would otherwise
// run to their timeout after the crawl is cancelled.
type crawlTransport struct {
	ctx  context.Context
	base *http.Transport
}

// newCrawlTransport returns a transport of its own for one crawl (so its
// idle connections can be closed at the end), bound to ctx, whose
// connections are made under policy: the address of every connection,
// those of redirects and robots.txt included, is checked when it is
// dialled. When the policy checks addresses, no proxy is used, since the
// address checked must be the site's, not the proxy's.
func newCrawlTransport(ctx context.Context, policy netguard.Policy) *crawlTransport {
	base := http.DefaultTransport.(*http.Transport).Clone()
	dialer := netguard.NewDialer(policy, &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second})
	base.DialContext = dialer.DialContext
	if dialer.Checks() {
		base.Proxy = nil
	}
	return &crawlTransport{ctx: ctx, base: base}
}

// RoundTrip sends req under a context that ends with either req's own
// context or the crawl's, whichever ends first; the response body stays
// readable until it is closed or one of them ends.
func (t *crawlTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := context.AfterFunc(t.ctx, func() { cancel(context.Cause(t.ctx)) })
	release := func() {
		stop()
		cancel(nil)
	}
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releasingBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// close releases the transport's idle connections.
func (t *crawlTransport) close() { t.base.CloseIdleConnections() }

// releasingBody calls release once when the body is closed.
type releasingBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

// Close closes the body and releases its context.
func (b *releasingBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
