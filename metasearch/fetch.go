package metasearch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// fetcher sends an engine's requests and reads the answers within the
// caps of its Options. Every engine has one.
type fetcher struct {
	name string
	opt  Options
}

// newFetcher checks o and fills in its defaults.
func newFetcher(name string, o Options) (fetcher, error) {
	o, err := o.withDefaults()
	if err != nil {
		return fetcher{}, fmt.Errorf("metasearch: %s: %w", name, err)
	}
	return fetcher{name: name, opt: o}, nil
}

// response is a body read in full, with what parsing it needs.
type response struct {
	body []byte
	// url is the URL that answered, after redirects: relative links in
	// the body are resolved against it.
	url *url.URL
	// contentType is the Content-Type header.
	contentType string
}

// get fetches u. accept is the Accept header; lang, when not empty, is
// sent as Accept-Language. A non-2xx status gives *HTTPError, a body over
// the cap ErrTooLarge; when ctx or the Options.Timeout ends, the error
// wraps the context's error.
func (f *fetcher) get(ctx context.Context, u *url.URL, accept, lang string) (*response, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: GET %s: %w", f.name, redact(u), cause(ctx, err))
	}
	req.Header.Set("User-Agent", f.opt.UserAgent)
	req.Header.Set("Accept", accept)
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := f.opt.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: GET %s: %w", f.name, redact(u), cause(ctx, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// A little of the body is read so the connection can be reused.
		_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
		return nil, &HTTPError{
			Status:     resp.StatusCode,
			Engine:     f.name,
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
		}
	}
	if resp.ContentLength > f.opt.MaxBytes {
		return nil, fmt.Errorf("metasearch: %s: %w: Content-Length %d is over the %d-byte cap",
			f.name, ErrTooLarge, resp.ContentLength, f.opt.MaxBytes)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opt.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("metasearch: %s: reading the response of %s: %w", f.name, redact(u), cause(ctx, err))
	}
	if int64(len(body)) > f.opt.MaxBytes {
		return nil, fmt.Errorf("metasearch: %s: %w: more than the %d-byte cap", f.name, ErrTooLarge, f.opt.MaxBytes)
	}
	final := u
	if resp.Request != nil && resp.Request.URL != nil {
		final = resp.Request.URL
	}
	return &response{body: body, url: final, contentType: resp.Header.Get("Content-Type")}, nil
}

// badResponse wraps a parse error (which wraps ErrBadResponse) with the
// engine name.
func (f *fetcher) badResponse(err error) error {
	return fmt.Errorf("metasearch: %s: %w", f.name, err)
}

// cause is the error to report for a failed request: the context's error
// when the context has ended (so errors.Is(err, context.DeadlineExceeded)
// holds), else the transport's error without the *url.Error wrapper, whose
// message would repeat the URL with the query in it.
func cause(ctx context.Context, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return ctxErr
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// redact is the scheme and host of u, for error messages: the path and
// query hold what the person searched for, which does not belong in logs.
func redact(u *url.URL) string {
	r := url.URL{Scheme: u.Scheme, Host: u.Host}
	return r.String()
}
