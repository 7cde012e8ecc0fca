package metasearch

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Defaults of Options.
const (
	// DefaultUserAgent is the User-Agent header sent to engines.
	DefaultUserAgent = "p2pir/0.1 (+https://github.com/p2pir/p2pir)"
	// DefaultMaxBytes is the default response body cap: 4 MiB.
	DefaultMaxBytes = 4 << 20
	// DefaultTimeout bounds every request whose context has a later
	// deadline or none.
	DefaultTimeout = 10 * time.Second
	// MaxRedirects is how many redirects the default client follows.
	MaxRedirects = 5
)

// Options are what every engine shares: how it talks HTTP. The zero value
// of each field means its default.
type Options struct {
	// Client sends the requests. Default: a client of its own per engine
	// (see NewHTTPClient): no overall timeout (the context and Timeout
	// bound each request), dial, TLS and response-header timeouts, at most
	// MaxRedirects redirects and none from https to http.
	Client *http.Client
	// UserAgent is sent with every request. Default DefaultUserAgent.
	UserAgent string
	// MaxBytes caps a response body; a larger body fails with ErrTooLarge
	// and reading stops at the cap. Default DefaultMaxBytes (4 MiB).
	MaxBytes int64
	// Timeout bounds every request, in addition to the caller's context
	// (the earlier deadline wins), so that no request goes on forever.
	// Default DefaultTimeout (10 s).
	Timeout time.Duration
}

// DefaultOptions returns Options with every default filled in, including
// a new client from NewHTTPClient.
func DefaultOptions() Options {
	return Options{
		Client:    NewHTTPClient(),
		UserAgent: DefaultUserAgent,
		MaxBytes:  DefaultMaxBytes,
		Timeout:   DefaultTimeout,
	}
}

// withDefaults fills the zero fields of o and checks the others.
func (o Options) withDefaults() (Options, error) {
	if o.MaxBytes < 0 {
		return o, fmt.Errorf("%w: negative MaxBytes %d", ErrBadRequest, o.MaxBytes)
	}
	if o.Timeout < 0 {
		return o, fmt.Errorf("%w: negative Timeout %v", ErrBadRequest, o.Timeout)
	}
	d := Options{UserAgent: DefaultUserAgent, MaxBytes: DefaultMaxBytes, Timeout: DefaultTimeout}
	if o.Client == nil {
		o.Client = NewHTTPClient()
	}
	if o.UserAgent == "" {
		o.UserAgent = d.UserAgent
	}
	if o.MaxBytes == 0 {
		o.MaxBytes = d.MaxBytes
	}
	if o.Timeout == 0 {
		o.Timeout = d.Timeout
	}
	return o, nil
}

// NewHTTPClient returns the client engines use by default: a transport
// with a proxy from the environment, 10 s to dial and to complete a TLS
// handshake, 30 s for the response headers, 64 KiB of headers at most; no
// overall timeout (each request is bounded by its context); at most
// MaxRedirects redirects, to http or https only and never from https to
// http (which would send the query in clear).
func NewHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 30 * time.Second
	t.ExpectContinueTimeout = time.Second
	t.MaxResponseHeaderBytes = 64 << 10
	t.MaxIdleConnsPerHost = 4
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}
}

// checkRedirect is the redirect policy of NewHTTPClient.
func checkRedirect(req *http.Request, via []*http.Request) error {
	// via holds the original request and the redirects followed so far.
	if len(via) > MaxRedirects {
		return fmt.Errorf("stopped after %d redirects", MaxRedirects)
	}
	if s := req.URL.Scheme; s != "http" && s != "https" {
		return fmt.Errorf("redirect to a %q URL refused", s)
	}
	if len(via) > 0 && via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme == "http" {
		return errors.New("redirect from https to http refused")
	}
	return nil
}
