package metasearch

import (
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Errors returned (wrapped, with the engine name and a reason) by engines;
// test with errors.Is.
var (
	// ErrTooLarge reports a response body larger than Options.MaxBytes.
	// Reading stops at the cap.
	ErrTooLarge = errors.New("response too large")
	// ErrBadResponse reports a response that is not what the engine
	// speaks: malformed JSON or XML, or a document of the wrong shape.
	ErrBadResponse = errors.New("bad response")
	// ErrBadRequest reports a Request that cannot be sent (see Request),
	// or an engine configuration that cannot work (see the constructors).
	ErrBadRequest = errors.New("bad request")
)

// HTTPError reports a response whose status is not 2xx.
type HTTPError struct {
	// Status is the HTTP status code.
	Status int
	// Engine is the name of the engine that answered.
	Engine string
	// RetryAfter is the delay the engine asked for in a Retry-After header
	// (seconds or an HTTP date), 0 when there was none. Suspending an
	// engine that answers 429 or 503 should honour it.
	RetryAfter time.Duration
}

// Error implements error.
func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("metasearch: %s: HTTP %d %s", e.Engine, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %v)", e.RetryAfter)
	}
	return msg
}

// retryAfter reads a Retry-After header value: delay-seconds or an HTTP
// date (RFC 9110 §10.2.3). Anything else, or a date in the past, gives 0.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var secs int64
	digits := true
	for _, c := range v {
		if c < '0' || c > '9' {
			digits = false
			break
		}
		if secs < 1<<31 {
			secs = secs*10 + int64(c-'0')
		}
	}
	if digits {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
